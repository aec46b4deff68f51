"""Survey mode of the portal spider (`disclosure profile draft` / `check`): what each hub, unit and list showed.

The records themselves are ``crawler.survey``; this mixin fills them from the spider's responses.
"""

from __future__ import annotations

import re

from parsel import Selector
from scrapy.http import Response

from crawler.dialects import paging, trs
from crawler.dialects.common import ListEntry, links
from crawler.dialects.listapi import ListApi
from crawler.urls import canonical_url


class SurveyNotesMixin:
    """Notes for the survey (mixed into ``PortalSpider``; ``self.survey`` is None outside survey mode)."""

    def _note_hub(self, url: str, why: str) -> None:
        if self.survey is not None:
            self.survey.hubs.setdefault(url, why)

    def _note_list(self, response: Response, text: str, sel: Selector, entries: list[ListEntry],
                   apis: list[ListApi], jpage: bool, is_list: bool) -> None:
        """Survey mode: what made this page a list and which rule accepted its entries."""
        assert self.survey is not None
        url = response.meta.get("archive_url") or response.url
        if response.meta.get("unit_page") and url in self.survey.units:
            self.survey.units[url].page_is_list = is_list
        if not is_list:
            return
        finding = self.survey.list_finding(url)
        finding.unit = response.meta.get("unit_hint")
        self._note_entries(finding, entries)
        finding.apis = [a.name for a in apis]
        finding.jpage = jpage
        finding.create_page_html = trs.page_count(text) is not None
        found = paging.template_from_links(response.url, links(sel, response.url))
        finding.paging = found[0].template if found else ""

    def _note_entries(self, finding, entries: list[ListEntry]) -> None:
        finding.entries += len(entries)
        for e in entries:
            canon = canonical_url(e.url)
            pattern = next((p for p in self.profile.detail_patterns if re.search(p, canon)), None)
            if pattern is not None:
                finding.by_pattern[pattern] = finding.by_pattern.get(pattern, 0) + 1
            elif not self.profile.is_attachment(canon):
                finding.by_dated_rows += 1
