"""The one portal spider: hub pages → unit list → columns → list pages → documents → attachments.

Everything site-specific comes from the site profile (``crawler/profiles/*.toml``). Every response is
handed to the archive pipeline as a ``CaptureItem``; detail pages and files are requested only when the
incremental policy (``crawler.state``) says so, list pages always.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from typing import Any

import scrapy
from parsel import Selector
from scrapy.http import FormRequest, Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError, TimeoutError

from archive.db import open_database
from crawler.clock import CrawlClock
from crawler.dialects import hanweb, trs
from crawler.dialects.common import ListEntry, entries_from_html, links
from crawler.encoding import decode_page
from crawler.items import CaptureAlias, CaptureItem, ListObservationsItem, NotModifiedItem, UnitItem
from crawler.middlewares import WafBlocked
from crawler.profiles import SiteProfile, resolve_profile
from crawler.run import apply_profile_politeness
from crawler.state import CrawlState
from crawler.urls import canonical_url, is_wap_twin

logger = logging.getLogger(__name__)

# Statuses handed to the callbacks (stored, counted) instead of being dropped by HttpErrorMiddleware.
HANDLED_STATUSES = [304, 400, 401, 403, 404, 410, 500, 502, 503, 504]
HTML_TYPES = ("text/html", "application/xhtml", "text/xml", "application/xml")


class PortalSpider(scrapy.Spider):
    """Harvest one county portal described by a site profile."""

    name = "portal"
    handle_httpstatus_list = HANDLED_STATUSES

    def __init__(self, profile: str | SiteProfile = "replica", base_url: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.profile = profile if isinstance(profile, SiteProfile) else resolve_profile(profile, base_url)
        self.allowed_domains = list(self.profile.allowed_domains)
        self.archive: CrawlState | None = None
        self.clock = CrawlClock()

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        apply_profile_politeness(crawler.settings, spider.profile)  # plain `scrapy crawl` as `disclosure crawl`
        db = open_database(crawler.settings.get("DISCLOSURE_DATABASE_URL"))
        spider.clock = CrawlClock.from_setting(crawler.settings.get("DISCLOSURE_CLOCK"))
        spider.archive = CrawlState(db, spider.profile, spider.clock)
        override = crawler.settings.get("DISCLOSURE_REVALIDATE_AFTER_DAYS")
        if override is not None:
            spider.archive.revalidate_after_days = int(override)
        return spider

    # ------------------------------------------------------------------ requests
    def _request(self, url: str, callback, *, role: str, priority: int = 0, conditional: bool = False,
                 formdata: dict[str, str] | None = None, **hints: str | None) -> Request | None:
        canon = canonical_url(url)
        if not self.profile.is_allowed_host(canon):
            self.crawler.stats.inc_value("disclosure/skipped/offsite")
            return None
        if self.profile.is_denied(canon):
            self.crawler.stats.inc_value("disclosure/skipped/denied")
            return None
        meta = {"role": role, "conditional": conditional, "archive_url": canon, **hints}
        if formdata is not None:
            return FormRequest(canon, formdata=formdata, callback=callback, errback=self.on_error, meta=meta,
                               priority=priority)
        return Request(canon, callback=callback, errback=self.on_error, meta=meta, priority=priority)

    async def start(self):
        for url in self.profile.start_urls:
            req = self._request(url, self.parse_hub, role="other")
            if req is not None:
                yield req
        for url in self.profile.unit_list_urls:
            req = self._request(url, self.parse_unit_list, role="unit_index")
            if req is not None:
                yield req

    # ------------------------------------------------------------------ capture
    def _capture(self, response: Response) -> Iterator[Any]:
        """The archive items for a response; sets ``response.meta['usable']`` when its body can be read."""
        meta = response.meta
        fetched = self.clock.now()
        self.crawler.stats.inc_value("disclosure/responses")
        role = meta.get("role", "other")
        meta["usable"] = False
        if response.status == 304:
            yield NotModifiedItem(url=meta.get("archive_url", response.url), fetched_at=fetched, role=role)
            return
        if response.status >= 400:
            self.crawler.stats.inc_value(f"disclosure/errors/http_{response.status}")
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in response.headers.items() for v in vs]
        if meta.get("original_content_encoding"):
            headers.append(("Content-Encoding", meta["original_content_encoding"]))
        ctype = response.headers.get(b"Content-Type")
        final_url = canonical_url(response.url)
        if role == "list" and self.profile.is_detail(final_url):
            role = "document"  # an old column link that redirects to a document
        yield CaptureItem(
            url=final_url, status=response.status, headers=headers, body=response.body, fetched_at=fetched,
            content_type=ctype.decode("latin-1") if ctype else None, role=role,
            column_kind=meta.get("column_kind"), unit_hint=meta.get("unit_hint"),
            parent_url=meta.get("parent_url"), listed_date=meta.get("listed_date"),
        )
        requested = meta.get("archive_url")
        if requested and requested != final_url:
            # A redirect: the old URL gets the same fetch state, so it is not re-requested next time.
            self.crawler.stats.inc_value("disclosure/redirects")
            yield CaptureAlias(url=requested, target=final_url)
        meta["usable"] = 200 <= response.status < 300

    def _selector(self, response: Response) -> Selector:
        ctype = response.headers.get(b"Content-Type")
        text, _ = decode_page(response.body, ctype.decode("latin-1") if ctype else None)
        return Selector(text=text)

    def _is_html(self, response: Response) -> bool:
        ctype = (response.headers.get(b"Content-Type") or b"text/html").decode("latin-1").lower()
        return ctype.startswith(HTML_TYPES)

    # ------------------------------------------------------------------ hubs and units
    def parse_hub(self, response: Response):
        """Home and unit platform pages: follow the unit list, columns, and any documents linked."""
        yield from self._capture(response)
        if not response.meta["usable"] or not self._is_html(response):
            return
        yield from self._follow_hub_links(response, self._selector(response))

    def parse_unit_list(self, response: Response):
        """The platform's unit list: one unit per unit link, plus the columns it links (central report column)."""
        yield from self._capture(response)
        if not response.meta["usable"]:
            return
        sel = self._selector(response)
        listed_at = self.clock.now()
        for url, text in links(sel, response.url):
            canon = canonical_url(url)
            if self.profile.is_unit_link(canon) and text:
                yield UnitItem(name=text, column_url=canon, listed_at=listed_at)
                req = self._request(canon, self.parse_hub, role="other", unit_hint=text, parent_url=response.url)
                if req is not None:
                    yield req
        yield from self._follow_hub_links(response, sel)

    def _follow_hub_links(self, response: Response, sel: Selector):
        unit_hint = response.meta.get("unit_hint")
        unit_lists = {canonical_url(u) for u in self.profile.unit_list_urls}
        for url, text in links(sel, response.url):
            canon = canonical_url(url)
            if canon in unit_lists:
                req = self._request(canon, self.parse_unit_list, role="unit_index")
            elif self.profile.is_detail(canon) or self.profile.is_attachment(canon) or self._known_detail(canon):
                # Documents linked from hub pages (latest news, old links): after the lists, without hints.
                decision = self.archive.decide_detail(canon)
                if not decision.fetch:
                    continue
                req = self._request(canon, self.parse_document, role="document", priority=-5,
                                    conditional=decision.conditional, parent_url=response.url)
            elif (kind := self.profile.column_kind(canon, text)) is not None:
                req = self._request(canon, self.parse_list, role="list", column_kind=kind, unit_hint=unit_hint,
                                    parent_url=response.url, page_no="0")
            else:
                continue
            if req is not None:
                yield req

    def _known_detail(self, url: str) -> bool:
        """An old link already known to redirect to a document (its fetch state says so): not a column."""
        fs = self.archive.fetch_state(url)
        return fs is not None and fs.role in ("document", "attachment")

    # ------------------------------------------------------------------ lists
    def parse_list(self, response: Response):
        """A column list page (TRS, generic) or a Hanweb column page (entries come from dataproxy.jsp)."""
        yield from self._capture(response)
        if not response.meta["usable"]:
            return
        if self.profile.is_detail(canonical_url(response.url)):
            yield from self._document_followups(response)  # an old column link redirected to a document
            return
        dialect, paging = self.profile.dialect_for(response.url)
        text, _ = decode_page(response.body, (response.headers.get(b"Content-Type") or b"").decode("latin-1"))
        sel = Selector(text=text)
        if dialect == "hanweb" and paging == "dataproxy":
            form = hanweb.column_form(text, response.url)
            if form is None:
                self.crawler.stats.inc_value("disclosure/errors/no_column_id")
                return
            yield from self._dataproxy_request(response, form, 1, hanweb.per_page(text, self.profile.hanweb_perpage))
            return
        entries = entries_from_html(sel, response.url, self._is_entry)
        yield from self._entries(response, entries)
        yield from self._next_pages(response, text, sel, entries, paging)

    def _next_pages(self, response: Response, text: str, sel: Selector, entries: list[ListEntry], paging: str):
        meta = response.meta
        page_no = int(meta.get("page_no") or 0)
        follow = {k: meta.get(k) for k in ("column_kind", "unit_hint")}
        if paging == "createPageHTML" and (count := trs.page_count(text)) is not None:
            if page_no == 0 and count[1] == 0:  # only the first page schedules the others
                for n, url in enumerate(trs.page_urls(response.url, count[0], count[2], count[3],
                                                      self.profile.max_list_pages), start=1):
                    req = self._request(url, self.parse_list, role="list", parent_url=response.url,
                                        page_no=str(n), **follow)
                    if req is not None:
                        yield req
            return
        if paging in ("none", "dataproxy") or page_no + 1 >= self.profile.max_list_pages:
            return
        # Generic paging without a count: follow 下一页 until a page repeats the previous one's entries.
        signature = hashlib.sha1("\n".join(e.url for e in entries).encode()).hexdigest()
        if not entries or signature == meta.get("prev_signature"):
            self.crawler.stats.inc_value("disclosure/paging_stopped_repeat")
            return
        for url, label in links(sel, response.url):
            if label in ("下一页", "下页", "next", ">") and canonical_url(url) != canonical_url(response.url):
                req = self._request(url, self.parse_list, role="list", parent_url=response.url,
                                    page_no=str(page_no + 1), **follow)
                if req is not None:
                    req.meta["prev_signature"] = signature
                    yield req
                return

    def _dataproxy_request(self, response: Response, form: dict[str, str], start: int, per: int):
        url = hanweb.dataproxy_url(self.profile.base_url, self.profile.hanweb_dataproxy_path, form["columnid"],
                                   start, per)
        req = self._request(url, self.parse_dataproxy, role="list", formdata=form,
                            column_kind=response.meta.get("column_kind"), unit_hint=response.meta.get("unit_hint"),
                            parent_url=response.meta.get("parent_url") or response.url)
        if req is not None:
            req.meta.update(hanweb_form=form, hanweb_start=start, hanweb_per=per,
                            column_url=response.meta.get("column_url") or response.url)
            yield req

    def parse_dataproxy(self, response: Response):
        """A Hanweb dataproxy.jsp XML answer: entries from the CDATA snippets, then the next batch."""
        yield from self._capture(response)
        if not response.meta["usable"]:
            return
        total, snippets = hanweb.parse_dataproxy(response.body)
        base = response.meta["column_url"]
        entries = [e for snip in snippets for e in entries_from_html(snip, base, self._is_entry)]
        yield from self._entries(response, entries)
        start, per = response.meta["hanweb_start"], response.meta["hanweb_per"]
        nxt = start + per * 3
        if total is not None and nxt <= total and nxt // per < self.profile.max_list_pages and entries:
            yield from self._dataproxy_request(response, response.meta["hanweb_form"], nxt, per)

    def _is_entry(self, url: str) -> bool:
        canon = canonical_url(url)
        return self.profile.is_allowed_host(canon) and (self.profile.is_detail(canon) or self.profile.is_attachment(canon))

    def _entries(self, response: Response, entries: list[ListEntry]):
        list_url = response.meta.get("archive_url", canonical_url(response.url))
        stats = self.crawler.stats
        rows = [(canonical_url(e.url), e.title or None, e.date) for e in entries]
        stats.inc_value("disclosure/list_entries", len(rows))
        stats.inc_value("disclosure/wap_twins", sum(1 for e in entries if is_wap_twin(e.url)))
        # Decide before the observations are stored: the comparison is with earlier crawls' observations.
        decisions = self.archive.decide_listed(list_url, rows) if rows else {}
        if rows:
            yield ListObservationsItem(list_url=list_url, observed_at=self.clock.now(), entries=rows)
        for url, _title, date in rows:
            decision = decisions[url]
            if not decision.fetch:
                stats.inc_value("disclosure/skipped/fresh")
                continue
            attachment = self.profile.is_attachment(url) and not self.profile.is_detail(url)
            req = self._request(url, self.parse_attachment if attachment else self.parse_document,
                                role="attachment" if attachment else "document", conditional=decision.conditional,
                                column_kind=response.meta.get("column_kind"),
                                unit_hint=response.meta.get("unit_hint"), parent_url=list_url, listed_date=date)
            if req is not None:
                yield req

    # ------------------------------------------------------------------ documents and files
    def parse_document(self, response: Response):
        """A detail page: archive it, then its attachments (re-requested because the page was fetched)."""
        yield from self._capture(response)
        if response.meta["usable"]:
            yield from self._document_followups(response)

    def _document_followups(self, response: Response):
        if not self._is_html(response):
            return
        doc_url = canonical_url(response.url)
        for url, _text in links(self._selector(response), response.url):
            canon = canonical_url(url)
            if is_wap_twin(url):
                self.crawler.stats.inc_value("disclosure/wap_twins")
                continue
            if not self.profile.is_attachment(canon) or self.profile.is_detail(canon):
                continue
            decision = self.archive.decide_detail(canon)
            req = self._request(canon, self.parse_attachment, role="attachment", conditional=decision.fetch is False
                                or decision.conditional, column_kind=response.meta.get("column_kind"),
                                unit_hint=response.meta.get("unit_hint"), parent_url=doc_url,
                                listed_date=response.meta.get("listed_date"))
            if req is not None:
                yield req

    def parse_attachment(self, response: Response):
        """A file (PDF, DOC, XLS …): archive it as it is."""
        yield from self._capture(response)

    # ------------------------------------------------------------------ failures
    def on_error(self, failure):
        """Count a failed request by kind (WAF, timeout, DNS, refused, HTTP, other); never stops the crawl."""
        stats = self.crawler.stats
        if failure.check(WafBlocked):
            return  # counted by WafMiddleware
        if failure.check(HttpError):
            kind = f"http_{failure.value.response.status}"
        elif failure.check(TimeoutError, TCPTimedOutError):
            kind = "timeout"
        elif failure.check(DNSLookupError):
            kind = "dns"
        elif failure.check(ConnectionRefusedError):
            kind = "connection"
        else:
            kind = type(failure.value).__name__
        stats.inc_value(f"disclosure/errors/{kind}")
        logger.warning("request failed (%s): %s", kind, failure.request.url)

