"""Ingest benchmark: DCMTK storescu sends the same data to our listener and to the receivers a
PACS admin would otherwise run, with 1 and 4 parallel senders, all inside a private network
namespace on loopback. Prints instances/s and MB/s for each and our ratio to each.

Usage: python -m bench.ingest [--repeat N] [--processes N]   (needs root for `unshare -n`)
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from app.db.embedded import start_embedded_postgres, stop_embedded_postgres
from app.db.migrations import upgrade_to_head
from bench.ingest_data import DATASETS, OUT, dataset_files
from bench.ingest_targets import (
    NODELAY,
    BareScp,
    Orthanc,
    OurListener,
    StoreScp,
    Target,
    dcmtk,
    missing_peers,
)

PORT = 11300
SENDERS = (1, 4)
IN_NAMESPACE = "INGEST_BENCH_IN_NAMESPACE"


@dataclass
class Run:
    seconds: float
    instances: int
    megabytes: float
    cpu_seconds: float  # the receiver's, with its database where it has a separate one

    @property
    def cpu_ms_per_instance(self) -> float:
        return 1000 * self.cpu_seconds / self.instances

    @property
    def per_second(self) -> float:
        return self.instances / self.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell (median reported)")
    parser.add_argument(
        "--processes", type=int, default=os.cpu_count() or 2, help="our listener's processes"
    )
    args = parser.parse_args()
    missing = missing_peers()
    if missing:
        print(f"cannot run: missing {', '.join(missing)} (apt-get install dcmtk orthanc iproute2)")
        sys.exit(2)
    if not os.environ.get(IN_NAMESPACE):
        _reenter_in_private_network()
    sys.exit(_benchmark(args.repeat, args.processes))


def _reenter_in_private_network() -> None:
    """Orthanc binds 0.0.0.0: run everything in a namespace whose only interface is loopback."""
    command = [sys.executable, "-m", "bench.ingest", *sys.argv[1:]]
    script = 'ip link set lo up && exec "$@"'
    env = {**os.environ, IN_NAMESPACE: "1"}
    os.execvpe("unshare", ["unshare", "-n", "--", "sh", "-c", script, "sh", *command], env)


def _benchmark(repeat: int, processes: int) -> int:
    pgdata = OUT / "pgdata"
    database_url = start_embedded_postgres(pgdata, "worklist_bench")
    try:
        upgrade_to_head(database_url)
        targets: list[Target] = [
            OurListener(database_url, processes, pgdata),
            BareScp(),
            StoreScp(),
            Orthanc(),
        ]
        ok = all(_dataset_rounds(name, targets, repeat) for name in DATASETS)
    finally:
        stop_embedded_postgres(pgdata)
    _print_notes()
    return 0 if ok else 1


def _dataset_rounds(name: str, targets: list[Target], repeat: int) -> bool:
    files = dataset_files(name)
    megabytes = sum(path.stat().st_size for path in files) / 1e6
    print(f"\n== {name}: {len(files)} instances, {megabytes:.0f} MB ==")
    ok = True
    for senders in SENDERS:
        runs = {target.name: [] for target in targets}  # type: dict[str, list[Run]]
        for _ in range(repeat):
            for target in targets:
                run = _one_run(target, files, senders, megabytes)
                ok = ok and run is not None
                if run:
                    runs[target.name].append(run)
        _print_table(senders, targets, runs)
    return ok


def _one_run(
    target: Target, files: list[Path], senders: int, megabytes: float, port: int = PORT
) -> Run | None:
    workdir = OUT / "run" / target.called_ae.lower()
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    target.start(workdir, port)
    try:
        cpu_before = target.cpu_seconds()
        seconds = _send_in_parallel(target.called_ae, files, senders, port)
        cpu_seconds = target.cpu_seconds() - cpu_before
        stored = target.stored()
    finally:
        target.stop()
    if stored != len(files):
        print(f"  !! {target.name}: stored {stored} of {len(files)} instances")
        return None
    return Run(seconds, len(files), megabytes, cpu_seconds)


def _send_in_parallel(called_ae: str, files: list[Path], senders: int, port: int = PORT) -> float:
    """One storescu per disjoint group of files, started together; time until the last exits."""
    groups = [files[index::senders] for index in range(senders)]
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            [dcmtk("storescu"), "-aet", "BENCH", "-aec", called_ae, "127.0.0.1", str(port)]
            + [str(path) for path in group],
            env=NODELAY,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for group in groups
    ]
    codes = [process.wait() for process in processes]
    elapsed = time.perf_counter() - started
    if any(codes):
        print(f"  !! storescu exit codes {codes} sending to {called_ae}")
    return elapsed


def _print_table(senders: int, targets: list[Target], runs: dict[str, list[Run]]) -> None:
    ours = _median(runs[targets[0].name])
    print(f"-- {senders} sender(s) --")
    print(f"  {'receiver':40} {'inst/s':>8} {'MB/s':>7} {'ours/it':>8} {'CPU ms/inst':>12}")
    for target in targets:
        run = _median(runs[target.name])
        if run is None:
            print(f"  {target.name:40} {'failed':>8}")
            continue
        ratio = f"{ours.per_second / run.per_second:.2f}x" if ours else "-"
        mb_per_second = run.megabytes / run.seconds
        print(
            f"  {target.name:40} {run.per_second:8.0f} {mb_per_second:7.1f} {ratio:>8}"
            f" {run.cpu_ms_per_instance:12.2f}"
        )


def _median(runs: list[Run]) -> Run | None:
    if not runs:
        return None
    seconds = statistics.median(run.seconds for run in runs)
    cpu_seconds = statistics.median(run.cpu_seconds for run in runs)
    return Run(seconds, runs[0].instances, runs[0].megabytes, cpu_seconds)


def _print_notes() -> None:
    print(
        "\nAll peers run with TCP_NODELAY=1 (each at its best). Durability differs: our listener"
        "\nfsyncs each file and commits its database row before answering 0x0000; the bare SCP"
        "\nfsyncs files only; Orthanc fdatasyncs files but its SQLite index is not synced per"
        "\ninstance; storescp never fsyncs (an upper bound, not a peer)."
        "\nCPU ms/inst is each receiver's user + system CPU per instance (ours with its Postgres"
        f"\nserver). With {os.cpu_count()} CPUs shared with the senders, a receiver cannot exceed"
        "\nCPUs / (CPU ms/inst) instances per second however many processes it runs."
    )


if __name__ == "__main__":
    main()
