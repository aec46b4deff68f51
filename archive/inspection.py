"""Website inspection of whole portals under the national rules (issue 20, docs/inspection.md).

For each portal, as of a date, from the columns the crawler read (``columns``, ``column_observations``):

- columns past their period: the newest entry on the column's list, as last read on or before the date, is
  older than the kind's period before that read (news 14 days, notices 183 …, ``Thresholds``);
- empty columns: every read of the column up to the date showed no entry;
- reachability: the share of the crawl runs in the monitoring window in which the home page, a unit's page or
  a column got no answer or a 5xx (a WAF challenge or a 404 is not "unreachable");
- a verdict: 不合格 when any single-veto rule is broken (the first broken one, in ``RULES`` order, decides).

Every finding carries the ids of the list captures that show it (``archive.inspection_evidence``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.columns import HOME
from archive.inspection_rules import FAIL, FINDING_RULE, PASS, RULES, Thresholds
from archive.models import Column, ColumnObservation, CrawlRun, InspectionSnapshot, Portal, Unit
from archive.timeliness import UnknownPortal

SITE = ""  # the unit of the site's and the platform's own columns


@dataclass
class ColumnFinding:
    """One column breaking a rule, with what shows it."""

    unit: str  # unit name, SITE for the site's own columns
    column: str | None
    url: str
    kind: str
    finding: str  # stale_news | stale_notice | stale_long | empty
    rule: str  # the single-veto rule it counts for
    newest_entry: dt.date | None
    days_since: int | None  # from the newest entry to the read that shows it
    period_days: int | None
    checked_at: dt.datetime  # the read (list fetch) the finding rests on
    first_seen: dt.datetime
    capture_ids: list[int] = field(default_factory=list)  # list captures showing it, oldest first


@dataclass
class PageFailure:
    """A page (home page, unit page, column) that got no usable answer in a run of the window."""

    unit: str
    url: str
    kind: str
    at: dt.datetime
    outcome: str
    status: int | None
    error: str | None
    capture_id: int | None


@dataclass
class UnitInspection:
    """One unit's share of the findings and its reachability."""

    unit: str
    columns: int
    findings: dict[str, int]  # finding -> count
    runs: int
    failed_runs: int

    @property
    def unreachable_share(self) -> float:
        return self.failed_runs / self.runs if self.runs else 0.0


@dataclass
class PortalInspection:
    """The inspection of one portal as of a date."""

    portal: str
    name: str
    as_of: dt.datetime
    window_start: dt.datetime
    runs: int
    failed_runs: int
    columns: int
    counts: dict[str, float]  # rule -> count (share for "unreachable")
    failed_rules: list[str]
    findings: list[ColumnFinding]
    units: list[UnitInspection]
    failures: list[PageFailure]
    thresholds: Thresholds

    @property
    def verdict(self) -> str:
        return FAIL if self.failed_rules else PASS

    @property
    def deciding_rule(self) -> str | None:
        return self.failed_rules[0] if self.failed_rules else None

    @property
    def unreachable_share(self) -> float:
        return self.failed_runs / self.runs if self.runs else 0.0


def inspect_portals(session: Session, portal: str | None = None, as_of: dt.datetime | dt.date | None = None,
                    thresholds: Thresholds | None = None) -> list[PortalInspection]:
    """Inspect every portal (or ``portal``, by profile or name) as of ``as_of`` (default: its latest read)."""
    limits = thresholds or Thresholds()
    stmt = select(Portal).order_by(Portal.profile)
    if portal is not None:
        stmt = stmt.where((Portal.profile == portal) | (Portal.name == portal))
    portals = list(session.scalars(stmt))
    if portal is not None and not portals:
        raise UnknownPortal(f"no portal with profile or name {portal!r}")
    return [inspect_portal(session, p, _as_datetime(as_of) or _latest_read(session, p.id), limits) for p in portals]


def _as_datetime(value: dt.datetime | dt.date | None) -> dt.datetime | None:
    """A date means the end of that day."""
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time(23, 59, 59))


def _latest_read(session: Session, portal_id: int) -> dt.datetime:
    latest = session.scalar(select(func.max(ColumnObservation.observed_at)).join(Column)
                            .where(Column.portal_id == portal_id))
    return latest or dt.datetime.now(dt.UTC).replace(tzinfo=None)


