"""白河县, the replica county of the portal families (Hebei unit lists, gkmlpt JSON, Hanweb datastore, Anhui
shell + XHR, static list-N, plus TRS and Hanweb dataproxy): crawled for real with the shipped profile and with
nothing but its URL, ingested, and every manifest document held to its truth — per family, 100% of documents,
attachments and list pages, publisher, unit, kind, report year and claimed date."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from archive.db import open_database, sqlite_url
from archive.ingest import process_captures
from archive.models import Capture, Document, ListObservation
from archive.rawstore import RawStore
from crawler.run import run_crawl
from crawler.urls import canonical_url
from tests.archive.test_replica_accuracy import Tally, _compare, _doc_for
from tests.crawler.conftest import FAST

EXACT = ("document identity", "kind", "publisher", "unit", "report_year", "attachments")


@pytest.fixture(scope="module", params=["profile", "zero-configuration"])
def mixed_archive(request, mixed_site, tmp_path_factory):
    """白河县 crawled (with the shipped ``baihe`` profile, or by URL alone) and ingested."""
    from disclosure.replica.server import ReplicaServer

    server = ReplicaServer(mixed_site).start()
    data_dir = tmp_path_factory.mktemp(f"mixed-{request.param}")
    url = sqlite_url(data_dir / "archive.sqlite3")
    profile = "baihe" if request.param == "profile" else server.base_url + "/"
    try:
        summary = run_crawl(profile, database_url=url, warc_dir=data_dir / "warc", jobs_dir=data_dir / "jobs",
                            politeness=FAST, base_url=server.base_url if request.param == "profile" else None,
                            progress=False, settings={"RETRY_BACKOFF_BASE": 0.1})
        manifest = server.manifest()
    finally:
        server.stop()
    db = open_database(url)
    rawstore = RawStore(data_dir / "warc")
    report = process_captures(db, rawstore, crawl_run_id=summary.run_id)
    yield request.param, summary, manifest, db, report
    rawstore.close()
    db.dispose()


def test_every_family_crawled_whole(mixed_archive):
    _mode, summary, manifest, db, _report = mixed_archive
    assert summary.status == "ok", summary.render()
    with db.session() as s:
        captured = set(s.execute(select(Capture.url)).scalars())
    family = {u.code: u.dialect for u in manifest.units}
    assert set(family.values()) >= {"unitlist", "gkmlpt", "hanweb_datastore", "anhui", "static_list"}
    missing: Counter = Counter()
    for d in manifest.documents:
        for u in [*d.urls, *(a.url for a in d.attachments)]:
            if canonical_url(u) not in captured:
                missing[family[d.unit]] += 1
    assert missing == Counter()
    # List pages and list API answers (archived as requested: a gkmlpt URL keeps its sid). Hanweb's dataproxy is
    # asked for windows of records the crawler chooses (three pages a call), not the manifest's one page a call:
    # there, every document must have been seen on a list instead.
    assert [u for u in manifest.list_urls if u not in captured and canonical_url(u) not in captured
            and "dataproxy.jsp" not in u] == []
    with db.session() as s:
        observed = set(s.execute(select(ListObservation.document_url)).scalars())
    assert [d.urls[0] for d in manifest.documents if canonical_url(d.urls[0]) not in observed] == []


def test_every_document_read_right_per_family(mixed_archive):
    mode, _summary, manifest, db, report = mixed_archive
    family = {u.code: u.dialect for u in manifest.units}
    tallies: dict[str, Tally] = {}
    with db.session() as session:
        for mdoc in manifest.documents:
            _compare(session, mdoc, tallies.setdefault(family[mdoc.unit], Tally()))
        # The claimed date, to the day: Anhui and Hebei detail pages show a date without the time of day.
        dates = {}
        for mdoc in manifest.documents:
            ids = _doc_for(session, mdoc)
            doc = session.get(Document, ids.pop()) if len(ids) == 1 else None
            got = doc.claimed_published_at.date().isoformat() if doc and doc.claimed_published_at else None
            dates[mdoc.id] = (got, mdoc.versions[-1].claimed_published_at[:10], family[mdoc.unit])
    wrong_dates = {k: v for k, v in dates.items() if v[0] != v[1]}
    assert wrong_dates == {}, f"{mode}: {len(wrong_dates)} claimed dates wrong: {list(wrong_dates.items())[:5]}"
    for fam, tally in sorted(tallies.items()):
        for name in EXACT:
            assert tally.rate(name) == 1.0, f"{mode} {fam}:\n{tally.render()}"
        assert tally.rate("sections") >= 0.99 and tally.rate("figures") >= 0.99, f"{mode} {fam}:\n{tally.render()}"


def test_gkmlpt_publishers_are_list_evidence(mixed_archive):
    _mode, _summary, manifest, db, _report = mixed_archive
    gkmlpt = {u.name for u in manifest.units if u.dialect == "gkmlpt"}
    with db.session() as s:
        rows = s.execute(select(ListObservation.list_url, ListObservation.listed_publisher)
                         .where(ListObservation.list_url.like("%/gkmlpt/api/%"))).all()
    assert rows and {p for _u, p in rows} <= gkmlpt and {p for _u, p in rows} == gkmlpt
