"""The base of every request body: a field the API does not know is refused, never dropped, and
so is text Postgres cannot store."""

from pydantic import BaseModel, ConfigDict, field_validator


class RequestBody(BaseModel):
    """A misspelt field (`impresion`, `priorty`) answers 422 naming it instead of saving less."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _storable_text(cls, value: object) -> object:
        # Postgres refuses a NUL in text and JSON alike, and would say so without naming the field.
        if _holds_nul(value):
            raise ValueError("a NUL character (\\u0000), which stored text cannot hold")
        return value


def _holds_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set | frozenset):
        return any(_holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    return False
