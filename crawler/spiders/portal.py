"""The one portal spider: hub pages → unit list → columns → list pages → documents → attachments.

Everything site-specific comes from the site profile (``crawler/profiles/*.toml``). Every response is
handed to the archive pipeline as a ``CaptureItem``; detail pages and files are requested only when the
incremental policy (``crawler.state``) says so, list pages always.
"""

from __future__ import annotations

import logging
import posixpath
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from parsel import Selector
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import FormRequest, Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError, TimeoutError

from archive.columns import HOME, column_url, looks_like_column
from archive.db import open_database
from archive.parse.body_images import find_body_images, is_decoration
from archive.rawstore import RawRequest
from crawler.browser import ChallengeUnsolved, apply_browser_tier
from crawler.clock import CrawlClock
from crawler.dialects import hanweb
from crawler.dialects.common import ListEntry, entries_from_html, links
from crawler.dialects.listapi import ListApi
from crawler.dialects.scripts import script_selectors
from crawler.encoding import decode_page
from crawler.items import (
    CaptureAlias,
    CaptureItem,
    ColumnItem,
    ListObservationsItem,
    NotModifiedItem,
    UnitItem,
)
from crawler.middlewares import WafBlocked
from crawler.profiles import SiteProfile, resolve_profile
from crawler.run import apply_profile_politeness
from crawler.spiders.list_paging import ListPagingMixin
from crawler.spiders.survey_notes import SurveyNotesMixin
from crawler.state import CrawlState
from crawler.survey import ColumnFinding, Survey, UnitFinding
from crawler.urls import canonical_url, is_wap_twin

logger = logging.getLogger(__name__)

# Statuses handed to the callbacks (stored, counted) instead of being dropped by HttpErrorMiddleware.
HANDLED_STATUSES = [304, 400, 401, 403, 404, 410, 500, 502, 503, 504]
HTML_TYPES = ("text/html", "application/xhtml", "text/xml", "application/xml")
# Hubs and lists before documents, documents before their files: every list of the portal is read (and its
# entries observed, the evidence of when each document was listed) early in the crawl, so a crawl stopped half-way
# still knows everything the portal lists, and the leaves fill the downloader's slots at the end.
ROLE_PRIORITY = {"other": 20, "unit_index": 20, "list": 10, "document": 0, "attachment": -10, "body_image": -10}
# The largest body image fetched (Scrapy's per-request download_maxsize): a table picture is well below it.
MAX_BODY_IMAGE_BYTES = 4 * 1024 * 1024
# A unit page with at least this many document rows is read as the unit's list (unit_pages = "auto").
MIN_LIST_ROWS = 3
# The last path segment of a list or navigation page, never a document.
_NAV_SEGMENT = re.compile(r"^(index|list|default|more|column|lm|node)([_-]\d+)?\.(s?html?|jsp|aspx?|php)$|^$",
                          re.IGNORECASE)
_DOC_SEGMENT = re.compile(r"\.(s?html?|jsp|aspx?|php)$", re.IGNORECASE)
_HANWEB_COLUMN = re.compile(r"/col/col\d+/(index\.html?)?$")


