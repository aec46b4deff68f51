"""scrapy-playwright's download handler, started only when a request first needs a browser.

The stock handler starts Playwright (a Node driver process) when the engine starts; a crawl whose plain tier never
meets a challenge would pay for it anyway. This one starts Playwright and Chromium with the first request marked
``playwright`` and leaves every other request to Scrapy's own HTTP/1.1 handler, as the stock one does.
"""

from __future__ import annotations

import asyncio

from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler


class LazyPlaywrightHandler(ScrapyPlaywrightDownloadHandler):
    """Playwright and the browser start with the first browser request, not with the crawl."""

    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        self._start_lock = asyncio.Lock()
        self._started = False

    async def _maybe_launch_in_thread(self) -> None:  # connected to engine_started by the base class
        return None

    def _engine_started(self):  # Scrapy < 2.14 connects this one instead
        return None

    async def _download_request(self, request, spider=None):
        async with self._start_lock:
            if not self._started:
                await self._launch()
                self._started = True
        return await super()._download_request(request, spider)
