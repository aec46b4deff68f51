"""``disclosure bench replica-portal``: how fast the replica is planned, described and served.

Plans a site, optionally builds its manifest (which renders every document and file once), then fetches
every document, twin, attachment and list URL with concurrent clients twice.
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


def _paths(site, as_of: str) -> list[str]:
    """Every document, twin, attachment and list path, straight from the plan (no rendering)."""
    from urllib.parse import quote

    out = []
    for doc in site.docs:
        if doc.first_appears_at <= as_of:
            urls, waps = site.doc_paths(doc)
            out += urls + waps + [site.attachment_path(doc, a) for a in doc.attachments]
    slow = set(site.specials.slow_paths)  # one planted 2 s page would dominate the rate
    return [quote(p, safe="/?&=") for p in out + site.list_paths(as_of) if p not in slow]


@click.command("replica-portal")
@click.option("--scale", default=1, show_default=True, type=int)
@click.option("--clients", default=4, show_default=True, type=int, help="Concurrent HTTP clients.")
@click.option("--manifest/--no-manifest", "with_manifest", default=True,
              help="Also time the manifest (renders every document and file once).")
@click.option("--serve/--no-serve", default=True, help="Also fetch every URL twice.")
def command(scale: int, clients: int, with_manifest: bool, serve: bool) -> None:
    """Plan, manifest and serving rate of the replica portal."""
    from disclosure.replica.server import ReplicaServer
    from disclosure.replica.site import build_site

    site = build_site(seed=1, scale=scale)
    reports = sum(d.kind == "annual_report" for d in site.docs)
    click.echo(f"plan: scale {scale}: {len(site.units)} units, {reports} reports, {len(site.docs) - reports} "
               f"notices, {len(site.routes)} document/attachment URLs in {site.build_seconds:.2f} s")
    with ReplicaServer(site) as server:
        urls = [server.base_url + p for p in _paths(site, server.as_of)]
        if with_manifest:
            started = time.perf_counter()
            manifest = server.manifest()
            click.echo(f"manifest: {len(manifest.documents)} documents, {len(manifest.list_urls)} list URLs "
                       f"in {time.perf_counter() - started:.1f} s")
        if not serve:
            return
        for label in ("first pass", "second pass"):
            seconds, statuses = _fetch_all(urls, clients)
            click.echo(f"serve {label}: {len(urls)} requests (pages, files, lists) with {clients} clients in "
                       f"{seconds:.1f} s = {len(urls) / seconds:.0f} req/s  statuses {dict(statuses)}")