def inspect_portal(session: Session, portal: Portal, as_of: dt.datetime, limits: Thresholds) -> PortalInspection:
    """Inspect one portal (see the module docstring)."""
    window_start = as_of - dt.timedelta(days=limits.window_days)
    units = dict(session.execute(select(Unit.id, Unit.name).where(Unit.portal_id == portal.id)).all())
    columns = {c.id: c for c in session.scalars(select(Column).where(Column.portal_id == portal.id))}
    by_column: dict[int, list[ColumnObservation]] = defaultdict(list)
    for obs in session.scalars(select(ColumnObservation).join(Column)
                               .where(Column.portal_id == portal.id, ColumnObservation.observed_at <= as_of)
                               .order_by(ColumnObservation.observed_at, ColumnObservation.id)):
        by_column[obs.column_id].append(obs)
    findings = []
    checked: dict[str, int] = defaultdict(int)
    for cid, observations in by_column.items():
        col = columns[cid]
        if col.kind == HOME:
            continue
        found = _column_finding(col, units.get(col.unit_id, SITE) if col.unit_id else SITE, observations,
                                window_start, limits)
        if found is not None:
            checked[units.get(col.unit_id, SITE) if col.unit_id else SITE] += 1
            if found is not True:
                findings.append(found)
    runs = list(session.execute(select(CrawlRun.id, CrawlRun.started_at).where(
        CrawlRun.portal_id == portal.id, CrawlRun.started_at > window_start, CrawlRun.started_at <= as_of)).all())
    run_ids = {r.id for r in runs}
    failures = [PageFailure(units.get(columns[o.column_id].unit_id, SITE) if columns[o.column_id].unit_id else SITE,
                            columns[o.column_id].url, columns[o.column_id].kind, o.observed_at, o.outcome, o.status,
                            o.error, o.list_capture_id)
                for obs in by_column.values() for o in obs if o.crawl_run_id in run_ids and o.outcome == "failed"]
    failed_runs = {o.crawl_run_id for obs in by_column.values() for o in obs
                   if o.crawl_run_id in run_ids and o.outcome == "failed"}
    result = PortalInspection(portal.profile, portal.name, as_of, window_start, len(runs), len(failed_runs),
                              sum(checked.values()), {}, [], sorted(findings, key=_finding_order),
                              _units(findings, checked, by_column, columns, units, run_ids), failures, limits)
    counts: dict[str, float] = {r: 0 for r in RULES}
    for f in findings:
        counts[f.rule] += 1
    counts["unreachable"] = round(result.unreachable_share, 4)
    result.counts = counts
    result.failed_rules = [r for r in RULES if limits.breaks(r, counts[r])]
    return result


def _column_finding(col: Column, unit: str, observations: list[ColumnObservation], window_start: dt.datetime,
                    limits: Thresholds) -> ColumnFinding | bool | None:
    """The column's finding; True when it was checked and is fine; None when it was not read in the window."""
    read = [o for o in observations if o.outcome == "ok"]
    if not read or read[-1].observed_at < window_start:
        return None  # never read, or not seen in the window (a column that went away)
    last = read[-1]
    captures = [o.list_capture_id for o in read if o.list_capture_id is not None]
    if all(o.entry_count == 0 for o in read):
        return ColumnFinding(unit, col.name, col.url, col.kind, "empty", FINDING_RULE["empty"], None, None, None,
                             last.observed_at, col.first_seen_at, sorted(set(captures[:1] + captures[-1:])))
    period = limits.period(col.kind)
    if period is None or last.newest_entry_date is None:
        return True
    days = (last.observed_at.date() - last.newest_entry_date).days
    if days <= period:
        return True
    finding = {"news": "stale_news", "notice": "stale_notice"}.get(col.kind, "stale_long")
    shown = [last.list_capture_id] if last.list_capture_id is not None else []
    return ColumnFinding(unit, col.name, col.url, col.kind, finding, FINDING_RULE[finding], last.newest_entry_date,
                         days, period, last.observed_at, col.first_seen_at, shown)


def _finding_order(f: ColumnFinding) -> tuple:
    return RULES.index(f.rule), f.unit, f.finding, f.url


def _units(findings: list[ColumnFinding], checked: dict[str, int], by_column: dict[int, list[ColumnObservation]],
           columns: dict[int, Column], units: dict[int, str], run_ids: set[int]) -> list[UnitInspection]:
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for f in findings:
        per[f.unit][f.finding] += 1
    runs: dict[str, set[int]] = defaultdict(set)
    failed: dict[str, set[int]] = defaultdict(set)
    for cid, obs in by_column.items():
        name = units.get(columns[cid].unit_id, SITE) if columns[cid].unit_id else SITE
        for o in obs:
            if o.crawl_run_id in run_ids:
                runs[name].add(o.crawl_run_id)
                if o.outcome == "failed":
                    failed[name].add(o.crawl_run_id)
    names = sorted(set(checked) | set(per) | set(runs))
    return [UnitInspection(n, checked.get(n, 0), dict(per.get(n, {})), len(runs[n]), len(failed[n])) for n in names]


