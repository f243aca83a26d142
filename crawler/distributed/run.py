"""One distributed run in Redis: its key names, its settings, and its seeding.

Every key of a run starts with ``zfxxgk:<run id>:``, so runs never mix and a finished run
is removed with one pattern. A run is seeded once (by `zfxxgk enqueue` or by the first
worker): the portal rows, their order, the year filter, and the list of waiting portals.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import redis

from crawler.registry import Portal

# Keys with a portal id in them; the others are single keys of the run.
PORTAL_KEYS = ("queue", "inflight", "lease", "started", "rechecked", "aside", "aside_hosts",
               "retry_hosts")


@dataclass(frozen=True)
class RunKeys:
    run_id: str

    def key(self, name: str, portal_id: str | None = None) -> str:
        base = f"zfxxgk:{self.run_id}:{name}"
        return f"{base}:{portal_id}" if portal_id is not None else base

    # single keys
    @property
    def meta(self) -> str:  # hash: years, seeded_at, total
        return self.key("meta")

    @property
    def portals(self) -> str:  # hash: portal id -> registry row (JSON)
        return self.key("portals")

    @property
    def waiting(self) -> str:  # list: portal ids nobody has started
        return self.key("waiting")

    @property
    def active(self) -> str:  # set: portal ids started and not finished
        return self.key("active")

    @property
    def done(self) -> str:  # set: portal ids whose every request was handled
        return self.key("done")

    @property
    def deferred(self) -> str:  # sorted set: portal id -> when its dead host's second try is due
        return self.key("deferred")

    @property
    def alive(self) -> str:  # sorted set: worker -> its last heartbeat (unix time)
        return self.key("alive")

    @property
    def dupefilter(self) -> str:  # scrapy-redis request fingerprints of the run
        return self.key("dupefilter")

    @property
    def stream(self) -> str:  # fetch records, events and portal ends for the writer
        return self.key("records")

    @property
    def validators(self) -> str:  # hash: url -> JSON conditional headers (from the archive)
        return self.key("validators")

    @property
    def ready(self) -> str:  # set by the writer once validators and known URLs are published
        return self.key("ready")

    @property
    def summaries(self) -> str:  # hash: portal id -> per-portal summary JSON (the writer's)
        return self.key("summaries")

    @property
    def counted(self) -> str:  # set: what the writer's summaries already counted
        return self.key("counted")

    @property
    def workers(self) -> str:  # hash: worker id -> JSON progress figures
        return self.key("workers")

    @property
    def sent(self) -> str:  # counter: fetch records workers put on the stream
        return self.key("sent")

    def known(self, portal_id: str) -> str:  # set: the archive's live URLs of a portal
        return self.key("known", portal_id)


def connect(url: str) -> redis.Redis:
    """A client for `url`; a URL that names no reachable Redis is an error now, not later."""
    client = redis.Redis.from_url(url, socket_connect_timeout=10, socket_timeout=60,
                                  health_check_interval=30)
    client.ping()
    return client


def seed_run(server: redis.Redis, keys: RunKeys, portals: list[Portal],
             years: set[int] | None) -> bool:
    """Put a run's portals in Redis unless the run is seeded already; True if seeded now.

    The first caller wins (a worker and `zfxxgk enqueue` may race): the meta hash is
    created with HSETNX, and everything else of the run is written in one transaction.
    """
    if not server.hsetnx(keys.meta, "seeding", "1"):
        return False
    pipe = server.pipeline(transaction=True)
    pipe.hset(keys.portals, mapping={p.id: json.dumps(p.as_row(), ensure_ascii=False)
                                     for p in portals})
    pipe.rpush(keys.waiting, *[p.id for p in portals])
    pipe.hset(keys.meta, mapping={
        "years": json.dumps(sorted(years) if years is not None else None),
        "order": json.dumps([p.id for p in portals]),
        "total": len(portals),
    })
    pipe.execute()
    return True


def run_portals(server: redis.Redis, keys: RunKeys) -> list[Portal]:
    """The run's portals in registry order (empty when the run is not seeded)."""
    order = json.loads(server.hget(keys.meta, "order") or b"[]")
    rows = server.hgetall(keys.portals)
    return [Portal(**json.loads(rows[pid.encode()])) for pid in order]


def run_years(server: redis.Redis, keys: RunKeys) -> set[int] | None:
    years = json.loads(server.hget(keys.meta, "years") or b"null")
    return set(years) if years is not None else None


def is_seeded(server: redis.Redis, keys: RunKeys) -> bool:
    return server.hexists(keys.meta, "order")


def progress(server: redis.Redis, keys: RunKeys) -> dict[str, Any]:
    """Portals done/active/waiting and the stream backlog, for the progress lines."""
    pipe = server.pipeline(transaction=False)
    pipe.scard(keys.done)
    pipe.scard(keys.active)
    pipe.llen(keys.waiting)
    pipe.xlen(keys.stream)
    pipe.hget(keys.meta, "total")
    pipe.zcard(keys.deferred)
    done, active, waiting, backlog, total, deferred = pipe.execute()
    return {"done": done, "active": active, "waiting": waiting, "backlog": backlog,
            "total": int(total or 0), "deferred": deferred}
