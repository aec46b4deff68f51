"""Incremental indexing from a real SQLite archive database, and the two commands, on both engines."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from archive.db import open_database, sqlite_url
from archive.models import Capture, Document, Portal, SearchIndexState, Section, Unit, Version
from disclosure.cli import main
from search.api import SearchQuery, open_index
from search.sync import sync_index

from .corpus import make_corpus

T0 = dt.datetime(2022, 1, 1)


class Archive:
    """Fills the archive through the models, as the ingest leaves it."""

    def __init__(self, db):
        self.db = db
        with db.session() as s:
            portal = Portal(profile="gaotai", name="高台县人民政府", base_url="http://127.0.0.1:1/", created_at=T0)
            s.add(portal)
            s.flush()
            self.portal_id = portal.id
        self.units: dict[str, int] = {}

    def unit(self, s, name: str, aliases: list[str]) -> int:
        if name not in self.units:
            unit = Unit(portal_id=self.portal_id, name=name, aliases=aliases)
            s.add(unit)
            s.flush()
            self.units[name] = unit.id
        return self.units[name]

    def version(self, s, doc: Document, title: str, body: str, sections: dict[int, str]) -> Version:
        digest = hashlib.sha256(body.encode()).hexdigest()
        cap = Capture(url=doc.canonical_url, fetched_at=T0, status=200, sha256=digest, size=len(body),
                      warc_file="x.warc.gz", warc_offset=0, warc_length=1, role="document")
        s.add(cap)
        s.flush()
        version = Version(document_id=doc.id, capture_id=cap.id, content_hash=digest, first_seen_at=T0,
                          last_seen_at=T0, title=title, body_text=body)
        s.add(version)
        s.flush()
        s.add_all(Section(version_id=version.id, number=n, heading=f"第{n}部分", text=t) for n, t in sections.items())
        doc.current_version_id = version.id
        return version

    def add(self, sd) -> int:
        with self.db.session() as s:
            doc = Document(portal_id=self.portal_id, kind=sd.kind, publisher=sd.publisher,
                           unit_id=self.unit(s, sd.publisher, sd.publisher_aliases), report_year=sd.report_year,
                           title=sd.title, claimed_published_at=sd.published_at, canonical_url=sd.url,
                           first_seen_at=T0, last_seen_at=T0)
            s.add(doc)
            s.flush()
            self.version(s, doc, sd.title, sd.body, sd.sections)
            return doc.id

    def new_version(self, doc_id: int, body: str) -> None:
        with self.db.session() as s:
            doc = s.get(Document, doc_id)
            self.version(s, doc, doc.title, body, {})

    def mark_removed(self, doc_id: int) -> None:
        with self.db.session() as s:
            s.get(Document, doc_id).removed_at = T0 + dt.timedelta(days=30)


@pytest.fixture
def archive(tmp_path):
    db = open_database(sqlite_url(tmp_path / "archive.sqlite3"))
    arch = Archive(db)
    for sd in make_corpus(40, seed=5).docs:
        arch.add(sd)
    yield arch
    db.dispose()


def _found(path, engine, text, **kw) -> dict[int, bool]:
    index = open_index(path, engine)
    try:
        return {h.document_id: h.removed for h in index.search(SearchQuery(text, limit=1000, **kw)).hits}
    finally:
        index.close()


def test_sync_is_incremental(archive, tmp_path, engine):
    path = tmp_path / "index" / engine
    first = sync_index(archive.db, path, engine)
    assert (first.added, first.updated, first.unchanged, first.total) == (40, 0, 0, 40)
    again = sync_index(archive.db, path, engine)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 40)

    archive.new_version(3, "修订后的正文：本机关新增智慧政务专栏建设。")
    archive.mark_removed(5)
    new_id = archive.add(make_corpus(41, seed=9).docs[40])
    step = sync_index(archive.db, path, engine)
    assert (step.added, step.updated, step.removed, step.unchanged, step.total) == (1, 2, 1, 38, 41)
    assert _found(path, engine, "智慧政务专栏") == {3: False}
    with archive.db.session() as s:
        doc5 = s.get(Document, 5)
        title5 = doc5.title
        states = {r.document_id: r for r in s.scalars(select(SearchIndexState).where(
            SearchIndexState.engine == engine))}
        assert states[3].version_id == s.get(Document, 3).current_version_id
        assert states[5].removed is True and new_id in states
    assert _found(path, engine, f'"{title5}"')[5] is True


def test_rebuild_from_the_database_alone(archive, tmp_path, engine):
    path = tmp_path / "index" / engine
    sync_index(archive.db, path, engine)
    archive.mark_removed(2)
    report = sync_index(archive.db, path, engine, rebuild=True)
    assert report.rebuilt and (report.added, report.removed, report.total) == (40, 1, 40)
    assert not path.with_name(path.name + ".rebuild").exists()
    assert sync_index(archive.db, path, engine).unchanged == 40
    # An index lost on disk is rebuilt by the next sync, whatever the state table says.
    import shutil

    shutil.rmtree(path)
    assert sync_index(archive.db, path, engine).added == 40


def test_an_index_of_an_older_schema_is_rebuilt(archive, tmp_path, engine):
    path = tmp_path / "index" / engine
    sync_index(archive.db, path, engine)
    marker = json.loads((path / "search-index.json").read_text())
    (path / "search-index.json").write_text(json.dumps({**marker, "schema_version": 0}))
    report = sync_index(archive.db, path, engine)
    assert report.rebuilt and report.added == 40
    assert json.loads((path / "search-index.json").read_text()) == marker
    assert _found(path, engine, "公开")


def test_commands_index_and_search(archive, tmp_path, engine, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    env = {"DISCLOSURE_DATABASE_URL": archive.db.url, "DISCLOSURE_INDEX_DIR": str(tmp_path / "ix"),
           "DISCLOSURE_CONFIG": None}
    base = ["--data-dir", str(tmp_path)]
    missing = runner.invoke(main, [*base, "search", "公开", "--engine", engine], env=env)
    assert missing.exit_code != 0 and "disclosure index" in missing.output

    built = runner.invoke(main, [*base, "index", "--engine", engine], env=env)
    assert built.exit_code == 0, built.output
    assert "40 added" in built.output

    out = runner.invoke(main, [*base, "search", "公开", "--engine", engine, "--json", "--year", "2019-2021",
                               "--kind", "annual_report", "--limit", "5"], env=env)
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    corpus = make_corpus(40, seed=5)
    expected = {d.document_id for d in corpus.docs if d.kind == "annual_report" and 2019 <= d.report_year <= 2021
                and "公开" in d.title + d.body}
    assert data["total"] == len(expected)
    assert set(data) == {"total", "total_relation", "total_is_lower_bound", "facets_sample", "facets", "hits"}
    assert len(data["hits"]) == min(5, len(expected))
    # 40 documents are below the default bound: counted exactly.
    assert data["total_relation"] == "eq" and data["total_is_lower_bound"] is False and data["facets_sample"] is None
    assert {"document_id", "title", "publisher", "year", "published_at", "url", "snippet", "score"} <= set(
        data["hits"][0])
    assert {h["document_id"] for h in data["hits"]} <= expected

    text = runner.invoke(main, [*base, "search", "行政复议", "--engine", engine, "--section", "4",
                                "--publisher", "县民宗局"], env=env)
    assert text.exit_code == 0 and "documents match" in text.output
    bad = runner.invoke(main, [*base, "search", '"unclosed', "--engine", engine], env=env)
    assert bad.exit_code == 2 and "position 0" in bad.output
    rebuilt = runner.invoke(main, [*base, "index", "--rebuild", "--engine", engine], env=env)
    assert rebuilt.exit_code == 0 and "rebuilt" in rebuilt.output
