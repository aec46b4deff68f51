"""The scheduled cycle behind ``disclosure run``: for each portal crawl → ingest → index → timeliness.

One run holds a lock (``<jobs_dir>/run.lock``) so cron and a person never crawl the same archive at once.
Every portal is crawled at the same time (each under its own politeness), then each is ingested, indexed
and checked in turn. A portal's failure is recorded and the other portals still run. Each step calls the real component; a
component whose package is not installed is reported as ``not_available`` instead of crashing the run.
The outcome of each portal's cycle is stored as a ``PortalRun`` row, which ``disclosure status`` reads.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, is_dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from disclosure.config import Config
from disclosure.dberrors import database_problem
from disclosure.dberrors import redact_url as _redact
from disclosure.logging_setup import EventLog, Progress

# Exit codes (the same numbers as disclosure.cli; repeated here so the runner does not import the CLI).
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_PORTAL_FAILED = 3
EXIT_BLOCKED = 4
EXIT_LOCKED = 5
EXIT_CONFIG = 6

STEPS = ("crawl", "ingest", "index", "timeliness", "inspection")
# Step statuses that make a portal's cycle unsuccessful.
_BAD = {"failed", "blocked", "locked", "interrupted"}


class ComponentMissing(Exception):
    """A component's package is not installed (reported as ``not_available``)."""


@dataclass
class StepResult:
    """What one step of one portal's cycle did."""

    name: str
    status: str  # ok | failed | blocked | locked | interrupted | not_available | skipped
    detail: str = ""
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)


@dataclass
class PortalResult:
    """One portal's cycle."""

    profile: str
    status: str = "ok"  # ok | failed | blocked | locked | interrupted
    steps: list[StepResult] = field(default_factory=list)
    portal_run_id: int | None = None
    crawl_run_id: int | None = None
    documents_seen: int | None = None
    message: str = ""

    def step(self, name: str) -> StepResult | None:
        """The result of step ``name``, if it ran."""
        return next((s for s in self.steps if s.name == name), None)


@dataclass
class RunSummary:
    """The whole run: every portal's cycle and the exit code it adds up to."""

    run_id: str
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    portals: list[PortalResult] = field(default_factory=list)
    exit_code: int = EXIT_OK
    message: str = ""
    log_file: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        data = asdict(self)
        data["started_at"] = self.started_at.isoformat(timespec="seconds")
        data["finished_at"] = self.finished_at.isoformat(timespec="seconds") if self.finished_at else None
        return data


@dataclass
class RunOptions:
    """What to run: the profiles (default: the configured portals) and an optional base URL override."""

    profiles: Sequence[str] = ()
    base_url: str | None = None
    progress: Progress | None = None
    max_pages: int | None = None  # stop each portal's crawl after this many responses (a trial run)


class ConfigurationError(Exception):
    """The run cannot start because of the configuration (unknown profile, unusable database URL)."""


# --------------------------------------------------------------------------------------------------
# Helpers


