"""Scrapy settings for zfxxgk: polite by deliberate choice.

Scrapy's library defaults are impolite (8 concurrent requests per host, no delay, robots.txt
ignored). Government portals are small servers run by county offices, often behind WAFs that
ban aggressive clients, and a monthly crawl has no hurry: these settings trade speed for
being a good citizen. Tests and the offline demo lower the delays with ``-s`` overrides on
loopback only.
"""

from archive.parse_worker import DEFAULT_PARSE_LIMITS
from crawler.identity import user_agent

BOT_NAME = "zfxxgk"

SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# -- Identification ------------------------------------------------------------------
# Who to contact about this crawl, shown in the User-Agent so that a webmaster who sees it
# in their logs can reach the operator instead of blocking the crawler. It belongs to
# whoever runs the crawl, so none ships: set it per deployment,
#   scrapy crawl county_portals -s CONTACT=mailto:you@your-domain
# Left unset, the User-Agent says "contact not configured" and each crawl starts with a
# warning. The add-on derives USER_AGENT from CONTACT once -s overrides are applied.
CONTACT = ""
USER_AGENT = user_agent(CONTACT)
ADDONS = {"crawler.identity.ContactAddon": 0, "crawler.distributed.addon.DistributedAddon": 10}

# -- Politeness ----------------------------------------------------------------------
ROBOTSTXT_OBEY = True
# A robots.txt that cannot be fetched (timeout, 5xx) holds its host's requests back and is
# asked for again this many times, this many seconds apart; then the host is given up on
# for the run, with the reason in its portal's summary (crawler/robots.py). A host that
# never answered at all is set aside sooner, as a dead host (DEAD_HOST_* below).
ROBOTSTXT_RETRY_TIMES = 3
ROBOTSTXT_RETRY_DELAY = 20.0
# CONCURRENT_REQUESTS (across all portals) is set for a broad crawl below.
CONCURRENT_REQUESTS_PER_DOMAIN = 2  # slots key on the hostname: one portal, at most 2
DOWNLOAD_DELAY = 2.0
DOWNLOAD_DELAY_JITTER = 0.5  # delay drawn from [1.0, 3.0] s (Scrapy 2.19 setting)
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
COOKIES_ENABLED = True  # some WAFs set a cookie on the first page and expect it back

# -- Robustness ----------------------------------------------------------------------
DOWNLOAD_TIMEOUT = 60
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Exponential backoff between retries (crawler.middlewares.BackoffRetryMiddleware):
# base * 2**(attempt-1) seconds, capped.
RETRY_BACKOFF_BASE = 5.0
RETRY_BACKOFF_MAX = 120.0
# (The spider lets 304/404/410 through for report pages and attachments only: for those
# they are facts for the archive — unchanged, gone — while on a list page they are errors.)
REDIRECT_MAX_TIMES = 10
DOWNLOAD_MAXSIZE = 200 * 1024 * 1024  # scanned reports can be large; zip bombs cannot
DOWNLOAD_WARNSIZE = 50 * 1024 * 1024
# (Both apply to the decompressed body too; DOWNLOAD_TIMEOUT bounds a whole download, so a
# server that sends a byte a second is cut off as well.)
# Pages are small: a cap per media type, checked while the bytes arrive (crawler/limits.py).
# A response over it is stopped and its fetch recorded with the reason.
DOWNLOAD_MAXSIZE_BY_TYPE = {
    "text/html": 10 * 1024 * 1024,
    "application/xhtml+xml": 10 * 1024 * 1024,
    "text/plain": 10 * 1024 * 1024,
    "application/json": 10 * 1024 * 1024,
}

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.robots.PatientRobotsTxtMiddleware": 100,  # robots.txt read before any page
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    "crawler.middlewares.ConditionalRequestMiddleware": 580,
    "crawler.middlewares.SoftNotFoundMiddleware": 590,
    # After the retry middleware in process_exception order (higher runs first), so a dead
    # host's failure is set aside instead of retried with backoff.
    "crawler.dead_hosts.DeadHostMiddleware": 560,
    # Last before the download handlers: every request, redirect hop and robots.txt passes.
    "crawler.scope.ScopeGateMiddleware": 990,
}

# -- Scope: where requests may go (crawler/scope.py; README "Politeness and robustness") --
# Only web pages: the crawler never reads local files, data: URLs, S3 or FTP. Turning one
# back on takes both its handler here and its scheme in SCOPE_SCHEMES.
# (DOWNLOAD_HANDLERS, below with the broad-crawl settings, turns them off.)
SCOPE_SCHEMES = ["http", "https"]
# Addresses a portal's host may not resolve to, by the name the refusal is counted under.
SCOPE_DENIED_NETWORKS = {
    "loopback": ["127.0.0.0/8", "::1/128"],
    "private": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
    "link_local": ["169.254.0.0/16", "fe80::/10"],
    "shared": ["100.64.0.0/10"],
    "multicast": ["224.0.0.0/4", "ff00::/8"],
    "reserved": ["0.0.0.0/8", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15", "198.51.100.0/24",
                 "203.0.113.0/24", "240.0.0.0/4", "::/128", "2001:db8::/32", "64:ff9b::/96"],
}
# Exempt from the ranges above (the offline demo and the tests set "127.0.0.0/8": their
# portals are loopback servers). Empty in a real crawl.
SCOPE_ALLOWED_NETWORKS: list[str] = []
# Denied even when allowed above, e.g. {"private": ["127.0.9.0/24"]} in a test.
SCOPE_EXTRA_DENIED_NETWORKS: dict[str, list[str]] = {}

