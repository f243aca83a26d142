"""Parse functions that misbehave the ways real documents make parsers misbehave, for the
bounded parse worker's tests (module level: the worker process imports them by name)."""

from __future__ import annotations

import os
import signal
import time

from archive.parse_stage import Parsed, parse_body


def hangs(body: bytes, **_: object) -> Parsed:
    time.sleep(3600)
    raise AssertionError("unreachable")


def dies(body: bytes, **_: object) -> Parsed:
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("unreachable")


def hoards(body: bytes, **_: object) -> Parsed:
    hoard = [bytearray(64 * 1024**2) for _ in range(1024)]  # 64 GiB, far over any limit
    raise AssertionError(f"unreachable {len(hoard)}")


def misbehaves_on_marker(body: bytes, **kwargs: object) -> Parsed:
    """Hangs on a body containing HANG, dies on DIE, parses anything else for real."""
    if b"HANG" in body:
        return hangs(body)
    if b"DIE" in body:
        return dies(body)
    return parse_body(body, **kwargs)  # type: ignore[arg-type]