def _now() -> dt.datetime:
    # Naive UTC, as every DateTime column in archive/models.py.
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _import(module: str) -> Any:
    """Import a component module; only its own absence counts as "not available", not a broken import."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            raise ComponentMissing(f"{module} is not available") from exc
        raise


def _plain(obj: Any) -> dict[str, Any]:
    """A result object (dataclass or plain object) as a dict of its public fields."""
    if is_dataclass(obj) and not isinstance(obj, type):
        return asdict(obj)
    if isinstance(obj, dict):
        return dict(obj)
    return {k: v for k, v in vars(obj).items() if not k.startswith("_")} if hasattr(obj, "__dict__") else {}


def _counts(data: dict[str, Any]) -> dict[str, int]:
    return {k: int(v) for k, v in data.items() if isinstance(v, int) and not isinstance(v, bool)}


def _summary_text(obj: Any) -> str:
    summary = getattr(obj, "summary", None)
    if callable(summary):
        try:
            return str(summary())
        except Exception:  # noqa: BLE001 - a summary is decoration
            return ""
    return ""


def split_portal(entry: str, base_url: str | None = None) -> tuple[str, str | None]:
    """``"replica@http://127.0.0.1:8765"`` → (``replica``, its base URL); a plain name keeps ``base_url``.

    The config's ``portals`` is a list of strings, so a profile that needs a base URL (the replica, a
    profile reused for several counties) carries it after an ``@``.
    """
    name, sep, url = entry.partition("@")
    if sep and "://" not in name and url.startswith(("http://", "https://")):
        return name, url
    return entry, base_url


def validate_profiles(profiles: Sequence[str], base_url: str | None = None) -> None:
    """Raise ConfigurationError for a portal the crawler cannot resolve (unknown name, bad file, bad URL)."""
    if not profiles:
        raise ConfigurationError("no portals to run: name profiles on the command line or set `portals`")
    try:
        profiles_mod = _import("crawler.profiles")
    except ComponentMissing:
        return  # the crawl step will say the crawler is not available
    for entry in profiles:
        name, url = split_portal(entry, base_url)
        try:
            profiles_mod.resolve_profile(name, url)
        except profiles_mod.ProfileError as exc:
            raise ConfigurationError(f"portal {entry!r}: {exc}") from exc


# --------------------------------------------------------------------------------------------------
# The four steps. Each returns a StepResult and raises ComponentMissing when its component is absent.


def step_crawl(config: Config, profile: str, base_url: str | None, result: PortalResult,
               progress: bool = False, max_pages: int | None = None) -> StepResult:
    """Incremental crawl of one portal through ``crawler.run.run_crawls`` (a worker process)."""
    return crawl_portals(config, [(profile, base_url)], [result], progress, max_pages)[0]


def crawl_portals(config: Config, entries: Sequence[tuple[str, str | None]], results: Sequence[PortalResult],
                  progress: bool = False, max_pages: int | None = None) -> list[StepResult]:
    """Incremental crawl of every portal at once (``crawler.run.run_crawls``): one step result per portal.

    Each portal keeps its own politeness, lock, crawl run and summary; one that is blocked or fails ends
    alone while the others go on.
    """
    run = _import("crawler.run")
    # Scrapy's own text log goes to a file beside the event log, never to the terminal (cron mail).
    scrapy_log = crawl_log_path(config, entries[0][0] if len(entries) == 1 else "portals")
    scrapy_log.parent.mkdir(parents=True, exist_ok=True)
    # Absolute paths: the worker process runs from the package directory, not from our working directory.
    summaries = run.run_crawls(list(entries), database_url=config.database_url,
                               warc_dir=config.warc_dir.resolve(), jobs_dir=config.jobs_dir.resolve(),
                               user_agent=config.effective_user_agent(), politeness=config.politeness,
                               progress=progress, explicit_politeness=run.explicit_politeness(config.sources),
                               max_pages=max_pages,
                               settings={"LOG_FILE": str(scrapy_log.resolve()), "LOG_FILE_APPEND": True,
                                         "LOG_LEVEL": "INFO", **_crawl_policy(config)})
    steps = []
    for summary, result in zip(summaries, results, strict=True):
        result.crawl_run_id = summary.run_id
        result.documents_seen = summary.documents_seen
        status = summary.status if summary.status in _BAD | {"ok"} else "failed"
        counts = {k: v for k, v in _counts(_plain(summary)).items() if k != "run_id"}
        detail = summary.message or summary.finish_reason or ""
        step = StepResult("crawl", status, detail=detail, counts=counts, errors=dict(summary.errors))
        step.seconds = float(getattr(summary, "duration_s", 0.0) or 0.0)
        steps.append(step)
    return steps


def _crawl_policy(config: Config) -> dict[str, Any]:
    """Scrapy settings from the crawl policy of the configuration (only those set there)."""
    if config.revalidate_after_days >= 0:
        return {"DISCLOSURE_REVALIDATE_AFTER_DAYS": config.revalidate_after_days}
    return {}


def crawl_log_path(config: Config, profile: str) -> Path:
    """Where the crawl worker's Scrapy log for ``profile`` goes (next to the event log)."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in profile)[:80]
    return config.log_file.parent / f"crawl-{safe}.log"


