"""DICOMweb benchmark: STOW-RS at 1 and 4 clients beside our C-STORE listener, and QIDO p95.

The ingest benchmark's 2,000-instance MR set is stored by C-STORE (DCMTK storescu into our
listener) and by STOW-RS (batches of 50 instances per request into our API) in the same run,
on the same database; then QIDO-RS study searches are timed over `--studies` stored studies.
"""

import argparse
import os
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg

from app.auth.service import issue_token
from app.db.migrations import upgrade_to_head
from app.db.session import session_scope
from app.vocabulary import Role
from bench.api import bench_database, percentile
from bench.ingest import PORT, SENDERS, _send_in_parallel
from bench.ingest_data import dataset_files
from bench.ingest_targets import OurListener
from tests.support.api_server import running_api

BATCH = 50
BOUNDARY = "bench-boundary"
STOW_TYPE = f'multipart/related; type="application/dicom"; boundary={BOUNDARY}'
QIDO_QUERIES = 500


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--studies", type=int, default=100_000, help="studies for QIDO")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    files = dataset_files("mr-2000-256")
    megabytes = sum(path.stat().st_size for path in files) / 1e6
    print(f"mr-2000-256: {len(files)} instances, {megabytes:.0f} MB; STOW-RS batches of {BATCH}")
    with tempfile.TemporaryDirectory() as folder, bench_database(Path(folder)) as database_url:
        upgrade_to_head(database_url)
        token = _token(database_url)
        print("| clients | C-STORE inst/s | STOW-RS inst/s | STOW-RS / C-STORE |")
        print("|---|---|---|---|")
        for clients in SENDERS:
            c_store = _c_store_rate(database_url, Path(folder), files, clients, args)
            # A fresh API per round: the tables are emptied between rounds, under its caches.
            with running_api(
                database_url, Path(folder) / f"api-{clients}", processes=args.processes
            ) as api:
                url = f"http://127.0.0.1:{api.port}/dicomweb"
                stow = _stow_rate(database_url, url, token, files, clients)
            print(f"| {clients} | {c_store:.0f} | {stow:.0f} | {stow / c_store:.2f}x |")
        _seed_studies(database_url, args.studies)
        with running_api(database_url, Path(folder) / "api-qido", processes=args.processes) as api:
            _qido(f"http://127.0.0.1:{api.port}/dicomweb", token, args.studies)


def _token(database_url: str) -> str:
    with session_scope(database_url) as session:
        return issue_token(session, name="BENCH", role=Role.ADMIN).secret


def _truncate(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("TRUNCATE studies, series, instances, audit_events CASCADE")


def _c_store_rate(
    database_url: str, folder: Path, files: list[Path], clients: int, args: argparse.Namespace
) -> float:
    listener = OurListener(database_url, args.processes, folder / "pgdata")
    workdir = folder / f"listener-{clients}"
    workdir.mkdir()
    listener.start(workdir, PORT)
    try:
        seconds = _send_in_parallel(listener.called_ae, files, clients)
        _check_stored(database_url, len(files))
    finally:
        listener.stop()
    return len(files) / seconds


def _stow_rate(database_url: str, url: str, token: str, files: list[Path], clients: int) -> float:
    _truncate(database_url)
    batches = [files[start : start + BATCH] for start in range(0, len(files), BATCH)]
    shares = [batches[index::clients] for index in range(clients)]
    failures: list[str] = []
    started = time.perf_counter()
    threads = [
        threading.Thread(target=_send_batches, args=(url, token, share, failures))
        for share in shares
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if failures:
        print(f"  !! STOW-RS answers: {failures[:3]}")
    _check_stored(database_url, len(files))
    return len(files) / seconds


def _send_batches(url: str, token: str, batches: list[list[Path]], failures: list[str]) -> None:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": STOW_TYPE}
    with httpx.Client(timeout=300) as client:
        for batch in batches:
            answer = client.post(f"{url}/studies", content=_body(batch), headers=headers)
            if answer.status_code != 200:
                failures.append(f"{answer.status_code} {answer.text[:200]}")


def _body(batch: list[Path]) -> Iterator[bytes]:
    for path in batch:
        yield f"--{BOUNDARY}\r\nContent-Type: application/dicom\r\n\r\n".encode()
        yield path.read_bytes()
        yield b"\r\n"
    yield f"--{BOUNDARY}--\r\n".encode()


def _check_stored(database_url: str, expected: int) -> None:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM instances").fetchone()
    stored = int(row[0]) if row else 0
    if stored != expected:
        print(f"  !! stored {stored} of {expected} instances")


def _seed_studies(database_url: str, count: int) -> None:
    """`count` studies with patients, accessions and dates spread over four years."""
    _truncate(database_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO studies (study_instance_uid, patient_id, patient_name, accession_number,"
            " study_date, modalities)"
            " SELECT '1.2.826.0.1.3680043.8.498.' || n, 'P' || (n %% 40000),"
            " 'PATIENT^' || (n %% 40000), 'A' || n, DATE '2023-01-01' + (n %% 1400),"
            " ARRAY[(ARRAY['MR','CT','CR','US'])[1 + n %% 4]]"
            " FROM generate_series(1, %s) AS n",
            (count,),
        )
        conn.execute("ANALYZE studies")


def _qido(url: str, token: str, count: int) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    queries = [
        {"PatientID": f"P{n % 40000}"} if n % 2 else {"AccessionNumber": f"A{n % count + 1}"}
        for n in range(QIDO_QUERIES)
    ]
    timings = []
    with httpx.Client(timeout=60) as client:
        for params in queries:
            started = time.perf_counter()
            answer = client.get(f"{url}/studies", params=params, headers=headers)
            timings.append(time.perf_counter() - started)
            answer.raise_for_status()
    print(
        f"\nQIDO-RS study search over {count} studies, {QIDO_QUERIES} queries by PatientID or "
        f"AccessionNumber: median {statistics.median(timings) * 1000:.1f} ms, "
        f"p95 {percentile(timings, 0.95) * 1000:.1f} ms (target under 50 ms)"
    )


if __name__ == "__main__":
    main()