# --------------------------------------------------------------------------------------------- history, store
def quarterly_history(session: Session, portal: str, limits: Thresholds | None = None) -> list[tuple[str, PortalInspection]]:
    """The verdict at the end of each quarter with reads (or at the latest read, for the current quarter)."""
    row = session.execute(select(Portal).where((Portal.profile == portal) | (Portal.name == portal))).scalar()
    if row is None:
        raise UnknownPortal(f"no portal with profile or name {portal!r}")
    times = sorted(session.scalars(select(CrawlRun.started_at).where(CrawlRun.portal_id == row.id)))
    quarters: dict[str, dt.datetime] = {}
    for t in times:
        quarters[f"{t.year}Q{(t.month - 1) // 3 + 1}"] = t
    out = []
    for label, last in quarters.items():
        year, q = int(label[:4]), int(label[-1])
        end = dt.datetime(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - dt.timedelta(seconds=1)
        latest = _latest_read(session, row.id)
        out.append((label, inspect_portal(session, row, min(end, max(latest, last)), limits or Thresholds())))
    return out


def store_inspection(session: Session, results: list[PortalInspection], computed_at: dt.datetime | None = None
                     ) -> int:
    """Save each portal's verdict (``disclosure status`` shows the newest)."""
    now = computed_at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for r in results:
        portal_id = session.scalar(select(Portal.id).where(Portal.profile == r.portal))
        session.add(InspectionSnapshot(portal_id=portal_id, as_of=r.as_of, verdict=r.verdict,
                                       failed_rules=list(r.failed_rules), counts=dict(r.counts), computed_at=now))
    return len(results)


def latest_verdict(session: Session, profile: str) -> InspectionSnapshot | None:
    """The newest stored verdict of a portal."""
    return session.scalar(select(InspectionSnapshot).join(Portal, Portal.id == InspectionSnapshot.portal_id)
                          .where(Portal.profile == profile)
                          .order_by(InspectionSnapshot.computed_at.desc(), InspectionSnapshot.id.desc()).limit(1))


# --------------------------------------------------------------------------------------------- views
ROW_COLUMNS = ("portal", "unit", "column", "kind", "finding", "rule", "newest_entry", "days_since", "period_days",
               "checked_at", "first_seen", "url")


def finding_rows(results: list[PortalInspection]) -> list[tuple]:
    """One tuple per finding, in :data:`ROW_COLUMNS` order (the table and CSV view)."""
    return [(r.portal, f.unit or "(site)", f.column, f.kind, f.finding, f.rule,
             f.newest_entry.isoformat() if f.newest_entry else None, f.days_since, f.period_days,
             f.checked_at.isoformat(sep=" ", timespec="minutes"), f.first_seen.isoformat(sep=" ", timespec="minutes"),
             f.url) for r in results for f in r.findings]


def summary_lines(r: PortalInspection) -> list[str]:
    """The per-portal verdict lines printed under the table."""
    t = r.thresholds
    parts = [f"{rule} {r.counts[rule]:g}/{t.limit(rule):g}" for rule in RULES if rule != "unreachable"]
    lines = [f"{r.portal} as of {r.as_of:%Y-%m-%d %H:%M}: {r.verdict}"
             + (f" (deciding rule: {r.deciding_rule})" if r.deciding_rule else "")
             + f"; {r.columns} columns checked; " + ", ".join(parts)
             + f"; unreachable in {r.failed_runs} of {r.runs} runs in {t.window_days} days "
               f"({r.unreachable_share:.0%}, limit {t.unreachable_share:.0%})"]
    for u in r.units:
        if u.findings or u.failed_runs:
            found = ", ".join(f"{k} {v}" for k, v in sorted(u.findings.items()))
            reach = f"; unreachable in {u.failed_runs} of {u.runs} runs" if u.failed_runs else ""
            lines.append(f"  {u.unit or '(site)'}: {found or 'no column findings'}{reach}")
    return lines


def inspection_json(r: PortalInspection) -> dict:
    """The JSON view of one portal's inspection."""
    def plain(obj) -> dict:
        out = asdict(obj)
        for k, v in out.items():
            if isinstance(v, dt.date | dt.datetime):
                out[k] = v.isoformat()
        return out
    return {"portal": r.portal, "name": r.name, "as_of": r.as_of.isoformat(), "verdict": r.verdict,
            "deciding_rule": r.deciding_rule, "failed_rules": r.failed_rules, "counts": r.counts,
            "thresholds": asdict(r.thresholds), "window_start": r.window_start.isoformat(), "runs": r.runs,
            "failed_runs": r.failed_runs, "unreachable_share": r.unreachable_share, "columns_checked": r.columns,
            "units": [{"unit": u.unit, "columns": u.columns, "findings": u.findings, "runs": u.runs,
                       "failed_runs": u.failed_runs, "unreachable_share": u.unreachable_share} for u in r.units],
            "findings": [plain(f) for f in r.findings], "failures": [plain(f) for f in r.failures]}
