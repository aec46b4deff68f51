"""Who published a page: the page's own statement, then the list's evidence, and a guess from the text last.

Real SQLite files, a real RawStore, the real parser and ingest; list observations go through the real
archive pipeline of a Scrapy crawler. Order of trust: docs/parsing.md "Publisher: page, list, guess".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.db import Database, open_database, sqlite_url
from archive.identity import canonical_url
from archive.ingest import process_capture_ids
from archive.models import Document, ListObservation, Portal, Unit
from archive.rawstore import RawResponse, RawStore
from crawler.capture_store import CaptureStore, CrawlContext
from crawler.items import ListObservationsItem

from .capture_helper import Fetch, store

BASE = "http://127.0.0.1:9"  # never contacted: every response is made here
UNITS = ["青山县民政局", "青山县统计局", "青山县教育局"]
NO_PUBLISHER = Path(__file__).parents[1] / "parse" / "pages" / "no_publisher_notice.html"


def _page(title: str, body: str, head: str = "") -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>{head}<h1>{title}</h1>"
            f"<div class='TRS_Editor'>{body}</div></body></html>").encode()


# An annual report that names no publisher; its text mentions another unit (民政局) more than any other.
REPORT_NO_PUBLISHER = _page(
    "2023年政府信息公开工作年度报告",
    "<p>一、总体情况</p><p>2023年，青山县民政局牵头制定社会救助信息公开目录；青山县民政局做好低保信息公开，"
    "数据报送青山县民政局。</p><p>本年度报告中使用数据统计期限为2023年1月1日至2023年12月31日。</p>"
    "<p>二、主动公开政府信息情况</p><p>无。</p><p>三、收到和处理政府信息公开申请情况</p><p>无。</p>")


@pytest.fixture
def archive(tmp_path: Path):
    db = open_database(sqlite_url(tmp_path / "archive.sqlite3"))
    rawstore = RawStore(tmp_path / "warc")
    with db.session() as s:
        portal = Portal(profile="replica", name="青山县", base_url=BASE, created_at=dt.datetime(2024, 1, 1))
        s.add(portal)
        s.flush()
        s.add_all([Unit(portal_id=portal.id, name=n, kind="bureau", aliases=[]) for n in UNITS])
    yield db, rawstore, tmp_path
    rawstore.close()
    db.dispose()


def _ingest(db: Database, rawstore: RawStore, pages: list[tuple[str, bytes, str | None]]) -> dict[str, Document]:
    """Store each (path, html, unit_hint) as a document capture, ingest them all, return documents by path."""
    ids = []
    for path, body, hint in pages:
        response = RawResponse(url=BASE + path, status=200, headers=[("Content-Type", "text/html; charset=utf-8")],
                               body=body, fetched_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                               content_type="text/html; charset=utf-8")
        ids.append(store(db, rawstore, response, Fetch(BASE + path, "document", None, hint)))
    report = process_capture_ids(db, rawstore, ids)
    assert report.parsed == len(pages) and not report.failed, report.summary()
    with db.session() as s:
        docs = {d.canonical_url: d for d in s.scalars(select(Document))}
        units = {u.id: u.name for u in s.scalars(select(Unit))}
    out = {}
    for path, _body, _hint in pages:
        doc = docs[canonical_url(BASE + path)]
        doc.unit_name = units.get(doc.unit_id)  # type: ignore[attr-defined]
        out[path] = doc
    return out


def test_page_naming_no_publisher_belongs_to_the_unit_whose_list_had_it(archive):
    db, rawstore, _ = archive
    docs = _ingest(db, rawstore, [
        ("/tjj/tzgg/t20240205_1.html", NO_PUBLISHER.read_bytes(), "青山县统计局"),
        # the text's most frequent unit (民政局) is a guess; the list it was found in (统计局) is evidence
        ("/tjj/ndbg/t20240120_2.html", REPORT_NO_PUBLISHER, "青山县统计局"),
    ])
    for doc in docs.values():
        assert (doc.publisher, doc.unit_name) == ("青山县统计局", "青山县统计局"), doc.title


def test_page_statement_wins_over_the_list(archive):
    """A unit's list may carry another unit's document (a notice passed on): the page's 发布机构 wins."""
    db, rawstore, _ = archive
    stated = "<div class='xxgk'><table><tr><td>发布机构：</td><td>{}</td></tr></table></div>"
    docs = _ingest(db, rawstore, [
        ("/mzj/tzgg/t20240301_3.html", _page("关于寒假安全教育的通知", "<p>各校：</p>", stated.format("青山县教育局")),
         "青山县民政局"),
        # a unit the archive does not know yet: created from the page, not replaced by the list's unit
        ("/mzj/tzgg/t20240302_4.html", _page("关于医保缴费的通知", "<p>各村：</p>", stated.format("青山县医疗保障局")),
         "青山县民政局"),
    ])
    first, second = docs.values()
    assert (first.publisher, first.unit_name) == ("青山县教育局", "青山县教育局")
    assert (second.publisher, second.unit_name) == ("青山县医疗保障局", "青山县医疗保障局")


def test_listed_publisher_from_a_list_api(archive):
    """A list API names a publisher per entry: stored with the observation, used below the page's own word."""
    db, rawstore, tmp_path = archive
    # The crawl's store, as the archive writer runs it (crawler.capture_store).
    capture_store = CaptureStore(db.url, str(tmp_path / "warc-crawl"), max_file_size=1 << 30)
    silent, stating, old_style = (BASE + p for p in ("/gkmlpt/content/1/1001/post_1001.html",
                                                     "/gkmlpt/content/1/1002/post_1002.html",
                                                     "/gkmlpt/content/1/1003/post_1003.html"))
    outcome = capture_store.store(ListObservationsItem(
        list_url=BASE + "/gkmlpt/api/all/0?page=1&sid=755031", observed_at=dt.datetime(2024, 3, 1, 8),
        entries=[(silent, "关于寒假安全教育的通知", "2024-02-05", "青山县教育局"),
                 (stating, "关于统计执法检查的通知", "2024-02-06", "青山县教育局"),
                 (old_style, "关于值班安排的通知", "2024-02-07")]),  # 3-tuples are still accepted
        CrawlContext(run_id=None, portal_id=None, profile="replica"))
    assert capture_store.close() is None and outcome.storage_error is None
    with db.session() as s:
        listed = {o.document_url: o.listed_publisher for o in s.scalars(select(ListObservation))}
    assert listed == {silent: "青山县教育局", stating: "青山县教育局", old_style: None}

    stated = "<ul><li><span>发布机构：</span>青山县统计局</li></ul>"
    docs = _ingest(db, rawstore, [
        ("/gkmlpt/content/1/1001/post_1001.html", NO_PUBLISHER.read_bytes(), "青山县民政局"),
        ("/gkmlpt/content/1/1002/post_1002.html", _page("关于统计执法检查的通知", "<p>各单位：</p>", stated),
         "青山县民政局"),
        ("/gkmlpt/content/1/1003/post_1003.html", NO_PUBLISHER.read_bytes().replace(b"2024", b"2023"),
         "青山县民政局"),
    ])
    silent_doc, stating_doc, old_doc = docs.values()
    assert (silent_doc.publisher, silent_doc.unit_name) == ("青山县教育局", "青山县教育局")  # list entry > unit list
    assert (stating_doc.publisher, stating_doc.unit_name) == ("青山县统计局", "青山县统计局")  # page > list entry
    assert (old_doc.publisher, old_doc.unit_name) == ("青山县民政局", "青山县民政局")  # only the unit list
