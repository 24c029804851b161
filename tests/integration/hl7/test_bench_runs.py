"""`python -m bench.hl7` runs end to end at a small size: the benchmark in the README measures
what it says (every order committed, every report acknowledged by its receiver)."""

import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[3]


def test_the_hl7_benchmark_commits_every_order_and_delivers_every_report(server_url: str) -> None:
    command = [sys.executable, "-m", "bench.hl7", "--senders", "2", "--orders", "20"]
    command += ["--rounds", "1", "--reports", "20", "--studies", "3"]
    result = subprocess.run(
        command,
        cwd=REPOSITORY,
        env={**os.environ, "BENCH_DATABASE_URL": server_url},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "orders committed    40 of 40" in result.stdout
    assert "outbox: 20 ORU^R01 delivered in order" in result.stdout
