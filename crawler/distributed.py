"""A shared crawl frontier in Redis (scrapy-redis) so several crawler processes split one portal.

Off by default. Switched on by ``DISCLOSURE_REDIS_URL`` in the environment (``crawler/settings.py`` calls
:func:`apply_distributed`) or by passing :func:`distributed_settings` to ``run_crawl(settings=...)``. Every
process that names the same frontier (``DISCLOSURE_FRONTIER``, default ``default``) pops requests from one
Redis queue and checks one Redis seen-set, so no URL is fetched twice across the processes.

Two changes to stock scrapy-redis make that hold:

- start requests and other ``dont_filter`` requests go through the shared seen-set too (Scrapy marks start
  requests ``dont_filter``, so every process would otherwise fetch the start pages); only retries (which
  carry ``retry_times`` in their meta) bypass it;
- the frontier persists when a process closes (stock scrapy-redis clears it, pulling the queue from under
  the processes still running), and an idle process stays open while the others are still adding work.
  Clear a finished frontier with :func:`clear_frontier` before reusing its name.

robots.txt is the one exception: each process reads it itself (Scrapy fetches it outside the scheduler).
"""

from __future__ import annotations

import os
from typing import Any

KEY_PREFIX = "disclosure:frontier"
SPIDER_NAME = "portal"
# An idle process waits this long after the frontier's last activity before it closes.
DEFAULT_IDLE_GRACE = 8.0


def frontier_keys(frontier: str, spider: str = SPIDER_NAME) -> dict[str, str]:
    """The Redis keys of one frontier: queue, seen-set, last-activity stamp."""
    base = f"{KEY_PREFIX}:{frontier}:{spider}"
    return {"queue": f"{base}:requests", "seen": f"{base}:dupefilter", "activity": f"{base}:activity"}


def distributed_settings(redis_url: str, frontier: str = "default", idle_grace: float = DEFAULT_IDLE_GRACE
                         ) -> dict[str, Any]:
    """Scrapy settings that put the crawl's frontier in Redis (merge them over crawler/settings.py)."""
    base = f"{KEY_PREFIX}:{frontier}:%(spider)s"
    return {
        "SCHEDULER": "crawler.frontier.SharedFrontierScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": f"{base}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{base}:dupefilter",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_FLUSH_ON_START": False,
        "REDIS_URL": redis_url,
        "DISCLOSURE_FRONTIER": frontier,
        "DISCLOSURE_FRONTIER_ACTIVITY_KEY": f"{base}:activity",
        "DISCLOSURE_FRONTIER_IDLE_GRACE": idle_grace,
        "DISCLOSURE_FRONTIER_EXTENSION": {"crawler.frontier.FrontierKeepAlive": 110},
    }


def apply_distributed(namespace: dict[str, Any], environ: dict[str, str] | None = None) -> bool:
    """Switch a settings module's namespace to the shared frontier when ``DISCLOSURE_REDIS_URL`` is set."""
    env = os.environ if environ is None else environ
    url = env.get("DISCLOSURE_REDIS_URL")
    if not url:
        return False
    values = distributed_settings(url, env.get("DISCLOSURE_FRONTIER", "default"))
    extension = values.pop("DISCLOSURE_FRONTIER_EXTENSION")
    namespace.update(values)
    namespace["EXTENSIONS"] = {**namespace.get("EXTENSIONS", {}), **extension}
    return True


def merge_into(settings: dict[str, Any], base_extensions: dict[str, int] | None = None) -> dict[str, Any]:
    """``distributed_settings`` output made ready for ``run_crawl(settings=...)`` (extensions merged)."""
    out = dict(settings)
    extension = out.pop("DISCLOSURE_FRONTIER_EXTENSION", {})
    out["EXTENSIONS"] = {**(base_extensions or {}), **extension}
    return out


def clear_frontier(redis_url: str, frontier: str = "default", spider: str = SPIDER_NAME) -> int:
    """Delete a frontier's queue and seen-set, every portal's (before a new distributed crawl reuses the name)."""
    from scrapy_redis.connection import get_redis

    server = get_redis(url=redis_url)
    keys = [*frontier_keys(frontier, spider).values(),
            *server.scan_iter(match=f"{KEY_PREFIX}:{frontier}/*:{spider}:*")]
    return int(server.delete(*keys)) if keys else 0


def portal_frontier(settings: Any, portal: str) -> dict[str, Any]:
    """The keys of ``portal``'s own queue inside the configured frontier (``{frontier}/{portal}``).

    Every crawler of one process is a ``portal`` spider: without this, the portals crawled side by side
    (``disclosure crawl A B``) would pop each other's requests. Machines crawling the same portal meet in
    its queue whatever other portals each crawls. {} when the frontier is not in Redis.
    """
    if not settings.get("REDIS_URL") or not settings.get("SCHEDULER_QUEUE_KEY"):
        return {}
    frontier = settings.get("DISCLOSURE_FRONTIER") or "default"
    old, new = f"{KEY_PREFIX}:{frontier}:", f"{KEY_PREFIX}:{frontier}/{portal}:"
    keys = ("SCHEDULER_QUEUE_KEY", "SCHEDULER_DUPEFILTER_KEY", "DISCLOSURE_FRONTIER_ACTIVITY_KEY")
    return {k: str(settings.get(k)).replace(old, new, 1) for k in keys if settings.get(k)}
