"""``disclosure bench ingest``: documents/s of parse + store (the archive ingest) for HTML and PDF reports.

Crawls the replica portal with the real crawler once (loopback, no politeness delay), then, on fresh
copies of the crawled database, ingests two samples of annual reports: reports served as HTML pages, and
reports served as a stub page plus a PDF file (both captures count as one document). For the same
captures in the same run it also times bare ``lxml.html.fromstring`` on the pages and ``parse_document``
alone, so the ratios say what parsing and what storing cost. CPU time is printed beside wall time: the
reference machine is shared, and wall time there measures the neighbours as much as the code.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click


@dataclass
class Timing:
    """Wall and CPU seconds of one measured step over ``docs`` documents."""

    docs: int
    wall: float
    cpu: float

    def rate(self) -> str:
        return f"{self.docs / self.wall:,.1f} docs/s wall ({self.docs / self.cpu:,.1f} per CPU-s)"


def _timed(docs: int, fn: Callable[[], object]) -> Timing:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return Timing(docs, time.perf_counter() - wall, time.process_time() - cpu)


def _crawl(root: Path) -> tuple[object, int]:
    from archive.db import sqlite_url
    from crawler.run import run_crawl
    from disclosure.config import PolitenessConfig
    from disclosure.replica.server import ReplicaServer
    from disclosure.replica.site import build_site

    fast = PolitenessConfig(download_delay=0.0, autothrottle=False, concurrent_requests_per_host=16,
                            concurrent_requests_per_ip=16)
    with ReplicaServer(build_site(seed=1, scale=1)) as server:
        manifest = server.manifest()
        summary = run_crawl("replica", database_url=sqlite_url(root / "crawled.sqlite3"), warc_dir=root / "warc",
                            jobs_dir=root / "jobs", politeness=fast, base_url=server.base_url, progress=False)
    if summary.status != "ok":
        raise click.ClickException(f"crawl of the replica failed: {summary}")
    return manifest, summary.run_id


def _samples(root: Path, manifest, n_html: int, n_pdf: int) -> dict[str, list[int]]:
    """Capture ids (pages, then their files) of sampled HTML reports and PDF-delivered reports."""
    from sqlalchemy import select

    from archive.db import open_database, sqlite_url
    from archive.identity import found_url
    from archive.models import Capture

    rng = random.Random(1)
    by_delivery = {"html": [], "pdf": []}
    for doc in manifest.documents:
        if doc.kind == "annual_report" and doc.delivery in by_delivery:
            by_delivery[doc.delivery].append(doc)
    db = open_database(sqlite_url(root / "crawled.sqlite3"))
    out: dict[str, list[int]] = {}
    with db.session() as session:
        rows = session.execute(select(Capture.id, Capture.url, Capture.fetched_at)
                               .where(Capture.role.in_(("document", "attachment")), Capture.status == 200)).all()
    db.dispose()
    by_url: dict[str, tuple[object, int]] = {}
    for cid, url, fetched in rows:
        by_url.setdefault(found_url(url), (fetched, cid))
    for kind, n in (("html", n_html), ("pdf", n_pdf)):
        docs = rng.sample(by_delivery[kind], min(n, len(by_delivery[kind])))
        picked = []
        for doc in docs:
            for url in [doc.urls[0], *(a.url for a in doc.attachments)]:
                if found_url(url) in by_url:
                    picked.append(by_url[found_url(url)])
        out[kind] = [cid for _, cid in sorted(picked)]
        out[kind + "_docs"] = [len(docs)]
    return out


def _bodies(root: Path, ids: list[int]) -> list[tuple[bytes, str, str | None, str]]:
    from sqlalchemy import select

    from archive.db import open_database, sqlite_url
    from archive.models import Capture
    from archive.rawstore import RawStore

    db = open_database(sqlite_url(root / "crawled.sqlite3"))
    with db.session() as session:
        caps = {c.id: c for c in session.scalars(select(Capture).where(Capture.id.in_(ids)))}
    db.dispose()
    with RawStore(root / "warc") as store:
        return [(store.read(caps[i].warc_file, caps[i].warc_offset).body, caps[i].url, caps[i].content_type,
                 caps[i].role) for i in ids]


def _ingest(root: Path, ids: list[int], label: str):
    from archive.db import open_database, sqlite_url
    from archive.ingest import process_capture_ids
    from archive.rawstore import RawStore

    copy = root / f"ingest-{label}.sqlite3"
    shutil.copyfile(root / "crawled.sqlite3", copy)
    db = open_database(sqlite_url(copy))
    with RawStore(root / "warc") as store:
        holder = {}
        timing = _timed(0, lambda: holder.setdefault("r", process_capture_ids(db, store, ids)))
    db.dispose()
    return timing, holder["r"]


@click.command("ingest")
@click.option("--html", "n_html", default=200, show_default=True, help="HTML annual reports to ingest.")
@click.option("--pdf", "n_pdf", default=60, show_default=True, help="PDF-delivered annual reports to ingest.")
@click.option("--keep", type=click.Path(file_okay=False), default=None, help="Keep the work directory here.")
@click.option("--workers", "workers", default=None,
              help="Also ingest the whole crawl with these parser-process counts (e.g. 1,2) and print the speed-up.")
def command(n_html: int, n_pdf: int, keep: str | None, workers: str | None) -> None:
    """Parse + store documents/s (HTML and PDF reports) and the ratio to bare lxml on the same pages."""
    import lxml.html

    from archive.parse import parse_document
    from archive.parse.encoding import decode_bytes
    from archive.parse.soup import gc_paused, make_soup

    root = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    root.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    manifest, _run = _crawl(root)
    click.echo(f"replica crawled in {time.perf_counter() - started:.1f} s")
    samples = _samples(root, manifest, n_html, n_pdf)
    for kind in ("html", "pdf"):
        ids, n_docs = samples[kind], samples[kind + "_docs"][0]
        bodies = _bodies(root, ids)
        pages = [b for b, _, _, role in bodies if role == "document"]
        lxml_t = _timed(n_docs, lambda pages=pages: [lxml.html.fromstring(p) for p in pages])
        # the BeautifulSoup tree parse_document builds (the design's HTML front end), built as parse_document
        # builds it (decoded text in, GC paused): the floor of HTML parsing
        texts = [decode_bytes(b, ct).text for b, _, ct, role in bodies if role == "document"]

        def trees(texts: list[str] = texts) -> None:
            with gc_paused():
                for text in texts:
                    make_soup(text)
        soup_t = _timed(n_docs, trees)
        parse_t = _timed(n_docs, lambda bodies=bodies: [parse_document(b, url=u, content_type=ct)
                                                        for b, u, ct, _ in bodies])
        store_t, report = _ingest(root, ids, kind)
        store_t.docs = n_docs
        click.echo(f"{kind}: {n_docs} reports ({len(ids)} captures, {sum(len(b) for b, *_ in bodies) / 1e6:.1f} MB)")
        click.echo(f"  bare lxml.html.fromstring (pages only): {lxml_t.rate()}")
        click.echo(f"  BeautifulSoup (lxml) tree (pages only): {soup_t.rate()}")
        click.echo(f"  parse_document:                         {parse_t.rate()}")
        click.echo(f"  parse + store (process_capture_ids):    {store_t.rate()}")
        click.echo(f"  ratio parse+store / lxml: {store_t.wall / lxml_t.wall:,.0f}x wall, "
                   f"{store_t.cpu / lxml_t.cpu:,.0f}x CPU; store share of parse+store: "
                   f"{max(0.0, 1 - parse_t.cpu / store_t.cpu):.0%} of CPU")
        click.echo(f"  {report.summary()}")
    if workers:
        _bench_workers(root, [int(w) for w in workers.split(",") if w.strip()])
    if not keep:
        shutil.rmtree(root, ignore_errors=True)


def _bench_workers(root: Path, counts: list[int]) -> None:
    """The whole crawl ingested from scratch with each number of parser processes (``--workers``)."""
    import os
    import resource

    from archive.db import open_database, sqlite_url
    from archive.ingest import process_captures
    from archive.rawstore import RawStore

    first: float | None = None
    load = os.getloadavg()
    click.echo(f"whole crawl, parser processes (load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
               f"{os.cpu_count()} cores)")
    from archive.parse import image_tables

    for n in counts:
        # Each run from scratch: no picture's OCR remembered from the run before (forked parser processes would
        # inherit the memo and skip the OCR).
        image_tables.clear_memo()
        copy = root / f"ingest-workers-{n}.sqlite3"
        shutil.copyfile(root / "crawled.sqlite3", copy)
        db = open_database(sqlite_url(copy))
        holder = {}
        with RawStore(root / "warc") as store:
            wall, cpu = time.perf_counter(), time.process_time()
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            holder["r"] = process_captures(db, store, workers=n)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
        db.dispose()
        parsers = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
        report = holder["r"]
        captures = report.parsed + len(report.failed) + len(report.skipped)
        first = first or wall
        click.echo(f"  --workers {n}: {captures} captures in {wall:.1f} s = {captures / wall:,.1f} captures/s, "
                   f"speed-up {first / wall:.2f}x; CPU s: writer {cpu:.1f}, parser processes {parsers:.1f} "
                   f"({report.documents.inserted} documents)")
