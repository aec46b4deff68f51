"""Downloader middlewares: retry backoff, WAF challenge detection, original headers, conditional requests."""

from __future__ import annotations

import asyncio
import logging

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from archive.rawstore import RawRequest
from crawler.challenge import is_challenge
from crawler.items import CaptureItem

logger = logging.getLogger(__name__)

class WafBlocked(IgnoreRequest):
    """The site answered with a WAF challenge instead of the page."""


def is_waf_challenge(status: int, body: bytes) -> bool:
    """A JavaScript challenge page (HTTP 412/403/521 with a short script, or a known challenge script; see
    crawler.challenge) in place of the page: the common Chinese government WAFs."""
    return is_challenge(status, body)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry on timeouts, resets and 5xx, waiting ``base * 2**n`` seconds before retry n+1."""

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 0.5)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 30.0)

    async def _pause(self, request: Request) -> None:
        delay = min(self.cap, self.base * 2 ** request.meta.get("retry_times", 0))
        if delay > 0:
            await asyncio.sleep(delay)

    async def process_response(self, request: Request, response: Response):  # type: ignore[override]
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await self._pause(request)
        return result

    async def process_exception(self, request: Request, exception: Exception):  # type: ignore[override]
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._pause(request)
        return result


class WafMiddleware:
    """Recognise WAF challenge pages: counted as errors of kind ``waf``, never handed on to be stored."""

    def __init__(self, crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request: Request, response: Response):
        if is_waf_challenge(response.status, response.body):
            self.stats.inc_value("disclosure/errors/waf")
            logger.warning("WAF challenge (HTTP %s) at %s: not stored", response.status, response.url)
            raise WafBlocked(f"WAF challenge at {response.url}")
        return response


class OriginalHeadersMiddleware:
    """Keep the headers as received, before Scrapy decodes the body and drops Content-Encoding, and the
    request as sent (every downloader middleware has added its headers by then)."""

    def process_response(self, request: Request, response: Response):
        encodings = response.headers.getlist(b"Content-Encoding")
        if encodings:
            request.meta["original_content_encoding"] = b", ".join(encodings).decode("latin-1")
        request.meta["original_headers"] = _header_list(response.headers)
        request.meta["sent_request"] = RawRequest(
            method=request.method, url=request.url, headers=_header_list(request.headers), body=request.body or b"",
            protocol=response.protocol or "HTTP/1.1")
        return response


def _header_list(headers) -> list[tuple[str, str]]:
    """Scrapy headers as (name, value) pairs, in Scrapy's order (values of a repeated name together)."""
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in headers.items() for v in vs]


class RecordRequestMiddleware:
    """Spider middleware: give each CaptureItem the request that fetched its response and the response's
    headers in the order received (Content-Encoding where the server put it, not appended)."""

    def process_spider_output(self, response: Response, result, spider=None):
        for item in result:
            yield self._complete(response, item)

    async def process_spider_output_async(self, response: Response, result, spider=None):
        async for item in result:
            yield self._complete(response, item)

    @staticmethod
    def _complete(response: Response, item):
        if isinstance(item, CaptureItem) and item.request is None:
            meta = response.meta
            item.request = meta.get("sent_request")
            if meta.get("original_headers") is not None:
                item.headers = list(meta["original_headers"])
        return item


class ConditionalRequestMiddleware:
    """Add If-None-Match / If-Modified-Since from the fetch state to requests the spider marked conditional."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request: Request):
        if not request.meta.get("conditional"):
            return None
        state = getattr(self.crawler.spider, "archive", None)
        fs = state.fetch_state(request.meta.get("archive_url", request.url)) if state else None
        if fs is not None:
            if fs.etag:
                request.headers[b"If-None-Match"] = fs.etag
            if fs.last_modified:
                request.headers[b"If-Modified-Since"] = fs.last_modified
        return None
