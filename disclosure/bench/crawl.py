"""``disclosure bench crawl``: crawl the replica portal and measure the crawler beside the replica itself.

Reports the replica's own serving rate (every manifest URL fetched by plain HTTP clients), then rounds of a
full crawl (pages/s, MB/s, CPU and peak RSS of the crawl worker and of its archive writer) alternated with a
plain hand-written Scrapy spider over the same replica (``_plain_spider``), the median and best rounds compared,
then an unchanged re-crawl (requests it issued, all of them list pages), then the two fetch tiers side by side
on one unit (``tiers_report``). Loopback politeness: no delay, no throttling, 16 concurrent requests.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import click

# Path segments and query values too common to tell units apart.
_GENERIC = {"", "index.html", "list.html", "index", "zfxxgk", "gzzfxxgk", "col", "columns", "public", "column",
            "gkmlpt", "bm", "ndbg", "tzgg", "zfxxgknb", "xxgknb", "zwgk", "list", "4", "1", "type", "action"}


def _tokens(url: str) -> set[str]:
    parts = urlsplit(url)
    out = {unquote(s) for s in parts.path.split("/")} | {v for _k, v in parse_qsl(parts.query)}
    out |= {t[3:] for t in out if t.startswith("col") and t[3:].isdigit()}
    return out - _GENERIC


def requests_per_family(manifest, log, base_url: str) -> dict[str, tuple[int, int]]:
    """Per family: (documents, requests) of one crawl. Documents and files count for their document's family;
    list, column and API requests for the unit whose page identifiers (folder, uuid, SID slug, organId, column
    id) they carry; home, platform and robots requests count as "shared"."""
    family = {u.code: u.dialect for u in manifest.units}
    by_path = {}
    for d in manifest.documents:
        for url in [*d.urls, *(a.url for a in d.attachments)]:
            by_path[unquote(url.removeprefix(base_url))] = family[d.unit]
    unit_tokens = [(u.dialect, _tokens(u.platform_url) | _tokens(u.annual_report_column_url)
                    | _tokens(u.notice_column_url)) for u in manifest.units]
    requests: Counter = Counter()
    for entry in log:
        fam = by_path.get(unquote(entry.path))
        if fam is None:
            tokens = _tokens(base_url + entry.path)
            fam = next((f for f, ts in unit_tokens if tokens & ts), "shared")
        requests[fam] += 1
    docs = Counter(family[d.unit] for d in manifest.documents)
    return {f: (docs.get(f, 0), requests.get(f, 0)) for f in sorted(set(docs) | set(requests))}


def families_report(county: str, zero_config: bool) -> list[str]:
    """Crawl a replica county once (its profile, or by URL alone) and report requests per document per family."""
    from archive.db import sqlite_url
    from crawler.run import run_crawl
    from disclosure.config import PolitenessConfig
    from disclosure.replica.server import ReplicaServer
    from disclosure.replica.site import build_site

    fast = PolitenessConfig(download_delay=0.0, autothrottle=False, concurrent_requests_per_host=16,
                            concurrent_requests_per_ip=16)
    profile = {"default": "replica", "mixed": "baihe"}[county]
    root = Path(tempfile.mkdtemp(prefix="bench-families-"))
    with ReplicaServer(build_site(seed=1, scale=1, county=county)) as server:
        manifest = server.manifest()
        server.reset_log()
        started = time.perf_counter()
        summary = run_crawl(server.base_url + "/" if zero_config else profile,
                            database_url=sqlite_url(root / "archive.sqlite3"), warc_dir=root / "warc",
                            jobs_dir=root / "jobs", politeness=fast, progress=False,
                            base_url=None if zero_config else server.base_url)
        took = time.perf_counter() - started
        table = requests_per_family(manifest, server.request_log, server.base_url)
    how = "no profile" if zero_config else f"profile {profile}"
    lines = [f"{county} county, {how}: {summary.status}, {summary.requests} requests, {took:.1f} s",
             f"  {'family':<18} {'documents':>9} {'requests':>9} {'requests/document':>18}"]
    for fam, (docs, reqs) in table.items():
        ratio = f"{reqs / docs:.2f}" if docs else "-"
        lines.append(f"  {fam:<18} {docs:>9} {reqs:>9} {ratio:>18}")
    return lines


def _run_stats(root: Path, run_id: int | None) -> dict:
    with sqlite3.connect(root / "archive.sqlite3") as conn:
        row = conn.execute("SELECT stats FROM crawl_runs WHERE id = ?", (run_id,)).fetchone()
    return json.loads(row[0]) if row and row[0] else {}


TIERS_UNIT = "mzzjj"  # a TRS bureau: 34 documents, 23 files, two list pages per column


def tiers_report() -> list[str]:
    """The plain tier and the browser tier (Chromium) on the same unit of the replica: pages/s and memory.

    Three crawls of one unit: plain tier only (static lists); every page through the browser (``browser =
    "always"``; files stay plain); and the unit behind a JS challenge with script-rendered lists (``browser =
    "auto"``: one challenge visit, the lists rendered, the rest plain with the challenge's cookie).
    """
    from archive.db import sqlite_url
    from crawler.browser import chromium_executable
    from crawler.run import run_crawl
    from disclosure.config import PolitenessConfig
    from disclosure.replica.browser_only import unit_profile
    from disclosure.replica.server import ReplicaServer
    from disclosure.replica.site import build_site

    if chromium_executable() is None:
        return ["browser tier: not measured (no Chromium: apt-get install chromium)"]
    fast = PolitenessConfig(download_delay=0.0, autothrottle=False, concurrent_requests_per_host=16,
                            concurrent_requests_per_ip=16)
    site = build_site(seed=1, scale=1)
    lines = [f"fetch tiers on one unit ({TIERS_UNIT}; the browser renders at most 1 page at a time):"]
    runs = [("plain tier only", "never", {}), ("every page in the browser", "always", {}),
            ("JS challenge + script lists", "auto", {"challenge": True, "js_units": [TIERS_UNIT]})]
    for label, mode, options in runs:
        root = Path(tempfile.mkdtemp(prefix="bench-tiers-"))
        profile = root / "unit.toml"
        profile.write_text(unit_profile(TIERS_UNIT, mode), encoding="utf-8")
        with ReplicaServer(site, **options) as server:
            started = time.perf_counter()
            s = run_crawl(str(profile), database_url=sqlite_url(root / "archive.sqlite3"), warc_dir=root / "warc",
                          jobs_dir=root / "jobs", politeness=fast, base_url=server.base_url, progress=False)
            took = time.perf_counter() - started
        stats = _run_stats(root, s.run_id)
        plain, browser = s.pages_by_tier.get("plain", 0), s.pages_by_tier.get("browser", 0)
        worker = stats.get("disclosure/peak_rss_bytes", 0) / 2**20
        line = (f"  {label:<28} {s.status}: {plain} plain + {browser} browser pages in {took:.1f} s "
                f"(crawl {s.duration_s:.1f} s); worker peak RSS {worker:.0f} MiB")
        if browser:
            chromium = stats.get("disclosure/browser/peak_rss_bytes", 0) / 2**20
            line += (f", browser (Playwright + Chromium) {chromium:.0f} MiB; "
                     f"{browser / s.duration_s:.1f} browser pages/s")
        else:
            line += f"; {plain / s.duration_s:.1f} pages/s"
        lines.append(line)
    return lines


def plain_crawl(base_url: str, out_dir: Path) -> tuple[int, float, float]:
    """(responses, wall seconds, CPU seconds) of the plain spider over the portal at ``base_url`` (its own
    process)."""
    import resource
    import subprocess
    import sys

    def children_cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    cpu, started = children_cpu(), time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "disclosure.bench._plain_spider", base_url, str(out_dir)],
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2])
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise click.ClickException(f"the plain spider failed: {proc.stderr.strip()[-500:]}")
    pages, _seconds = lines[-1].split()
    # Wall time of the process, as the crawler's figure is (start-up included on both sides).
    return int(pages), time.perf_counter() - started, children_cpu() - cpu


@click.command("crawl")
@click.option("--scale", default=1, show_default=True, type=int, help="Replica scale (10 ≈ ten counties' worth).")
@click.option("--families", is_flag=True, help="Instead: requests per document found, per portal family, on both "
              "replica counties, with their profiles and with no profile.")
@click.option("--clients", default=4, show_default=True, type=int, help="HTTP clients for the serving rate.")
@click.option("--keep", type=click.Path(file_okay=False), default=None, help="Keep the archive in this directory.")
@click.option("--no-browser", is_flag=True, help="Skip the fetch-tier comparison (plain tier vs Chromium).")
@click.option("--rounds", default=3, show_default=True, type=click.IntRange(1),
              help="Full crawls and plain-spider crawls, alternated; the median and best rounds are compared.")
def command(scale: int, families: bool, clients: int, keep: str | None, no_browser: bool, rounds: int) -> None:
    """Crawl rate, bandwidth, peak memory and re-crawl requests against the replica."""
    if families:
        for county in ("default", "mixed"):
            for zero in (False, True):
                click.echo("\n".join(families_report(county, zero)))
        return
    from archive.db import sqlite_url
    from crawler.run import run_crawl
    from disclosure.bench.replica_portal import _fetch_all
    from disclosure.config import PolitenessConfig
    from disclosure.replica.server import ReplicaServer
    from disclosure.replica.site import build_site

    site = build_site(seed=1, scale=scale)
    root = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="bench-crawl-"))
    root.mkdir(parents=True, exist_ok=True)
    fast = PolitenessConfig(download_delay=0.0, autothrottle=False, concurrent_requests_per_host=16,
                            concurrent_requests_per_ip=16)
    with ReplicaServer(site) as server:
        manifest = server.manifest()
        slow = {s.url for s in manifest.special_cases if s.kind == "slow"}
        urls = [u for d in manifest.documents for u in d.urls + [a.url for a in d.attachments]]
        urls = [u for u in urls + [u for u in manifest.list_urls if "dataproxy" not in u] if u not in slow]
        seconds, _statuses = _fetch_all(urls, clients)
        click.echo(f"replica serving: {len(urls)} URLs with {clients} clients in {seconds:.1f} s = "
                   f"{len(urls) / seconds:.0f} req/s")

        def crawl(archive: Path):
            return run_crawl("replica", database_url=sqlite_url(archive / "archive.sqlite3"), warc_dir=archive / "warc",
                             jobs_dir=archive / "jobs", politeness=fast, base_url=server.base_url, progress=False)

        # Alternated rounds on a shared machine: the neighbours' load hits both sides alike; the median and the
        # best of each side are compared (wall time is what the issue measures; CPU time says what each costs).
        ours_rates: list[float] = []
        theirs_rates: list[float] = []
        for k in range(1, rounds + 1):
            archive = root / f"round-{k}"
            server.reset_log()
            started = time.perf_counter()
            full = crawl(archive)
            took = time.perf_counter() - started
            stats = _run_stats(archive, full.run_id)
            worker_cpu, writer_cpu = stats.get("disclosure/cpu_s", 0.0), stats.get("disclosure/writer_cpu_s", 0.0)
            click.echo(f"round {k} full crawl: {full.status}, {full.pages} responses, {full.new_captures} captures, "
                       f"{full.bytes / 1e6:.1f} MB in {took:.1f} s = {full.pages / took:.0f} pages/s, "
                       f"{full.bytes / 1e6 / took:.2f} MB/s; CPU {worker_cpu:.1f} s crawler + {writer_cpu:.1f} s "
                       f"archive writer; peak RSS {stats.get('disclosure/peak_rss_bytes', 0) / 2**20:.0f} MB "
                       f"+ {stats.get('disclosure/writer_peak_rss_bytes', 0) / 2**20:.0f} MB")
            plain_pages, plain_s, plain_cpu = plain_crawl(server.base_url, archive / "plain")
            click.echo(f"round {k} plain Scrapy spider (every same-site link, bodies to files, no archive): "
                       f"{plain_pages} responses in {plain_s:.1f} s = {plain_pages / plain_s:.0f} pages/s; "
                       f"CPU {plain_cpu:.1f} s")
            ours_rates.append(full.pages / took)
            theirs_rates.append(plain_pages / plain_s)
        for label, pick in (("median", statistics.median), ("best", max)):
            ours, theirs = pick(ours_rates), pick(theirs_rates)
            click.echo(f"{label} of {rounds} rounds: the crawler {ours:.0f} pages/s, the plain spider {theirs:.0f} "
                       f"pages/s: the crawler reaches {ours / theirs if theirs else 0:.0%} of its pages/s")
        server.reset_log()
        started = time.perf_counter()
        again = crawl(archive)
        took = time.perf_counter() - started
        lists = {u.removeprefix(server.base_url) for u in manifest.list_urls}
        log = server.request_log
        other = [r.path for r in log if r.path not in lists]
        click.echo(f"unchanged re-crawl: {again.status}, {len(log)} requests ({len(log) - len(other)} list pages, "
                   f"{len(other)} hub/robots/trap pages, {again.new_captures} new captures) in {took:.1f} s")
    click.echo(f"archive: {root}")
    if not no_browser:
        click.echo("\n".join(tiers_report()))
