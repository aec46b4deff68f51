"""List paging requests of the portal spider: page templates read from the pager, chained pages, probes.

The pure reading (counts, templates, probe candidates) is ``crawler.dialects.paging``; this mixin turns it into
requests and decides, page by page, whether a list goes on (see docs/crawler.md, "How a crawl finds things").
"""

from __future__ import annotations

import hashlib

from parsel import Selector
from scrapy.http import Response

from crawler.dialects import paging, trs
from crawler.dialects.common import ListEntry, links
from crawler.urls import canonical_url


class ListPagingMixin:
    """The pages after a list's first one (mixed into ``PortalSpider``)."""

    def _next_pages(self, response: Response, text: str, sel: Selector, entries: list[ListEntry], kind: str):
        meta = response.meta
        page_no = int(meta.get("page_no") or 0)
        follow = {k: meta.get(k) for k in ("column_kind", "unit_hint", "column_url")}
        if kind == "createPageHTML" and (count := trs.page_count(text)) is not None:
            if page_no == 0 and count[1] == 0:  # only the first page schedules the others
                for n, url in enumerate(trs.page_urls(response.url, count[0], count[2], count[3],
                                                      self.profile.max_list_pages), start=1):
                    req = self._request(url, self.parse_list, role="list", parent_url=response.url,
                                        page_no=str(n), **follow)
                    if req is not None:
                        yield req
            return
        if kind in ("none", "dataproxy") or page_no + 1 >= self.profile.max_list_pages:
            return
        if meta.get("page_template"):
            yield from self._continue_template(response, entries)
            return
        if page_no == 0:
            page_links = links(sel, response.url)
            found = paging.template_from_links(response.url, page_links)
            if found is not None:
                template, last = found
                yield from self._template_pages(response, template, paging.stated_page_count(text) or last,
                                                entries)
                return
            if entries and paging.has_paging_hint(text):
                yield from self._probe(response, 0, entries)
                return
        yield from self._follow_next_link(response, sel, entries, page_no)

    def _template_pages(self, response: Response, template: paging.PageTemplate, count: int | None,
                        entries: list[ListEntry], *, probe: bool = False):
        """Pages 2..count of a list by its template; without a count, page 2 only (then one page at a time,
        while pages bring new entries)."""
        follow = {k: response.meta.get(k) for k in ("column_kind", "unit_hint", "column_url")}
        last = min(count, self.profile.max_list_pages) if count else 2
        for n in range(2, last + 1):
            req = self._request(template.url(n), self.parse_list, role="list", parent_url=response.url,
                                page_no=str(n - 1), **follow)
            if req is None:
                continue
            if not count:  # chained: each page decides whether there is another
                req.meta.update(page_template=template, seen=[e.url for e in entries], list_root=response.url,
                                probe_index=response.meta.get("probe_index") if probe else None,
                                prefix=paging.common_prefix([e.url for e in entries]))
            yield req

    def _continue_template(self, response: Response, entries: list[ListEntry]):
        """A chained page (count unknown): go on while it brings new entries (under the first page's path
        prefix, for a probed template); a probed template that brings none is dropped for the next one."""
        meta = response.meta
        seen = set(meta.get("seen") or [])
        prefix = meta.get("prefix") or ""
        new = [e for e in entries if e.url not in seen]
        probing = meta.get("probe_index") is not None
        if probing and not (new and sum(e.url.startswith(prefix) for e in new) * 2 >= len(new)):
            yield from self._next_probe(response)
            return
        if not new:
            self.crawler.stats.inc_value("disclosure/paging_stopped_repeat")
            return
        if probing:
            self.crawler.stats.inc_value("disclosure/paging_probe_accepted")
        page_no = int(meta.get("page_no") or 1)
        count = paging.stated_page_count(self._text(response)) if probing else None
        template: paging.PageTemplate = meta["page_template"]
        follow = {k: meta.get(k) for k in ("column_kind", "unit_hint", "column_url")}
        if count:  # a probed template accepted on a page that states the count: the rest at once
            for n in range(page_no + 2, min(count, self.profile.max_list_pages) + 1):
                req = self._request(template.url(n), self.parse_list, role="list", parent_url=meta["list_root"],
                                    page_no=str(n - 1), **follow)
                if req is not None:
                    yield req
            return
        if page_no + 1 >= self.profile.max_list_pages:
            return
        req = self._request(template.url(page_no + 2), self.parse_list, role="list",
                            parent_url=meta["list_root"], page_no=str(page_no + 1), **follow)
        if req is not None:
            req.meta.update(page_template=template, seen=[*seen, *(e.url for e in new)],
                            list_root=meta["list_root"], prefix=prefix, probe_index=None)
            yield req

    def _probe(self, response: Response, index: int, entries: list[ListEntry]):
        """Ask for page 2 by the ``index``-th candidate template (a script-built pager showed more pages)."""
        candidates = paging.probe_templates(response.url)
        if index >= len(candidates):
            self.crawler.stats.inc_value("disclosure/paging_probe_failed")
            return
        self.crawler.stats.inc_value("disclosure/paging_probes")
        response.meta["probe_index"] = index
        yield from self._template_pages(response, candidates[index], None, entries, probe=True)

    def _next_probe(self, response: Response):
        """After a probed page 2 that does not exist or brings nothing new: the next candidate."""
        meta = response.meta
        if meta.get("probe_index") is None or not meta.get("list_root"):
            return
        candidates = paging.probe_templates(meta["list_root"])
        index = int(meta["probe_index"]) + 1
        if index >= len(candidates):
            self.crawler.stats.inc_value("disclosure/paging_probe_failed")
            return
        self.crawler.stats.inc_value("disclosure/paging_probes")
        follow = {k: meta.get(k) for k in ("column_kind", "unit_hint", "column_url")}
        req = self._request(candidates[index].url(2), self.parse_list, role="list", parent_url=meta["list_root"],
                            page_no="1", **follow)
        if req is not None:
            req.meta.update(page_template=candidates[index], seen=meta.get("seen"), list_root=meta["list_root"],
                            prefix=meta.get("prefix"), probe_index=index)
            yield req

    def _follow_next_link(self, response: Response, sel: Selector, entries: list[ListEntry], page_no: int):
        """Paging without a template: follow 下一页 until a page repeats the previous one's entries."""
        meta = response.meta
        follow = {k: meta.get(k) for k in ("column_kind", "unit_hint", "column_url")}
        signature = hashlib.sha1("\n".join(e.url for e in entries).encode()).hexdigest()
        if not entries or signature == meta.get("prev_signature"):
            self.crawler.stats.inc_value("disclosure/paging_stopped_repeat")
            return
        for url, label in links(sel, response.url):
            if label in paging.NEXT_TEXTS and canonical_url(url) != canonical_url(response.url):
                req = self._request(url, self.parse_list, role="list", parent_url=response.url,
                                    page_no=str(page_no + 1), **follow)
                if req is not None:
                    req.meta["prev_signature"] = signature
                    yield req
                return
