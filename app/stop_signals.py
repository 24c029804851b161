"""Waiting for SIGINT/SIGTERM without signal handlers, and child processes that stop with us.

A handler that sets a `threading.Event` can deadlock against a main thread waiting on that same
event, so the stop signals are blocked and taken synchronously with `sigtimedwait` instead.
"""

import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from multiprocessing.process import BaseProcess
from typing import Any

STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
_PR_SET_PDEATHSIG = 1


def block_stop_signals() -> None:
    """Call before starting threads: they inherit the mask, so the signal waits for us."""
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)


def unblock_stop_signals() -> None:
    """For child processes, which would otherwise inherit the blocked mask."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def stop_requested(timeout: float) -> bool:
    """Wait up to `timeout` seconds for a stop signal; True when one arrived."""
    return signal.sigtimedwait(STOP_SIGNALS, timeout) is not None


def wait_for_stop() -> None:
    signal.sigwait(STOP_SIGNALS)


def stop_with_parent() -> None:
    """Ask Linux to send this process SIGTERM when its parent dies, so no child outlives it."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def start_children(
    target: Callable[..., None], arguments: tuple[Any, ...], count: int, name: str
) -> list[BaseProcess]:
    """Start `count` spawned processes running `target(*arguments)`; stop signals stay blocked."""
    context = multiprocessing.get_context("spawn")
    children: list[BaseProcess] = [
        context.Process(target=target, args=arguments, name=f"{name}-{n}") for n in range(count)
    ]
    for child in children:
        child.start()
    # multiprocessing's resource tracker unblocks SIGINT and SIGTERM when it starts: block again.
    block_stop_signals()
    return children


def stop_children(children: Sequence[BaseProcess]) -> None:
    """Send each live child SIGTERM, then wait for all of them."""
    for child in children:
        if child.pid is not None and child.is_alive():
            os.kill(child.pid, signal.SIGTERM)
    for child in children:
        child.join()
