"""`worklist api --processes N`: several processes on one port, one set of metrics, one stop."""

import re
from pathlib import Path

import httpx
import psutil

from tests.support.api_server import running_api

HEALTHZ_COUNT = re.compile(
    r'^worklist_http_requests_total\{method="GET",route="/healthz",status="200"\} (\S+)$', re.M
)


def test_processes_share_the_port_and_their_metrics(database_url: str, tmp_path: Path) -> None:
    with running_api(database_url, tmp_path, processes=2) as api:
        workers = psutil.Process(api.pid).children()
        assert len(workers) >= 2
        # A fresh connection per request, so the kernel spreads them over both processes.
        for _ in range(20):
            assert httpx.get(f"{api.url}/healthz", timeout=10).status_code == 200
        scraped = httpx.get(f"{api.url}/metrics", timeout=10).text

    served = HEALTHZ_COUNT.search(scraped)
    assert served is not None
    assert float(served.group(1)) == 20
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert alive == []
