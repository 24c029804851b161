"""Ingest counters served on the listener's Prometheus port."""

from prometheus_client import Counter

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
