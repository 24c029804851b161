"""Every background job the worker runs, with its interval in seconds."""

from app.jobs.runner import Job
from app.settings import Settings
from app.studies.service import mark_settled_studies_stable


def all_jobs(settings: Settings) -> list[Job]:
    return [
        Job("stability-sweep", settings.stability_sweep_interval, mark_settled_studies_stable),
    ]
