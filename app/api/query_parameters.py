"""Query parameters a JSON API route does not take, refused by name rather than ignored.

A misspelt filter (`?prioirty=STAT`) ignored would answer the whole list as if it were the
filtered one; the API refuses it as it refuses an unknown field of a body. FHIR and DICOMweb
searches follow their standards instead (FHIR ignores a parameter it does not know, QIDO-RS says
so in a Warning), and pages keep their own forms' fields.
"""

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from app.api.request_text import shown

API_PREFIX = "/api/"
UNKNOWN_PARAMETER = (
    "not a parameter of this request (unknown parameters are refused, never ignored)"
)


def declared_query_parameters(dependant: Dependant) -> list[str]:
    """The query parameters a route takes, its dependencies' included."""
    inner = [name for each in dependant.dependencies for name in declared_query_parameters(each)]
    return [parameter.alias for parameter in dependant.query_params] + inner


# By route, once: routes are not hashable, their unique ids are.
_TAKEN: dict[str, frozenset[str]] = {}


def _taken_by(route: APIRoute) -> frozenset[str]:
    taken = _TAKEN.get(route.unique_id)
    if taken is None:
        taken = _TAKEN[route.unique_id] = frozenset(declared_query_parameters(route.dependant))
    return taken


async def refuse_unknown_query_parameters(request: Request) -> None:
    """Every route's dependency: on the JSON API, a query parameter its route does not take is
    a 422 naming it."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not route.path_format.startswith(API_PREFIX):
        return
    taken = _taken_by(route)
    unknown = sorted({name for name in request.query_params if name not in taken})
    if unknown:
        raise RequestValidationError(
            [
                {"loc": ("query", shown(name)), "msg": UNKNOWN_PARAMETER, "type": "unknown"}
                for name in unknown
            ]
        )
