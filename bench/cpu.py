"""CPU time of the processes a benchmark runs against."""

import time

import psutil

# A server using less than this share of one CPU is taken as waiting for work.
IDLE_SHARE = 0.05


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


def wait_until_idle(pid: int, timeout: float, quiet_for: float = 0.5) -> None:
    """Wait until a started server's processes stop using CPU: the port of a server with
    several processes opens before each has imported its code, and a connection made meanwhile
    lands on whichever is ready and stays there."""
    deadline = time.monotonic() + timeout
    used = tree_cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(quiet_for)
        now = tree_cpu_seconds(pid)
        if now - used < IDLE_SHARE * quiet_for:
            return
        used = now
    raise TimeoutError(f"process {pid} still busy after {timeout} s")
