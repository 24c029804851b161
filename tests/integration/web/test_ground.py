"""What every page rests on: an access decision per page, our own assets, strict headers."""

import re

from fastapi.testclient import TestClient

from app.api.access import ACCESS, PUBLIC_PAGES
from app.web.rendering import STATIC_DIR
from app.web.routes import page_routes


def test_every_page_is_public_or_in_the_access_table() -> None:
    undecided = page_routes() - PUBLIC_PAGES - set(ACCESS)
    assert undecided == set(), f"pages without an access rule: {sorted(undecided)}"


def test_api_reference_pages_load_only_files_we_serve(client: TestClient) -> None:
    for path in ("/docs", "/redoc"):
        page = client.get(path)
        assert page.status_code == 200
        assert "://" not in page.text
        for asset in _assets_of(page.text):
            assert client.get(asset).status_code == 200, asset


def test_every_vendored_file_sits_beside_its_licence() -> None:
    for folder in (STATIC_DIR / "vendor").iterdir():
        if folder.is_dir():
            assert (folder / "LICENSE").is_file(), folder.name


def test_pages_forbid_inline_script_framing_referrers_and_caching(client: TestClient) -> None:
    headers = client.get("/docs").headers
    policy = headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"


def test_static_assets_may_be_cached(client: TestClient) -> None:
    response = client.get("/static/js/swagger-start.js")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("cache-control", "")


def _assets_of(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
