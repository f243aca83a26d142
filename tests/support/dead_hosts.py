"""A fixture site that is dead for its first requests: it accepts them and never answers in
time, as a portal whose server hangs. Shared by the dead-host tests of the single-machine
and the distributed crawl."""

from __future__ import annotations

import threading
import time
from typing import Any

from demo.site import Site, SiteRequest, SiteResponse

HANG_SECONDS = 4.0  # longer than the tests' FIRST_CONTACT_TIMEOUT


class SilentSite:
    """Answers nothing (within the client's timeout) to its first `silent` requests."""

    def __init__(self, site: Site, silent: int) -> None:
        self.site = site
        self.silent = silent
        self.paths: list[str] = []  # every request's path, in order of arrival
        self._lock = threading.Lock()

    def respond(self, request: SiteRequest) -> SiteResponse:
        with self._lock:
            self.paths.append(request.path)
            hang = len(self.paths) <= self.silent
        if hang:
            time.sleep(HANG_SECONDS)
        return self.site.respond(request)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.site, name)
