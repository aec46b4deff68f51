"""Planted trouble for website inspection (issue 20, docs/inspection.md): columns beyond reports and notices.

青山县 gets the columns a real county site has besides its report and notice columns — site news (青山要闻,
部门动态 …), platform columns (政策文件, 人事信息, 规划计划 …) and each bureau's 工作动态 — with entries at known
dates, so that as of a chosen date some are fresh, some stale (news not updated in 2 weeks, policy documents in
6 months, personnel in a year), some empty since they opened; and one bureau's platform answers 503 during known
windows. Entries link to TRS-shaped document URLs the replica does not serve: the archive observes these columns,
it never fetches their documents.

Everything is data (dates, paths) computed from the site, never random, so the manifest states it exactly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from disclosure.replica import pages
from disclosure.replica.pages import PER_PAGE, ListEntry

if TYPE_CHECKING:
    from disclosure.replica.site import Response, Site

# The bureau whose whole platform (its unit page, columns and documents) answers 503 in these windows
# (start inclusive, end exclusive, ISO dates).
OUTAGE_UNIT = "yjglj"
OUTAGES = (("2026-06-05", "2026-06-25"), ("2026-08-10", "2026-08-20"))
ENTRY_TIME = "T09:00"  # entries go online at 09:00 on their date
NEWS_START = "2024-01-02"
# Bureaus (TRS, existing today) whose 工作动态 stops on STALE_NEWS_STOP: stale from two weeks later.
STALE_NEWS_UNITS = ("fgj", "jyj", "gxj", "mzj", "czj")
STALE_NEWS_STOP = "2026-05-08"
# Columns opened on a date and never filled (空白栏目), by (unit code or "", slug, name, opened).
EMPTY = (("", "jyta", "建议提案办理", "2026-04-01"), ("jtj", "rsxx", "人事信息", "2026-04-01"),
         ("swj", "rsxx", "人事信息", "2026-04-01"), ("sjj", "ghjh", "规划计划", "2026-07-01"),
         ("cgj", "ghjh", "规划计划", "2026-07-01"))


@dataclass(frozen=True)
class PlantedColumn:
    """A column of the inspection plant: where it is, what it is, and when its entries appear."""

    path: str  # its list page
    name: str  # its name as linked
    unit: str  # unit code, "" for the site or the platform
    kind: str  # the inspection kind it should get: news | notice | personnel_planning | other
    hub: str  # "home" | "platform" | "unit"
    opened_at: str  # ISO date it is first linked and served
    first_entry: str | None = None  # ISO date of its first entry; None: an empty column
    every_days: int = 0  # one entry each so many days from first_entry
    stops_at: str | None = None  # no entry after this date (a stale column); None: updated to this day
    planted: str = ""  # stale_news | stale_notice | stale_long | empty | "" (a fresh column)

    def dates(self, as_of: str) -> list[str]:
        """Entry dates online at ``as_of`` ("YYYY-MM-DDTHH:MM"), newest first."""
        if self.first_entry is None or self.opened_at > as_of[:10]:
            return []
        day, step = dt.date.fromisoformat(self.first_entry), dt.timedelta(days=self.every_days)
        last = min(as_of, (self.stops_at or "9999-12-31") + "T23:59")
        out = []
        while day.isoformat() + ENTRY_TIME <= last:
            out.append(day.isoformat())
            day += step
        return out[::-1]

    def entries(self, as_of: str, unit_name: str) -> list[ListEntry]:
        """The list entries online at ``as_of`` (documents the replica does not serve)."""
        base = int(hashlib.md5(self.path.encode()).hexdigest()[:5], 16) * 1000
        out = []
        for n, day in enumerate(self.dates(as_of)):
            compact = day.replace("-", "")
            out.append(ListEntry(href=f"./{compact[:6]}/t{compact}_{base + n}.html",
                                 title=f"{unit_name}{self.name}（{day}）", date=day))
        return out


def plant(site: Site) -> list[PlantedColumn]:
    """The inspection columns of 青山县 (none for the other counties)."""
    if not site.preset.traps:
        return []
    out = [PlantedColumn("/xwzx/qsyw/index.html", f"{site.county[:2]}要闻", "", "news", "home", "2024-01-01",
                         NEWS_START, 2),
           PlantedColumn("/xwzx/bmdt/index.html", "部门动态", "", "news", "home", "2024-01-01", NEWS_START, 3),
           PlantedColumn("/xwzx/xzdt/index.html", "乡镇动态", "", "news", "home", "2024-01-01", NEWS_START, 4,
                         "2026-06-20", "stale_news"),
           PlantedColumn("/zfxxgk/zcwj/index.html", "政策文件", "", "notice", "platform", "2020-01-01", "2020-01-10",
                         20, "2025-10-20", "stale_notice"),
           PlantedColumn("/zfxxgk/rsxx/index.html", "人事信息", "", "personnel_planning", "platform", "2020-01-01",
                         "2020-02-01", 60, "2025-03-01", "stale_long"),
           PlantedColumn("/zfxxgk/ghjh/index.html", "规划计划", "", "personnel_planning", "platform", "2020-01-01",
                         "2020-03-01", 90),
           PlantedColumn("/zfxxgk/czyjs/index.html", "财政预决算", "", "other", "platform", "2020-01-01",
                         "2020-01-20", 30)]
    for unit in site.units:
        if unit.dialect != "trs" or unit.abolished_year is not None or unit.generated:
            continue
        stale = unit.code in STALE_NEWS_UNITS
        out.append(PlantedColumn(f"{site.unit_dir(unit)}gzdt/index.html", "工作动态", unit.code, "news", "unit",
                                 "2024-01-01", NEWS_START, 3, STALE_NEWS_STOP if stale else None,
                                 "stale_news" if stale else ""))
    for code, slug, name, opened in EMPTY:
        directory = site.unit_dir(site.unit_by_code[code]) if code else "/zfxxgk/"
        kind = "personnel_planning" if slug in ("rsxx", "ghjh") else "other"
        out.append(PlantedColumn(f"{directory}{slug}/index.html", name, code, kind, "unit" if code else "platform",
                                 opened, planted="empty"))
    return out


def links(site: Site, hub: str, unit: str, as_of: str, relative_to: str = "") -> list[tuple[str, str]]:
    """The links a hub page ("home", "platform", or a unit's page) shows to the planted columns open at ``as_of``."""
    return [(c.path[len(relative_to):] if relative_to and c.path.startswith(relative_to) else c.path, c.name)
            for c in site.inspection_columns
            if c.hub == hub and c.unit == unit and c.opened_at <= as_of[:10]]


def is_down(site: Site, path: str, as_of: str) -> bool:
    """Whether ``path`` is on the platform that is unreachable at ``as_of``."""
    if not site.preset.traps or OUTAGE_UNIT not in site.unit_by_code:
        return False
    return path.startswith(site.unit_dir(site.unit_by_code[OUTAGE_UNIT])) and down_at(as_of)


def down_at(as_of: str) -> bool:
    """Whether the planted outage is on at ``as_of``."""
    return any(start <= as_of[:10] < end for start, end in OUTAGES)


def serve(site: Site, path: str, as_of: str) -> Response | None:
    """A planted column's first list page (later pages exist too: index_N.html), or None."""
    from disclosure.replica.site import Response

    directory, name = path.rsplit("/", 1)
    column = site.inspection_by_dir.get(directory + "/")
    if column is None or column.opened_at > as_of[:10]:
        return None
    try:
        current = 0 if name == "index.html" else int(name[len("index_"):-len(".html")])
    except ValueError:
        return None
    unit = site.unit_by_code.get(column.unit)
    entries = column.entries(as_of, unit.name if unit else site.county)
    count = max(1, -(-len(entries) // PER_PAGE))
    if not 0 <= current < count:
        return None
    crumbs = [("/", "首页")] + ([("/zfxxgk/index.html", "政府信息公开")] if column.hub != "home" else [])
    html = pages.trs_list(column.name, entries[current * PER_PAGE:(current + 1) * PER_PAGE], count, current,
                          "utf-8", crumbs, site.preset.site_name)
    return Response(200, html.encode("utf-8"), "text/html; charset=utf-8", [("Cache-Control", "no-cache")])


def down_response() -> Response:
    """What the unreachable platform answers."""
    from disclosure.replica.site import Response

    return Response(503, b"<html><body><h1>503 Service Unavailable</h1></body></html>")
