"""CPU time of the processes a benchmark runs against."""

import psutil


def tree_cpu_seconds(pid: int) -> float:
    """User plus system CPU time so far of a process and its descendants, living or reaped
    (storescp --fork ends a child with each association)."""
    root = psutil.Process(pid)
    total = 0.0
    for process in [root, *root.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total
