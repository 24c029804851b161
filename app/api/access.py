"""Who may call what: the one authorization table, keyed by method and route template.

`CurrentUser` checks every request against it. A route missing here is refused to everyone, and
a test fails, so a new route cannot ship without a decision. Object-level rules (a radiologist acts
only on their own tasks) live in the services.
"""

from app.vocabulary import Role

ANY_ROLE = frozenset(Role)
ADMIN = frozenset({Role.ADMIN})
ADMIN_OR_INTEGRATION = frozenset({Role.ADMIN, Role.INTEGRATION})
RADIOLOGIST = frozenset({Role.RADIOLOGIST})
READERS = frozenset({Role.ADMIN, Role.RADIOLOGIST})

# What a FHIR client asks first, before it has a token: what the endpoint does.
PUBLIC_ROUTES = frozenset(
    {("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics"), ("GET", "/fhir/metadata")}
)
# Pages anyone may load: the API's own reference, and what it takes to sign in.
PUBLIC_PAGES = frozenset(
    {
        ("GET", "/openapi.json"),
        ("GET", "/docs"),
        ("GET", "/redoc"),
        ("GET", "/sign-in"),
        ("POST", "/sign-in"),
        ("GET", "/set-password/{secret}"),
        ("POST", "/set-password/{secret}"),
    }
)

