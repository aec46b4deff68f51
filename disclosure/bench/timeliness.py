"""``disclosure bench timeliness``: compute and render the timeliness report for N unit-years.

Synthetic archive (inserted through the models into a fresh SQLite file): N units, one report year, with the
mix a real year shows — most reports on time, some late, some missing, some edited (two versions), some
backdated (list pages fetched after the claimed date without the report), a few duplicates. Every unit's
list page is observed by two crawls. Target (issue 6): the report for 10,000 unit-years in under a second.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import tempfile
import time
from pathlib import Path

import click
from sqlalchemy import insert

from archive.db import open_database, sqlite_url
from archive.models import Capture, CrawlRun, Document, DocumentUrl, ListObservation, Portal, Unit, Version
from archive.timeliness import store_timeliness, timeliness_report
from disclosure.commands._output import render_csv, render_table
from disclosure.commands._timeliness_view import COLUMNS, report_payload, report_rows

YEAR = 2021
_BEFORE = dt.datetime(2022, 1, 10, 8)  # a crawl before the deadline
_AFTER = dt.datetime(2022, 4, 20, 8)  # a crawl well after it


def _capture(cid: int, url: str, when: dt.datetime, role: str, run: int) -> dict:
    return {"id": cid, "crawl_run_id": run, "url": url, "fetched_at": when, "status": 200, "sha256": f"{cid:064x}",
            "size": 100, "warc_file": "bench.warc.gz", "warc_offset": cid, "warc_length": 100, "role": role}


def populate(db_url: str, n_units: int, seed: int = 6) -> None:
    """Fill a fresh database with ``n_units`` bureaus and their reports for :data:`YEAR`."""
    rng = random.Random(seed)
    db = open_database(db_url)
    units, docs, urls, versions, captures, observations = [], [], [], [], [], []
    with db.session() as s:
        portal = Portal(profile="bench", name="基准县", base_url="http://127.0.0.1:1", created_at=_BEFORE)
        s.add(portal)
        s.flush()
        s.execute(insert(CrawlRun), [
            {"id": 1, "portal_id": portal.id, "profile": "bench", "started_at": _BEFORE, "finished_at": _BEFORE},
            {"id": 2, "portal_id": portal.id, "profile": "bench", "started_at": _AFTER, "finished_at": _AFTER}])
        cid = did = vid = 0
        for u in range(1, n_units + 1):
            kind = "county_government" if u == 1 else "township" if u % 10 == 0 else "bureau"
            units.append({"id": u, "portal_id": portal.id, "name": f"基准县第{u}局", "kind": kind, "aliases": [],
                          "first_listed_at": _BEFORE, "last_listed_at": _AFTER})
            list_url = f"http://127.0.0.1:1/zfxxgk/u{u}/ndbg/index.html"
            roll = rng.random()
            copies = 0 if roll < 0.05 else 2 if roll < 0.06 else 1
            shown = []
            for c in range(copies):
                did += 1
                backdated = 0.06 <= roll < 0.09
                claimed = dt.datetime(2022, 1, 5, 9) + dt.timedelta(days=rng.randrange(0, 26 if roll > 0.2 else 60))
                first_seen = _AFTER if backdated else claimed + dt.timedelta(hours=3)
                url = f"http://127.0.0.1:1/zfxxgk/u{u}/ndbg/t{did}.html"
                docs.append({"id": did, "portal_id": portal.id, "kind": "annual_report", "unit_id": u,
                             "publisher": f"基准县第{u}局", "report_year": YEAR, "title": f"基准县第{u}局{YEAR}年报告",
                             "claimed_published_at": claimed, "claimed_date_source": "meta_tag",
                             "canonical_url": url, "first_seen_at": first_seen, "last_seen_at": _AFTER})
                urls.append({"document_id": did, "url": url, "first_seen_at": first_seen, "last_seen_at": _AFTER})
                for e in range(2 if rng.random() < 0.05 else 1):
                    cid += 1
                    vid += 1
                    seen = first_seen + dt.timedelta(days=20 * e)
                    captures.append(_capture(cid, url, seen, "document", 2))
                    versions.append({"id": vid, "document_id": did, "capture_id": cid, "first_seen_at": seen,
                                     "last_seen_at": _AFTER, "claimed_published_at": claimed,
                                     "content_hash": hashlib.sha256(f"{did}:{e}:{c}".encode()).hexdigest()})
                shown.append((url, first_seen))
            for run, when in ((1, _BEFORE), (2, _AFTER)):
                cid += 1
                captures.append(_capture(cid, list_url, when, "list", run))
                observations += [{"crawl_run_id": run, "list_capture_id": cid, "list_url": list_url,
                                  "observed_at": when, "document_url": d} for d, seen in shown if seen <= when]
        for model, rows in ((Unit, units), (Capture, captures), (Document, docs), (DocumentUrl, urls),
                            (Version, versions), (ListObservation, observations)):
            for i in range(0, len(rows), 5000):
                s.execute(insert(model), rows[i:i + 5000])
    db.dispose()


@click.command("timeliness")
@click.option("--units", "n_units", default=10_000, show_default=True, help="unit-years in the report")
@click.option("--runs", default=3, show_default=True, help="timed repetitions (the best is reported)")
def command(n_units: int, runs: int) -> None:
    """Time timeliness_report + rendering (table, CSV, JSON payload) for N unit-years."""
    with tempfile.TemporaryDirectory() as tmp:
        url = sqlite_url(Path(tmp) / "bench.sqlite3")
        start = time.perf_counter()
        populate(url, n_units)
        click.echo(f"populate         {n_units} units: {time.perf_counter() - start:.2f} s")
        db = open_database(url, migrate=False)
        best: dict[str, tuple[float, float]] = {}  # name -> (wall s, CPU s), best of the runs
        for _ in range(runs):
            marks: list[tuple[float, float]] = []

            def mark(marks: list[tuple[float, float]] = marks) -> None:
                marks.append((time.perf_counter(), time.process_time()))

            with db.session() as s:
                mark()
                report = timeliness_report(s, YEAR, "bench", as_of=dt.date(2022, 5, 1))
                mark()
                rows = report_rows(report)
                render_table(COLUMNS, rows)
                mark()
                render_csv(COLUMNS, rows)
                report_payload(report)
                mark()
                store_timeliness(s, report.rows)
                mark()
            spans = {"compute": (0, 1), "render table": (1, 2), "compute + table": (0, 2), "csv + json": (2, 3),
                     "store (upsert)": (3, 4)}
            for name, (a, b) in spans.items():
                value = (marks[b][0] - marks[a][0], marks[b][1] - marks[a][1])
                best[name] = min(best.get(name, value), value)
        db.dispose()
    click.echo(f"rows             {len(report.rows)}: {report.summary.line()}")
    for name, (wall, cpu) in best.items():
        click.echo(f"{name:<16} {wall * 1000:8.1f} ms wall  {cpu * 1000:8.1f} ms CPU")
    verdict = "OK" if best["compute + table"][0] < 1.0 else "SLOWER THAN TARGET"
    click.echo(f"target           compute + table under 1 s for {n_units} unit-years: {verdict}")
