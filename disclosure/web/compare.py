"""Comparisons: a unit's annual reports side by side across years, and the figures two versions disagree on."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.models import Document, Figure, Section, Unit, Version
from disclosure.web.report_tables import key_labels

# The figures a reader compares first, in the order the report prints them.
HEADLINE_KEYS: tuple[str, ...] = (
    "active.normative_docs.issued", "active.licensing.decisions", "active.penalty.decisions",
    "requests.new.total", "requests.carried_in.total", "requests.result.disclosed.total",
    "requests.result.partly_disclosed.total", "requests.result.total.total", "requests.carried_out.total",
    "review.total", "litigation.direct.total", "litigation.after_review.total",
)

# Reports before 2019 fill the 2008 outline's table (``local.*`` keys): where one of its figures counts the same
# thing as a headline figure, the comparison shows it in that line, marked, rather than a gap.
OLD_FORM_EQUIVALENTS: dict[str, str] = {
    "requests.new.total": "local.requests.received",
    "requests.result.disclosed.total": "local.requests.disclosed",
    "review.total": "local.review.total",
}


@dataclass
class FigureChange:
    """One figure key whose number differs between two versions (None: absent in that version)."""

    key: str
    label: str
    old_raw: str | None
    new_raw: str | None
    old_value: float | None
    new_value: float | None


def _figures(session: Session, version_id: int) -> dict[str, tuple[float | None, str]]:
    return {f.key: (f.value, f.raw) for f in session.scalars(select(Figure).where(Figure.version_id == version_id))}


def figure_changes(session: Session, old_id: int, new_id: int) -> list[FigureChange]:
    """Every figure that was added, removed or changed from version ``old_id`` to ``new_id``, in key order."""
    labels = key_labels()
    old, new = _figures(session, old_id), _figures(session, new_id)
    out = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a is not None and b is not None and a[0] == b[0] and a[1] == b[1]:
            continue
        label = labels.get(key) or (f"正文所述：{labels.get(key[5:], '统计数字')}" if key.startswith("text.")
                                    else "其他统计数字")
        out.append(FigureChange(key, label, a[1] if a else None, b[1] if b else None,
                                a[0] if a else None, b[0] if b else None))
    return out


@dataclass
class YearReport:
    """A unit's report of one year (its current version)."""

    year: int
    document_id: int
    version_id: int
    title: str
    edited: bool  # more than one version: changed after publication


@dataclass
class FigureLine:
    """One figure across the years: the value of each year and its change from the year before."""

    key: str
    label: str
    values: list[float | None]
    changes: list[float | None]
    old_form: list[bool] = field(default_factory=list)  # per year: the value is the pre-2019 table's equivalent


@dataclass
class SectionDiff:
    """One numbered section of two years' reports, diffed (an HTML table with every character escaped)."""

    number: int
    heading: str
    table: str
    same: bool


@dataclass
class UnitComparison:
    """What the comparison page shows for one unit."""

    unit_id: int
    unit: str
    reports: list[YearReport]
    lines: list[FigureLine] = field(default_factory=list)
    a: YearReport | None = None
    b: YearReport | None = None
    sections: list[SectionDiff] = field(default_factory=list)

    @property
    def has_old_form(self) -> bool:
        """Some value shown is a pre-2019 table's equivalent (the page explains the mark)."""
        return any(any(line.old_form) for line in self.lines)


def _reports(session: Session, unit_id: int) -> list[YearReport]:
    docs = session.scalars(select(Document).where(Document.unit_id == unit_id, Document.kind == "annual_report",
                                                  Document.report_year.is_not(None),
                                                  Document.current_version_id.is_not(None))
                           .order_by(Document.report_year, Document.id)).all()
    by_year: dict[int, YearReport] = {}
    for doc in docs:
        if doc.report_year in by_year:
            continue  # a duplicate report of the same year: the first one stands for the year
        versions = session.scalar(select(Version.id).where(Version.document_id == doc.id).offset(1).limit(1))
        by_year[doc.report_year] = YearReport(doc.report_year, doc.id, doc.current_version_id, doc.title or "",
                                              versions is not None)
    return [by_year[y] for y in sorted(by_year)]


