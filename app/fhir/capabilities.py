"""The CapabilityStatement: what our FHIR endpoint does, as a FHIR client asks at `/metadata`."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from app.fhir.outcomes import FHIR_JSON

FHIR_VERSION = "4.0.1"  # R4
# Every search parameter a route takes, by its FHIR type.
SEARCH_PARAMETER_TYPES = {"identifier": "token", "_id": "token"}
SECURITY = (
    "Every request but this one carries an `Authorization: Bearer` token an administrator issued;"
    " orders are written with an integration or administrator token."
)


@dataclass(frozen=True, slots=True)
class ResourceInteractions:
    """What may be done with one resource type: FHIR interaction codes and search parameters."""

    resource_type: str
    interactions: Sequence[str]
    search_parameters: Sequence[str]


def capability_statement(
    base_url: str, software_version: str, resources: Sequence[ResourceInteractions]
) -> CapabilityStatement:
    """This server's statement (`kind` instance): JSON only, the interactions `resources` list."""
    return CapabilityStatement(
        status="active",
        date=datetime.now(UTC),
        kind="instance",
        software={"name": "Reading Worklist", "version": software_version},
        implementation={"description": "Reading worklist orders and reports", "url": base_url},
        fhirVersion=FHIR_VERSION,
        format=[FHIR_JSON, "json"],
        rest=[
            {
                "mode": "server",
                "security": {"description": SECURITY},
                "resource": [_resource(resource) for resource in resources],
            }
        ],
    )


def _resource(resource: ResourceInteractions) -> dict[str, object]:
    described: dict[str, object] = {
        "type": resource.resource_type,
        "interaction": [{"code": code} for code in resource.interactions],
    }
    if "update" in resource.interactions:
        described["updateCreate"] = False  # a new order is sent with POST
    if resource.search_parameters:
        described["searchParam"] = [
            {"name": name, "type": SEARCH_PARAMETER_TYPES[name]}
            for name in resource.search_parameters
        ]
    return described
