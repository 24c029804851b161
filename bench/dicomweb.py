"""DICOMweb benchmark: STOW-RS at 1 and 4 clients beside our C-STORE listener and Orthanc's
STOW-RS, WADO-RS retrieve of a series beside the disk and Orthanc, and QIDO p95.

The ingest benchmark's 2,000-instance MR set is stored by C-STORE (DCMTK storescu into our
listener), by STOW-RS into our API and by STOW-RS into Orthanc with Debian's DICOMweb plugin
(batches of 50 instances per request), in the same run, each rate the median of `--runs`. A
500-instance series is then retrieved whole by WADO-RS from us and from Orthanc, beside reading
its stored files from disk; then QIDO-RS study searches are timed over `--studies` studies.
"""

import argparse
import os
import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from pydicom import dcmread

from app.auth.service import issue_token
from app.db.migrations import upgrade_to_head
from app.db.session import session_scope
from app.vocabulary import Role
from bench.api import bench_database
from bench.cpu import wait_until_idle
from bench.dicomweb_orthanc import orthanc_dicomweb, orthanc_instances
from bench.dicomweb_qido import qido, seed_studies
from bench.dicomweb_retrieve import disk_rate, retrieve_rate
from bench.ingest import PORT, SENDERS, _send_in_parallel
from bench.ingest_data import dataset_files
from bench.ingest_targets import OurListener
from bench.stow_client import BATCH, stow_seconds
from tests.support.api_server import RunningApi, running_api

# A shared machine under load may take long to start a server.
START_SECONDS = 180.0


@dataclass(frozen=True)
class Bench:
    database_url: str
    folder: Path
    token: str
    files: list[Path]
    processes: int


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--studies", type=int, default=100_000, help="studies for QIDO")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the median)")
    args = parser.parse_args()
    files = dataset_files("mr-2000-256")
    megabytes = sum(path.stat().st_size for path in files) / 1e6
    print(f"mr-2000-256: {len(files)} instances, {megabytes:.0f} MB; STOW-RS batches of {BATCH}")
    with tempfile.TemporaryDirectory() as name, bench_database(Path(name)) as database_url:
        upgrade_to_head(database_url)
        bench = Bench(database_url, Path(name), _token(database_url), files, args.processes)
        _ingest_rates(bench, args.runs)
        _retrieve(bench, args.runs)
        seed_studies(database_url, args.studies)
        with _api(bench, bench.folder / "api-qido") as api:
            qido(f"http://127.0.0.1:{api.port}/dicomweb", bench.token, args.studies)


def _ingest_rates(bench: Bench, runs: int) -> None:
    """Each run measures the three one after the other, so load from others hits them alike."""
    print(f"\ninstances stored per second, median of {runs} runs")
    print("| clients | C-STORE | STOW-RS | Orthanc STOW-RS | STOW-RS / C-STORE "
          "| STOW-RS / Orthanc |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    measures = (_c_store_rate, _our_stow_rate, _orthanc_stow_rate)
    for clients in SENDERS:
        rates = [[measure(bench, clients, run) for measure in measures] for run in range(runs)]
        c_store, ours, orthanc = (statistics.median(column) for column in zip(*rates, strict=True))
        print(f"| {clients} | {c_store:.0f} | {ours:.0f} | {orthanc:.0f} "
              f"| {ours / c_store:.2f}x | {ours / orthanc:.2f}x |")  # fmt: skip


@contextmanager
def _api(bench: Bench, home: Path) -> Iterator[RunningApi]:
    """The API once its processes are at rest, as Orthanc is used once it answers: their start
    (imports, first connections) is not part of any figure."""
    with running_api(
        bench.database_url, home, processes=bench.processes, ready_within=START_SECONDS
    ) as api:
        wait_until_idle(api.pid, START_SECONDS)
        yield api


def _token(database_url: str) -> str:
    with session_scope(database_url) as session:
        return issue_token(session, name="BENCH", role=Role.ADMIN).secret


def _truncate(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("TRUNCATE studies, series, instances, audit_events CASCADE")


def _c_store_rate(bench: Bench, clients: int, run: int) -> float:
    _truncate(bench.database_url)
    listener = OurListener(bench.database_url, bench.processes, bench.folder / "pgdata")
    workdir = bench.folder / f"listener-{clients}-{run}"
    workdir.mkdir()
    try:
        # Inside: a listener that never answers is stopped too, not left holding the port.
        listener.start(workdir, PORT)
        seconds = _send_in_parallel(listener.called_ae, bench.files, clients)
        _check_stored(_our_instances(bench.database_url), len(bench.files))
    finally:
        listener.stop()
    return len(bench.files) / seconds


def _our_stow_rate(bench: Bench, clients: int, run: int) -> float:
    _truncate(bench.database_url)
    # A fresh API per round: the tables are emptied between rounds, under its caches.
    home = bench.folder / f"api-{clients}-{run}"
    with _api(bench, home) as api:
        url = f"http://127.0.0.1:{api.port}/dicomweb"
        headers = {"Authorization": f"Bearer {bench.token}"}
        seconds = stow_seconds(url, headers, bench.files, clients)
    _check_stored(_our_instances(bench.database_url), len(bench.files))
    return len(bench.files) / seconds


def _orthanc_stow_rate(bench: Bench, clients: int, run: int) -> float:
    with orthanc_dicomweb(bench.folder / f"orthanc-{clients}-{run}") as url:
        seconds = stow_seconds(url, {}, bench.files, clients)
        _check_stored(orthanc_instances(url), len(bench.files))
    return len(bench.files) / seconds


def _retrieve(bench: Bench, runs: int) -> None:
    """One 500-instance series stored in both servers, then retrieved whole from each."""
    files = dataset_files("mr-500-256")
    first = dcmread(files[0], stop_before_pixels=True)
    path = f"/studies/{first.StudyInstanceUID}/series/{first.SeriesInstanceUID}"
    headers = {"Authorization": f"Bearer {bench.token}"}
    _truncate(bench.database_url)
    home = bench.folder / "api-retrieve"
    with _api(bench, home) as api:
        url = f"http://127.0.0.1:{api.port}/dicomweb"
        stow_seconds(url, headers, files, 4)
        ours = retrieve_rate(url + path, headers, runs)
    disk = disk_rate(sorted((home / "storage").rglob("*.dcm")), runs)
    with orthanc_dicomweb(bench.folder / "orthanc-retrieve") as url:
        stow_seconds(url, {}, files, 4)
        orthanc = retrieve_rate(url + path, {}, runs)
    megabytes = sum(path.stat().st_size for path in files) / 1e6
    print(f"\nWADO-RS retrieve of one {len(files)}-instance series ({megabytes:.0f} MB), "
          f"median of {runs}:")  # fmt: skip
    print("| source | MB/s | ours / source |")
    print("|---|---|---|")
    for source, rate in (("our WADO-RS", ours), ("files read from disk", disk),
                         ("Orthanc WADO-RS", orthanc)):  # fmt: skip
        print(f"| {source} | {rate:.0f} | {ours / rate:.2f}x |")


def _our_instances(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM instances").fetchone()
    return int(row[0]) if row else 0


def _check_stored(stored: int, expected: int) -> None:
    if stored != expected:
        print(f"  !! stored {stored} of {expected} instances")


if __name__ == "__main__":
    main()
