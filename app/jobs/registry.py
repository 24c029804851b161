"""Every background job the worker runs, with its interval in seconds."""

from app.jobs.runner import Job
from app.settings import Settings


def all_jobs(settings: Settings) -> list[Job]:
    return []