SPIDER_MIDDLEWARES = {
    "crawler.middlewares.PortalErrorMiddleware": 550,
    "crawler.budgets.BudgetMiddleware": 800,  # after DepthMiddleware (900) stamped the depth
}

# -- Budgets: what one portal may cost a run (crawler/budgets.py) ------------------------
# Far above any real portal (the largest county portals list a few hundred reports over a
# few hundred list pages); they stop crawl traps, not crawls. A portal that spends one is
# marked in its summary (budget_hit). Raise them with -s for an unusual portal.
PORTAL_MAX_REQUESTS = 20_000
PORTAL_MAX_LIST_PAGES = 5_000
PORTAL_MAX_DEPTH = 1_000  # a list paged by "next" links is one hop deeper per page
PORTAL_MAX_URLS_PER_PATTERN = 2_000  # e.g. /list?page=N, /art/N/N/N/art_N_N.html
PORTAL_MAX_SECONDS = 6 * 3600.0
# Session ids are dropped and query parameters sorted before URLs are compared or archived.
REQUEST_FINGERPRINTER_CLASS = "crawler.canonical.CanonicalRequestFingerprinter"

ITEM_PIPELINES = {
    "crawler.pipelines.ArchivePipeline": 300,
}

# Items in flight per response. Scrapy starts a task for each; a page yields a handful of
# records, so the default 100 only costs CPU in the crawl process (measured ~25% of it).
CONCURRENT_ITEMS = 8

# -- Broad crawl: thousands of portals at once, each as polite as above ---------------------
# Scrapy's defaults suit one site; the "Broad Crawls" guidance of its documentation is
# followed where it applies. The politeness above is per host and stays exactly as is; what
# changes is how many hosts are in flight and how little a dead one costs.
#
# With a 1-3 s delay and at most 2 requests in flight per host, one portal yields about
# 0.5-1 request/s; the crawl's rate is that times the portals in flight. 400 slots keep
# ~200-400 portals busy (each holds 1-2), which on one 2-core machine is more than parsing
# can keep up with (benchmarks/broad_crawl.py measures both): the crawl's rate is then set by
# politeness and CPU, never by slots held by slow or dead hosts.
CONCURRENT_REQUESTS = 400
# Order the next request by how few downloads its host has in flight, instead of one FIFO
# for all portals, so a portal with thousands of queued list pages cannot fill the slots
# while others wait (the documentation's advice for crawls of many domains).
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
# DNS: every portal is looked up once, then cached (the threadpool is what resolves names:
# the documentation advises raising it above 10 for many domains).
DNSCACHE_ENABLED = True
DNSCACHE_SIZE = 20_000  # > every host of every registry, xxgk subdomains included
DNS_TIMEOUT = 20
REACTOR_THREADPOOL_MAXSIZE = 20
# Connect timeout shorter than the read timeout: Scrapy gives Twisted DOWNLOAD_TIMEOUT for
# both, so a download handler of ours (crawler/connect_timeout.py) passes a separate connect
# timeout. A government server that does not complete the TCP handshake in 10 s is down.
DOWNLOAD_HANDLERS = {
    "http": "crawler.connect_timeout.ConnectTimeoutHTTPDownloadHandler",
    "https": "crawler.connect_timeout.ConnectTimeoutHTTPDownloadHandler",
    # Scope: no local files, data: URLs, S3 or FTP (see above).
    "file": None, "data": None, "s3": None, "ftp": None,
}
DOWNLOAD_CONNECT_TIMEOUT = 10
# Dead hosts (crawler/dead_hosts.py, one owner for the robots.txt fetch and every other
# request): until a host has answered once, a request to it may take FIRST_CONTACT_TIMEOUT
# (robots.txt and a homepage are small); a host that never answered and failed
# DEAD_HOST_FAILURES times without a response (its robots.txt, twice) is set aside with
# every request waiting for it, and tried once more after DEAD_HOST_RETRY_AFTER s, or when
# the crawl has nothing else to do; failing again (once), it is given up for the run (one
# log line, and an error of its portal with the reason). In a distributed run the portal
# goes back to the run's queue until then, and any worker tries it again.
FIRST_CONTACT_TIMEOUT = 20
DEAD_HOST_FAILURES = 2
DEAD_HOST_RETRY_AFTER = 600
# Memory: the scraper holds responses until their items are archived; thousands of portals
# in flight must not hold thousands of PDFs. 5 MB is Scrapy's default; stated here because
# broad crawls are where it matters (a full slot stops new downloads).
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 5_000_000
# Not taken from the guidance: cookies stay on (WAFs), retries stay on (portals are flaky,
# and a live host's retries cost little once dead hosts are set aside), redirects stay on
# (moved homepages). LOG_LEVEL stays INFO: the progress lines are INFO.
# Progress (crawler/progress.py): a line per finished portal, and every PROGRESS_INTERVAL s
# a status line (pages/s, portals done/active/waiting, dead hosts); 0 turns both off. The
# scheduler is Scrapy's own, counting queued requests per portal for the portal lines.
SCHEDULER = "crawler.progress.PortalCountingScheduler"
PROGRESS_INTERVAL = 60
# Keep DOWNLOAD_DELAY > 0: with no delay at all, Scrapy's downloader (2.19, asyncio
# reactor) starts every request queued for a host at once, above
# CONCURRENT_REQUESTS_PER_DOMAIN.

