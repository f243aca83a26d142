"""Distributed crawl on scrapy-redis: any number of workers, one archive writer.

Set ``REDIS_URL`` (and ``RUN_ID``) and every `scrapy crawl county_portals` becomes a worker
of that run; unset, the crawl is the single-machine one, untouched.

- `run`: the run's Redis keys and its seeding from the registry (`zfxxgk enqueue`).
- `lease`: each portal owned by one worker at a time (so at most
  CONCURRENT_REQUESTS_PER_DOMAIN requests to a host in the whole cluster), taken over
  when its owner stops renewing.
- `scheduler`: the scrapy-redis scheduler with one request queue per portal and an
  in-flight list, so a dead worker's requests are picked up again, not lost.
- `client`: the workers' archive client, sending fetch records over a Redis stream.
- `writer`: the one process that owns archive.db and records the stream.
"""
