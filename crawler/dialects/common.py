"""What every dialect returns: list entries (link, title, listed date) found on a list page."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin

from parsel import Selector

_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")


@dataclass(frozen=True)
class ListEntry:
    """One entry of a column list as shown: absolute URL (as linked), title, date shown (ISO) or None."""

    url: str
    title: str
    date: str | None
    publisher: str | None = None  # named by the list itself (JSON list APIs), else None


def iso_date(text: str) -> str | None:
    """The first date in ``text`` as YYYY-MM-DD (2024-04-06, 2024年4月6日, 2024/4/6), or None."""
    m = _DATE.search(text)
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _clean(text: str) -> str:
    return " ".join(text.split())


def entries_from_html(sel: Selector, base_url: str, is_entry: Callable[[str], bool],
                      dated: Callable[[str], bool] | None = None) -> list[ListEntry]:
    """Links that ``is_entry`` accepts, each with its title (title attribute or text) and the date beside it.

    ``dated`` accepts further links, but only those shown in a row with a date (the (link, date) rows that
    make a page a list): how a crawler without URL patterns tells documents from navigation.
    """
    out: list[ListEntry] = []
    seen: set[str] = set()
    for a in sel.css("a[href]"):
        href = (a.attrib.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = urljoin(base_url, href)
        if url in seen:
            continue
        known = is_entry(url)
        if not known and (dated is None or not dated(url)):
            continue
        title = _clean(a.attrib.get("title") or "".join(a.css("::text").getall()))
        date = iso_date(_row_text(a, title).replace(title, " "))
        if not known and date is None:
            continue
        seen.add(url)
        out.append(ListEntry(url=url, title=title, date=date))
    return out


def _row_text(a: Selector, title: str) -> str:
    """The text of the row a link sits in: its <li>/<tr>, else its parent when that holds no other link."""
    container = a.xpath("ancestor::*[self::li or self::tr or self::dd][1]")
    if container:
        return "".join(container.css("::text").getall())
    parent = a.xpath("..")
    if parent and len(parent.css("a")) == 1:
        return "".join(parent.css("::text").getall())
    return title


def links(sel: Selector, base_url: str) -> list[tuple[str, str]]:
    """Every (absolute URL, visible text) link of a page, in document order."""
    out = []
    for a in sel.css("a[href]"):
        href = (a.attrib.get("href") or "").strip()
        if href and not href.startswith(("javascript:", "mailto:", "tel:", "#")):
            out.append((urljoin(base_url, href), _clean(a.attrib.get("title") or "".join(a.css("::text").getall()))))
    return out