def ingest_lock(config: Config) -> FileLock:
    """The lock one ingest of a data directory holds (``disclosure ingest`` / ``reparse`` and ``run``)."""
    config.jobs_dir.mkdir(parents=True, exist_ok=True)
    return FileLock(str(config.jobs_dir / "ingest.lock"))


def step_ingest(config: Config, db: Any, result: PortalResult) -> StepResult:
    """Parse new captures into documents and versions (``archive.ingest.process_captures``).

    Status ``locked`` when another ingest of the data directory is running: it processes the same
    pending captures, and whatever it leaves is taken by the next run.
    """
    ingest = _import("archive.ingest")
    rawstore = _import("archive.rawstore")
    workers = _import("archive.parallel").default_workers()  # parsers ahead of the one writer
    lock = ingest_lock(config)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return StepResult("ingest", "locked", detail=f"another ingest is running (lock {lock.lock_file})")
    try:
        with rawstore.RawStore(config.warc_dir.resolve()) as store:
            report = None
            if isinstance(result.crawl_run_id, int):
                # This crawl's captures first, so its crawl_runs row counts the documents and versions it added.
                report = ingest.process_captures(db, store, crawl_run_id=result.crawl_run_id, workers=workers)
            # Then anything still pending (a capture left by an interrupted run, or a crawl without a run id).
            rest = ingest.process_captures(db, store, workers=workers)
    finally:
        lock.release()
    if report is None:
        report = rest
    else:
        report.merge(rest)
    counts = {"parsed": report.parsed, "failed": len(report.failed), "skipped": len(report.skipped),
              "new_documents": report.documents.inserted, "new_versions": report.versions.inserted}
    errors = {"parse_failed": len(report.failed)} if report.failed else {}
    if report.damaged:
        # The archive lost bytes (a truncated WARC file): not ok, though the next crawl fetches them again.
        errors["raw_record_damaged"] = len(report.damaged)
        return StepResult("ingest", "failed", detail=f"{len(report.damaged)} damaged raw records; "
                          + report.summary(), counts=counts, errors=errors)
    return StepResult("ingest", "ok", detail=report.summary(), counts=counts, errors=errors)


def step_index(config: Config, db: Any, result: PortalResult) -> StepResult:
    """Bring the search index up to date with the archive (``search.sync.sync_index``)."""
    sync = _import("search.sync")
    # One index directory per engine, as `disclosure index` and `disclosure search` use it.
    report = sync.sync_index(db, config.index_dir / config.search_engine, config.search_engine)
    data = _plain(report)
    return StepResult("index", "ok", detail=_summary_text(report), counts=_counts(data))


def step_timeliness(config: Config, db: Any, result: PortalResult) -> StepResult:
    """Recompute and store the timeliness of the portal's annual reports, every year it has reports for."""
    timeliness = _import("archive.timeliness")
    from sqlalchemy import select

    from archive.models import Document, Portal

    counts = {"years": 0, "rows": 0}
    summaries: list[str] = []
    with db.session() as session:
        years = sorted(y for y in session.scalars(
            select(Document.report_year).join(Portal, Document.portal_id == Portal.id)
            .where(Portal.profile == result.profile, Document.kind == "annual_report",
                   Document.report_year.is_not(None)).distinct())
            if y >= timeliness.FIRST_REPORT_YEAR)
        for year in years:
            try:
                report = timeliness.timeliness_report(session, year, portal=result.profile)
            except timeliness.UnknownPortal:
                break
            counts["rows"] += timeliness.store_timeliness(session, report.rows)
            counts["years"] += 1
            summaries.append(f"{year}: {report.summary.line()}")
    detail = summaries[-1] if summaries else "no annual reports archived yet"
    return StepResult("timeliness", "ok", detail=detail, counts=counts)


def step_inspection(config: Config, db: Any, result: PortalResult) -> StepResult:
    """Inspect the portal under the website-inspection rules as of its latest read, and store the verdict."""
    inspection = _import("archive.inspection")
    with db.session() as session:
        try:
            results = inspection.inspect_portals(session, result.profile, None, config.inspection)
        except inspection.UnknownPortal:
            return StepResult("inspection", "ok", detail="portal not archived yet")
        inspection.store_inspection(session, results)
    r = results[0]
    detail = r.verdict + (f" ({r.deciding_rule})" if r.deciding_rule else "")
    return StepResult("inspection", "ok", detail=detail, counts={"findings": len(r.findings), "columns": r.columns})


