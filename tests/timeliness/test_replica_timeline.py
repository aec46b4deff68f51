"""The replica advanced through time with real crawls and ingests in between: every planted late, missing,
edited, backdated, duplicate and early report is classified as the manifest says, and no other.

The crawler stamps captures with the wall clock, but the replica's clock is the as-of date the test set; after
each crawl the test moves that run's timestamps (captures, list observations, the run, newly listed units) to
the replica's time, as if the crawl had happened then. Everything else is the real pipeline.

What a crawl schedule can know differs from the full truth: a backdated report is only provable when a crawl
fetched the lists after its claimed date and before it appeared; an edit only when a crawl saw the first
version. The expectation below derives that from the schedule and the manifest (and checks it against the
manifest's own ``expected_status`` / ``expected_status_claimed``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import pytest
from sqlalchemy import select

from archive.db import open_database, sqlite_url
from archive.evidence import write_evidence
from archive.export import LOADER_SNIPPET, export_all
from archive.identity import canonical_url, found_url
from archive.ingest import process_captures
from archive.models import Capture, Document, DocumentUrl
from archive.rawstore import RawStore
from archive.timeliness import BACKDATED, DUPLICATE, EDITED, classify, timeliness_report
from crawler.run import run_crawl
from disclosure.config import PolitenessConfig
from disclosure.replica.manifest import Manifest, ManifestDocument
from disclosure.replica.plan import NOW
from disclosure.replica.plan import deadline_for as replica_deadline
from disclosure.replica.server import ReplicaServer
from disclosure.replica.units import build_units

pytestmark = pytest.mark.slow

# Crawls around the 2022 and 2023 reports' deadlines (seed 1 plants a backdated 2022 report and two 2023 ones,
# edits, a duplicate, early and missing reports there), then one crawl of everything.
SCHEDULE = ["2023-01-15T12:00", "2023-02-10T12:00", "2023-04-01T12:00", "2024-02-01T12:00", "2024-04-01T12:00", NOW]
WATCHED = {2022: range(0, 3), 2023: range(3, 5)}  # report year -> crawls after which its interim report is checked
FAST = PolitenessConfig(download_delay=0.0, autothrottle=False, concurrent_requests_per_host=16,
                        concurrent_requests_per_ip=16, retry_times=2, download_timeout=20.0)


def _t(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso)


@dataclass
class Expected:
    status: str
    days_late: int | None
    flags: set[str] = field(default_factory=set)


@dataclass
class Timeline:
    manifest: Manifest
    crawls: list[dt.datetime]
    interim: dict[tuple[int, int], dict[tuple[str, int], tuple[str, int | None, set[str]]]]  # (crawl, year) -> rows
    final: dict[int, object]  # year -> TimelinessReport
    export_dir: Path  # the final archive exported as Parquet and CSV (one sub-directory each)
    root: Path  # the archive itself: archive.sqlite3 and warc/


def _observed(d: ManifestDocument, crawls: list[dt.datetime]) -> tuple[dt.datetime | None, bool, bool]:
    """(first crawl that saw it, backdating provable, edit observable) for these crawls."""
    appears = [_t(v.appears_at) for v in d.versions]
    claimed = _t(d.versions[0].claimed_published_at)
    first = next((c for c in crawls if c >= appears[0]), None)
    provable = any(c < appears[0] and c.date() > claimed.date() for c in crawls)
    edited = len(appears) > 1 and any(appears[0] <= c < appears[1] for c in crawls) and crawls[-1] >= appears[1]
    return first, provable, edited


def expected_rows(manifest: Manifest, crawls: list[dt.datetime], years: set[int]
                  ) -> dict[tuple[str, int], Expected]:
    """(unit name, year) -> what the archive can know after ``crawls`` (the last one is the as-of)."""
    names = {u.code: u.name for u in manifest.units}
    as_of = crawls[-1]
    docs: dict[tuple[str, int], list[tuple[dt.datetime, Expected]]] = {}
    for d in manifest.documents:
        if d.kind != "annual_report" or d.report_year not in years:
            continue
        first, provable, edited = _observed(d, crawls)
        if first is None:
            continue
        claimed = _t(d.versions[0].claimed_published_at)
        judged = first if provable else claimed
        status, late = classify(d.report_year, dt.date.fromisoformat(d.deadline), judged.date())
        # The schedule-derived status agrees with the replica's own classification.
        truth = d.expected_status if provable or BACKDATED not in d.expected_flags else d.expected_status_claimed
        assert status == truth, (d.id, status, truth)
        flags = ({BACKDATED} if provable else set()) | ({EDITED} if edited else set())
        docs.setdefault((names[d.unit], d.report_year), []).append((judged, Expected(status, late, flags)))
    out = {}
    for key, found in docs.items():
        found.sort(key=lambda x: x[0])
        row = Expected(found[0][1].status, found[0][1].days_late, set().union(*(e.flags for _, e in found)))
        if len(found) > 1:
            row.flags.add(DUPLICATE)
        out[key] = row
    for unit in build_units(manifest.seed, manifest.scale):
        for year in years:
            if unit.exists_in(year) and (unit.name, year) not in out:
                due = replica_deadline(unit, year)
                out[(unit.name, year)] = Expected("missing" if as_of.date() > due else "pending", None)
    return out


def _rows(report) -> dict[tuple[str, int], tuple[str, int | None, set[str]]]:
    return {(r.unit_name, r.report_year): (r.status, r.days_late if r.status == "late" else None, set(r.flags))
            for r in report.rows}


def _as_tuples(expected: dict[tuple[str, int], Expected]) -> dict[tuple[str, int], tuple[str, int | None, set[str]]]:
    return {k: (e.status, e.days_late if e.status == "late" else None, e.flags) for k, e in expected.items()}


@pytest.fixture(scope="module")
def timeline(replica_site, tmp_path_factory) -> Timeline:
    # DISCLOSURE_TIMELINE_DIR keeps the archive for inspection after a failure (pytest prunes its tmp dirs).
    keep = os.environ.get("DISCLOSURE_TIMELINE_DIR")
    root: Path = Path(keep) if keep else tmp_path_factory.mktemp("timeline")
    url = sqlite_url(root / "archive.sqlite3")
    db = open_database(url)
    rawstore = RawStore(root / "warc")
    server = ReplicaServer(replica_site).start()
    crawls: list[dt.datetime] = []
    interim = {}
    try:
        for i, as_of in enumerate(SCHEDULE):
            server.set_as_of(as_of)
            # The crawl's clock is the replica's: captures and list observations carry the date a
            # crawl on that day would have recorded.
            summary = run_crawl("replica", database_url=url, warc_dir=root / "warc", jobs_dir=root / "jobs",
                                politeness=FAST, base_url=server.base_url, progress=False,
                                settings={"RETRY_BACKOFF_BASE": 0.1, "DISCLOSURE_REVALIDATE_AFTER_DAYS": 0,
                                          "DISCLOSURE_CLOCK": as_of})
            assert summary.status == "ok" and summary.run_id, summary
            crawls.append(_t(as_of))
            with db.session() as s:
                fetched = s.scalars(select(Capture.fetched_at).where(Capture.crawl_run_id == summary.run_id)).all()
            assert fetched and all(crawls[-1] <= t < crawls[-1] + dt.timedelta(hours=1) for t in fetched)
            process_captures(db, rawstore, crawl_run_id=summary.run_id)
            with db.session() as s:
                for year, indexes in WATCHED.items():
                    if i in indexes:
                        interim[(i, year)] = _rows(timeliness_report(s, year))
        manifest = server.manifest(None)
        with db.session() as s:
            final = {y: timeliness_report(s, y) for y in range(2008, 2026)}
            for fmt in ("parquet", "csv"):
                export_all(s, root / "export" / fmt, fmt)
    finally:
        server.stop()
        rawstore.close()
        db.dispose()
    return Timeline(manifest, crawls, interim, final, root / "export", root)


def test_interim_reports_around_the_deadlines(timeline):
    for (i, year), got in timeline.interim.items():
        want = _as_tuples(expected_rows(timeline.manifest, timeline.crawls[:i + 1], {year}))
        assert got == want, (SCHEDULE[i], year, {k: (got.get(k), want.get(k)) for k in set(got) | set(want)
                                                 if got.get(k) != want.get(k)})
    # the schedule does reach both sides of the deadline: pending first, then missing and late
    assert {s for s, _, _ in timeline.interim[(0, 2022)].values()} >= {"pending", "on_time", "early_suspicious"}
    assert {s for s, _, _ in timeline.interim[(1, 2022)].values()} >= {"missing", "late", "on_time"}


def test_final_classification_matches_the_manifest_exactly(timeline):
    years = set(timeline.final)
    want = _as_tuples(expected_rows(timeline.manifest, timeline.crawls, years))
    got = {k: v for report in timeline.final.values() for k, v in _rows(report).items()}
    diff = {k: (got.get(k), want.get(k)) for k in set(got) | set(want) if got.get(k) != want.get(k)}
    assert not diff, diff
    names = {u.code: u.name for u in timeline.manifest.units}
    # every planted case the schedule could observe is there, and was planted
    assert {k for k, v in got.items() if v[0] == "missing"} == {(names[c], y) for c, y in
                                                                 timeline.manifest.missing_reports}
    planted_backdated = {(names[d.unit], d.report_year) for d in timeline.manifest.documents
                         if BACKDATED in d.expected_flags and d.report_year in WATCHED}
    assert planted_backdated and {k for k, v in got.items() if BACKDATED in v[2]} == planted_backdated
    assert {k for k, v in got.items() if DUPLICATE in v[2]} == {
        (names[d.unit], d.report_year) for d in timeline.manifest.documents if DUPLICATE in d.expected_flags}
    assert {k for k, v in got.items() if v[0] == "early_suspicious"} == {
        (names[d.unit], d.report_year) for d in timeline.manifest.documents if d.expected_status == "early_suspicious"}
    edited = {k for k, v in got.items() if EDITED in v[2]}
    assert edited and edited <= {(names[d.unit], d.report_year) for d in timeline.manifest.documents
                                 if EDITED in d.expected_flags}


def test_on_time_rates_match_the_manifest(timeline):
    for year, report in timeline.final.items():
        want = expected_rows(timeline.manifest, timeline.crawls, {year})
        due = [e for e in want.values() if e.status != "pending"]
        rate = sum(e.status == "on_time" for e in due) / len(due) if due else None
        assert report.summary.on_time_rate == pytest.approx(rate), year
        assert report.summary.due == len(due)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_round_trips_the_manifest_figures(timeline, fmt):
    """Figures exported, loaded with the README's loader and dtypes, equal the manifest's (current versions)."""
    namespace: dict = {}
    exec(LOADER_SNIPPET, namespace)
    load = namespace["load"]
    docs = load(timeline.export_dir / fmt, "documents", fmt)
    figures = load(timeline.export_dir / fmt, "figures", fmt)
    assert str(figures["value"].dtype) == "float64" and str(docs["first_seen_at"].dtype) == "datetime64[ns]"
    doc_id = dict(zip(docs["url"], docs["document_id"], strict=True))
    exported = {(int(d), k): (None if v != v else float(v))  # NaN → None
                for d, k, v in figures[["document_id", "key", "value"]].itertuples(index=False)}
    pairs = good = 0
    for d in timeline.manifest.documents:
        if d.kind != "annual_report" or not d.versions[-1].figures:
            continue
        # the archive's canonical URL is one of the manifest's (the unit column's or the central column's)
        archived = next((doc_id[found_url(u)] for u in d.urls if found_url(u) in doc_id), None)
        assert archived is not None, d.id
        for key, value in d.versions[-1].figures.items():
            pairs += 1
            good += (archived, key) in exported and exported[(archived, key)] == value
    assert pairs > 1000 and good / pairs >= 0.99, (good, pairs)  # the parser's own accuracy bar (tests/archive)


_LINK = re.compile(rb"""(?:href|src)\s*=\s*["']([^"'<>]+)["']""", re.I)


def _links(payload: bytes, base: str) -> set[str]:
    """Every link in a list page's payload (HTML, or the HTML snippets of a Hanweb XML answer), canonical."""
    return {canonical_url(urljoin(base, m.decode("latin-1").replace("&amp;", "&"))) for m in _LINK.findall(payload)}


