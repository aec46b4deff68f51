"""Failed consistency checks per unit and report year (current versions only)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.models import CheckResult, Document, Portal, Unit


@dataclass
class FailedCheck:
    """One consistency rule that failed on a report's current version."""

    portal: str
    unit: str
    report_year: int
    rule: str
    detail: str
    document_id: int
    version_id: int
    url: str


def failed_checks(session: Session, year: int | None = None, portal: str | None = None,
                  unit: str | None = None) -> list[FailedCheck]:
    """Failed checks (``ok`` false) of current report versions, by unit, year and rule."""
    stmt = (select(Portal.profile, Unit.name, Unit.aliases, Document.publisher, Document.report_year,
                   CheckResult.rule, CheckResult.detail, Document.id, CheckResult.version_id, Document.canonical_url)
            .join(CheckResult, CheckResult.version_id == Document.current_version_id)
            .outerjoin(Unit, Unit.id == Document.unit_id)
            .outerjoin(Portal, Portal.id == Document.portal_id)
            .where(CheckResult.ok.is_(False), Document.report_year.is_not(None)))
    if year is not None:
        stmt = stmt.where(Document.report_year == year)
    if portal is not None:
        stmt = stmt.where((Portal.profile == portal) | (Portal.name == portal))
    out = []
    for profile, name, aliases, publisher, ryear, rule, detail, doc_id, version_id, url in session.execute(stmt):
        if unit is not None and unit not in {name, publisher, *(aliases or [])}:
            continue
        out.append(FailedCheck(profile or "", name or publisher or "", ryear, rule, detail, doc_id, version_id, url))
    out.sort(key=lambda c: (c.unit, c.report_year, c.rule, c.document_id))
    return out
