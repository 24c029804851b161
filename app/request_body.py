"""The base of every request body: a field the API does not know is refused, never dropped, and
so is text Postgres cannot store."""

from pydantic import BaseModel, ConfigDict, field_validator

NUL_REFUSED = "a NUL character (\\u0000), which stored text cannot hold"


class RequestBody(BaseModel):
    """A misspelt field (`impresion`, `priorty`) answers 422 naming it instead of saving less."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _storable_text(cls, value: object) -> object:
        # Postgres refuses a NUL in text and JSON alike, and would say so without naming the field.
        if holds_nul(value):
            raise ValueError(NUL_REFUSED)
        return value


def holds_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set | frozenset):
        return any(holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any(holds_nul(key) or holds_nul(item) for key, item in value.items())
    return False
