"""Ingest counters served on the listener's Prometheus port."""

from collections.abc import Iterator

from prometheus_client import REGISTRY, Counter
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

INSTANCES = Counter(
    "worklist_ingest_instances",
    "C-STORE requests answered with success, by outcome (stored or duplicate).",
    ["outcome"],
)
FAILURES = Counter(
    "worklist_ingest_failures", "C-STORE requests answered with a failure, by status.", ["status"]
)
BYTES = Counter("worklist_ingest_bytes", "Bytes of datasets received and stored.")
ASSOCIATIONS = Counter(
    "worklist_ingest_associations", "Association requests, by result.", ["result"]
)


class LastReconciliation(Collector):
    """What the start's reconciliation found, served by the process that ran it.

    A collector rather than a Gauge: with several acceptor processes, their metrics are added
    up from files, and only the parent, which reconciles, knows this figure.
    """

    def __init__(self) -> None:
        self.rows_without_file = 0

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily(
            "worklist_ingest_rows_without_file",
            "Instance rows whose file was missing from storage at the last reconciliation.",
            value=self.rows_without_file,
        )


RECONCILIATION = LastReconciliation()
REGISTRY.register(RECONCILIATION)
