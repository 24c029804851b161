"""The base of every request body: a field the API does not know is refused, never dropped."""

from pydantic import BaseModel, ConfigDict


class RequestBody(BaseModel):
    """A misspelt field (`impresion`, `priorty`) answers 422 naming it instead of saving less."""

    model_config = ConfigDict(extra="forbid")
