"""白河县, the replica county of the portal families (Hebei unit lists, gkmlpt JSON, Hanweb datastore, Anhui
shell + XHR, static list-N, plus TRS and Hanweb dataproxy): crawled for real with the shipped profile and with
nothing but its URL, ingested, and every manifest document held to its truth — per family, 100% of documents,
attachments and list pages, publisher, unit, kind, report year and claimed date."""

from __future__ import annotations

import os
from collections import Counter

import pytest
from sqlalchemy import select

from archive.db import open_database, sqlite_url
from archive.ingest import process_captures
from archive.models import Capture, Document, Figure, ListObservation, Version
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
    # The county's table pictures are read by OCR here (the suite turns that off elsewhere: tests/conftest.py).
    os.environ["DISCLOSURE_OCR_BODY_IMAGES"] = "1"
    try:
        report = process_captures(db, rawstore, crawl_run_id=summary.run_id)
    finally:
        os.environ["DISCLOSURE_OCR_BODY_IMAGES"] = "0"
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


def _figures_held(session, mdoc, truth: dict[str, float | None]) -> tuple[int, list[str]]:
    """How many of ``truth``'s figures the document's current version has (same key, same value), and misses."""
    ids = _doc_for(session, mdoc)
    assert len(ids) == 1, mdoc.id
    doc = session.get(Document, ids.pop())
    got = {f.key: f for f in session.scalars(select(Figure).where(Figure.version_id == doc.current_version_id))}
    misses = [f"{mdoc.id} {k}: {None if got.get(k) is None else got[k].value} != {v}" for k, v in truth.items()
              if k not in got or got[k].value != v]
    return len(truth) - len(misses), misses


def test_ofd_and_picture_table_reports_read_to_their_truth(mixed_archive):
    """Reports published as OFD: every figure as the manifest states it (100%). Reports whose tables are pictures
    in the page: the figures the pictures show, read by OCR from the archived body images, at least 98%."""
    mode, _summary, manifest, db, _report = mixed_archive
    ofd = [d for d in manifest.documents if d.delivery == "ofd"]
    pictured = [d for d in manifest.documents if d.delivery == "html_image_tables"]
    assert len(ofd) >= 3 and pictured
    with db.session() as session:
        for d in ofd:
            (att,) = d.attachments
            cap = session.scalar(select(Capture).where(Capture.url == canonical_url(att.url)))
            assert cap is not None and cap.role == "attachment" and cap.sha256 == att.sha256, d.id
            held, misses = _figures_held(session, d, d.versions[-1].figures)
            assert len(d.versions[-1].figures) > 100 and misses == [], f"{mode}: {misses[:5]}"
        held = total = 0
        all_misses: list[str] = []
        for d in pictured:
            truth = d.versions[-1].image_figures
            got, misses = _figures_held(session, d, truth)
            held, total, all_misses = held + got, total + len(truth), all_misses + misses
            version = session.get(Version, session.get(Document, _doc_for(session, d).pop()).current_version_id)
            assert not version.tables_as_images, d.id
        assert total > 300 and held / total >= 0.98, f"{mode}: {held}/{total} {all_misses[:10]}"


def test_drafted_profile_reaches_every_family(mixed_site, tmp_path):
    """``disclosure profile draft URL`` on 白河县 writes a profile that crawls all of it; ``profile check`` on the
    shipped profile passes."""
    from disclosure.replica.server import ReplicaServer
    from tests.crawler.test_zero_config import _config
    from tests.run.helpers import run_cli

    cfg = _config(tmp_path)
    draft = tmp_path / "drafted.toml"
    with ReplicaServer(mixed_site) as server:
        made = run_cli(["--config", str(cfg), "profile", "draft", server.base_url + "/", "--out", str(draft)],
                       cwd=tmp_path)
        assert made.code == 0, made.stderr
        text = draft.read_text(encoding="utf-8")
        assert "families = ['anhui', 'gkmlpt', 'hanweb', 'hebei', 'static', 'trs']" in text
        url = sqlite_url(tmp_path / "drafted.sqlite3")
        summary = run_crawl(str(draft), database_url=url, warc_dir=tmp_path / "warc", jobs_dir=tmp_path / "jobs",
                            politeness=FAST, progress=False)
        manifest = server.manifest()
        check = run_cli(["--config", str(cfg), "profile", "check", "baihe", "--base-url", server.base_url],
                        cwd=tmp_path)
    assert summary.status == "ok", summary.render()
    db = open_database(url)
    with db.session() as s:
        captured = set(s.execute(select(Capture.url)).scalars())
    db.dispose()
    wanted = [u for d in manifest.documents for u in [*d.urls, *(a.url for a in d.attachments)]]
    assert [u for u in wanted if canonical_url(u) not in captured] == []
    assert check.code == 0 and "profile check: ok" in check.stdout, check.stdout + check.stderr
