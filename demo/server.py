"""Serve fixture portals, each on its own loopback address, from one process.

Scrapy's politeness slots key on the hostname, so portals sharing 127.0.0.1 would be
throttled as one host; giving each portal its own 127.0.0.x address (same port) makes the
fixture behave like the real, separately hosted portals.
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qsl, unquote, urlsplit

from demo.scenarios import SCENARIOS, build_sites, write_registry
from demo.site import Site, SiteRequest

SHUTDOWN_POLL_SECONDS = 0.05

FIRST_HOST = 11  # portals live on 127.0.0.11, 127.0.0.12, ...
LAST_HOST = 250
# A free port is chosen on the first address, then bound on all; another process may hold
# it on one of the others, so a few ports are tried before giving up.
BIND_ATTEMPTS = 5


def portal_host(index: int) -> str:
    if FIRST_HOST + index > LAST_HOST:
        raise ValueError(f"at most {LAST_HOST - FIRST_HOST + 1} portals per server "
                         f"(127.0.0.{FIRST_HOST}-127.0.0.{LAST_HOST})")
    return f"127.0.0.{FIRST_HOST + index}"


class _Handler(BaseHTTPRequestHandler):
    server: _PortalHTTPServer
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length else b""
        form = dict(parse_qsl(raw_body.decode("utf-8", "replace"))) if raw_body else {}
        request = SiteRequest(
            method=self.command,
            path=unquote(parts.path) or "/",
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            form=form,
            headers={k.lower(): v for k, v in self.headers.items()},
        )
        try:
            response = self.server.site.respond(request)
        except Exception as exc:  # a broken fixture handler must show up as a 500, not hang
            self.send_error(500, explain=repr(exc))
            return
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_HEAD = _serve

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        """Quiet: the site's own request log is what tests read."""


class _PortalHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], site: Site) -> None:
        self.site = site
        super().__init__(address, _Handler)


def _free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class PortalServer:
    """One thread-per-address HTTP server per portal; `replace` swaps a portal's site live."""

    def __init__(self) -> None:
        self._servers: dict[str, _PortalHTTPServer] = {}
        self._threads: list[threading.Thread] = []
        self.sites: dict[str, Site] = {}
        self.base_urls: dict[str, str] = {}

    def bind(self, portal_ids: list[str], port: int | None = None) -> dict[str, str]:
        """Reserve each portal's address before its site exists (sites link to their URL).

        A given `port` is used as is (the demo's URLs stay the same from run to run, so a
        second crawl into the same archive finds the same documents); OSError if taken.
        """
        for attempt in range(1, BIND_ATTEMPTS + 1):
            fixed = bool(port)  # 0 or None: any free port
            port = port if fixed else _free_port(portal_host(0))
            try:
                for index, portal_id in enumerate(portal_ids):
                    host = portal_host(index)
                    self._servers[portal_id] = _PortalHTTPServer((host, port), Site())
                    self.base_urls[portal_id] = f"http://{host}:{port}"
                break
            except OSError:  # another process holds that port on one of our addresses
                self._close_servers()
                if fixed or attempt == BIND_ATTEMPTS:
                    raise
                port = None
        return dict(self.base_urls)

    def start(self, sites: dict[str, Site]) -> dict[str, str]:
        """Serve every site; returns portal id -> base URL (``http://127.0.0.x:port``)."""
        if not self._servers:
            self.bind(list(sites))
        for portal_id, site in sites.items():
            self.replace(portal_id, site)
        for server in self._servers.values():
            # A short poll interval: stop() shuts servers down one by one, and each
            # shutdown waits for its loop's next poll (0.5 s by default, 100 s for 200).
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS},
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
        return dict(self.base_urls)

    def replace(self, portal_id: str, site: Site) -> None:
        self._servers[portal_id].site = site
        self.sites[portal_id] = site

    def _close_servers(self) -> None:
        for server in self._servers.values():
            server.server_close()
        self._servers.clear()
        self.sites.clear()
        self.base_urls.clear()

    def stop(self) -> None:
        if self._threads:  # shutdown() would wait forever on a server never started
            for server in self._servers.values():
                server.shutdown()
        self._close_servers()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()

    def __enter__(self) -> PortalServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve a fixture/demo scenario on loopback.")
    parser.add_argument("--scenario", default="demo", choices=sorted(SCENARIOS))
    parser.add_argument("--registry", help="also write the matching registry CSV here")
    args = parser.parse_args(argv)
    scenario = SCENARIOS[args.scenario]()
    with PortalServer() as server:
        urls = server.bind([portal.content.id for portal in scenario])
        server.start(build_sites(scenario, urls))
        if args.registry:
            write_registry(args.registry, scenario, urls)
        for portal_id, url in urls.items():
            print(f"{portal_id}\t{url}/")
        print("serving; Ctrl-C to stop", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
