"""Who may call what: the one authorization table, keyed by method and route template.

`CurrentUser` checks every request against it. A route missing here is refused to everyone, and
a test fails, so a new route cannot ship without a decision. Object-level rules (a radiologist acts
only on their own tasks) live in the services.
"""

from app.vocabulary import Role

ANY_ROLE = frozenset(Role)
ADMIN = frozenset({Role.ADMIN})
ADMIN_OR_INTEGRATION = frozenset({Role.ADMIN, Role.INTEGRATION})
READERS = frozenset({Role.ADMIN, Role.RADIOLOGIST})

PUBLIC_ROUTES = frozenset({("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics")})

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
    # tasks
    ("GET", "/api/v1/tasks/{task_id}/eligibility"): READERS,
    # audit and tokens
}


def allowed_roles(method: str, route: str) -> frozenset[Role]:
    return ACCESS.get((method, route), frozenset())
