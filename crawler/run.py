"""Run crawls of portals: the locks, fresh worker processes, the summaries.

``run_crawl`` (one portal) and ``run_crawls`` (many at once) are what ``disclosure crawl`` and the
scheduled runner call. Scrapy's Twisted reactor cannot be restarted inside a process, so crawls run in
workers (``python -m crawler.run worker …``); a worker crawls its portals side by side, one Scrapy
crawler each, takes each portal's lock itself (a killed parent cannot leave a crawl running unlocked)
and writes each portal's summary as JSON for the parent.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from crawler.profiles import ProfileError, SiteProfile, resolve_profile
from crawler.summary import CrawlSummary

logger = logging.getLogger(__name__)

EXIT_BY_STATUS = {"ok": 0, "failed": 1, "interrupted": 1, "blocked": 4, "locked": 5}


# Each [politeness] key (disclosure.config.PolitenessConfig) and the Scrapy setting it becomes.
_POLITENESS_SETTINGS = {
    "concurrent_requests_per_host": "CONCURRENT_REQUESTS_PER_DOMAIN",
    "concurrent_requests_per_ip": "CONCURRENT_REQUESTS_PER_IP",
    "download_delay": "DOWNLOAD_DELAY",
    "autothrottle": "AUTOTHROTTLE_ENABLED",
    "autothrottle_target_concurrency": "AUTOTHROTTLE_TARGET_CONCURRENCY",
    "download_timeout": "DOWNLOAD_TIMEOUT",
    "retry_times": "RETRY_TIMES",
    "max_download_size": "DOWNLOAD_MAXSIZE",
    "obey_robots": "ROBOTSTXT_OBEY",
}


def explicit_politeness(sources: Mapping[str, str]) -> set[str]:
    """The [politeness] keys the user set (``Config.sources`` entries other than ``default``)."""
    return {k.removeprefix("politeness.") for k, v in sources.items()
            if k.startswith("politeness.") and v != "default"}


def politeness_values(politeness: Any | None, profile: SiteProfile,
                      explicit: Collection[str] | None = None) -> dict[str, Any]:
    """The [politeness] in force: the configuration's values, the profile's own where the user set none.

    ``explicit`` names the keys the user set (``explicit_politeness(cfg.sources)``); ``None`` means a
    value differing from ``PolitenessConfig``'s default was set and an equal one was not.
    """
    values = asdict(politeness) if politeness is not None else {}
    if explicit is None:
        defaults = asdict(type(politeness)()) if politeness is not None else {}
        explicit = {k for k, v in values.items() if v != defaults.get(k)}
    values.update({k: v for k, v in profile.politeness.items() if k not in explicit})
    return values


def politeness_settings(values: Any | None) -> dict[str, Any]:
    """Scrapy settings from a ``PolitenessConfig`` or a dict of its keys; {} for None."""
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        values = asdict(values)
    out = {_POLITENESS_SETTINGS[k]: v for k, v in values.items()}
    if "concurrent_requests_per_host" in values:
        out["CONCURRENT_REQUESTS"] = max(16, values["concurrent_requests_per_host"])
    return out


def apply_profile_politeness(settings: Any, profile: SiteProfile) -> None:
    """Give a crawl started by plain ``scrapy crawl`` (or Scrapyd) the profile's ``[politeness]``, as
    ``disclosure crawl`` does. At the spider's priority: ``-s`` values and ``run_crawl``'s settings win.
    Settings already frozen (a crawler built and configured by its caller, as in tests) are left alone."""
    if settings.frozen:
        return
    settings.setdict(politeness_settings(politeness_values(None, profile)), priority="spider")


def lock_path(jobs_dir: Path, profile: str) -> Path:
    return Path(jobs_dir) / f"{profile}.lock"


@dataclass
class CrawlJob:
    """One portal of a crawl worker: its profile, base URL, Scrapy settings and summary file."""

    profile: str
    base_url: str | None
    summary: str
    settings: dict[str, Any]


def run_crawl(profile_name_or_url: str, *, database_url: str, warc_dir: str | Path, jobs_dir: str | Path,
              user_agent: str | None = None, politeness: Any | None = None, base_url: str | None = None,
              settings: dict[str, Any] | None = None, max_pages: int | None = None,
              progress: bool | None = None, explicit_politeness: Collection[str] | None = None) -> CrawlSummary:
    """Crawl one portal in a worker process; returns its summary (status ``locked`` if one is running).

    ``politeness`` is a ``PolitenessConfig``; the profile's ``[politeness]`` replaces the values not in
    ``explicit_politeness`` (see ``politeness_values``). ``settings`` override everything.
    """
    return run_crawls([(profile_name_or_url, base_url)], database_url=database_url, warc_dir=warc_dir,
                      jobs_dir=jobs_dir, user_agent=user_agent, politeness=politeness, settings=settings,
                      max_pages=max_pages, progress=progress, explicit_politeness=explicit_politeness)[0]


def run_crawls(portals: Sequence[tuple[str, str | None]], *, database_url: str, warc_dir: str | Path,
               jobs_dir: str | Path, user_agent: str | None = None, politeness: Any | None = None,
               settings: dict[str, Any] | None = None, max_pages: int | None = None,
               progress: bool | None = None, explicit_politeness: Collection[str] | None = None,
               processes: int | None = None) -> list[CrawlSummary]:
    """Crawl several portals at once; one summary per portal, in the order given.

    The portals are split over ``processes`` worker processes (default: one per core, at most one per
    portal); each worker crawls its share side by side in one Twisted reactor, one Scrapy crawler per
    portal, so every portal keeps its own politeness (delay, concurrency, AutoThrottle, robots.txt), lock,
    crawl run and summary, and a blocked or failing portal ends alone while the others go on.
    """
    summaries: list[CrawlSummary | None] = [None] * len(portals)
    warc_dir, jobs_dir, database_url = _absolute_args(warc_dir, jobs_dir, database_url)
    Path(jobs_dir).mkdir(parents=True, exist_ok=True)
    jobs: list[tuple[int, CrawlJob]] = []
    for i, (name, base_url) in enumerate(portals):
        if name.endswith(".toml"):  # a profile file: the worker runs in another directory
            name = str(Path(name).resolve())
        try:
            profile = resolve_profile(name, base_url)
        except ProfileError as exc:
            summaries[i] = CrawlSummary(profile=name, status="failed", message=str(exc))
            continue
        # Scrapy's own log goes to stderr at WARNING unless the caller asks for more (the summary says the rest).
        polite = politeness_settings(politeness_values(politeness, profile, explicit_politeness))
        overrides = {"LOG_LEVEL": "WARNING", **polite, **(settings or {})}
        if user_agent:
            overrides["USER_AGENT"] = user_agent
        if max_pages:
            overrides["CLOSESPIDER_PAGECOUNT"] = max_pages
        # Several portals' progress lines would overwrite each other: progress only for a single crawl.
        overrides["DISCLOSURE_PROGRESS"] = (sys.stdout.isatty() if progress is None else progress) \
            and len(portals) == 1
        fd, summary_path = tempfile.mkstemp(prefix=f"crawl-{profile.name}-", suffix=".json", dir=jobs_dir)
        os.close(fd)
        os.unlink(summary_path)
        jobs.append((i, CrawlJob(name, base_url, summary_path, overrides)))
    n = max(1, min(processes or os.cpu_count() or 1, len(jobs)))
    shares = [jobs[k::n] for k in range(n)]
    started = time.monotonic()
    codes = _run_workers([[job for _, job in share] for share in shares if share], database_url=database_url,
                         warc_dir=warc_dir, jobs_dir=jobs_dir)
    for share, code in zip([s for s in shares if s], codes, strict=True):
        for i, job in share:
            if os.path.exists(job.summary):
                summaries[i] = CrawlSummary.load(job.summary)
                os.unlink(job.summary)
            else:
                summaries[i] = CrawlSummary(
                    profile=resolve_profile(job.profile, job.base_url).name,
                    status="failed" if code > 0 else "interrupted", duration_s=round(time.monotonic() - started, 2),
                    message=f"crawl worker ended with exit code {code} without a summary")
    return [s for s in summaries if s is not None]


def _schema_head_start(database_url: str) -> None:
    """Migrate a new (or old) database while the workers start up on the other cores: their own check, serialised
    with this one, then finds it done. A problem is theirs to report (in the crawl's summary), not this one's."""
    from archive.db import upgrade

    try:
        upgrade(database_url)
    except Exception as exc:  # noqa: BLE001 - the worker's own check reports it
        logging.getLogger(__name__).debug("schema head start: %s", exc)


def _run_workers(shares: list[list[CrawlJob]], *, database_url: str, warc_dir: Path, jobs_dir: Path) -> list[int]:
    """Start one worker process per share of jobs, wait for all; their exit codes."""
    procs = []
    for share in shares:
        fd, jobs_path = tempfile.mkstemp(prefix="crawl-jobs-", suffix=".json", dir=jobs_dir)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump([asdict(job) for job in share], fh, ensure_ascii=False)
        cmd = [sys.executable, "-m", "crawler.run", "worker", "--jobs-json", jobs_path,
               "--database-url", database_url, "--warc-dir", str(warc_dir), "--jobs-dir", str(jobs_dir)]
        procs.append((subprocess.Popen(cmd, cwd=Path(__file__).resolve().parent.parent), jobs_path))
    _schema_head_start(database_url)
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM,)}

    def forward(signum, _frame):  # a stopped parent stops the crawls gracefully (resumable)
        for proc, _ in procs:
            proc.send_signal(signum)

    try:
        signal.signal(signal.SIGTERM, forward)
    except ValueError:  # not the main thread: no forwarding
        previous = {}
    codes = []
    try:
        for proc, _ in procs:
            try:
                codes.append(proc.wait())
            except KeyboardInterrupt:
                for other, _ in procs:
                    if other.poll() is None:
                        other.send_signal(signal.SIGINT)
                codes.append(proc.wait())
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for _, jobs_path in procs:
            with contextlib.suppress(OSError):
                os.unlink(jobs_path)
    return codes


def _absolute_args(warc_dir: str | Path, jobs_dir: str | Path, database_url: str) -> tuple[Path, Path, str]:
    """The worker's paths resolved from this process's working directory.

    A relative WARC or jobs directory (or SQLite file) would otherwise be read from the worker's own working
    directory, splitting one archive across two places (the profile file is resolved above).
    """
    from archive.db import absolute_database_url

    return Path(warc_dir).resolve(), Path(jobs_dir).resolve(), absolute_database_url(database_url)


# ---------------------------------------------------------------------- the worker process
def _prepare_jobdir(jobdir: Path, database_url: str, profile: str) -> bool:
    """Keep a JOBDIR only when the last crawl stopped gracefully (its queue was saved); returns resumed."""
    from sqlalchemy import select

    from archive.db import open_database
    from archive.models import CrawlRun

    if not jobdir.exists():
        return False
    db = open_database(database_url)
    try:
        with db.session() as s:
            last = s.execute(select(CrawlRun).where(CrawlRun.profile == profile)
                             .order_by(CrawlRun.id.desc()).limit(1)).scalar()
            resumable = last is not None and last.status == "interrupted" and last.finish_reason == "shutdown"
    finally:
        db.dispose()
    if not resumable:
        # A crawl killed outright leaves a queue that may be torn; the fetch state makes a fresh start
        # lose nothing (lists are re-read, fetched pages are not fetched again).
        shutil.rmtree(jobdir, ignore_errors=True)
    return resumable


def _worker(args: argparse.Namespace) -> int:
    """Crawl the worker's portals side by side in one reactor; exit code: the worst portal's."""
    from scrapy.crawler import Crawler, CrawlerProcess
    from scrapy.settings import Settings

    from crawler import quietlog
    from crawler import settings as default_settings
    from crawler.distributed import portal_frontier
    from crawler.spiders.portal import PortalSpider

    if args.jobs_json:
        jobs = [CrawlJob(**job) for job in json.loads(Path(args.jobs_json).read_text(encoding="utf-8"))]
    else:
        jobs = [CrawlJob(args.profile, args.base_url, args.summary, json.loads(args.settings_json or "{}"))]
    jobs_dir = Path(args.jobs_dir)
    jobs_dir.mkdir(parents=True, exist_ok=True)
    # Kept on purpose (crawler/settings.py): the per-IP cap of shared provincial servers.
    warnings.filterwarnings("ignore", message="The CONCURRENT_REQUESTS_PER_IP setting is deprecated")
    started: list[tuple[CrawlJob, SiteProfile, FileLock, bool]] = []
    codes: list[int] = []
    process: CrawlerProcess | None = None
    try:
        for job in jobs:
            try:
                profile: SiteProfile = resolve_profile(job.profile, job.base_url)
            except ProfileError as exc:
                CrawlSummary(profile=job.profile, status="failed", message=str(exc)).save(job.summary)
                codes.append(EXIT_BY_STATUS["failed"])
                continue
            lock = FileLock(str(lock_path(jobs_dir, profile.name)))
            try:
                lock.acquire(timeout=0)
            except Timeout:
                msg = (f"another crawl of portal {profile.name!r} is running (lock "
                       f"{lock_path(jobs_dir, profile.name)}); not starting a second one")
                CrawlSummary(profile=profile.name, status="locked", message=msg).save(job.summary)
                codes.append(EXIT_BY_STATUS["locked"])
                continue
            jobdir = jobs_dir / profile.name
            resumed = _prepare_jobdir(jobdir, args.database_url, profile.name)
            settings = Settings()
            settings.setmodule(default_settings, priority="project")
            settings.setdict(job.settings, priority="cmdline")
            settings.setdict({"DISCLOSURE_DATABASE_URL": args.database_url, "DISCLOSURE_WARC_DIR": args.warc_dir,
                              "DISCLOSURE_SUMMARY_PATH": job.summary, "JOBDIR": str(jobdir)}, priority="cmdline")
            settings.setdict(portal_frontier(settings, profile.name), priority="cmdline")
            if process is None:
                # The process-wide parts (logging, reactor) from the first portal's settings, at a priority
                # below every crawler's own (CrawlerProcess merges its settings into each crawler's).
                shared = Settings()
                shared.setmodule(default_settings, priority="project")
                shared.setdict({k: v for k, v in job.settings.items() if k.startswith(("LOG_", "TWISTED_"))},
                               priority="project")
                process = CrawlerProcess(shared)
                quietlog.install()  # an unreachable portal: one line per failure, no traceback
            # The first crawler installs the reactor (as CrawlerProcess does for the crawlers it makes).
            process.crawl(Crawler(PortalSpider, settings, init_reactor=not started), profile=profile)
            started.append((job, profile, lock, resumed))
        if process is not None:
            process.start()
        for job, profile, _lock, resumed in started:
            codes.append(_finish_job(job, profile, jobs_dir / profile.name, resumed))
    finally:
        for _job, _profile, lock, _resumed in started:
            lock.release()
    return max(codes, default=0, key=_severity)


def _severity(code: int) -> tuple[int, int]:
    # failed (1) outranks blocked (4), which outranks locked (5), as disclosure.runner.exit_code_for.
    return ({0: 0, 5: 1, 4: 2}.get(code, 3), code)


def _finish_job(job: CrawlJob, profile: SiteProfile, jobdir: Path, resumed: bool) -> int:
    """The portal's summary completed after its crawler ended; its exit code."""
    if not os.path.exists(job.summary):
        CrawlSummary(profile=profile.name, status="failed", message="the crawl ended without a summary"
                     ).save(job.summary)
    summary = CrawlSummary.load(job.summary)
    if resumed:
        summary.message = (summary.message + " (resumed an interrupted crawl)").strip()
        summary.save(job.summary)
    if summary.status in ("ok", "blocked", "failed"):
        shutil.rmtree(jobdir, ignore_errors=True)  # the JOBDIR only serves resuming
    return EXIT_BY_STATUS.get(summary.status, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.run")
    sub = parser.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("worker", help="run crawls in this process (used by run_crawls)")
    w.add_argument("--jobs-json", help="a JSON list of jobs (profile, base_url, summary, settings)")
    w.add_argument("--profile")
    w.add_argument("--base-url")
    w.add_argument("--database-url", required=True)
    w.add_argument("--warc-dir", required=True)
    w.add_argument("--jobs-dir", required=True)
    w.add_argument("--summary")
    w.add_argument("--settings-json", default="{}")
    args = parser.parse_args(argv)
    if not args.jobs_json and not (args.profile and args.summary):
        parser.error("worker needs --jobs-json, or --profile and --summary")
    return _worker(args)


if __name__ == "__main__":  # pragma: no cover
    code = main()
    # Every crawl is stored, closed and summarised by now: skip the interpreter's teardown of Twisted, Scrapy
    # and SQLAlchemy (~0.25 s a crawl; SQLite's committed transactions need no close).
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)

