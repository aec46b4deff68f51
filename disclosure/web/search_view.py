"""What the search page adds around the hits: active filters with a way out of each, page numbers, facet order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class ActiveFilter:
    """One condition of the current search, as a person reads it, and the URL of the search without it."""

    label: str
    clear_url: str


def active_filters(params: dict[str, Any], url: Callable[..., str], sections: dict[int, str],
                   kinds: dict[str, str]) -> list[ActiveFilter]:
    """Every condition in ``params`` (query text, years, section, kinds, publishers, portals) with its clear link.

    ``sections`` and ``kinds`` name section numbers and kind codes in Chinese.
    """
    out: list[ActiveFilter] = []
    if params.get("q"):
        out.append(ActiveFilter(f"检索词：{params['q']}", url(q=None, page=None)))
    yf, yt = params.get("year_from"), params.get("year_to")
    if yf or yt:
        label = f"年度：{yf}" if yf == yt else f"年度：{yf or '不限'}–{yt or '不限'}"
        out.append(ActiveFilter(label, url(year_from=None, year_to=None, page=None)))
    if params.get("section"):
        name = sections.get(int(params["section"]), str(params["section"]))
        out.append(ActiveFilter(f"章节：{name}", url(section=None, page=None)))
    for key, title in (("kind", "类型"), ("publisher", "发布单位"), ("portal", "门户")):
        for value in params.get(key) or []:
            rest = [v for v in params[key] if v != value]
            out.append(ActiveFilter(f"{title}：{kinds.get(value, value) if key == 'kind' else value}",
                                    url(page=None, **{key: rest})))
    return out


def page_numbers(current: int, pages: int, around: int = 2) -> list[int | None]:
    """Page numbers to link: the first, the last, and ``around`` either side of ``current``; None marks a gap."""
    wanted = {1, pages, *range(max(1, current - around), min(pages, current + around) + 1)}
    out: list[int | None] = []
    for n in sorted(wanted):
        if out and out[-1] is not None and n - out[-1] > 1:
            out.append(None)
        out.append(n)
    return out


def years_in_order(values: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The year facet newest first (a facet counts; a reader scans years in order)."""
    def year(item: tuple[str, int]) -> int:
        return int(item[0]) if str(item[0]).isdigit() else -1

    return sorted(values, key=year, reverse=True)


def total_label(total: int, lower_bound: bool) -> str:
    """The number of matches as the page shows it: ``10,000+`` when counting stopped at the bound
    (SearchResult.total_is_lower_bound), else the exact count, with thousands separators."""
    return f"{total:,}+" if lower_bound else f"{total:,}"


def bound_note(total: int, sample: int | None, sort: str) -> str:
    """What a bounded total means for the hits and the facets, in the page's words."""
    counted = f"，左侧分面只统计其中最新的 {sample:,} 篇" if sample else ""
    if sort == "date":
        return f"匹配文件有 {total:,} 篇以上，未全部计数{counted}；按日期排序的结果是完整的。"
    return (f"匹配文件有 {total:,} 篇以上，未全部计数{counted}；相关度排序只在最新入档的匹配文件中比较"
            f"（加上年度、单位等条件可缩小范围）。")
