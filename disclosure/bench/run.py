"""``disclosure bench run``: many portals in one ``disclosure run``, against one portal alone.

Serves ``--portals`` copies of the replica portal on loopback (one port each) and gives each a profile of
its own whose politeness allows ``--rate`` requests per second (one request at a time, a fixed delay).
Then, on fresh archives, the full cycle (crawl → ingest → index → timeliness) runs for the first portal
alone and for all of them in one run. Crawled side by side, the run's crawl phase should take about as
long as the slowest portal alone, not the sum of them.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import click


def write_profiles(directory: Path, base_urls: list[str], rate: float) -> list[str]:
    """One replica profile file per base URL (names ``replica01`` …), ``rate`` requests/s each."""
    from crawler.profiles import PROFILES_DIR

    text = (PROFILES_DIR / "replica.toml").read_text(encoding="utf-8")
    polite = (f"download_delay = {1.0 / rate:.3f}\nautothrottle = false\nconcurrent_requests_per_host = 1\n"
              "concurrent_requests_per_ip = 1\n")
    head, sep, tail = text.partition("[politeness]\n")
    tail = re.sub(r"\A(?:[a-z_]+ = [^\n]*\n)+", polite, tail)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, url in enumerate(base_urls, 1):
        name = f"replica{i:02d}"
        body = re.sub(r'^name = "replica"', f'name = "{name}"', head, count=1, flags=re.M)
        body = re.sub(r"^base_url = \"[^\"]*\"", f'base_url = "{url}"', body, count=1, flags=re.M)
        path = directory / f"{name}.toml"
        path.write_text(body + sep + tail, encoding="utf-8")
        paths.append(str(path))
    return paths


def _cycle(root: Path, profiles: list[str], max_pages: int | None):
    """``disclosure run`` over ``profiles`` on a fresh archive in ``root``: (summary, wall seconds)."""
    from disclosure.config import load_config
    from disclosure.logging_setup import EventLog
    from disclosure.runner import RunOptions, run_cycle

    config = load_config(None, overrides={"data_dir": root}, environ={})
    log = EventLog(config.log_file)
    started = time.perf_counter()
    try:
        summary = run_cycle(config, RunOptions(profiles=profiles, max_pages=max_pages), log)
    finally:
        log.close()
    return summary, time.perf_counter() - started


def _phase(summary, step: str) -> float:
    return max((s.seconds for p in summary.portals for s in p.steps if s.name == step), default=0.0)


@click.command("run")
@click.option("--portals", default=20, show_default=True, type=click.IntRange(1, 200),
              help="Replica portals served on loopback, crawled in one run.")
@click.option("--rate", default=2.0, show_default=True, type=float, help="Requests per second allowed per portal.")
@click.option("--pages", default=60, show_default=True, type=int,
              help="Responses per portal crawl (0: the whole portal; at 2 req/s that is ~10 minutes each).")
@click.option("--keep", type=click.Path(file_okay=False), default=None, help="Keep the archives in this directory.")
def command(portals: int, rate: float, pages: int, keep: str | None) -> None:
    """Wall time of one `disclosure run` over many polite portals against one portal alone."""
    from disclosure.replica.server import ReplicaServer
    from disclosure.replica.site import build_site

    root = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="bench-run-"))
    root.mkdir(parents=True, exist_ok=True)
    site = build_site(seed=1, scale=1)
    load = os.getloadavg()
    click.echo(f"{portals} replica portals, {rate:g} requests/s each, {pages or 'all'} responses per crawl "
               f"(load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} cores)")
    with ExitStack() as stack:
        servers = [stack.enter_context(ReplicaServer(site)) for _ in range(portals)]
        profiles = write_profiles(root / "profiles", [s.base_url for s in servers], rate)
        one, one_s = _cycle(root / "one", profiles[:1], pages or None)
        click.echo(f"one portal:  exit {one.exit_code}, crawl {_phase(one, 'crawl'):.1f} s, whole cycle {one_s:.1f} s, "
                   f"{sum(s.counts.get('pages', 0) for p in one.portals for s in p.steps if s.name == 'crawl')} pages")
        many, many_s = _cycle(root / "many", profiles, pages or None)
    crawl_s = [s.seconds for p in many.portals for s in p.steps if s.name == "crawl"]
    pages_all = sum(s.counts.get("pages", 0) for p in many.portals for s in p.steps if s.name == "crawl")
    rest = sum(s.seconds for p in many.portals for s in p.steps if s.name != "crawl")
    statuses = sorted({p.status for p in many.portals})
    click.echo(f"{portals} portals: exit {many.exit_code} ({', '.join(statuses)}), {pages_all} pages; slowest portal's "
               f"crawl {max(crawl_s, default=0):.1f} s; whole run {many_s:.1f} s, of which ingest + index + "
               f"timeliness {rest:.1f} s")
    crawl_wall = many_s - rest
    click.echo(f"crawl phase of the run {crawl_wall:.1f} s = {crawl_wall / max(_phase(one, 'crawl'), 0.001):.2f}x "
               f"one portal's crawl; one after another it would be ≈ {portals * _phase(one, 'crawl'):.0f} s")
    if not keep:
        shutil.rmtree(root, ignore_errors=True)
