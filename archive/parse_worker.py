"""Parsing in a process of its own, under a time and memory budget, killable at any moment.

A 21 KB PDF can take minutes and gigabytes; a damaged XLS can keep its reader busy for
good. The archive stores a fetch's body and row first, then hands the body to this worker:
when the parse overruns its time it is killed, when it overruns its memory (RLIMIT_AS) it
fails or dies, and either way the stored version gets a ``parse_error`` report naming the
limit. Only ``zfxxgk reparse`` tries it again; the crawl never fetches it again for that.

The worker is started once and reused (importing the parsers costs a second); a killed
one is replaced on the next parse. It dies with its parent (PR_SET_PDEATHSIG on Linux).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import resource
import signal
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Protocol

from archive.parse_stage import Parsed, parse_body

PR_SET_PDEATHSIG = 1  # linux/prctl.h
START_SECONDS = 120  # a new worker imports Python and the parsers' modules: slow on a busy machine


class ParseFunction(Protocol):
    def __call__(self, body: bytes, *, filename: str | None, content_type: str | None,
                 url: str | None) -> Parsed: ...


@dataclass(frozen=True)
class ParseLimits:
    seconds: float | None  # wall time of one parse (None = unlimited)
    memory: int  # address space of the parse process, bytes (0 = unlimited)


# What the crawl and the command line parse under unless told otherwise: OCR of a long
# scanned report takes minutes; LibreOffice and tesseract run inside the same budget.
DEFAULT_PARSE_LIMITS = ParseLimits(seconds=300.0, memory=3 * 1024**3)
NO_PARSE_LIMITS = ParseLimits(seconds=None, memory=0)


def die_with_parent() -> None:
    """SIGKILL this process when its parent dies (Linux); elsewhere nothing happens."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return
    libc = ctypes.CDLL(libc_name, use_errno=True)
    if hasattr(libc, "prctl"):
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _serve(connection: Connection, memory: int, parse: ParseFunction) -> None:
    """The worker's loop: parse what arrives, answer with the `Parsed`."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    import parsers  # noqa: F401 - the readers' imports take seconds: before the clock starts

    connection.send("ready")
    while True:
        try:
            body, filename, content_type, url = connection.recv()
        except EOFError:
            return
        try:
            parsed = parse(body, filename=filename, content_type=content_type, url=url)
        except MemoryError:
            parsed = Parsed("parse_error", "parse exceeded its memory limit", None, None)
        connection.send(parsed)


class BoundedParser:
    """Callable like `parse_body`, but in a worker process under `ParseLimits`."""

    def __init__(self, limits: ParseLimits, parse: ParseFunction = parse_body) -> None:
        self.limits = limits
        self.parse = parse  # a module-level function: the worker imports it by name
        self._process: Any = None
        self._connection: Connection | None = None

    def _start(self) -> Connection:
        if self._connection is None or self._process is None or not self._process.is_alive():
            context = multiprocessing.get_context("spawn")
            ours, theirs = context.Pipe()
            self._process = context.Process(target=_serve, args=(theirs, self.limits.memory, self.parse),
                                            daemon=True, name="zfxxgk-parse")
            self._process.start()
            theirs.close()
            if not ours.poll(START_SECONDS) or ours.recv() != "ready":
                raise RuntimeError("the parse worker did not start")
            self._connection = ours
        return self._connection

    def __call__(self, body: bytes, filename: str | None, content_type: str | None,
                 url: str | None) -> Parsed:
        connection = self._start()
        try:
            connection.send((body, filename, content_type, url))
            if connection.poll(self.limits.seconds):
                return connection.recv()
            self._kill()
            return Parsed("parse_error", f"parse timed out after {self.limits.seconds:g} s", None, None)
        except (EOFError, OSError):
            self._process.join(5)
            exitcode = self._process.exitcode
            self._kill()
            cause = f"signal {-exitcode}" if exitcode is not None and exitcode < 0 else f"exit {exitcode}"
            return Parsed("parse_error", f"parser process died ({cause}; memory limit?)", None, None)

    def interrupt(self) -> None:
        """Kill a parse in progress from another thread: the thread waiting on it gets a
        parse_error at once and replaces the worker if it parses again."""
        process = self._process
        if process is not None:
            process.kill()

    def _kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join(5)
        if self._connection is not None:
            self._connection.close()
        self._process, self._connection = None, None

    def close(self) -> None:
        self._kill()
