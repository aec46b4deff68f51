"""The shared frontier's Scrapy parts (``crawler.distributed`` names them in the settings when a Redis URL is set):
a scheduler over scrapy-redis and the extension that keeps an idle process open while others work.

A module of their own so that a crawl without Redis never imports scrapy-redis and redis.
"""

from __future__ import annotations

import time

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.scheduler import Scheduler as _RedisScheduler

from crawler.distributed import DEFAULT_IDLE_GRACE, KEY_PREFIX


class SharedFrontierScheduler(_RedisScheduler):  # type: ignore[misc,valid-type]
    """scrapy-redis scheduler that filters start requests too and stamps the frontier's activity."""

    def open(self, spider):
        result = super().open(spider)
        self.activity_key = spider.settings.get("DISCLOSURE_FRONTIER_ACTIVITY_KEY") or (
            f"{KEY_PREFIX}:default:{spider.name}:activity")
        return result

    def enqueue_request(self, request):
        retry = bool(request.meta.get("retry_times"))
        if not retry and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        self.server.set(self.activity_key, repr(time.time()))
        return True


class FrontierKeepAlive:
    """Keeps an idle process open while the shared frontier has work or another process was just active."""

    def __init__(self, crawler):
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured
        self.crawler = crawler
        self.server = get_redis_from_settings(crawler.settings)
        self.key = crawler.settings.get("DISCLOSURE_FRONTIER_ACTIVITY_KEY")
        self.grace = crawler.settings.getfloat("DISCLOSURE_FRONTIER_IDLE_GRACE", DEFAULT_IDLE_GRACE)
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def response_received(self, response, request, spider):
        self.server.set(self.key, repr(time.time()))

    def spider_idle(self, spider):
        scheduler = self.crawler.engine._slot.scheduler if self.crawler.engine._slot else None
        if scheduler is not None and scheduler.has_pending_requests():
            raise DontCloseSpider("the shared frontier has requests")
        stamp = self.server.get(self.key)
        try:
            last = float(stamp) if stamp is not None else 0.0
        except ValueError:
            last = 0.0
        if time.time() - last < self.grace:
            raise DontCloseSpider("another process was active on the shared frontier")
