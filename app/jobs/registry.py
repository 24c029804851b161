"""Every background job the worker runs, with its interval in seconds."""

from app.db import tables as _tables  # noqa: F401  every table mapped before the first flush
from app.deliveries.service import deliver_pending
from app.jobs.runner import Job
from app.routing.assigner import assign_waiting
from app.routing.escalation import escalate_due
from app.routing.returns import release_lapsed_leases
from app.settings import Settings
from app.workflow.on_stable import mark_settled_studies_stable, seconds_until_next_settles


def all_jobs(settings: Settings) -> list[Job]:
    return [
        Job(
            "stability-sweep",
            settings.stability_sweep_interval,
            mark_settled_studies_stable,
            due_in=seconds_until_next_settles,
        ),
        Job("assign-waiting-tasks", settings.assign_interval, assign_waiting),
        Job("escalate-by-sla", settings.escalate_interval, escalate_due),
        Job("release-lapsed-leases", settings.lease_check_interval, release_lapsed_leases),
        Job("deliver-messages", settings.hl7_delivery_interval, deliver_pending),
    ]
