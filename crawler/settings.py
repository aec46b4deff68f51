"""Scrapy settings of the disclosure crawler: polite by default.

``crawler.run`` overrides the politeness values from the configuration (``[politeness]`` in
disclosure.toml) and sets the ``DISCLOSURE_*`` values; ``scrapy crawl portal -a profile=replica`` from
the repository root (or a Scrapyd job) uses these defaults with a database and WARC files under ./data,
politeness replaced by the profile's ``[politeness]`` as ``disclosure crawl`` does (``crawler.run.apply_profile_politeness``).
"""

from __future__ import annotations

BOT_NAME = "disclosure"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Names the project and a contact URL (crawler.run puts Config.effective_user_agent() here).
USER_AGENT = "county-disclosure-archive/0.1 (+https://github.com/county-disclosure-archive)"
ROBOTSTXT_OBEY = True

# Politeness: per-host and per-IP limits (several county sites often share one provincial server).
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Deprecated in Scrapy 2.19 but still honoured; kept because shared provincial servers need a per-IP cap.
CONCURRENT_REQUESTS_PER_IP = 4
# The downloader-aware queue refuses a per-IP limit; the plain priority queue honours it.
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.ScrapyPriorityQueue"
DOWNLOAD_DELAY = 0.25
DOWNLOAD_DELAY_JITTER = 0.5  # ±50 % around DOWNLOAD_DELAY
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 100 * 1024 * 1024
DOWNLOAD_WARNSIZE = 20 * 1024 * 1024

# Retries with exponential backoff (crawler.middlewares.BackoffRetryMiddleware replaces the stock one).
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 0.5
RETRY_BACKOFF_MAX = 30.0

# The crawl order: the spider gives hubs and lists priority over documents and documents over their files
# (crawler/spiders/portal.py ROLE_PRIORITY); within a priority, first found, first fetched. So every list is
# read early (a crawl stopped half-way still observed all the portal lists), documents come in list order
# (newest first on most portals), and no request found early waits behind everything found after it (with
# Scrapy's default last-in-first-out, one slow page found early was fetched last and held the crawl's end).
# The queue then holds the portal's unfetched documents: on disk under the JOBDIR crawler.run always sets.
DEPTH_PRIORITY = 0
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
# Items go to the archive writer one at a time, in the order the spider yields them (a list page's capture
# before its observations); Scrapy's default of 100 only spawns idle tasks.
CONCURRENT_ITEMS = 1
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False  # sessions only breed session-id URLs
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    "crawler.middlewares.WafMiddleware": 580,
    # The browser tier (crawler/browser.py): sees challenges before WafMiddleware does; inert for browser = "never".
    "crawler.browser.BrowserTierMiddleware": 585,
    "crawler.middlewares.OriginalHeadersMiddleware": 595,
    "crawler.middlewares.ConditionalRequestMiddleware": 600,
}
# The request record of each capture (WARC `request`), and the headers in the order received.
SPIDER_MIDDLEWARES = {"crawler.middlewares.RecordRequestMiddleware": 950}
ITEM_PIPELINES = {"crawler.pipelines.ArchivePipeline": 300}
# Scrapy >= 2.19 starts, per crawl, an HTTP server on localhost that runs Python code sent to it (RemoteControl;
# its token in a job file under the home directory): not for an unattended archive crawler, and importing its
# aiohttp cost a tenth of a second of every crawl's start. Off and not loaded, as the telnet console.
REMOTE_CONTROL_ENABLED = False
EXTENSIONS = {"scrapy.extensions.remote_control.RemoteControl": None, "crawler.extensions.CrawlRunExtension": 100}

# Archive locations (crawler.run sets them from the configuration).
DISCLOSURE_DATABASE_URL = "sqlite:///data/archive.sqlite3"
DISCLOSURE_WARC_DIR = "data/warc"
DISCLOSURE_RUN_ID = None  # an existing crawl_runs row to use (crawler.run creates it)
DISCLOSURE_SUMMARY_PATH = None  # where the extension writes the summary JSON for crawler.run
DISCLOSURE_PROGRESS = None  # None: a progress line only when stdout is a terminal
DISCLOSURE_WARC_MAX_SIZE = 1024 * 1024 * 1024
# Where items are stored (crawler/archive_writer.py): "process" — a writer process beside the crawler, on
# another core; "inline" — in the crawler's own process.
DISCLOSURE_ARCHIVE_WRITER = "process"
# How far the crawler may run ahead of the writer: items and megabytes sent and not yet stored.
DISCLOSURE_ARCHIVE_WRITER_WINDOW = 256
DISCLOSURE_ARCHIVE_WRITER_WINDOW_MB = 64
DISCLOSURE_REVALIDATE_AFTER_DAYS = None  # None: the profile's revalidate_after_days
# The browser tier (docs/crawler.md): None = the profile's `browser`; at most 2 pages at a time; browser visits
# per request before a challenge counts as unsolved; Chromium's path (None: `chromium` on PATH).
DISCLOSURE_BROWSER = None
DISCLOSURE_BROWSER_CONCURRENCY = 1
DISCLOSURE_BROWSER_MAX_ROUNDS = 2
DISCLOSURE_BROWSER_EXECUTABLE = None

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"

# Scale path: a frontier shared by several crawler processes in Redis when DISCLOSURE_REDIS_URL is set
# (crawler/distributed.py, docs/scheduling.md). Off by default.
from crawler.distributed import apply_distributed  # noqa: E402

apply_distributed(globals())
