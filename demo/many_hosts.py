"""Thousands of fixture portals on loopback, each on its own 127.x.y.z, behaving like the
real ones: latency, hosts that accept connections and never answer, slow hosts, resets.

`demo.server.PortalServer` runs a thread per portal, which is fine for the tests' dozen
portals but not for the broad-crawl benchmark's thousands: this server is one asyncio loop
(in a thread of its own) with a listening socket per address. Linux routes all of
127.0.0.0/8 to loopback, so no set-up is needed for the addresses.
"""

from __future__ import annotations

import asyncio
import random
import socket
import struct
import threading
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

from demo.site import Site, SiteRequest

NORMAL, BLACKHOLE, SLOW, RESET = "normal", "blackhole", "slow", "reset"


@dataclass(frozen=True)
class Behaviour:
    kind: str = NORMAL
    latency: tuple[float, float] = (0.05, 0.4)  # seconds, uniform, per response


def host_address(index: int) -> str:
    """127.20.0.1, 127.20.0.2, ... (250 per third octet): clear of the tests' 127.0.0.x."""
    return f"127.{20 + index // 62500}.{index // 250 % 250}.{index % 250 + 1}"


def assign_behaviours(count: int, *, seed: int, blackhole: float = 0.10, slow: float = 0.05,
                      reset: float = 0.03, latency: tuple[float, float] = (0.05, 0.4),
                      slow_latency: tuple[float, float] = (3.0, 8.0)) -> list[Behaviour]:
    """Exact shares (rounded), shuffled by `seed`, so every run meets the same hosts."""
    kinds = ([BLACKHOLE] * round(count * blackhole) + [SLOW] * round(count * slow)
             + [RESET] * round(count * reset))
    kinds += [NORMAL] * (count - len(kinds))
    random.Random(seed).shuffle(kinds)
    return [Behaviour(kind, slow_latency if kind == SLOW else latency) for kind in kinds]


class ManyHostsServer:
    def __init__(self, sites: dict[str, Site], behaviours: dict[str, Behaviour],
                 addresses: dict[str, str], port: int, *, seed: int = 0) -> None:
        self.sites, self.behaviours, self.addresses, self.port = sites, behaviours, addresses, port
        self.random = random.Random(seed)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.servers: list[asyncio.base_events.Server] = []
        self.served: list[tuple[float, str]] = []  # (time.monotonic(), portal id) per response
        # The loop keeps only weak references to tasks: a connection left hanging on purpose
        # (a host that never answers) would be collected, and its socket closed, within
        # seconds, making a dead host look like one that closes the connection.
        self.connections: set[asyncio.Task] = set()

    @staticmethod
    def free_port(address: str) -> int:
        with socket.socket() as sock:
            sock.bind((address, 0))
            return sock.getsockname()[1]

    def start(self) -> None:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._listen(), self.loop).result()

    async def _listen(self) -> None:
        for portal_id, address in self.addresses.items():
            def handler(reader, writer, portal_id=portal_id):  # noqa: ANN001
                return self._connection(portal_id, reader, writer)
            self.servers.append(await asyncio.start_server(handler, address, self.port,
                                                           backlog=64, reuse_address=True))

    def stop(self) -> None:
        async def close() -> None:
            for server in self.servers:
                server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        asyncio.run_coroutine_threadsafe(close(), self.loop).result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=30)

    async def _connection(self, portal_id: str, reader: asyncio.StreamReader,
                          writer: asyncio.StreamWriter) -> None:
        behaviour = self.behaviours[portal_id]
        task = asyncio.current_task()
        self.connections.add(task)
        try:
            if behaviour.kind == RESET:
                sock = writer.get_extra_info("socket")
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                writer.transport.abort()
                return
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                if behaviour.kind == BLACKHOLE:
                    await asyncio.Event().wait()  # accepted, read, never answered
                request = self._parse(head)
                length = int(request.headers.get("content-length") or 0)
                if length:
                    await reader.readexactly(length)
                await asyncio.sleep(self.random.uniform(*behaviour.latency))
                self.served.append((time.monotonic(), portal_id))
                response = self.sites[portal_id].respond(request)
                lines = [f"HTTP/1.1 {response.status} X"]
                lines += [f"{name}: {value}" for name, value in response.headers.items()]
                lines += [f"Content-Length: {len(response.body)}", "", ""]
                writer.write("\r\n".join(lines).encode("latin-1") + response.body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError,
                asyncio.CancelledError):
            pass
        finally:
            self.connections.discard(task)
            writer.close()

    @staticmethod
    def _parse(head: bytes) -> SiteRequest:
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, target, _ = request_line.split(" ", 2)
        headers = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        parts = urlsplit(target)
        return SiteRequest(method=method, path=unquote(parts.path) or "/",
                           query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                           form={}, headers=headers)