ACCESS: dict[tuple[str, str], frozenset[Role]] = {
    # identity
    ("GET", "/api/v1/me"): ANY_ROLE,
    # people and pools
    ("POST", "/api/v1/radiologists"): ADMIN,
    ("GET", "/api/v1/radiologists"): ADMIN,
    ("GET", "/api/v1/radiologists/{radiologist_id}"): ADMIN,
    ("PATCH", "/api/v1/radiologists/{radiologist_id}"): ADMIN,
    ("GET", "/api/v1/subspecialties"): ANY_ROLE,
    ("POST", "/api/v1/subspecialties"): ADMIN,
    # rules
    ("GET", "/api/v1/rules"): ADMIN,
    ("PUT", "/api/v1/rules"): ADMIN,
    ("GET", "/api/v1/rules/versions"): ADMIN,
    ("GET", "/api/v1/rules/versions/{version}"): ADMIN,
    ("GET", "/api/v1/rules/versions/{version}/diff"): ADMIN,
    ("POST", "/api/v1/rules/versions/{version}/restore"): ADMIN,
    ("POST", "/api/v1/rules/dry-run"): ADMIN,
    # studies
    ("GET", "/api/v1/studies"): ANY_ROLE,
    ("GET", "/api/v1/studies/{study_uid}"): ANY_ROLE,
    ("PATCH", "/api/v1/studies/{study_uid}"): ADMIN_OR_INTEGRATION,
    ("POST", "/api/v1/studies/{study_uid}/second-opinions"): ADMIN_OR_INTEGRATION,
    ("PATCH", "/api/v1/studies/{study_uid}/classification"): READERS,
    ("POST", "/api/v1/patients/links"): ADMIN,
    ("PATCH", "/api/v1/series/{series_uid}/classification"): READERS,
    # orders from the RIS or EHR
    ("GET", "/api/v1/orders/unmatched"): ADMIN,
    ("GET", "/api/v1/orders/{accession_number}"): ADMIN_OR_INTEGRATION,
    ("GET", "/api/v1/deliveries"): ADMIN,
    # second-opinion requests from outside (a second-opinion portal)
    ("POST", "/api/v1/second-opinion-requests"): ADMIN_OR_INTEGRATION,
    ("GET", "/api/v1/second-opinion-requests"): ADMIN_OR_INTEGRATION,
    ("GET", "/api/v1/second-opinion-requests/{request_id}"): ADMIN_OR_INTEGRATION,
    ("GET", "/api/v1/second-opinion-requests/{request_id}/report.pdf"): ADMIN_OR_INTEGRATION,
    # FHIR R4 at the edge
    ("POST", "/fhir/ServiceRequest"): ADMIN_OR_INTEGRATION,
    ("PUT", "/fhir/ServiceRequest/{order_id}"): ADMIN_OR_INTEGRATION,
    ("GET", "/fhir/ServiceRequest"): ADMIN_OR_INTEGRATION,
    ("GET", "/fhir/ServiceRequest/{order_id}"): ADMIN_OR_INTEGRATION,
    ("GET", "/fhir/DiagnosticReport"): ANY_ROLE,
    ("GET", "/fhir/DiagnosticReport/{report_id}"): ANY_ROLE,
    ("GET", "/fhir/Task"): ANY_ROLE,
    ("GET", "/fhir/Task/{task_id}"): ANY_ROLE,
    # tasks
    ("GET", "/api/v1/tasks/{task_id}/eligibility"): READERS,
    ("GET", "/api/v1/tasks"): ANY_ROLE,
    ("POST", "/api/v1/tasks/next"): RADIOLOGIST,
    ("GET", "/api/v1/tasks/{task_id}"): ANY_ROLE,
    ("POST", "/api/v1/tasks/{task_id}/claim"): RADIOLOGIST,
    ("POST", "/api/v1/tasks/{task_id}/heartbeat"): RADIOLOGIST,
    ("POST", "/api/v1/tasks/{task_id}/release"): RADIOLOGIST,
    ("POST", "/api/v1/tasks/{task_id}/preliminary"): RADIOLOGIST,
    ("POST", "/api/v1/tasks/{task_id}/finalize"): RADIOLOGIST,
    ("POST", "/api/v1/tasks/{task_id}/addendum"): RADIOLOGIST,
    ("POST", "/api/v1/tasks/{task_id}/assign"): ADMIN,
    ("POST", "/api/v1/tasks/{task_id}/reassign"): ADMIN,
    ("POST", "/api/v1/tasks/{task_id}/unassign"): ADMIN,
    ("POST", "/api/v1/tasks/{task_id}/cancel"): ADMIN_OR_INTEGRATION,
    ("GET", "/api/v1/changes"): ANY_ROLE,
    ("GET", "/api/v1/events"): ANY_ROLE,
    ("GET", "/api/v1/metrics/concordance"): ADMIN,
    ("GET", "/api/v1/metrics/ingest"): ADMIN,
    ("GET", "/api/v1/metrics/turnaround"): ADMIN,
    # audit and tokens
    ("GET", "/api/v1/audit"): ADMIN,
    ("GET", "/api/v1/audit/export"): ADMIN,
    ("GET", "/api/v1/tokens"): ADMIN,
    ("POST", "/api/v1/tokens"): ADMIN,
    ("POST", "/api/v1/tokens/{token_id}/revoke"): ADMIN,
    # studies brought in over HTTP
    # Admins and radiologists bring outside studies in by hand (the intake page), portals by API.
    ("POST", "/api/v1/uploads"): ANY_ROLE,
    ("GET", "/api/v1/quarantine"): ADMIN,
    ("POST", "/api/v1/quarantine/{name}/reingest"): ADMIN,
    ("DELETE", "/api/v1/quarantine/{name}"): ADMIN,
    # DICOMweb
    ("POST", "/dicomweb/studies"): ADMIN_OR_INTEGRATION,
    ("POST", "/dicomweb/studies/{study}"): ADMIN_OR_INTEGRATION,
    ("GET", "/dicomweb/studies"): ANY_ROLE,
    ("GET", "/dicomweb/studies/{study}/series"): ANY_ROLE,
    ("GET", "/dicomweb/studies/{study}/series/{series}/instances"): ANY_ROLE,
    ("GET", "/dicomweb/studies/{study}"): ANY_ROLE,
    ("GET", "/dicomweb/studies/{study}/series/{series}"): ANY_ROLE,
    ("GET", "/dicomweb/studies/{study}/series/{series}/instances/{instance}"): ANY_ROLE,
    ("GET", "/dicomweb/studies/{study}/metadata"): ANY_ROLE,
    ("GET", "/dicomweb/studies/{study}/series/{series}/metadata"): ANY_ROLE,
    ("GET", "/dicomweb/studies/{study}/series/{series}/instances/{instance}/metadata"): ANY_ROLE,
    (
        "GET",
        "/dicomweb/studies/{study}/series/{series}/instances/{instance}/frames/{frame_list}",
    ): ANY_ROLE,
    # people who sign in to the pages
    ("GET", "/api/v1/users"): ADMIN,
    ("POST", "/api/v1/users"): ADMIN,
    ("POST", "/api/v1/users/{user_id}/reset"): ADMIN,
    ("PATCH", "/api/v1/users/{user_id}"): ADMIN,
    # pages
    ("POST", "/sign-out"): READERS,
    ("GET", "/"): READERS,
    ("POST", "/"): READERS,
    ("POST", "/next"): RADIOLOGIST,
    ("GET", "/tasks/{task_id}"): READERS,
    ("POST", "/tasks/{task_id}"): RADIOLOGIST,
    ("GET", "/admin/users"): ADMIN,
    ("POST", "/admin/users"): ADMIN,
    ("GET", "/admin/rules"): ADMIN,
    ("GET", "/admin/rules/edit"): ADMIN,
    ("POST", "/admin/rules/edit"): ADMIN,
    ("GET", "/admin/rules/test"): ADMIN,
    ("POST", "/admin/rules/test"): ADMIN,
    ("GET", "/admin/people"): ADMIN,
    ("POST", "/admin/people"): ADMIN,
    ("GET", "/admin/people/{radiologist_id}"): ADMIN,
    ("POST", "/admin/people/{radiologist_id}"): ADMIN,
    ("GET", "/admin/tasks/{task_id}/eligibility"): ADMIN,
    ("POST", "/admin/tasks/{task_id}/eligibility"): ADMIN,
    ("GET", "/admin/dashboard"): ADMIN,
    ("GET", "/intake"): READERS,
    ("GET", "/admin/quarantine"): ADMIN,
    ("POST", "/admin/quarantine/{name}/reingest"): ADMIN,
    ("POST", "/admin/quarantine/{name}/delete"): ADMIN,
    ("GET", "/admin/audit"): ADMIN,
    ("GET", "/admin/tokens"): ADMIN,
    ("POST", "/admin/tokens"): ADMIN,
    ("POST", "/admin/tokens/{token_id}/revoke"): ADMIN,
    ("GET", "/admin/rules/versions/{version}/restore"): ADMIN,
    ("POST", "/admin/rules/versions/{version}/restore"): ADMIN,
}


def allowed_roles(method: str, route: str) -> frozenset[Role]:
    return ACCESS.get((method, route), frozenset())