# --------------------------------------------------------------------------------------------------
# Persistence of the cycle (PortalRun rows)


def _record_start(db: Any, profile: str, started: dt.datetime) -> int | None:
    from archive.models import PortalRun

    with db.session() as session:
        row = PortalRun(profile=profile, started_at=started, status="running", steps={}, errors={}, message="")
        session.add(row)
        session.flush()
        return row.id


def _record_end(db: Any, result: PortalResult) -> None:
    from archive.models import PortalRun

    if result.portal_run_id is None:
        return
    errors: dict[str, int] = {}
    for s in result.steps:
        for kind, n in s.errors.items():
            errors[kind] = errors.get(kind, 0) + n
        if s.status in _BAD:
            errors[f"{s.name}_{s.status}"] = errors.get(f"{s.name}_{s.status}", 0) + 1
    crawl = result.step("crawl")
    ingest = result.step("ingest")
    with db.session() as session:
        row = session.get(PortalRun, result.portal_run_id)
        if row is None:
            return
        row.finished_at = _now()
        row.status = result.status
        row.documents_seen = result.documents_seen
        row.new_documents = ingest.counts.get("new_documents", 0) if ingest else 0
        row.new_versions = ingest.counts.get("new_versions", 0) if ingest else 0
        if isinstance(result.crawl_run_id, int):
            row.crawl_run_id = _existing_crawl_run(session, result.crawl_run_id)
        if crawl and row.documents_seen is None:
            row.documents_seen = crawl.counts.get("documents") or None
        row.steps = {s.name: {"status": s.status, "detail": s.detail[:500], "seconds": round(s.seconds, 2)}
                     for s in result.steps}
        row.errors = errors
        row.message = result.message[:2000]


def _existing_crawl_run(session: Any, crawl_run_id: int) -> int | None:
    from archive.models import CrawlRun

    return crawl_run_id if session.get(CrawlRun, crawl_run_id) is not None else None


# --------------------------------------------------------------------------------------------------
# The cycle


def _run_step(name: str, fn: Callable[[], StepResult], log: EventLog, profile: str) -> StepResult:
    t0 = time.monotonic()
    try:
        step = fn()
    except ComponentMissing as exc:
        step = StepResult(name, "not_available", detail=str(exc))
    except Exception as exc:  # noqa: BLE001 - one portal's failure must not stop the others
        step = StepResult(name, "failed", detail=f"{type(exc).__name__}: {exc}",
                          errors={type(exc).__name__: 1})
        log.event("step.error", level="error", profile=profile, step=name, error=step.detail,
                  traceback=traceback.format_exc(limit=8))
    step.seconds = time.monotonic() - t0
    _log_step(step, log, profile)
    return step


def _log_step(step: StepResult, log: EventLog, profile: str) -> None:
    level = "error" if step.status in _BAD else "warning" if step.status == "not_available" else "info"
    log.event("step.end", level=level, profile=profile, step=step.name, status=step.status, detail=step.detail,
              seconds=round(step.seconds, 3), counts=step.counts, errors=step.errors)


def start_portal(db: Any, profile: str, base_url: str | None, log: EventLog) -> PortalResult:
    """Record the start of a portal's cycle (its ``PortalRun`` row); a failed result if it cannot be."""
    result = PortalResult(profile=profile)
    log.event("portal.start", profile=profile, base_url=base_url)
    try:
        result.portal_run_id = _record_start(db, profile, _now())
    except Exception as exc:  # noqa: BLE001 - a database that cannot be written fails this portal
        result.status = "failed"
        result.message = f"cannot record the run in the database: {type(exc).__name__}: {exc}"
        log.event("portal.end", level="error", profile=profile, status=result.status, message=result.message)
    return result


