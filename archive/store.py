"""Idempotent upserts that count what they changed.

Storing a parse result is an upsert: a row that already holds the same values is left alone and
counted ``unchanged``, so re-running the ingest over the same captures reports 0 changes. Children
of a version (sections, figures, check results) are synchronised as a set keyed by section number,
figure key or rule name: rows the new parse no longer yields are removed (they are derived data; the
raw capture stays, so a later reparse can bring them back).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy.orm import Session

from archive.models import CheckResult, Figure, Section, Version
from archive.parse.model import ParsedCheck, ParsedFigure, ParsedSection


@dataclass
class Counts:
    """Rows inserted / updated / unchanged / removed by one or more upserts."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def add(self, other: Counts) -> None:
        """Accumulate ``other`` into this one."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def changed(self) -> int:
        """Rows written (inserted, updated or removed)."""
        return self.inserted + self.updated + self.removed

    def __str__(self) -> str:
        text = f"{self.inserted} inserted, {self.updated} updated, {self.unchanged} unchanged"
        return text + (f", {self.removed} removed" if self.removed else "")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=0, abs_tol=1e-9) or (math.isnan(a) and math.isnan(b))
    return a == b


def assign(row: object, values: dict[str, Any]) -> bool:
    """Set attributes that differ; True when anything changed."""
    changed = False
    for name, value in values.items():
        if not _same(getattr(row, name), value):
            setattr(row, name, value)
            changed = True
    return changed


def sync_rows(session: Session, model: type, parent: dict[str, Any], existing: Iterable[Any],
              desired: dict[Any, dict[str, Any]], key_of: Callable[[Any], Any]) -> Counts:
    """Make the ``model`` rows ``existing`` (children of ``parent``, e.g. ``{"version_id": 7}``) equal
    ``desired`` (key → column values), counting the changes."""
    counts = Counts()
    current = {key_of(row): row for row in existing}
    if not current and desired:
        # A new version: one executemany on the table, no ORM object per figure.
        session.execute(model.__table__.insert(), [{**parent, **values} for values in desired.values()])
        counts.inserted = len(desired)
        return counts
    for key, values in desired.items():
        row = current.pop(key, None)
        if row is None:
            session.add(model(**parent, **values))
            counts.inserted += 1
        elif assign(row, values):
            counts.updated += 1
        else:
            counts.unchanged += 1
    for row in current.values():
        session.delete(row)
        counts.removed += 1
    return counts


def sync_sections(session: Session, version: Version, sections: list[ParsedSection], *, new: bool = False) -> Counts:
    """Store a version's sections (one per canonical number; a repeated number keeps the first).

    ``new=True``: the version was inserted in this transaction, so it has no rows yet (no query for them).
    """
    desired: dict[int, dict[str, Any]] = {}
    for s in sections:
        desired.setdefault(s.number, {"number": s.number, "heading": s.heading[:500], "text": s.text})
    existing = [] if new else session.query(Section).filter(Section.version_id == version.id).all()
    return sync_rows(session, Section, {"version_id": version.id}, existing, desired, lambda r: r.number)


def sync_figures(session: Session, version: Version, figures: list[ParsedFigure], *, new: bool = False) -> Counts:
    """Store a version's figures (one per canonical key; a repeated key keeps the first); ``new`` as above."""
    desired: dict[str, dict[str, Any]] = {}
    for f in figures:
        desired.setdefault(f.key, {"key": f.key, "value": None if f.value is None else float(f.value),
                                   "raw": (f.raw or "")[:200], "unit": f.unit, "table": f.table,
                                   "row": f.row, "col": f.col})
    existing = [] if new else session.query(Figure).filter(Figure.version_id == version.id).all()
    return sync_rows(session, Figure, {"version_id": version.id}, existing, desired, lambda r: r.key)


CROSS_YEAR_PREFIX = "cross_year."


def sync_checks(session: Session, version: Version, checks: list[ParsedCheck], *, cross_year: bool = False,
                new: bool = False) -> Counts:
    """Store a version's check results: the parser's (default) or the database-computed cross-year ones.

    The two families are kept apart so a re-parse never removes cross-year results and vice versa.
    ``new`` as for :func:`sync_sections`.
    """
    desired: dict[str, dict[str, Any]] = {}
    for c in checks:
        if c.rule.startswith(CROSS_YEAR_PREFIX) == cross_year:
            desired.setdefault(c.rule, {"rule": c.rule, "ok": bool(c.ok), "detail": c.detail or ""})
    query = session.query(CheckResult).filter(CheckResult.version_id == version.id)
    if cross_year:
        query = query.filter(CheckResult.rule.like(CROSS_YEAR_PREFIX + "%"))
    else:
        query = query.filter(CheckResult.rule.notlike(CROSS_YEAR_PREFIX + "%"))
    existing = [] if new else query.all()
    return sync_rows(session, CheckResult, {"version_id": version.id}, existing, desired, lambda r: r.rule)
