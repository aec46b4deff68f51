"""The search page and /api/search say "N+" when counting stopped at the bound ([search] total_bound), and that
the facets count a sample; an exact total stays a plain number. A small archive with a bound of 2 exceeds it
(the page's 20 hits raise what must be counted to 20: the total reads "20+")."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest

from disclosure.config import load_config
from disclosure.web.app import create_app
from disclosure.web.background import serve_in_thread
from disclosure.web.search_view import bound_note, total_label
from search.api import SearchDocument, open_index


def _docs(n: int = 500) -> list[SearchDocument]:
    return [SearchDocument(document_id=i, title=f"文件{i}", body="本年度政府信息公开行政复议情况。" + (
        "推进网上办理。" if i in (7, 40) else ""), publisher="青山县教育局", report_year=2010 + i % 12,
        kind="annual_report", published_at=dt.datetime(2015, 1, 1) + dt.timedelta(days=30 * i),
        url=f"https://example.org/{i}") for i in range(1, n + 1)]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    data = tmp_path_factory.mktemp("web-bound")
    config = load_config(None, overrides={"data_dir": data, "search_total_bound": 2}, environ={})
    index = open_index(config.index_dir / "tantivy", "tantivy", create=True, writer=True)
    index.add(_docs())
    index.commit()
    index.close()
    served = serve_in_thread(create_app(config))
    with httpx.Client(base_url=served.base_url, timeout=30) as c:
        yield c
    served.stop()


def test_search_page_shows_a_lower_bound_as_n_plus(client):
    page = client.get("/search", params={"q": "行政复议"})
    assert page.status_code == 200
    assert re.search(r'id="total" title="至少 20 篇">20\+</strong> 篇', page.text)
    assert 'id="total-note"' in page.text and "匹配文件有 20 篇以上，未全部计数" in page.text
    sample = int(re.search(r"以下数字只统计最新的 (\d+) 篇匹配文件（抽样）", page.text).group(1))
    assert 20 <= sample < 500
    data = client.get("/api/search", params={"q": "行政复议", "limit": 1}).json()
    assert (data["total"], data["total_relation"], data["total_is_lower_bound"]) == (2, "gte", True)
    assert 2 <= data["facets_sample"] < 500


def test_exact_total_has_no_plus_and_no_note(client):
    page = client.get("/search", params={"q": "网上"})
    assert re.search(r'id="total">2</strong> 篇', page.text)
    assert "total-note" not in page.text and "抽样" not in page.text
    data = client.get("/api/search", params={"q": "网上"}).json()
    assert (data["total"], data["total_relation"], data["facets_sample"]) == (2, "eq", None)


def test_total_labels():
    assert total_label(10_000, True) == "10,000+"
    assert total_label(1_234, False) == "1,234"
    assert total_label(0, False) == "0"
    assert "按日期排序的结果是完整的" in bound_note(10_000, 23_417, "date")
    assert "23,417" in bound_note(10_000, 23_417, "relevance") and "相关度排序" in bound_note(10_000, None, "relevance")
