"""Portal leases: each portal's requests are handled by one worker at a time.

Scrapy keeps at most CONCURRENT_REQUESTS_PER_DOMAIN requests per host within a process;
a portal owned by one worker at a time keeps that bound for the whole cluster. A lease is
a Redis key with a time to live that its owner renews; a worker that dies (kill -9, a lost
machine) stops renewing, and after LEASE_SECONDS another worker takes the portal over,
putting the requests the dead worker had in flight back at the head of the portal's queue.
Every step is one Lua script, so two workers never both win a portal.
"""

from __future__ import annotations

import redis

from crawler.distributed.run import RunKeys

# KEYS: waiting, active; ARGV: worker, ttl ms, key prefix of leases
_CLAIM = """
local pid = redis.call('LPOP', KEYS[1])
if not pid then return false end
redis.call('SET', ARGV[3] .. pid, ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], pid)
return pid
"""

# KEYS: lease, done, inflight, queue; ARGV: worker, ttl ms
_TAKE_OVER = """
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('SISMEMBER', KEYS[2], ARGV[3]) == 1 then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local moved = 0
while redis.call('LMOVE', KEYS[3], KEYS[4], 'RIGHT', 'LEFT') do moved = moved + 1 end
return moved + 1
"""

# KEYS: lease; ARGV: worker, ttl ms
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
"""

# KEYS: lease, active, done; ARGV: worker, portal id
_FINISH = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[2])
return 1
"""


class PortalLeases:
    def __init__(self, server: redis.Redis, keys: RunKeys, worker: str, seconds: float) -> None:
        self.server = server
        self.keys = keys
        self.worker = worker
        self.ttl_ms = int(seconds * 1000)
        self._claim = server.register_script(_CLAIM)
        self._take_over = server.register_script(_TAKE_OVER)
        self._renew = server.register_script(_RENEW)
        self._finish = server.register_script(_FINISH)

    def claim_waiting(self) -> str | None:
        """A portal nobody has started, now ours; None when none is waiting."""
        pid = self._claim(keys=[self.keys.waiting, self.keys.active],
                          args=[self.worker, self.ttl_ms, self.keys.key("lease") + ":"])
        return pid.decode() if pid is not None else None

    def take_over_orphan(self, owned: set[str]) -> str | None:
        """A started portal whose owner stopped renewing its lease, now ours."""
        for raw in self.server.smembers(self.keys.active):
            pid = raw.decode()
            if pid in owned:
                continue
            if self._take_over(keys=[self.keys.key("lease", pid), self.keys.done,
                                     self.keys.key("inflight", pid), self.keys.key("queue", pid)],
                               args=[self.worker, self.ttl_ms, pid]):
                return pid
        return None

    def renew(self, owned: set[str]) -> set[str]:
        """Renew our leases; returns the portals we lost (our lease had run out)."""
        lost = set()
        for pid in owned:
            if not self._renew(keys=[self.keys.key("lease", pid)], args=[self.worker, self.ttl_ms]):
                lost.add(pid)
        return lost

    def finish(self, pid: str) -> bool:
        """Mark a portal done (every request handled) and give its lease back."""
        return bool(self._finish(keys=[self.keys.key("lease", pid), self.keys.active,
                                       self.keys.done], args=[self.worker, pid]))

    def owners(self) -> dict[str, str]:
        """Portal id -> worker, for the portals started and not finished."""
        pids = [raw.decode() for raw in self.server.smembers(self.keys.active)]
        values = self.server.mget([self.keys.key("lease", pid) for pid in pids]) if pids else []
        return {pid: value.decode() for pid, value in zip(pids, values, strict=True) if value}
