"""``disclosure bench replica-portal``: how fast the replica is planned, described and served.

Plans a site, builds its manifest (which renders every document once), then fetches every URL the
manifest names with concurrent clients twice: cold (first renderings) and warm (cached content).
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import click
import httpx


def _fetch_all(urls: list[str], clients: int) -> tuple[float, Counter]:
    statuses: Counter = Counter()
    lock = threading.Lock()
    chunks = [urls[i::clients] for i in range(clients)]

    def work(chunk: list[str]) -> None:
        with httpx.Client(timeout=30) as client:
            for url in chunk:
                status = client.get(url).status_code
                with lock:
                    statuses[status] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, statuses


@click.command("replica-portal")
@click.option("--scale", default=1, show_default=True, type=int)
@click.option("--clients", default=4, show_default=True, type=int, help="Concurrent HTTP clients.")
@click.option("--serve/--no-serve", default=True, help="Also fetch every manifest URL.")
def command(scale: int, clients: int, serve: bool) -> None:
    """Plan, manifest and serving rate of the replica portal."""
    from disclosure.replica.server import ReplicaServer
    from disclosure.replica.site import build_site

    site = build_site(seed=1, scale=scale)
    reports = sum(d.kind == "annual_report" for d in site.docs)
    click.echo(f"plan: scale {scale}: {len(site.units)} units, {reports} reports, {len(site.docs) - reports} "
               f"notices, {len(site.routes)} document/attachment URLs in {site.build_seconds:.2f} s")
    with ReplicaServer(site) as server:
        started = time.perf_counter()
        manifest = server.manifest()
        took = time.perf_counter() - started
        urls = [u for d in manifest.documents for u in d.urls + d.wap_urls + [a.url for a in d.attachments]]
        urls += manifest.list_urls
        slow = {s.url for s in manifest.special_cases if s.kind == "slow"}
        urls = [u for u in urls if u not in slow]  # one planted 2 s page would dominate the rate
        click.echo(f"manifest: {len(manifest.documents)} documents, {len(urls)} URLs (pages, files, lists) "
                   f"in {took:.1f} s")
        if not serve:
            return
        for label in ("first pass", "second pass"):
            seconds, statuses = _fetch_all(urls, clients)
            click.echo(f"serve {label}: {len(urls)} requests with {clients} clients in {seconds:.1f} s = "
                       f"{len(urls) / seconds:.0f} req/s  statuses {dict(statuses)}")
