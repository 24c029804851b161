"""Fixtures for security tests: a token per role, the live API and its OpenAPI operations."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.orm import Session

from app.api.main import create_app
from app.settings import Settings
from app.vocabulary import Role
from tests.support.factories import make_radiologist
from tests.support.live_api import serving

EVENT_STREAM = "text/event-stream"


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict[str, Any]

    @property
    def streams_events(self) -> bool:
        responses = self.spec.get("responses", {}).values()
        return any(EVENT_STREAM in response.get("content", {}) for response in responses)


@pytest.fixture
def role_tokens(make_token: Callable[..., str], session: Session) -> dict[Role, str]:
    """One token per role; the radiologist's is linked to a radiologist record."""
    reader = make_radiologist(session)
    session.commit()
    return {
        Role.ADMIN: make_token(Role.ADMIN, name="admin"),
        Role.RADIOLOGIST: make_token(Role.RADIOLOGIST, name="reader", radiologist_id=reader.id),
        Role.INTEGRATION: make_token(Role.INTEGRATION, name="ris"),
    }


@pytest.fixture
def live_api(settings: Settings, database_url: str) -> Iterator[str]:
    with serving(create_app(settings, database_url)) as base_url:
        yield base_url


def operations(openapi: dict[str, Any]) -> list[Operation]:
    return [
        Operation(method.upper(), path, spec)
        for path, item in openapi["paths"].items()
        for method, spec in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