def run_portal(config: Config, db: Any, profile: str, base_url: str | None, log: EventLog,
               progress: Progress | None = None, *, result: PortalResult | None = None,
               crawled: StepResult | None = None, max_pages: int | None = None) -> PortalResult:
    """One portal's cycle. Never raises for a portal's own failure: it is in the result.

    ``result`` and ``crawled``: the portal was started (``start_portal``) and crawled with the others
    (``crawl_portals``); the cycle goes on from the ingest.
    """
    if result is None:
        result = start_portal(db, profile, base_url, log)
    if result.status == "failed" and result.portal_run_id is None:
        return result

    steps: list[tuple[str, Callable[[], StepResult]]] = [
        ("crawl", lambda: step_crawl(config, profile, base_url, result, bool(progress and progress.enabled),
                                     max_pages)),
        ("ingest", lambda: step_ingest(config, db, result)),
        ("index", lambda: step_index(config, db, result)),
        ("timeliness", lambda: step_timeliness(config, db, result)),
        ("inspection", lambda: step_inspection(config, db, result)),
    ]
    for name, fn in steps:
        if progress:
            progress.update(f"{profile}: {name} …")
        if name == "crawl" and crawled is not None:
            step = crawled
            _log_step(step, log, profile)
        else:
            step = _run_step(name, fn, log, profile)
        result.steps.append(step)
        if name == "crawl" and step.status in ("blocked", "locked"):
            # Nothing new was fetched; still ingest anything pending from earlier runs.
            result.status = step.status
        elif step.status in _BAD and result.status == "ok":
            result.status = "failed" if step.status == "interrupted" else step.status
    bad = [s for s in result.steps if s.status in _BAD]
    if bad:
        result.message = "; ".join(f"{s.name} {s.status}: {s.detail}" if s.detail else f"{s.name} {s.status}"
                                   for s in bad)
    try:
        _record_end(db, result)
    except Exception as exc:  # noqa: BLE001
        log.event("portal.record_error", level="error", profile=profile, error=f"{type(exc).__name__}: {exc}")
    log.event("portal.end", level="info" if result.status == "ok" else "error", profile=profile,
              status=result.status, message=result.message, documents_seen=result.documents_seen)
    return result


def _run_portals(config: Config, db: Any, entries: list[tuple[str, str | None]], log: EventLog,
                 progress: Progress | None, max_pages: int | None = None) -> list[PortalResult]:
    """Every portal crawled at once, then each portal's ingest, index and timeliness in turn."""
    if len(entries) == 1:
        return [run_portal(config, db, entries[0][0], entries[0][1], log, progress, max_pages=max_pages)]
    results = [start_portal(db, profile, base_url, log) for profile, base_url in entries]
    live = [(entry, r) for entry, r in zip(entries, results, strict=True) if r.portal_run_id is not None]
    if progress:
        progress.update(f"crawling {len(live)} portals at once …")
    t0 = time.monotonic()
    try:
        steps = crawl_portals(config, [e for e, _ in live], [r for _, r in live],
                              bool(progress and progress.enabled), max_pages)
    except ComponentMissing as exc:
        steps = [StepResult("crawl", "not_available", detail=str(exc)) for _ in live]
    except Exception as exc:  # noqa: BLE001 - the crawl of every portal failed alike
        steps = [StepResult("crawl", "failed", detail=f"{type(exc).__name__}: {exc}",
                            errors={type(exc).__name__: 1}) for _ in live]
        log.event("step.error", level="error", profile="*", step="crawl", error=steps[0].detail,
                  traceback=traceback.format_exc(limit=8))
    for step in steps:
        step.seconds = step.seconds or time.monotonic() - t0
    crawled = {id(r): step for (_, r), step in zip(live, steps, strict=True)}
    return [run_portal(config, db, profile, base_url, log, progress, result=r, crawled=crawled[id(r)])
            if id(r) in crawled else r for (profile, base_url), r in zip(entries, results, strict=True)]


def exit_code_for(portals: Sequence[PortalResult]) -> int:
    """0 all good; 5 a crawl found its portal locked by another process; 3 a portal failed; 4 only blocks.

    A failure outranks a block: something in the archive is broken and needs a person either way.
    """
    statuses = {p.status for p in portals}
    if "failed" in statuses or "interrupted" in statuses:
        return EXIT_PORTAL_FAILED
    if "blocked" in statuses:
        return EXIT_BLOCKED
    if "locked" in statuses:
        return EXIT_LOCKED
    return EXIT_OK