class PortalSpider(ListPagingMixin, SurveyNotesMixin, scrapy.Spider):
    """Harvest one county portal described by a site profile."""

    name = "portal"
    handle_httpstatus_list = HANDLED_STATUSES

    def __init__(self, profile: str | SiteProfile = "replica", base_url: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.profile = profile if isinstance(profile, SiteProfile) else resolve_profile(profile, base_url)
        self.allowed_domains = list(self.profile.allowed_domains)
        self.archive: CrawlState | None = None
        self.clock = CrawlClock()
        # Survey mode (`disclosure profile draft`): hubs, units and first list pages only, choices noted.
        self.survey: Survey | None = None
        self.survey_path: str | None = None
        self._hub_documents: dict[str, str] = {}  # documents linked from hubs -> the hub (fetched when idle)
        self._listed: set[str] = set()  # URLs requested as list entries
        # The last response read: (response, its text, its selector or None). Callbacks ask for both more
        # than once; decoding and parsing a page are most of the spider's own time.
        self._page: tuple[Any, str, Selector | None] = (None, "", None)

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        apply_profile_politeness(crawler.settings, spider.profile)  # plain `scrapy crawl` as `disclosure crawl`
        apply_browser_tier(crawler.settings, spider.profile)  # the browser handler, when the tier may run
        db = open_database(crawler.settings.get("DISCLOSURE_DATABASE_URL"))
        spider.clock = CrawlClock.from_setting(crawler.settings.get("DISCLOSURE_CLOCK"))
        spider.archive = CrawlState(db, spider.profile, spider.clock)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        spider.survey_path = crawler.settings.get("DISCLOSURE_SURVEY")
        if spider.survey_path:
            spider.survey = Survey(start_url=spider.profile.start_urls[0])
        override = crawler.settings.get("DISCLOSURE_REVALIDATE_AFTER_DAYS")
        if override is not None:
            spider.archive.revalidate_after_days = int(override)
        return spider

    def _idle(self) -> None:
        """Every list read: fetch the documents hubs linked that no list did (without hints), then go on."""
        pending = {u: hub for u, hub in self._hub_documents.items() if u not in self._listed}
        self._hub_documents.clear()
        scheduled = 0
        for url, hub in pending.items():
            decision = self.archive.decide_detail(url)
            if not decision.fetch:
                continue
            req = self._request(url, self.parse_document, role="document", conditional=decision.conditional,
                                parent_url=hub)
            if req is not None:
                self.crawler.engine.crawl(req)
                scheduled += 1
        if scheduled:
            self.crawler.stats.inc_value("disclosure/hub_documents", scheduled)
            raise DontCloseSpider

    def closed(self, reason: str) -> None:
        if self.survey is not None and self.survey_path:
            self.survey.save(self.survey_path)
        if self.archive is not None:
            self.archive.close()

    # ------------------------------------------------------------------ requests
    def _request(self, url: str, callback, *, role: str, priority: int | None = None, conditional: bool = False,
                 formdata: dict[str, str] | None = None, body: str | None = None, content_type: str = "",
                 exact: bool = False, referer: str | None = None, **hints: Any) -> Request | None:
        """A request for ``url`` unless it is off the portal or denied. ``exact`` keeps the URL as built (list
        API URLs: their ``sid`` is a site id, not a session id); ``body`` makes it a POST."""
        canon = url if exact else canonical_url(url)
        if not self.profile.is_allowed_host(canon):
            self.crawler.stats.inc_value("disclosure/skipped/offsite")
            return None
        if self.profile.is_denied(canon):
            self.crawler.stats.inc_value("disclosure/skipped/denied")
            return None
        meta = {"role": role, "conditional": conditional, "archive_url": canon, **hints}
        priority = ROLE_PRIORITY.get(role, 0) if priority is None else priority
        if formdata is not None:
            return FormRequest(canon, formdata=formdata, callback=callback, errback=self.on_error, meta=meta,
                               priority=priority)
        headers = {"Referer": referer} if referer else {}
        if body is not None:
            headers["Content-Type"] = content_type or "application/x-www-form-urlencoded; charset=UTF-8"
            return Request(canon, method="POST", body=body.encode("utf-8"), headers=headers, callback=callback,
                           errback=self.on_error, meta=meta, priority=priority)
        return Request(canon, callback=callback, errback=self.on_error, meta=meta, priority=priority,
                       headers=headers or None)

    async def start(self):
        for url in self.profile.start_urls:
            req = self._request(url, self.parse_hub, role="other", hub_depth=0)
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
        rendered_by = meta.get("rendered_by") if "playwright" in response.flags else None
        self.crawler.stats.inc_value("disclosure/tier/browser" if rendered_by else "disclosure/tier/plain")
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
        # A list API URL is archived as built (exact): canonicalising it would drop its ``sid`` parameter.
        final_url = meta.get("archive_url") if not meta.get("redirect_urls") and meta.get("archive_url") \
            else canonical_url(response.url)
        if role == "list" and self.profile.is_detail(final_url):
            role = "document"  # an old column link that redirects to a document
        yield CaptureItem(
            url=final_url, status=response.status, headers=headers, body=response.body, fetched_at=fetched,
            content_type=ctype.decode("latin-1") if ctype else None, role=role,
            column_kind=meta.get("column_kind"), unit_hint=meta.get("unit_hint"),
            parent_url=meta.get("parent_url"), listed_date=meta.get("listed_date"), rendered_by=rendered_by,
        )
        if rendered_by:
            yield from self._browser_answers(meta.get("browser_xhr") or [], final_url, role, fetched)
        requested = meta.get("archive_url")
        if requested and requested != final_url:
            # A redirect: the old URL gets the same fetch state, so it is not re-requested next time.
            self.crawler.stats.inc_value("disclosure/redirects")
            yield CaptureAlias(url=requested, target=final_url)
        meta["usable"] = 200 <= response.status < 300

    def _browser_answers(self, answers: list[dict], page_url: str, role: str, fetched):
        """The XHR/fetch answers a rendered page loaded from the portal, each its own capture (as received): the
        list APIs a browser found, for the list drivers next time."""
        for a in answers:
            url = a["url"]  # as the page's script built it (a list API's parameters are not session ids)
            if not self.profile.is_allowed_host(url):
                continue
            ctype = next((v for k, v in a["headers"] if k.lower() == "content-type"), None)
            self.crawler.stats.inc_value("disclosure/browser/xhr_captures")
            yield CaptureItem(url=url, status=a["status"], headers=list(a["headers"]), body=a["body"],
                              fetched_at=fetched, content_type=ctype, role="list" if role == "list" else "other",
                              parent_url=page_url, reason=a.get("reason") or "",
                              request=RawRequest(method="GET", url=a["url"], headers=[]))

    def _text(self, response: Response) -> str:
        if self._page[0] is not response:
            ctype = response.headers.get(b"Content-Type")
            self._page = (response, decode_page(response.body, ctype.decode("latin-1") if ctype else None)[0], None)
        return self._page[1]

    def _selector(self, response: Response) -> Selector:
        """The page's selector, built once per response (a document's links and images read the same tree)."""
        text = self._text(response)
        if self._page[2] is None:
            self._page = (response, text, Selector(text=text))
        return self._page[2]

    def _is_html(self, response: Response) -> bool:
        ctype = (response.headers.get(b"Content-Type") or b"text/html").decode("latin-1").lower()
        return ctype.startswith(HTML_TYPES)

    # ------------------------------------------------------------------ hubs and units
    def parse_hub(self, response: Response):
        """Home, platform and unit pages: follow the unit lists, units, columns and documents linked; a unit's
        own page that is itself its list (unit_pages) is read as a list too."""
        yield from self._capture(response)
        yield from self._home_observed(response)
        if not response.meta["usable"] or not self._is_html(response):
            return
        text, sel = self._text(response), self._selector(response)
        yield from self._follow_hub_links(response, sel)
        if response.meta.get("unit_page") and self.profile.unit_pages != "hub":
            yield from self._read_list(response, text, sel, explicit=self.profile.unit_pages == "list")

    def parse_unit_list(self, response: Response):
        """The platform's unit list: one unit per unit link, plus the columns it links (central report column)."""
        yield from self._capture(response)
        if not response.meta["usable"]:
            return
        yield from self._follow_hub_links(response, self._selector(response), unit_list=True)

    def _unit_links(self, page_links: list[tuple[str, str]], unit_list: bool) -> set[str]:
        """The links of a page that are units: by the profile's URL patterns on a unit list, or by a unit-like
        link text where a page lists several (a unit directory)."""
        by_pattern = {canonical_url(u) for u, t in page_links if t and unit_list and self.profile.is_unit_link(
            canonical_url(u))}
        by_text = {canonical_url(u) for u, t in page_links if self.profile.is_unit_text(t)
                   and self.profile.is_allowed_host(canonical_url(u)) and not self._is_entry(u)}
        return by_pattern | (by_text if unit_list or len(by_text) >= MIN_LIST_ROWS else set())

    def _follow_hub_links(self, response: Response, sel: Selector, unit_list: bool = False):
        meta = response.meta
        unit_hint = meta.get("unit_hint")
        depth = int(meta.get("hub_depth") or 0)
        deeper = depth < self.profile.hub_depth
        unit_lists = {canonical_url(u) for u in self.profile.unit_list_urls}
        page_links = links(sel, response.url)
        units = self._unit_links(page_links, unit_list)
        listed_at = self.clock.now()
        for url, text in page_links:
            canon = canonical_url(url)
            if canon in unit_lists:
                req = self._request(canon, self.parse_unit_list, role="unit_index", hub_depth=depth + 1)
            elif self.profile.is_detail(canon) or self.profile.is_attachment(canon) or self._known_detail(canon):
                # Documents linked from hub pages (latest news, old links) wait until every list is read: most
                # are list entries too, and fetched from their list they carry their unit and column.
                if self.survey is None:
                    self._hub_documents.setdefault(canon, response.url)
                continue
            elif canon in units and text:
                if self.survey is not None:
                    self.survey.units.setdefault(canon, UnitFinding(text, canon, response.url))
                    self.survey.unit_lists.setdefault(response.url, "unit list page" if unit_list else
                                                      "a page linking several units by name")
                yield UnitItem(name=text, column_url=canon, listed_at=listed_at)
                req = self._request(canon, self.parse_hub, role="other", unit_hint=text, unit_page=True,
                                    parent_url=response.url, hub_depth=depth + 1, fragment=urlsplit(url).fragment)
            elif (kind := self.profile.column_kind(canon, text)) is not None:
                if self.survey is not None:
                    self.survey.columns.setdefault(canon, ColumnFinding(kind, canon, text, response.url))
                req = self._request(canon, self.parse_list, role="list", column_kind=kind, unit_hint=unit_hint,
                                    parent_url=response.url, page_no="0", fragment=urlsplit(url).fragment,
                                    column_url=column_url(canon), column_name=text or None)
            elif deeper and self.profile.is_unit_list_link(text):
                self._note_hub(canon, f"link text {text!r} on {response.url}")
                req = self._request(canon, self.parse_unit_list, role="unit_index", hub_depth=depth + 1)
            elif deeper and not unit_hint and self.profile.is_hub_link(canon, text):
                self._note_hub(canon, f"link {text!r} on {response.url}")
                req = self._request(canon, self.parse_hub, role="other", hub_depth=depth + 1)
            elif self._observed_column(canon, text):
                # Any other column of a hub (news, policy, personnel …): its first list page only, its
                # entries observed for website inspection, never fetched.
                req = self._request(canon, self.parse_list, role="list", unit_hint=unit_hint, parent_url=response.url,
                                    page_no="0", observe_only=True, column_url=column_url(canon), column_name=text)
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
        """A column list page: entries from the DOM and from scripts, list APIs, Hanweb dataproxy, paging."""
        yield from self._capture(response)
        if not response.meta["usable"]:
            if response.meta.get("page_no") in (None, "0") and response.meta.get("column_url"):
                yield self._column_item(response, "failed" if response.status >= 500 else "missing", response.status)
            yield from self._next_probe(response)  # a probed page template that does not exist
            return
        if self.profile.is_detail(canonical_url(response.url)):
            yield from self._document_followups(response)  # an old column link redirected to a document
            return
        yield from self._read_list(response, self._text(response), self._selector(response), explicit=True)

    def _read_list(self, response: Response, text: str, sel: Selector, *, explicit: bool):
        """Read a page as a list. ``explicit``: the page is known to be a list (a column); otherwise (a unit's
        own page) it is read as one only when a list API serves it or it shows enough document rows."""
        apis = self.profile.list_apis_for(response.url, text) if response.meta.get("page_no") in (None, "0") \
            else []
        dialect, page_kind = self.profile.dialect_for(response.url)
        jpage = dialect == "hanweb" and page_kind == "dataproxy" and (explicit or hanweb.is_jpage(text))
        jpage = jpage or (not apis and hanweb.is_jpage(text) and hanweb.column_form(text, response.url) is not None)
        snippets = script_selectors(text)
        entries = self._list_entries([sel, *snippets], response.url)
        is_list = explicit or bool(apis) or jpage or len(entries) >= MIN_LIST_ROWS
        if self.survey is not None:
            self._note_list(response, text, sel, entries, apis, jpage, is_list)
        if not is_list:
            return
        self.crawler.stats.inc_value("disclosure/lists_read")
        meta = response.meta
        if meta.get("page_no") in (None, "0") and not meta.get("unit_page") and self.survey is None:
            driver = apis[0].name if apis else "hanweb" if jpage else dialect
            yield self._column_item(response, "ok", response.status, driver=driver)
        yield from self._entries(response, entries)
        for api in apis:
            yield from self._api_start(response, api, text)
        if jpage:
            yield from self._hanweb_start(response, text, len(snippets))
        elif not apis and self.survey is None and not meta.get("observe_only"):  # a survey reads first pages only
            yield from self._next_pages(response, text, sel, entries, page_kind)

    def _list_entries(self, selectors: list[Selector], base_url: str) -> list[ListEntry]:
        """Entries of all ``selectors`` (the page, its script snippets), each URL once."""
        out: dict[str, ListEntry] = {}
        dated = self._dated_candidate if self.profile.dated_rows else None
        for s in selectors:
            for e in entries_from_html(s, base_url, self._is_entry, dated):
                out.setdefault(e.url, e)
        return list(out.values())

    def _dated_candidate(self, url: str) -> bool:
        """A link that may be a document when its row shows a date: same portal, not a list or navigation
        page, a page-like path."""
        canon = canonical_url(url)
        if not self.profile.is_allowed_host(canon) or self.profile.is_denied(canon):
            return False
        name = posixpath.basename(urlsplit(canon).path)
        return not _NAV_SEGMENT.match(name) and bool(_DOC_SEGMENT.search(name) or self.profile.is_attachment(canon))

    # ------------------------------------------------------------------ list APIs
    def _api_start(self, response: Response, api: ListApi, text: str):
        """The first page of a list API serving this list page, its parameters read from the page."""
        values = api.resolve_params(text, response.url, response.meta.get("fragment") or "")
        if values is None:
            self.crawler.stats.inc_value(f"disclosure/errors/list_api_params/{api.name}")
            logger.warning("list API %s: a parameter is missing on %s", api.name, response.url)
            return
        self.crawler.stats.inc_value(f"disclosure/list_api/{api.name}")
        yield from self._api_request(response, api, values, api.first_page, [])

    def _api_request(self, response: Response, api: ListApi, values: dict[str, str], page: int, seen: list[str]):
        url, body = api.request(values, page)
        meta = response.meta
        list_page = meta.get("list_page") or response.url
        req = self._request(url, self.parse_api, role="list", exact=True, body=body, content_type=api.content_type,
                            referer=list_page if api.referer else None, column_kind=meta.get("column_kind"),
                            unit_hint=meta.get("unit_hint"), parent_url=list_page,
                            column_url=meta.get("column_url") or column_url(list_page),
                            observe_only=meta.get("observe_only"))
        if req is not None:
            req.meta.update(api=api.name, api_values=values, api_page=page, list_page=list_page, seen=seen)
            yield req

    def parse_api(self, response: Response):
        """A list API answer (JSON, JSONP, HTML fragment, XML): its entries, then the pages after it."""
        yield from self._capture(response)
        if not response.meta["usable"]:
            return
        meta = response.meta
        api = next(a for a in self.profile.list_apis if a.name == meta["api"])
        encoding = getattr(response, "encoding", None) or "utf-8"
        answer = api.read(response.body, encoding, meta["list_page"])
        entries = {e.url: e for e in answer.entries}
        for e in self._list_entries([Selector(text=s) for s in answer.html_snippets], meta["list_page"]):
            entries.setdefault(e.url, e)
        found = list(entries.values())
        yield from self._entries(response, found)
        if self.survey is not None:
            self._note_entries(self.survey.list_finding(meta["list_page"]), found)
            return
        if meta.get("observe_only"):
            return  # an observed column: its first page only
        page, first = int(meta["api_page"]), api.first_page
        count = api.pages_known(answer)
        if page == first and count:
            for n in range(first + 1, first + min(count, self.profile.max_list_pages)):
                yield from self._api_request(response, api, meta["api_values"], n, [])
        elif count is None:  # no count anywhere: one page at a time while pages bring new entries
            seen = set(meta.get("seen") or [])
            new = [u for u in entries if u not in seen]
            if new and page - first + 1 < self.profile.max_list_pages:
                yield from self._api_request(response, api, meta["api_values"], page + 1, [*seen, *new])

    def _hanweb_start(self, response: Response, text: str, in_page: int):
        """A Hanweb jpage column: the records after those its page carries in the script datastore, from
        dataproxy.jsp (the form from the page's ajaxParam)."""
        form = hanweb.column_form(text, response.url)
        if form is None:
            self.crawler.stats.inc_value("disclosure/errors/no_column_id")
            return
        total = hanweb.total_records(text)
        if in_page and total is not None and in_page >= total:
            return  # the datastore holds the whole list
        response.meta["hanweb_proxy"] = hanweb.proxy_path(text, self.profile.hanweb_dataproxy_path)
        yield from self._dataproxy_request(response, form, in_page + 1,
                                           hanweb.per_page(text, self.profile.hanweb_perpage))

    def _dataproxy_request(self, response: Response, form: dict[str, str], start: int, per: int):
        path = response.meta.get("hanweb_proxy") or self.profile.hanweb_dataproxy_path
        url = hanweb.dataproxy_url(self.profile.base_url, path, form["columnid"], start, per)
        req = self._request(url, self.parse_dataproxy, role="list", formdata=form,
                            column_kind=response.meta.get("column_kind"), unit_hint=response.meta.get("unit_hint"),
                            parent_url=response.meta.get("parent_url") or response.url,
                            column_url=response.meta.get("column_url") or column_url(canonical_url(response.url)),
                            observe_only=response.meta.get("observe_only"))
        if req is not None:
            req.meta.update(hanweb_form=form, hanweb_start=start, hanweb_per=per, hanweb_proxy=path,
                            column_url=response.meta.get("column_url") or response.url)
            yield req

    def parse_dataproxy(self, response: Response):
        """A Hanweb dataproxy.jsp XML answer: entries from the CDATA snippets, then the next batch."""
        yield from self._capture(response)
        if not response.meta["usable"]:
            return
        total, snippets = hanweb.parse_dataproxy(response.body)
        base = response.meta["column_url"]
        entries = self._list_entries(snippets, base)
        yield from self._entries(response, entries)
        if self.survey is not None or response.meta.get("observe_only"):
            if self.survey is not None:
                self._note_entries(self.survey.list_finding(base), entries)
            return
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
        # The publisher a list API names per entry is list evidence (list_observations.listed_publisher).
        rows = [(canonical_url(e.url), e.title or None, e.date, e.publisher) for e in entries]
        publishers = {canonical_url(e.url): e.publisher for e in entries if e.publisher}
        stats.inc_value("disclosure/list_entries", len(rows))
        stats.inc_value("disclosure/wap_twins", sum(1 for e in entries if is_wap_twin(e.url)))
        # Decide before the observations are stored: the comparison is with earlier crawls' observations.
        decisions = self.archive.decide_listed(list_url, rows) if rows else {}
        if rows:
            yield ListObservationsItem(list_url=list_url, observed_at=self.clock.now(), entries=rows,
                                       column_url=response.meta.get("column_url"))
        if self.survey is not None or response.meta.get("observe_only"):
            if response.meta.get("observe_only"):
                stats.inc_value("disclosure/observed_entries", len(rows))
            return
        for url, _title, date, _publisher in rows:
            decision = decisions[url]
            if not decision.fetch:
                stats.inc_value("disclosure/skipped/fresh")
                continue
            self._listed.add(url)
            attachment = self.profile.is_attachment(url) and not self.profile.is_detail(url)
            req = self._request(url, self.parse_attachment if attachment else self.parse_document,
                                role="attachment" if attachment else "document", conditional=decision.conditional,
                                column_kind=response.meta.get("column_kind"),
                                unit_hint=response.meta.get("unit_hint") or publishers.get(url), parent_url=list_url,
                                listed_date=date)
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
        yield from self._body_image_requests(response, doc_url)

    def _body_image_requests(self, response: Response, doc_url: str):
        """The images inside the document's content (tables pasted as pictures), in page order: same portal,
        not decoration (``archive.parse.body_images``). Like attachments they are files that do not change
        under their URL, so one already archived is not requested again."""
        sel = self._selector(response)
        # Cheap first look (no second parse of the page): most pages show only logos and decoration.
        if not any(self.profile.is_allowed_host(u) and not is_decoration(u) for u in (
                response.urljoin(s) for s in sel.xpath("//img/@src").getall())):
            return
        stats = self.crawler.stats
        for image in find_body_images(self._text(response), response.url):
            canon = canonical_url(image.url)
            if not self.profile.is_allowed_host(canon):
                stats.inc_value("disclosure/skipped/offsite_image")
                continue
            fs = self.archive.fetch_state(canon)
            if fs is not None and fs.last_status == 200:
                stats.inc_value("disclosure/skipped/known_image")
                continue
            req = self._request(canon, self.parse_body_image, role="body_image", parent_url=doc_url,
                                column_kind=response.meta.get("column_kind"),
                                unit_hint=response.meta.get("unit_hint"))
            if req is not None:
                req.meta["download_maxsize"] = MAX_BODY_IMAGE_BYTES
                yield req

    def parse_body_image(self, response: Response):
        """An image of a document's body: archived as it is (ingest reads it with its page)."""
        self.crawler.stats.inc_value("disclosure/body_images")
        yield from self._capture(response)

    def parse_attachment(self, response: Response):
        """A file (PDF, DOC, XLS …): archive it as it is."""
        yield from self._capture(response)

    # ------------------------------------------------------------------ failures
    def on_error(self, failure):
        """Count a failed request by kind (WAF, timeout, DNS, refused, HTTP, other); never stops the crawl."""
        stats = self.crawler.stats
        if failure.check(WafBlocked, ChallengeUnsolved):
            yield from self._failed_column(failure.request, "blocked", "waf")
            return  # counted by WafMiddleware / BrowserTierMiddleware
        name = type(failure.value).__name__
        if failure.check(HttpError):
            kind = f"http_{failure.value.response.status}"
        elif failure.check(TimeoutError, TCPTimedOutError) or name == "DownloadTimeoutError":
            kind = "timeout"
        elif failure.check(DNSLookupError) or name == "CannotResolveHostError":
            kind = "dns"
        elif failure.check(ConnectionRefusedError) or name in ("DownloadConnectionRefusedError",
                                                                "DownloadFailedError", "ResponseDataLossError"):
            kind = "connection"  # Scrapy >= 2.14 names them by its own exceptions
        else:
            kind = name
        stats.inc_value(f"disclosure/errors/{kind}")
        logger.warning("request failed (%s): %s", kind, failure.request.url)
        yield from self._failed_column(failure.request, "failed", kind)

    # ------------------------------------------------------------------ columns (website inspection)
    def _observed_column(self, url: str, text: str) -> bool:
        """A hub link to a column the archive does not keep documents of: a short column-like name and a
        list-shaped URL (``…/index.html``, a folder, a Hanweb ``/col/colN/``)."""
        if not self.profile.observe_columns or self.survey is not None or not looks_like_column(text):
            return False
        name = posixpath.basename(urlsplit(url).path)
        return bool(_NAV_SEGMENT.match(name) or _HANWEB_COLUMN.search(url))

    def _column_item(self, response_or_request, outcome: str, status: int | None, *, driver: str | None = None,
                     error: str | None = None, home: bool = False) -> ColumnItem:
        meta = response_or_request.meta
        url = meta.get("column_url") or column_url(meta.get("archive_url") or canonical_url(response_or_request.url))
        name = meta.get("column_name") or (meta.get("unit_hint") if home else None)
        kind, source = (HOME, "default") if home else self.profile.inspection_kind(url, name)
        return ColumnItem(url=url, observed_at=self.clock.now(), name=name, unit_hint=meta.get("unit_hint"),
                          driver=driver or self.profile.dialect_for(url)[0], archive_kind=meta.get("column_kind"),
                          kind=kind, kind_source=source, outcome=outcome, status=status, error=error)

    def _home_observed(self, response: Response):
        """The site's start pages and units' own pages: recorded for reachability."""
        meta = response.meta
        if self.survey is not None or not (meta.get("unit_page") or meta.get("hub_depth") == 0):
            return
        if response.status == 304:
            return
        outcome = "ok" if response.status < 400 else "failed" if response.status >= 500 else "missing"
        yield self._column_item(response, outcome, response.status, home=True)

    def _failed_column(self, request: Request, outcome: str, error: str):
        """A column's first page or a home page that got no answer (or a WAF challenge)."""
        meta = request.meta
        if self.survey is not None:
            return
        if meta.get("role") == "list" and meta.get("page_no") in (None, "0") and meta.get("column_url"):
            yield self._column_item(request, outcome, None, error=error)
        elif meta.get("role") == "other" and (meta.get("unit_page") or meta.get("hub_depth") == 0):
            yield self._column_item(request, outcome, None, error=error, home=True)

