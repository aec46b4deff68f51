"""One statistics figure across units and years: a tidy table, and a units × years matrix.

Only each document's current version counts (an edited report's figures are its latest ones). A key may
end in ``*`` to take every key under a prefix (``requests.new.*``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from archive.models import Document, Figure, Portal, Unit


@dataclass
class FigureRow:
    """One figure of one report (tidy: one value per row)."""

    portal: str
    unit: str  # the unit's full name (the document's stated publisher when it has no unit)
    report_year: int
    key: str
    value: float | None
    raw: str
    measure: str | None  # 万元, 元, None for counts
    table: str | None
    document_id: int
    version_id: int
    url: str


@dataclass
class WideTable:
    """Units (× keys) as rows, report years as columns; None where no report gave a number."""

    years: list[int]
    rows: list[tuple[str, str, list[float | None]]]  # (unit, key, one value per year)


def parse_years(text: str | None) -> tuple[int, int] | None:
    """``"2019-2023"`` → (2019, 2023); ``"2021"`` → (2021, 2021); None → None."""
    if not text:
        return None
    first, _, last = text.partition("-")
    try:
        lo, hi = int(first), int(last or first)
    except ValueError as exc:
        raise ValueError(f"bad year range {text!r}; expected YYYY or YYYY-YYYY") from exc
    if lo > hi:
        raise ValueError(f"bad year range {text!r}: {lo} > {hi}")
    return lo, hi


def figure_rows(session: Session, key: str, *, years: tuple[int, int] | None = None,
                publishers: Iterable[str] = (), portal: str | None = None) -> list[FigureRow]:
    """Every current figure under ``key`` (exact, or a ``prefix.*``), sorted by unit, year and key."""
    stmt = (select(Portal.profile, Unit.name, Unit.aliases, Document.publisher, Document.report_year, Figure.key,
                   Figure.value, Figure.raw, Figure.unit, Figure.table, Document.id, Figure.version_id,
                   Document.canonical_url)
            .join(Figure, Figure.version_id == Document.current_version_id)
            .outerjoin(Unit, Unit.id == Document.unit_id)
            .outerjoin(Portal, Portal.id == Document.portal_id)
            .where(Document.report_year.is_not(None)))
    stmt = _scoped(stmt, key, years, portal)
    wanted = {p.strip() for p in publishers if p.strip()}
    rows = []
    for (profile, unit_name, aliases, publisher, year, fkey, value, raw, measure, table, doc_id, version_id,
         url) in session.execute(stmt):
        names = {unit_name, publisher, *(aliases or [])} - {None}
        if wanted and not (wanted & names):
            continue
        rows.append(FigureRow(profile or "", unit_name or publisher or "", year, fkey, value, raw, measure, table,
                              doc_id, version_id, url))
    rows.sort(key=lambda r: (r.unit, r.report_year, r.key, r.document_id))
    return rows


def _scoped(stmt: Select, key: str, years: tuple[int, int] | None, portal: str | None) -> Select:
    """``stmt`` narrowed to ``key`` (exact or ``prefix.*``), report years and portal."""
    if key.endswith("*"):
        prefix = key.rstrip("*")
        stmt = stmt.where(Figure.key.startswith(prefix, autoescape=True))
    else:
        stmt = stmt.where(Figure.key == key)
    if years is not None:
        stmt = stmt.where(Document.report_year.between(*years))
    if portal is not None:
        stmt = stmt.where((Portal.profile == portal) | (Portal.name == portal))
    return stmt


def figure_count(session: Session, key: str, *, years: tuple[int, int] | None = None,
                 portal: str | None = None) -> int:
    """How many current figures :func:`figure_rows` would read for ``key`` (before any publisher filter).

    The web interface asks first, so that a broad key pattern is refused before any row is loaded.
    """
    stmt = (select(func.count()).select_from(Document)
            .join(Figure, Figure.version_id == Document.current_version_id)
            .outerjoin(Portal, Portal.id == Document.portal_id)
            .where(Document.report_year.is_not(None)))
    return int(session.scalar(_scoped(stmt, key, years, portal)) or 0)


def wide_table(rows: list[FigureRow]) -> WideTable:
    """Pivot tidy rows to units × years; with two reports for one unit and year, the first document wins."""
    years = sorted({r.report_year for r in rows})
    cells: dict[tuple[str, str], dict[int, float | None]] = {}
    for row in sorted(rows, key=lambda r: r.document_id):
        cells.setdefault((row.unit, row.key), {}).setdefault(row.report_year, row.value)
    return WideTable(years, [(unit, key, [by_year.get(y) for y in years])
                             for (unit, key), by_year in sorted(cells.items())])
