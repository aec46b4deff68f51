"""Health of each portal's archive, for ``disclosure status`` and monitoring.

Reads the ``PortalRun`` rows written by ``disclosure run`` and counts what is archived. Warns when a portal
has not been crawled successfully within its expected interval, when its last run failed, and when a run
found far fewer documents than the one before (a site redesign is the usual cause: the crawler's list
readers stop matching and it sees only a fraction of the site).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.models import CrawlRun, Document, Portal, PortalRun, Version

# A run that found fewer than this share of the previous successful run's documents is a warning.
DROP_RATIO = 0.5


@dataclass
class RunBrief:
    """One recent cycle, as status shows it."""

    started_at: str
    status: str
    documents_seen: int | None
    errors: dict[str, int]
    message: str


@dataclass
class PortalHealth:
    """Everything ``disclosure status`` says about one portal."""

    profile: str
    last_run_at: str | None = None
    last_run_status: str | None = None
    last_success_at: str | None = None
    documents: int = 0
    versions: int = 0
    runs: int = 0
    recent_errors: dict[str, int] = field(default_factory=dict)
    recent_runs: list[RunBrief] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Pages the last finished crawl fetched per tier: "plain" (HTTP client), "browser" (Chromium; crawler/browser.py)
    pages_by_tier: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _archived(session: Session, profile: str) -> tuple[int, int]:
    """Documents and versions archived for a portal (by its profile name)."""
    portal_ids = select(Portal.id).where(Portal.profile == profile).scalar_subquery()
    docs = session.scalar(select(func.count(Document.id)).where(Document.portal_id.in_(portal_ids))) or 0
    versions = session.scalar(select(func.count(Version.id)).join(Document, Version.document_id == Document.id)
                              .where(Document.portal_id.in_(portal_ids))) or 0
    return int(docs), int(versions)


def portal_health(session: Session, profile: str, *, expected_interval_hours: float,
                  now: dt.datetime | None = None, recent: int = 5) -> PortalHealth:
    """The health of one portal; ``now`` is naive UTC (as stored)."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    health = PortalHealth(profile=profile)
    health.documents, health.versions = _archived(session, profile)
    finished = select(PortalRun).where(PortalRun.profile == profile, PortalRun.status != "running")
    health.runs = int(session.scalar(select(func.count()).select_from(finished.subquery())) or 0)
    runs = list(session.scalars(finished.order_by(PortalRun.started_at.desc(), PortalRun.id.desc()).limit(recent)))
    for run in runs:
        health.recent_runs.append(RunBrief(started_at=_iso(run.started_at) or "", status=run.status,
                                           documents_seen=run.documents_seen, errors=dict(run.errors or {}),
                                           message=run.message or ""))
        for kind, n in (run.errors or {}).items():
            health.recent_errors[kind] = health.recent_errors.get(kind, 0) + int(n)
    if runs:
        health.last_run_at, health.last_run_status = _iso(runs[0].started_at), runs[0].status
    successes = list(session.scalars(select(PortalRun).where(PortalRun.profile == profile, PortalRun.status == "ok")
                                     .order_by(PortalRun.started_at.desc(), PortalRun.id.desc()).limit(2)))
    if successes:
        health.last_success_at = _iso(successes[0].finished_at or successes[0].started_at)
    health.warnings = _warnings(health, runs, successes, expected_interval_hours, now)
    health.pages_by_tier = _pages_by_tier(session, profile)
    return health


def _pages_by_tier(session: Session, profile: str) -> dict[str, int]:
    """Pages per fetch tier of the profile's last finished crawl (from the stats the crawl recorded)."""
    stats = session.scalar(select(CrawlRun.stats).where(CrawlRun.profile == profile, CrawlRun.status != "running")
                           .order_by(CrawlRun.id.desc()).limit(1)) or {}
    return {tier: int(stats.get(f"disclosure/tier/{tier}") or 0) for tier in ("plain", "browser")
            if f"disclosure/tier/{tier}" in stats}


def _warnings(health: PortalHealth, runs: Sequence[PortalRun], successes: Sequence[PortalRun],
              expected_interval_hours: float, now: dt.datetime) -> list[str]:
    out: list[str] = []
    if not successes:
        out.append("never crawled successfully" if runs else "never run")
    else:
        last = successes[0].finished_at or successes[0].started_at
        age_h = (now - last).total_seconds() / 3600
        if age_h > expected_interval_hours:
            out.append(f"not crawled successfully for {age_h:.0f} h (expected every {expected_interval_hours:g} h)")
    if runs and runs[0].status != "ok":
        out.append(f"last run {runs[0].status}: {runs[0].message}".rstrip(": "))
    if len(successes) == 2:
        new, old = successes[0].documents_seen, successes[1].documents_seen
        if new is not None and old and new < DROP_RATIO * old:
            out.append(f"the last run found {new} documents, far fewer than the {old} of the run before "
                       f"(a site redesign is the usual cause)")
    return out


def known_portals(session: Session, configured: Sequence[str]) -> list[str]:
    """The configured portals, then any other portal that has run records."""
    names = list(dict.fromkeys(configured))
    for profile in session.scalars(select(PortalRun.profile).distinct().order_by(PortalRun.profile)):
        if profile not in names:
            names.append(profile)
    return names


def archive_health(session: Session, configured: Sequence[str], *, expected_interval_hours: float,
                   now: dt.datetime | None = None) -> list[PortalHealth]:
    """Health of every known portal."""
    return [portal_health(session, p, expected_interval_hours=expected_interval_hours, now=now)
            for p in known_portals(session, configured)]
