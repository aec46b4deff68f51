"""The cross-year check: ``carried_out`` of year Y against ``carried_in`` of Y+1, same unit.

Computed in the database (no single report can check it) over the current version of each unit's
annual report, and stored on the Y+1 report's current version as ``cross_year.carried.<col>``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.models import CheckResult, Document, Figure, Version
from archive.parse.model import ParsedCheck
from archive.store import CROSS_YEAR_PREFIX, Counts, sync_checks

COLUMNS = ("natural_person", "business", "research", "public_interest", "legal_service", "other_org", "total")


def _carried_figures(session: Session, version_ids: list[int]) -> dict[int, dict[str, float | None]]:
    out: dict[int, dict[str, float | None]] = {vid: {} for vid in version_ids}
    keys = [f"requests.{row}.{col}" for row in ("carried_in", "carried_out") for col in COLUMNS]
    for start in range(0, len(version_ids), 500):
        chunk = version_ids[start:start + 500]
        rows = session.execute(
            select(Figure.version_id, Figure.key, Figure.value)
            .where(Figure.version_id.in_(chunk), Figure.key.in_(keys))
        )
        for vid, key, value in rows:
            out[vid][key] = value
    return out


def cross_year_checks(prev: dict[str, float | None], cur: dict[str, float | None], year: int) -> list[ParsedCheck]:
    """The checks between year ``year - 1``'s figures ``prev`` and year ``year``'s ``cur``."""
    checks = []
    for col in COLUMNS:
        out_v = prev.get(f"requests.carried_out.{col}")
        in_v = cur.get(f"requests.carried_in.{col}")
        if out_v is None or in_v is None:
            continue  # recorded only when both figures have a number
        ok = abs(out_v - in_v) < 1e-9
        detail = f"{year - 1} carried_out.{col} = {out_v:g}, {year} carried_in.{col} = {in_v:g}"
        checks.append(ParsedCheck(rule=f"{CROSS_YEAR_PREFIX}carried.{col}", ok=ok, detail=detail))
    return checks


def update_cross_year(session: Session) -> Counts:
    """Recompute every cross-year check; returns the check rows inserted / updated / unchanged / removed."""
    docs = session.execute(
        select(Document.unit_id, Document.report_year, Document.current_version_id, Document.first_seen_at)
        .where(Document.kind == "annual_report", Document.unit_id.is_not(None),
               Document.report_year.is_not(None), Document.current_version_id.is_not(None))
        .order_by(Document.first_seen_at)
    ).all()
    # One report per (unit, year): the last one seen wins when a unit published twice.
    by_unit_year: dict[tuple[int, int], int] = {}
    for unit_id, year, version_id, _ in docs:
        by_unit_year[(unit_id, year)] = version_id
    figures = _carried_figures(session, sorted(set(by_unit_year.values())))
    counts = Counts()
    for (unit_id, year), version_id in by_unit_year.items():
        prev_id = by_unit_year.get((unit_id, year - 1))
        checks = cross_year_checks(figures[prev_id], figures[version_id], year) if prev_id else []
        version = session.get(Version, version_id)
        assert version is not None
        counts.add(sync_checks(session, version, checks, cross_year=True))
    # Results on a version that is no longer current describe nothing any more.
    current = set(by_unit_year.values())
    for row in session.execute(select(CheckResult).where(CheckResult.rule.like(CROSS_YEAR_PREFIX + "%"))).scalars():
        if row.version_id not in current:
            session.delete(row)
            counts.removed += 1
    return counts
