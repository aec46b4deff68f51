"""Documents that only a hub page links (a home page's 最新 box, an old link) are still archived, after the lists:
a small static portal served from files by a real HTTP server on loopback, crawled with no profile."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy import select

from archive.models import Capture
from tests.crawler.conftest import Archive
from tests.crawler.test_zero_config import _crawl

PAGES = {
    "index.html": '<a href="/xxgk/index.html">政府信息公开</a>'
                  '<ul><li><a href="/news/202201/t20220105_1.html">关于春节值班安排的通知</a></li></ul>',
    "xxgk/index.html": '<a href="/xxgk/tzgg/index.html">通知公告</a>',
    "xxgk/tzgg/index.html": "<ul>" + "".join(
        f'<li><a href="/xxgk/tzgg/202201/t2022011{i}_{i + 10}.html">关于开展第{i}项检查工作的通知</a>'
        f"<span>2022-01-1{i}</span></li>" for i in range(3)) + "</ul>",
    **{f"xxgk/tzgg/202201/t2022011{i}_{i + 10}.html": f"<h1>关于开展第{i}项检查工作的通知</h1><p>发布日期：2022-01-1{i}</p>"
       for i in range(3)},
    "news/202201/t20220105_1.html": "<h1>关于春节值班安排的通知</h1><p>发布日期：2022-01-05</p>",
}


def test_a_document_only_the_home_page_links_is_fetched_after_the_lists(tmp_path):
    site = tmp_path / "site"
    for name, body in PAGES.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>", encoding="utf-8")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        arch = Archive(tmp_path / "archive")
        summary = _crawl(arch, f"http://127.0.0.1:{httpd.server_address[1]}/")
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert summary.status == "ok", summary.render()
    with arch.db().session() as s:
        docs = {c.url.split("/", 3)[3]: c for c in s.execute(select(Capture).where(Capture.role == "document"))
                .scalars()}
    assert set(docs) == {"news/202201/t20220105_1.html", *(f"xxgk/tzgg/202201/t2022011{i}_{i + 10}.html"
                                                           for i in range(3))}
    # From its list a notice carries its column; the hub-only one is fetched without hints.
    assert docs["xxgk/tzgg/202201/t20220110_10.html"].column_kind == "notice"
    assert docs["news/202201/t20220105_1.html"].column_kind is None