def _sections(session: Session, version_id: int) -> dict[int, tuple[str, str]]:
    return {s.number: (s.heading, s.text) for s in session.scalars(
        select(Section).where(Section.version_id == version_id))}


def sentences(text: str) -> list[str]:
    """Text cut after each full stop, semicolon, exclamation or question mark (the unit of a text diff)."""
    out, current = [], []
    for ch in text:
        current.append(ch)
        if ch in "。；！？\n":
            line = "".join(current).strip()
            if line:
                out.append(line)
            current = []
    if "".join(current).strip():
        out.append("".join(current).strip())
    return out


def text_diff(old: str, new: str, old_label: str, new_label: str) -> str:
    """A side-by-side HTML diff table of two texts by sentence (difflib escapes every character)."""
    # No wrapcolumn: the stylesheet wraps the cells to the width the screen has.
    differ = difflib.HtmlDiff(tabsize=2)
    table = differ.make_table(sentences(old), sentences(new), fromdesc=old_label, todesc=new_label, context=True,
                              numlines=1)
    # difflib's own words and link letters (f first, n next, t top) are English; the page is Chinese.
    table = table.replace("No Differences Found", "没有差异").replace("Empty File", "（无内容）")
    return _NAV_LINK.sub(lambda m: f'{m.group(1)} title="{_NAV_TITLE[m.group(2)]}">{_NAV_MARK[m.group(2)]}</a>', table)


_NAV_LINK = re.compile(r'(<a href="#difflib_chg_[^"]*")>([fnt])</a>')
_NAV_TITLE = {"f": "第一处改动", "n": "下一处改动", "t": "回到顶部"}
_NAV_MARK = {"f": "↓", "n": "↓", "t": "↑"}


def unit_comparison(session: Session, unit_id: int, year_a: int | None = None,
                    year_b: int | None = None) -> UnitComparison | None:
    """A unit's reports across years: headline figures with year-on-year change, and two years' sections diffed.

    ``year_a`` and ``year_b`` pick the two years whose texts are diffed (default: the last two); None if no unit.
    """
    unit = session.get(Unit, unit_id)
    if unit is None:
        return None
    reports = _reports(session, unit_id)
    comparison = UnitComparison(unit_id, unit.name, reports)
    labels = key_labels()
    figures = {r.year: _figures(session, r.version_id) for r in reports}
    for key in HEADLINE_KEYS:
        values: list[float | None] = []
        old_form: list[bool] = []
        for r in reports:
            own = figures[r.year].get(key)
            older = figures[r.year].get(OLD_FORM_EQUIVALENTS.get(key, ""))
            values.append(own[0] if own else (older[0] if older else None))
            old_form.append(own is None and older is not None and older[0] is not None)
        if all(v is None for v in values):
            continue
        changes: list[float | None] = [None]
        for prev, cur in zip(values, values[1:], strict=False):
            changes.append(cur - prev if cur is not None and prev is not None else None)
        comparison.lines.append(FigureLine(key, labels.get(key, key), values, changes, old_form))
    by_year = {r.year: r for r in reports}
    if year_a in by_year and year_b in by_year:
        comparison.a, comparison.b = by_year[year_a], by_year[year_b]
    elif len(reports) >= 2:
        comparison.a, comparison.b = reports[-2], reports[-1]
    if comparison.a and comparison.b:
        old, new = _sections(session, comparison.a.version_id), _sections(session, comparison.b.version_id)
        for number in sorted(set(old) | set(new)):
            heading = (new.get(number) or old.get(number) or ("", ""))[0]
            old_text, new_text = old.get(number, ("", ""))[1], new.get(number, ("", ""))[1]
            comparison.sections.append(SectionDiff(
                number, heading, text_diff(old_text, new_text, f"{comparison.a.year} 年度", f"{comparison.b.year} 年度"),
                old_text.strip() == new_text.strip()))
    return comparison
