"""Run one crawl of one portal: the lock, a fresh worker process, the summary.

``run_crawl`` is what ``disclosure crawl`` and the scheduled runner call. Scrapy's Twisted reactor cannot
be restarted inside a process, so each crawl runs in a worker (``python -m crawler.run worker …``) which
takes the portal's lock itself (a killed parent cannot leave a crawl running unlocked) and writes its
summary as JSON for the parent.
"""

from __future__ import annotations

import argparse
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
from collections.abc import Collection, Mapping
from dataclasses import asdict
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


def run_crawl(profile_name_or_url: str, *, database_url: str, warc_dir: str | Path, jobs_dir: str | Path,
              user_agent: str | None = None, politeness: Any | None = None, base_url: str | None = None,
              settings: dict[str, Any] | None = None, max_pages: int | None = None,
              progress: bool | None = None, explicit_politeness: Collection[str] | None = None) -> CrawlSummary:
    """Crawl one portal in a worker process; returns its summary (status ``locked`` if one is running).

    ``politeness`` is a ``PolitenessConfig``; the profile's ``[politeness]`` replaces the values not in
    ``explicit_politeness`` (see ``politeness_values``). ``settings`` override everything.
    """
    if profile_name_or_url.endswith(".toml"):  # a profile file: the worker runs in another directory
        profile_name_or_url = str(Path(profile_name_or_url).resolve())
    try:
        profile = resolve_profile(profile_name_or_url, base_url)
    except ProfileError as exc:
        return CrawlSummary(profile=profile_name_or_url, status="failed", message=str(exc))
    # Scrapy's own log goes to stderr at WARNING unless the caller asks for more (the summary says the rest).
    polite = politeness_settings(politeness_values(politeness, profile, explicit_politeness))
    overrides = {"LOG_LEVEL": "WARNING", **polite, **(settings or {})}
    if user_agent:
        overrides["USER_AGENT"] = user_agent
    if max_pages:
        overrides["CLOSESPIDER_PAGECOUNT"] = max_pages
    overrides["DISCLOSURE_PROGRESS"] = sys.stdout.isatty() if progress is None else progress
    # The worker starts in another directory: every path it gets must be absolute (see _absolute_args).
    warc_dir, jobs_dir, database_url = _absolute_args(warc_dir, jobs_dir, database_url)
    Path(jobs_dir).mkdir(parents=True, exist_ok=True)
    fd, summary_path = tempfile.mkstemp(prefix=f"crawl-{profile.name}-", suffix=".json", dir=jobs_dir)
    os.close(fd)
    os.unlink(summary_path)
    cmd = [sys.executable, "-m", "crawler.run", "worker", "--profile", profile_name_or_url,
           "--database-url", database_url, "--warc-dir", str(warc_dir), "--jobs-dir", str(jobs_dir),
           "--summary", summary_path, "--settings-json", json.dumps(overrides)]
    if base_url:
        cmd += ["--base-url", base_url]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=Path(__file__).resolve().parent.parent)
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM,)}

    def forward(signum, _frame):  # a stopped parent stops the crawl gracefully (resumable)
        proc.send_signal(signum)

    try:
        signal.signal(signal.SIGTERM, forward)
    except ValueError:  # not the main thread: no forwarding
        previous = {}
    try:
        code = proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        code = proc.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if os.path.exists(summary_path):
        summary = CrawlSummary.load(summary_path)
        os.unlink(summary_path)
        return summary
    return CrawlSummary(profile=profile.name, status="failed" if code > 0 else "interrupted",
                        duration_s=round(time.monotonic() - started, 2),
                        message=f"crawl worker ended with exit code {code} without a summary")


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
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from crawler import quietlog
    from crawler import settings as default_settings
    from crawler.spiders.portal import PortalSpider

    try:
        profile: SiteProfile = resolve_profile(args.profile, args.base_url)
    except ProfileError as exc:
        CrawlSummary(profile=args.profile, status="failed", message=str(exc)).save(args.summary)
        return EXIT_BY_STATUS["failed"]
    jobs_dir = Path(args.jobs_dir)
    jobs_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path(jobs_dir, profile.name)))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        msg = (f"another crawl of portal {profile.name!r} is running (lock {lock_path(jobs_dir, profile.name)}); "
               "not starting a second one")
        CrawlSummary(profile=profile.name, status="locked", message=msg).save(args.summary)
        return EXIT_BY_STATUS["locked"]
    try:
        jobdir = jobs_dir / profile.name
        resumed = _prepare_jobdir(jobdir, args.database_url, profile.name)
        settings = Settings()
        settings.setmodule(default_settings, priority="project")
        settings.setdict(json.loads(args.settings_json or "{}"), priority="cmdline")
        settings.setdict({"DISCLOSURE_DATABASE_URL": args.database_url, "DISCLOSURE_WARC_DIR": args.warc_dir,
                          "DISCLOSURE_SUMMARY_PATH": args.summary, "JOBDIR": str(jobdir)}, priority="cmdline")
        # Kept on purpose (crawler/settings.py): the per-IP cap of shared provincial servers.
        warnings.filterwarnings("ignore", message="The CONCURRENT_REQUESTS_PER_IP setting is deprecated")
        process = CrawlerProcess(settings)
        quietlog.install()  # an unreachable portal: one line per failure, no traceback
        process.crawl(PortalSpider, profile=profile)
        process.start()
        if not os.path.exists(args.summary):
            CrawlSummary(profile=profile.name, status="failed", message="the crawl ended without a summary"
                         ).save(args.summary)
        summary = CrawlSummary.load(args.summary)
        if resumed:
            summary.message = (summary.message + " (resumed an interrupted crawl)").strip()
            summary.save(args.summary)
        if summary.status in ("ok", "blocked", "failed"):
            shutil.rmtree(jobdir, ignore_errors=True)  # the JOBDIR only serves resuming
        return EXIT_BY_STATUS.get(summary.status, 1)
    finally:
        lock.release()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.run")
    sub = parser.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("worker", help="run one crawl in this process (used by run_crawl)")
    w.add_argument("--profile", required=True)
    w.add_argument("--base-url")
    w.add_argument("--database-url", required=True)
    w.add_argument("--warc-dir", required=True)
    w.add_argument("--jobs-dir", required=True)
    w.add_argument("--summary", required=True)
    w.add_argument("--settings-json", default="{}")
    args = parser.parse_args(argv)
    return _worker(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

