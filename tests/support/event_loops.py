"""A coroutine run to its end from a test, whatever event loop the test's thread already has."""

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

Result = TypeVar("Result")


def run_apart(coroutine: Coroutine[Any, Any, Result]) -> Result:
    """Run on a new event loop in a thread of its own: a browser test (Playwright's synchronous
    API) may have left this thread a running loop, where `asyncio.run` refuses to start."""
    with ThreadPoolExecutor(max_workers=1) as runner:
        return runner.submit(asyncio.run, coroutine).result()
