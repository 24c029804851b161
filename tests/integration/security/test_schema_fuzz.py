"""schemathesis against the live OpenAPI schema: generated requests, valid and invalid, for every
operation, as an admin and as a radiologist. No answer may be a 5xx or stray from the schema."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)
from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.api.main import create_app
from app.people.models import Subspecialty
from app.settings import Settings
from app.vocabulary import SEEDED_SUBSPECIALTIES, Role
from tests.integration.security.conftest import EVENT_STREAM
from tests.support.database import empty_all_tables
from tests.support.factories import make_task

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# Requests per role and generation mode, shared by the operations: the run stays bounded as
# routes arrive (each operation still gets a floor of examples).
REQUEST_BUDGET = 400
FLOOR = 8


@pytest.fixture
def fuzzed_app(settings: Settings, database_url: str, session: Session) -> Iterator[FastAPI]:
    """The API over a few real tasks, so that generated ids sometimes find a row."""
    for _ in range(3):
        make_task(session)
    session.commit()
    # The polling limit would answer 429 to most generated polls and hide what is behind it.
    yield create_app(settings.model_copy(update={"poll_rate_per_minute": 0}), database_url)
    # Generated subspecialties land in a reference table that the next tests keep: remove them.
    empty_all_tables(database_url)
    session.execute(delete(Subspecialty).where(Subspecialty.code.not_in(SEEDED_SUBSPECIALTIES)))
    session.commit()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.RADIOLOGIST])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_generated_requests_get_no_5xx_and_match_the_schema(
    fuzzed_app: FastAPI,
    role_tokens: dict[Role, str],
    make_token: Callable[..., str],
    role: Role,
    mode: GenerationMode,
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed_app)
    fuzzable = [op for op in _operations(schema) if not _streams_events(op)]
    examples = max(FLOOR, REQUEST_BUDGET // len(fuzzable))
    sent = 0
    for operation in fuzzable:
        headers = {"Authorization": f"Bearer {role_tokens[role]}"}
        sent += _fuzz(operation, mode, headers, examples)
        # A generated revoke may have hit our own token: the next operation gets a fresh one.
        role_tokens[role] = _fresh_token(make_token, role_tokens, role)
    assert sent >= len(fuzzable)


def _operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


def _streams_events(operation: Any) -> bool:
    responses = operation.definition.raw.get("responses", {}).values()
    return any(EVENT_STREAM in response.get("content", {}) for response in responses)


def _fuzz(operation: Any, mode: GenerationMode, headers: dict[str, str], examples: int) -> int:
    sent = 0

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        nonlocal sent
        sent += 1
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        run()
    except Unsatisfiable:
        pass  # nothing about this operation can be invalid (no parameters, no body)
    return sent


def _fresh_token(make_token: Callable[..., str], tokens: dict[Role, str], role: Role) -> str:
    if role is Role.RADIOLOGIST:
        return tokens[role]
    return make_token(role, name=f"fuzz {role}")
