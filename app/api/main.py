"""The FastAPI application: routers, error mapping and observation wired together."""

import sys

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from app.api.limits import STREAMED_ROUTES, BodySizeLimit, PollingRateLimit
from app.api.middleware import RequestObservation
from app.api.openapi import document_api
from app.api.problems import install_problem_handlers
from app.api.query_parameters import refuse_unknown_query_parameters
from app.api.request_text import refuse_unstorable_text
from app.api.routes import (
    audit,
    changes,
    corrections,
    deliveries,
    dicomweb_read,
    dicomweb_retrieve,
    dicomweb_store,
    eligibility,
    events,
    fhir,
    health,
    me,
    metrics,
    orders,
    patients,
    quarantine,
    radiologists,
    reports,
    rules,
    second_opinion_requests,
    studies,
    subspecialties,
    tasks,
    tokens,
    uploads,
    users,
)
from app.db import tables as _tables  # noqa: F401  every table mapped before the first flush
from app.db.migrations import head_revision
from app.logging_config import configure_logging
from app.settings import Settings, get_settings
from app.startup import freeze_startup_objects
from app.web.errors import install_page_errors
from app.web.rendering import STATIC_DIR
from app.web.routes import PAGE_ROUTERS
from app.web.security import STATIC_MOUNT, SecurityHeaders


def create_app(settings: Settings, database_url: str) -> FastAPI:
    app = FastAPI(
        title="Reading Worklist",
        version="0.1.0",
        description="Routes DICOM studies to the right subspecialist; runs the reading workflow.",
        docs_url=None,  # served from the repository's own files: see app/web/routes/api_docs.py
        redoc_url=None,
        dependencies=[Depends(refuse_unstorable_text), Depends(refuse_unknown_query_parameters)],
    )
    app.state.settings = settings
    app.state.database_url = database_url
    app.state.schema_head = head_revision()
    app.state.poll_limit = PollingRateLimit(settings.poll_rate_per_minute, settings.poll_burst)
    install_problem_handlers(app)
    install_page_errors(app)
    document_api(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes, streamed=STREAMED_ROUTES)
    app.add_middleware(SecurityHeaders)
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
        corrections,
        orders,
        second_opinion_requests,
        deliveries,
        fhir,
        reports,
        tokens,
        users,
        audit,
        dicomweb_store,
        dicomweb_read,
        dicomweb_retrieve,
        uploads,
        patients,
        quarantine,
    ):
        app.include_router(module.router)
    for page_router in PAGE_ROUTERS:
        app.include_router(page_router)
    app.mount(STATIC_MOUNT, StaticFiles(directory=STATIC_DIR), name="static")
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
