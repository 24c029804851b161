"""QIDO-RS study search timed over many stored studies."""

import statistics
import time

import httpx
import psycopg

from bench.api import percentile

QIDO_QUERIES = 500


def seed_studies(database_url: str, count: int) -> None:
    """`count` studies with patients, accessions and dates spread over four years."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("TRUNCATE studies, series, instances, audit_events CASCADE")
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


def qido(url: str, token: str, count: int) -> None:
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