# -- Archive -------------------------------------------------------------------------
ARCHIVE_DB = "archive.db"  # the SQLite archive, relative to the current directory
# Processes that record (and so parse) fetched documents; records of one portal always go
# to the same process, in order. Parsing is CPU-bound: more than the cores is no faster.
ARCHIVE_PROCESSES = 2
# Each archive process stores a fetch first, then parses it in a worker process of its own
# under these limits (archive/parse_worker.py): a parse that overruns is killed and recorded
# as a parse_error of the stored version (`zfxxgk reparse` tries again), never re-fetched.
# The archive's defaults, which `zfxxgk reparse` and `ingest` use too.
PARSE_TIMEOUT = DEFAULT_PARSE_LIMITS.seconds  # seconds; OCR of a long scanned report takes minutes
# Address space of a parse worker (RLIMIT_AS, bytes; 0 = no limit), inherited by the
# converters it starts (LibreOffice, tesseract).
PARSE_MEMORY_LIMIT = DEFAULT_PARSE_LIMITS.memory

# -- Rendering fallback (crawler.rendering) ------------------------------------------
# A column that listed fewer documents than it declares gets one render in headless
# Chromium after static reading, its next button clicked up to RENDER_MAX_PAGES pages;
# every request the page makes goes through Scrapy (robots.txt, per-host slots, delays).
RENDER_FALLBACK = True
RENDER_BROWSER = "/usr/bin/chromium"  # Debian's chromium package; nothing is downloaded
RENDER_MAX_PAGES = 50
RENDER_TIMEOUT = 120.0  # seconds for the page, and for each click to change it

# -- Resumable runs -------------------------------------------------------------------
# Run each monthly crawl with its own job directory so an interrupted crawl resumes:
#   scrapy crawl county_portals -s JOBDIR=jobs/2026-02
# (`zfxxgk schedule` writes exactly that). Left unset here: a fixed JOBDIR would make next
# month's crawl skip everything this month's saw.
JOBDIR = None
# A run marks its JOBDIR while it runs; the next run finding the mark knows the last one
# died (SIGKILL, OOM, power loss) and starts over instead of trusting a seen-set whose
# queue was lost (crawler/jobdir.py).
# (ResponseLimits enforces the response size limits; CrawlProgress prints the progress lines.)
EXTENSIONS = {
    "crawler.jobdir.JobDirGuard": 0,
    "crawler.limits.ResponseLimits": 0,
    "crawler.progress.CrawlProgress": 500,
}

# -- Engine --------------------------------------------------------------------------
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False  # an open console port is a risk on a shared crawl host
# Scrapy 2.19 starts, by default, an HTTP server that runs Python code sent to it (token in
# a job file under the user's profile). A scheduled crawl needs no such door.
REMOTE_CONTROL_ENABLED = False
# Breadth-first: finish each level (sections, columns, list pages) across portals before
# going deeper, so one huge portal does not starve the others.
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

# -- Distributed crawl (crawler/distributed/) --------------------------------------------
# Unset, the crawl is the single-machine one above. Set, this process is one worker of the
# run RUN_ID: `scrapy crawl county_portals -s REDIS_URL=redis://host:6379/0 -s RUN_ID=2027-02`
# on as many machines as wanted, with one `zfxxgk archive-writer archive.db --redis URL
# --run 2027-02` recording what they fetch (see the README's "Distributed crawl").
REDIS_URL = None
RUN_ID = None
# A portal is crawled by one worker at a time (so at most CONCURRENT_REQUESTS_PER_DOMAIN
# requests to a host in the whole cluster). Its lease lasts this long without renewal
# (renewed every third of it): a dead worker's portals move on after at most this.
LEASE_SECONDS = 30.0
# Portals a worker holds at once, at most; unset = CONCURRENT_REQUESTS //
# CONCURRENT_REQUESTS_PER_DOMAIN, enough to keep every download slot of the worker busy. A
# worker holds no more than its fair share either: the run's unfinished portals divided by
# the workers with a fresh heartbeat (so 2 workers of a 200-portal run take 100 each).
PORTALS_PER_WORKER = None
# Backpressure: workers wait while the stream to the writer holds this many unrecorded
# entries or bytes (bodies included), so a slow writer slows the crawl instead of filling
# Redis's memory (256 MB of bodies is a few minutes of a busy crawl).
STREAM_MAX_ENTRIES = 1000
STREAM_MAX_MB = 256
