"""Prometheus scrape endpoint for the API: this process's metrics, or all its siblings'."""

import os

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from app.api.examples import SCRAPE
from app.process_metrics import FOLDER_VARIABLE, all_processes_registry

router = APIRouter(tags=["health"])


@router.get(
    "/metrics",
    response_class=Response,
    summary="Prometheus metrics of the API",
    responses={200: {"content": {CONTENT_TYPE_LATEST: {"example": SCRAPE}}}},
)
def metrics() -> Response:
    """Prometheus text format: requests by route and status, durations, process figures.

    No token (scrape it from the monitoring network only); changes nothing.
    """
    registry = all_processes_registry() if FOLDER_VARIABLE in os.environ else REGISTRY
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
