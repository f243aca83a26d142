"""Portal leases: each portal's requests are handled by one worker at a time.

Scrapy keeps at most CONCURRENT_REQUESTS_PER_DOMAIN requests per host within a process;
a portal owned by one worker at a time keeps that bound for the whole cluster. A lease is
a Redis key with a time to live that its owner renews; a worker that dies (kill -9, a lost
machine) stops renewing, and after LEASE_SECONDS another worker takes the portal over,
putting the requests the dead worker had in flight back at the head of the portal's queue.
Every step is one Lua script, so two workers never both win a portal.

A portal with a dead host's requests set aside (`crawler.dead_hosts`) is not finished when
its queue runs dry: its owner hands it back, deferred until the host's second try is due,
and any worker takes it again then (or sooner, once it has nothing else to do), its
set-aside requests back in its queue.
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

# KEYS: lease, active, deferred; ARGV: worker, portal id, not before (unix time)
_DEFER = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
return 1
"""

# KEYS: deferred, active, not-before hash; ARGV: worker, ttl ms, lease prefix, latest
# not-before to take, then the key prefixes: set-aside requests, queue, set-aside hosts,
# hosts on their second try
_CLAIM_DEFERRED = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[4], 'LIMIT', 0, 1)
if #due == 0 then return false end
local pid = due[1]
redis.call('ZREM', KEYS[1], pid)
redis.call('HDEL', KEYS[3], pid)
redis.call('SET', ARGV[3] .. pid, ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], pid)
while redis.call('LMOVE', ARGV[5] .. pid, ARGV[6] .. pid, 'LEFT', 'RIGHT') do end
if redis.call('EXISTS', ARGV[7] .. pid) == 1 then
  redis.call('SUNIONSTORE', ARGV[8] .. pid, ARGV[8] .. pid, ARGV[7] .. pid)
  redis.call('DEL', ARGV[7] .. pid)
end
return pid
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
        self._defer = server.register_script(_DEFER)
        self._claim_deferred = server.register_script(_CLAIM_DEFERRED)

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

    def defer(self, pid: str, not_before: float) -> bool:
        """Give the lease back without finishing: the portal waits for a dead host's
        second try, due at `not_before`."""
        return bool(self._defer(keys=[self.keys.key("lease", pid), self.keys.active,
                                      self.keys.deferred], args=[self.worker, pid, not_before]))

    def claim_deferred(self, *, due_by: float | None) -> str | None:
        """A deferred portal whose second try is due by `due_by` (None: any), now ours,
        its set-aside requests back in its queue."""
        key = self.keys.key
        pid = self._claim_deferred(
            keys=[self.keys.deferred, self.keys.active, key("aside_until")],
            args=[self.worker, self.ttl_ms, key("lease") + ":",
                  "+inf" if due_by is None else due_by, key("aside") + ":", key("queue") + ":",
                  key("aside_hosts") + ":", key("retry_hosts") + ":"])
        return pid.decode() if pid is not None else None

    def owners(self) -> dict[str, str]:
        """Portal id -> worker, for the portals started and not finished."""
        pids = [raw.decode() for raw in self.server.smembers(self.keys.active)]
        values = self.server.mget([self.keys.key("lease", pid) for pid in pids]) if pids else []
        return {pid: value.decode() for pid, value in zip(pids, values, strict=True) if value}
