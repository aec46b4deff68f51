"""The crawl-run extension: the ``crawl_runs`` row, a progress line on a terminal, the final summary."""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time

from scrapy import signals
from twisted.internet import task

from crawler.peak_memory import cpu_seconds, peak_rss_bytes
from crawler.summary import CrawlSummary

logger = logging.getLogger(__name__)
P = "disclosure/"


# Error kinds that mean a request got no answer after its retries (the portal went away, timed out, …).
LOST_KINDS = ("timeout", "dns", "connection", "ResponseNeverReceived", "ConnectionLost", "ResponseFailed",
              "ConnectionDone", "TCPTimedOutError")


def lost_requests(errors: dict[str, int]) -> int:
    """Requests that never got an answer, or only a server error, after their retries."""
    return sum(n for kind, n in errors.items() if kind in LOST_KINDS or kind.startswith("http_5"))


def crawl_status(reason: str, responses: int, waf: int, lost: int = 0) -> str:
    """ok | failed | blocked | interrupted from Scrapy's finish reason and what came back. A crawl with requests
    that got no answer is not ok: what they would have brought is missing (the next crawl fetches it).
    ``waf``: challenges that stopped requests (plain tier: ``waf``; browser tier: ``challenge_unsolved``)."""
    if reason == "shutdown":
        return "interrupted"
    if reason != "finished" and not reason.startswith("closespider"):
        return "failed"
    if responses == 0:
        return "blocked" if waf else "failed"
    return "failed" if lost else "ok"


class CrawlRunExtension:
    """Opens and closes the crawl's row, shows progress when stdout is a TTY, prints the summary."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        setting = crawler.settings.get("DISCLOSURE_PROGRESS")
        self.progress = sys.stdout.isatty() if setting is None else bool(setting)
        self.summary_path = crawler.settings.get("DISCLOSURE_SUMMARY_PATH")
        self._loop: task.LoopingCall | None = None
        self._started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:
        self._started = time.monotonic()
        settings = self.crawler.settings
        run_id = spider.archive.begin_run(settings.getint("DISCLOSURE_RUN_ID") or None,
                                          shared_frontier=bool(settings.get("DISCLOSURE_FRONTIER")))
        self.stats.set_value(P + "run_id", run_id)
        logger.info("crawl run #%s of profile %s started", run_id, spider.profile.name)
        if self.progress:
            self._loop = task.LoopingCall(self._print_progress)
            self._loop.start(1.0, now=False)

    def _print_progress(self) -> None:
        g = self.stats.get_value
        sys.stdout.write(f"\r  {g('downloader/request_count', 0)} requests, {g(P + 'responses', 0)} responses, "
                         f"{g(P + 'new_captures', 0)} new captures, {g(P + 'bytes', 0) / 1e6:.1f} MB, "
                         f"{time.monotonic() - self._started:.0f}s ")
        sys.stdout.flush()

    def summary(self, spider, reason: str) -> CrawlSummary:
        g = self.stats.get_value
        stats = self.stats.get_stats()
        errors = {k.removeprefix(P + "errors/"): int(v) for k, v in stats.items() if k.startswith(P + "errors/")}
        responses = int(g(P + "responses", 0))
        return CrawlSummary(
            profile=spider.profile.name,
            status=crawl_status(reason, responses, errors.get("waf", 0) + errors.get("challenge_unsolved", 0),
                                lost_requests(errors)),
            run_id=spider.archive.run_id, finish_reason=reason,
            requests=int(g("downloader/request_count", 0)), pages=responses,
            list_entries=int(g(P + "list_entries", 0)), new_documents=int(g(P + "new_documents", 0)),
            new_versions=int(g(P + "new_versions", 0)), new_captures=int(g(P + "new_captures", 0)),
            revisits=int(g(P + "revisits", 0)), unchanged=int(g(P + "unchanged", 0)),
            not_modified=int(g(P + "not_modified", 0)), skipped_fresh=int(g(P + "skipped/fresh", 0)),
            bytes=int(g(P + "bytes", 0)), errors=errors, duration_s=round(time.monotonic() - self._started, 2),
            pages_by_tier={t: int(n) for t in ("plain", "browser") if (n := g(P + f"tier/{t}", 0))},
            browser_visits=sum(int(v) for k, v in stats.items() if k.startswith(P + "browser/visits/")),
        )

    def spider_closed(self, spider, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
            sys.stdout.write("\n")
        self.stats.set_value(P + "peak_rss_bytes", peak_rss_bytes())
        self.stats.set_value(P + "cpu_s", round(cpu_seconds(), 2))  # the worker's, all its crawls together
        summary = self.summary(spider, reason)
        if summary.status == "blocked" and summary.errors.get("challenge_unsolved"):
            summary.message = ("every page answered with a JavaScript challenge the browser tier could not pass: "
                               "not stored; the next crawl tries again")
        elif summary.status == "blocked":
            summary.message = ("every page answered with a WAF challenge (HTTP 412): the site blocks this crawler "
                               "(a profile with browser = \"auto\" sends challenges to the browser tier)")
        elif reason == "storage_failed":
            summary.message = (f"the archive could not be written ({self.stats.get_value(P + 'storage_error')}): "
                               "crawl stopped; what was stored before is kept")
        elif summary.status == "failed" and (lost := lost_requests(summary.errors)):
            summary.message = (f"{lost} requests got no answer (the portal was unreachable or failing): the pages "
                               "captured by this crawl are fetched again by the next one")
        plain = {k: v for k, v in self.stats.get_stats().items()
                 if isinstance(v, int | float | str) and not isinstance(v, dt.datetime)}
        spider.archive.finish_run(summary.status, reason, {
            "requests": summary.requests, "pages": summary.pages, "not_modified": summary.not_modified,
            "new_captures": summary.new_captures, "new_documents": summary.new_documents,
            "new_versions": summary.new_versions, "bytes": summary.bytes,
        }, summary.errors, plain)
        with spider.archive.db.session() as s:
            from archive.models import CrawlRun

            summary.documents_seen = s.get(CrawlRun, spider.archive.run_id).documents_seen
        if self.summary_path:
            summary.save(self.summary_path)
        else:
            print(summary.render())