def lock_path(config: Config) -> Path:
    """The file whose lock a run holds."""
    return config.jobs_dir / "run.lock"


def _lock_holder(config: Config) -> str:
    info = config.jobs_dir / "run.lock.owner"
    try:
        return info.read_text(encoding="utf-8").strip()
    except OSError:
        return "unknown"


def run_cycle(config: Config, options: RunOptions, log: EventLog) -> RunSummary:
    """Run every requested portal's cycle under the run lock and return the summary (with its exit code)."""
    summary = RunSummary(run_id=log.run_id, started_at=_now(), log_file=str(log.path) if log.path else None)
    profiles = list(options.profiles) or list(config.portals)
    log.event("run.start", profiles=profiles, database_url=_redact(config.database_url),
              data_dir=config.data_dir, base_url=options.base_url)
    try:
        validate_profiles(profiles, options.base_url)
    except ConfigurationError as exc:
        return _finish(summary, log, EXIT_CONFIG, f"configuration error: {exc}")

    config.jobs_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path(config)), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        return _finish(summary, log, EXIT_LOCKED,
                       f"another run holds the lock {lock_path(config)} ({_lock_holder(config)}); not started")
    try:
        (config.jobs_dir / "run.lock.owner").write_text(
            f"pid {os.getpid()}, run {log.run_id}, started {summary.started_at.isoformat(timespec='seconds')}Z",
            encoding="utf-8")
        try:
            from archive.db import open_database

            db = open_database(config.database_url)
        except Exception as exc:  # noqa: BLE001
            problem = database_problem(exc, config.database_url)
            return _finish(summary, log, EXIT_CONFIG if problem.configuration else EXIT_FAILED, problem.message)
        try:
            summary.portals.extend(_run_portals(config, db, [split_portal(e, options.base_url) for e in profiles],
                                                log, options.progress, options.max_pages))
        finally:
            if options.progress:
                options.progress.done()
            db.dispose()
        code = exit_code_for(summary.portals)
        bad = [p for p in summary.portals if p.status != "ok"]
        message = "all portals ok" if not bad else "; ".join(f"{p.profile}: {p.status}" for p in bad)
        return _finish(summary, log, code, message)
    finally:
        lock.release()


def _finish(summary: RunSummary, log: EventLog, code: int, message: str) -> RunSummary:
    summary.exit_code = code
    summary.message = message
    summary.finished_at = _now()
    log.event("run.end", level="info" if code == EXIT_OK else "error", exit_code=code, message=message,
              portals={p.profile: p.status for p in summary.portals})
    return summary


# --------------------------------------------------------------------------------------------------
# Human rendering


def format_summary(summary: RunSummary) -> str:
    """The terminal summary: one block per portal, one line per step."""
    lines = []
    took = (summary.finished_at - summary.started_at).total_seconds() if summary.finished_at else 0.0
    for p in summary.portals:
        seen = f", {p.documents_seen} documents seen" if p.documents_seen is not None else ""
        missing = sum(1 for s in p.steps if s.status == "not_available")
        note = f" ({missing} steps not available)" if missing else ""
        lines.append(f"{p.profile}: {p.status.upper()}{seen}{note}")
        if p.message and not p.steps:  # failed before any step (e.g. the run could not be recorded)
            lines.append(f"  {p.message}")
        for s in p.steps:
            counts = ", ".join(f"{k} {v}" for k, v in s.counts.items() if v) if s.counts else ""
            errs = ", ".join(f"{k} {v}" for k, v in s.errors.items())
            extra = " · ".join(x for x in (s.detail if s.status != "ok" or not counts else "", counts,
                                           f"errors: {errs}" if errs else "") if x)
            label = "not available" if s.status == "not_available" else s.status
            lines.append(f"  {s.name:<11} {label:<13} {s.seconds:6.1f}s  {extra}".rstrip())
    lines.append(f"run {summary.run_id}: exit {summary.exit_code} — {summary.message} ({took:.1f}s)")
    if summary.log_file:
        lines.append(f"log: {summary.log_file}")
    return "\n".join(lines)
