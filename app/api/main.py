"""The FastAPI application: routers, error mapping and observation wired together."""

import sys

from fastapi import FastAPI

from app.api.access import PUBLIC_ROUTES
from app.api.limits import BodySizeLimit, PollingRateLimit
from app.api.middleware import RequestObservation
from app.api.problems import document_problems, install_problem_handlers
from app.api.routes import (
    audit,
    changes,
    deliveries,
    eligibility,
    events,
    fhir,
    health,
    me,
    metrics,
    orders,
    radiologists,
    reports,
    rules,
    studies,
    subspecialties,
    tasks,
    tokens,
)
from app.db import tables as _tables  # noqa: F401  every table mapped before the first flush
from app.db.migrations import head_revision
from app.logging_config import configure_logging
from app.settings import Settings, get_settings
from app.startup import freeze_startup_objects


def create_app(settings: Settings, database_url: str) -> FastAPI:
    app = FastAPI(
        title="Reading Worklist",
        version="0.1.0",
        description="Routes DICOM studies to the right subspecialist; runs the reading workflow.",
    )
    app.state.settings = settings
    app.state.database_url = database_url
    app.state.schema_head = head_revision()
    app.state.poll_limit = PollingRateLimit(settings.poll_rate_per_minute, settings.poll_burst)
    install_problem_handlers(app)
    document_problems(app, undocumented=PUBLIC_ROUTES)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestObservation)
    for module in (
        health,
        metrics,
        me,
        radiologists,
        subspecialties,
        rules,
        eligibility,
        tasks,
        changes,
        events,
        studies,
        orders,
        deliveries,
        fhir,
        reports,
        tokens,
        audit,
    ):
        app.include_router(module.router)
    return app


def app_in_worker_process() -> FastAPI:
    """The app of one of `worklist api --processes N`'s workers.

    `worklist api` started or found the database and put its URL in the environment first, so a
    worker only connects to it.
    """
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    sys.setswitchinterval(settings.api_switch_interval)
    assert settings.database_url is not None
    app = create_app(settings, settings.database_url)
    freeze_startup_objects()
    return app