def test_evidence_packages_hold_against_their_own_payloads(timeline, tmp_path):
    """Each evidence package of a watched year, opened as a third party would: every payload file hashes to the
    recorded sha256, the "before" list page does not link the report and the "first showing" one does."""
    db = open_database(sqlite_url(timeline.root / "archive.sqlite3"), migrate=False)
    rawstore = RawStore(timeline.root / "warc")
    checked = {"list_before": 0, "list_showing": 0}
    try:
        rows = [r for year in WATCHED for r in timeline.final[year].rows if len(r.reports) == 1]
        assert rows
        for row in rows:
            out = tmp_path / f"{row.unit_id}-{row.report_year}"
            package = write_evidence(db, rawstore, row.unit_name, row.report_year, out, portal=row.portal)
            assert package.ok, [(i.what, i.error) for i in package.items]
            manifest = json.loads((out / "evidence.json").read_text(encoding="utf-8"))
            items = {i["what"]: i for i in manifest["items"]}
            with db.session() as s:
                doc = s.get(Document, row.reports[0].document_id)
                urls = {canonical_url(doc.canonical_url), *(canonical_url(u) for u in s.scalars(
                    select(DocumentUrl.url).where(DocumentUrl.document_id == doc.id)))}
            # the package promises the first fetch showing the report whenever a list showed it
            assert ("list_showing" in items) == (row.reports[0].first_listed_at is not None), (row.unit_name, items)
            for item in manifest["items"]:
                payload = (out / item["file"]).read_bytes()
                assert hashlib.sha256(payload).hexdigest() == item["sha256"], item
                if item["what"] in checked:
                    linked = _links(payload, item["url"]) & urls
                    assert bool(linked) == (item["what"] == "list_showing"), (row.unit_name, row.report_year, item)
                    checked[item["what"]] += 1
            if "list_before" in items:
                assert items["list_before"]["fetched_at"] < items["list_showing"]["fetched_at"]
    finally:
        rawstore.close()
        db.dispose()
    # reports appeared between the scheduled crawls, so both claims were really put to the test
    assert checked["list_before"] >= 5 and checked["list_showing"] >= 20, checked
