"""The archive pipeline: hands every item to the archive writer (``crawler.archive_writer``) and counts
what it stored; stops the crawl when the archive cannot be written.

The storing itself — each response into the WARC store plus a ``captures`` row, fetch state, list and
column observations, units, one short transaction per item — is ``crawler.capture_store``.
"""

from __future__ import annotations

import logging

from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.python.failure import Failure

from crawler.archive_writer import (
    WINDOW_BYTES,
    WINDOW_ITEMS,
    ArchiveWriter,
    WriterGone,
    acquire_writer,
    release_writer,
)
from crawler.capture_store import CrawlContext, StoreOutcome

logger = logging.getLogger(__name__)


class ArchivePipeline:
    """Stores captures, fetch state, list observations and units through the archive writer."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.writer: ArchiveWriter | None = None
        self.fatal: str | None = None  # why storing stopped (disk full …): every later item is dropped
        self._crawl: CrawlContext | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def _state(self):
        return self.crawler.spider.archive

    def open_spider(self) -> None:
        settings = self.crawler.settings
        self.writer = acquire_writer(settings.get("DISCLOSURE_ARCHIVE_WRITER", "process"),
                                  settings.get("DISCLOSURE_DATABASE_URL"), str(settings.get("DISCLOSURE_WARC_DIR")),
                                  settings.getint("DISCLOSURE_WARC_MAX_SIZE"),
                                  window=settings.getint("DISCLOSURE_ARCHIVE_WRITER_WINDOW", WINDOW_ITEMS),
                                  window_bytes=int(settings.getfloat("DISCLOSURE_ARCHIVE_WRITER_WINDOW_MB",
                                                                     WINDOW_BYTES / 2**20) * 2**20))

    async def close_spider(self) -> None:
        """Wait for the writer to store what it was given (the last crawl of the process closes it)."""
        if self.writer is None:
            return
        writer, self.writer = self.writer, None
        closing = release_writer(writer)
        if closing is None:
            return
        problem = await maybe_deferred_to_future(closing)
        if problem:
            logger.error("%s", problem)
        if writer.peak_rss_bytes:
            self.stats.set_value("disclosure/writer_peak_rss_bytes", writer.peak_rss_bytes)
            self.stats.set_value("disclosure/writer_cpu_s", round(writer.cpu_s, 2))

    async def process_item(self, item):
        """Hand the item to the writer; wait only while the writer is a window of items behind."""
        if self.fatal:
            raise DropItem(f"not stored: {self.fatal}")
        assert self.writer is not None
        self.writer.submit(item, self._context()).addCallbacks(self._stored, self._not_stored, errbackArgs=(item,))
        room = self.writer.room()
        if room is not None:  # the writer is a window behind: wait for it to catch up
            self.stats.inc_value("disclosure/writer_waits")
            await maybe_deferred_to_future(room)
        return item

    def _context(self) -> CrawlContext:
        """The crawl's run and portal (known once the crawl has begun) for the rows of its items."""
        state = self._state
        if self._crawl is None or (self._crawl.run_id, self._crawl.portal_id) != (state.run_id, state.portal_id):
            self._crawl = CrawlContext(state.run_id, state.portal_id, state.profile, tuple(state.site.units))
        return self._crawl

    def _stored(self, outcome: StoreOutcome) -> None:
        for key, count in outcome.counts.items():
            self.stats.inc_value(key, count)
        if outcome.storage_error and not self.fatal:
            self._stop(outcome.storage_error)

    def _not_stored(self, failure: Failure, item) -> None:
        if failure.check(WriterGone):
            if not self.fatal:
                self._stop(str(failure.value))  # the writer process is gone: nothing more can be stored
            return
        self.stats.inc_value("disclosure/errors/store")
        logger.error("storing %s failed: %s", getattr(item, "url", None) or type(item).__name__, failure.value)

    def _stop(self, reason: str) -> None:
        """Storage failed: record why and close the crawl now (what is stored stays; a torn WARC tail is cut
        back by the next writer)."""
        self.fatal = reason
        logger.error("archive storage failed, stopping the crawl: %s", reason)
        self.stats.set_value("disclosure/storage_error", reason)
        self.stats.inc_value("disclosure/errors/storage")
        engine = self.crawler.engine
        closing = getattr(engine, "close_spider_async", None)
        if closing is not None:
            deferred_from_coro(closing(reason="storage_failed"))
        else:  # Scrapy < 2.14
            engine.close_spider(self.crawler.spider, "storage_failed")
