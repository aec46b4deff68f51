"""The web application over a crawled replica archive: data agrees with the archive, nothing unsafe gets through."""

from __future__ import annotations

import re

import httpx
import pytest
from markupsafe import escape
from sqlalchemy import func, select

from archive.db import open_database
from archive.models import Document
from disclosure.config import load_config

from .conftest import AS_OF_SECOND


@pytest.fixture(scope="module")
def client(live_web):
    with httpx.Client(base_url=live_web.base_url, timeout=30) as c:
        yield c


@pytest.fixture(scope="module")
def manifest(live_web):
    return live_web.archive.replica.site.manifest(live_web.archive.replica.base_url, as_of=AS_OF_SECOND)


@pytest.fixture(scope="module")
def db(live_web):
    return open_database(load_config(live_web.archive.config_path, environ={}).database_url)


def _doc_id_by_phrase(client, phrase: str) -> int:
    data = client.get("/api/search", params={"q": f'"{phrase}"'}).json()
    assert data["total"] == 1, (phrase, data["total"])
    return data["hits"][0]["document_id"]


def test_search_finds_reports_and_facets_agree_with_the_archive(client, db):
    data = client.get("/api/search", params={"q": "复议", "kind": "annual_report"}).json()
    with db.session() as s:
        reports = s.scalar(select(func.count()).select_from(Document).where(Document.kind == "annual_report"))
        by_year = dict(s.execute(select(Document.report_year, func.count()).where(
            Document.kind == "annual_report").group_by(Document.report_year)).all())
    assert 0 < data["total"] <= reports
    # Every report since 2019 has a 复议 section heading: each year's facet equals that year's reports.
    year_facet = {int(v): n for v, n in data["facets"]["year"]}
    for year in (2019, 2020):
        assert year_facet[year] == by_year[year]
    # A facet's own filter does not zero the other values of that facet.
    kinds = dict(client.get("/api/search", params={"q": "通知", "kind": "notice"}).json()["facets"]["kind"])
    assert kinds.get("notice", 0) > 0 and len(kinds) >= 2


def test_search_page_holds_the_whole_query_in_its_url(client):
    page = client.get("/search", params={"q": "行政复议", "year_from": 2019, "year_to": 2019, "sort": "date"})
    assert page.status_code == 200
    links = re.findall(r'href="(/search\?[^"]+page=2[^"]*)"', page.text)
    assert links and "year_from=2019" in links[0] and "sort=date" in links[0]
    assert int(re.search(r'id="total">([\d,]+)<', page.text).group(1).replace(",", "")) > 0


def test_document_page_shows_sections_tables_and_failed_checks(client, manifest):
    planted = next(d for d in manifest.documents if d.kind == "annual_report" and d.delivery == "html"
                   and d.versions[-1].planted_inconsistencies and d.format in ("2019", "2021"))
    doc_id = _doc_id_by_phrase(client, planted.versions[-1].body_phrase)
    page = client.get(f"/doc/{doc_id}").text
    assert planted.publisher in page
    for section in planted.versions[-1].sections:
        assert section.heading.strip() in page
    assert 'id="failed-checks"' in page and 'class="failed' in page
    for rule in planted.versions[-1].planted_inconsistencies:
        assert rule in page
    api = client.get(f"/api/documents/{doc_id}").json()
    assert {r for r in api["failed_rules"]} >= set(planted.versions[-1].planted_inconsistencies)


def test_edited_report_has_versions_and_a_diff(client, manifest):
    from .conftest import AS_OF_FIRST

    edited = next(d for d in manifest.documents if len(d.versions) > 1 and d.delivery == "html"
                  and d.versions[0].appears_at[:10] <= AS_OF_FIRST < d.versions[1].appears_at[:10])
    doc_id = _doc_id_by_phrase(client, edited.versions[-1].body_phrase)
    api = client.get(f"/api/documents/{doc_id}").json()
    assert len(api["versions"]) == 2
    a, b = (v["id"] for v in api["versions"])
    diff = client.get(f"/doc/{doc_id}/diff", params={"a": a, "b": b})
    assert diff.status_code == 200 and "diff_" in diff.text


def test_archived_copy_is_sandboxed(client, manifest):
    doc = next(d for d in manifest.documents if d.kind == "notice")
    doc_id = _doc_id_by_phrase(client, doc.versions[-1].body_phrase)
    capture = client.get(f"/api/documents/{doc_id}").json()["archived_capture_id"]
    archived = client.get(f"/archive/{capture}")
    assert archived.status_code == 200
    assert archived.headers["content-security-policy"].startswith("sandbox")
    assert doc.versions[-1].body_phrase in archived.content.decode("utf-8", "replace") or archived.content


def test_timeliness_csv_has_a_row_per_expected_unit(client, manifest):
    csv_text = client.get("/timeliness.csv", params={"year": 2020}).content.decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("portal,unit,unit_kind,report_year,status")
    published = {d.publisher for d in manifest.documents if d.kind == "annual_report" and d.report_year == 2020}
    rows = {line.split(",")[1] for line in lines[1:]}
    assert published <= rows
    statuses = {line.split(",")[4] for line in lines[1:]}
    assert statuses <= {"on_time", "late", "missing", "pending", "early_suspicious"}


def test_figures_csv_matches_the_manifest(client, manifest):
    text = client.get("/figures.csv", params={"key": "requests.new.total"}).content.decode("utf-8-sig")
    got = {}
    for line in text.strip().splitlines()[1:]:
        cells = line.split(",")
        got[(cells[1], int(cells[2]))] = cells[4]
    expected = {(d.publisher, d.report_year): d.versions[-1].figures.get("requests.new.total")
                for d in manifest.documents if d.kind == "annual_report" and d.delivery == "html"
                and "requests.new.total" in d.versions[-1].figures and not d.expected_flags}
    checked = 0
    for key, value in expected.items():
        if key in got and value is not None:
            assert float(got[key]) == value, key
            checked += 1
    assert checked > 20


@pytest.mark.parametrize("path", ["/archive/../../etc/passwd", "/static/../../../etc/passwd",
                                  "/static/%2e%2e/%2e%2e/etc/passwd", "/archive/1%2F..%2F..%2Fetc%2Fpasswd"])
def test_no_path_leads_outside_the_archive(client, path):
    response = client.get(path)
    assert response.status_code in (404, 422)
    assert "root:" not in response.text


def test_oversized_and_malformed_queries_are_refused_clearly(client):
    assert client.get("/search", params={"q": "复" * 5000}).status_code == 400
    assert client.get("/api/search", params={"q": "复" * 5000}).status_code in (400, 422)
    bad = client.get("/search", params={"q": '"未闭合'})
    assert bad.status_code == 200 and 'id="search-error"' in bad.text
    assert client.get("/search", params={"page": "99999"}).status_code == 400
    assert client.get("/search", params={"kind": "<script>"}).status_code == 400


def test_script_in_a_query_is_escaped(client):
    page = client.get("/search", params={"q": '"<script>alert(1)</script>"'}).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_no_request_changes_the_archive(client):
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        assert client.request(method, "/search").status_code == 405
        assert client.request(method, "/api/documents/1").status_code == 405


def test_openapi_describes_the_json_api(client):
    spec = client.get("/api/openapi.json").json()
    assert {"/api/search", "/api/documents/{document_id}", "/api/timeliness", "/api/figures", "/api/status"} <= set(
        spec["paths"])


def _hostile(manifest):
    case = next(s for s in manifest.special_cases if s.kind == "hostile_content")
    return next(d for d in manifest.documents if d.urls[0] == case.url)


def test_hostile_crawled_title_body_and_file_name_are_escaped(client, manifest):
    doc = _hostile(manifest)
    doc_id = _doc_id_by_phrase(client, doc.versions[-1].body_phrase)
    api = client.get(f"/api/documents/{doc_id}").json()
    assert api["title"] == doc.versions[-1].title  # the markup survives as text, nothing is lost
    text = client.get(f"/doc/{doc_id}").text
    for raw in ("<script>alert", "<img src=x", "<b onmouseover", "<svg", "<iframe src", "javascript:"):
        assert raw not in text, raw
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in text
    assert api["attachments"] and all(str(escape(a["filename"])) in text for a in api["attachments"])
    hits = client.get("/search", params={"q": "网站安全检查"}).text
    assert "<script>alert" not in hits and "<img src=x" not in hits and "&lt;script&gt;" in hits
    archived = client.get(f"/archive/{api['archived_capture_id']}")
    assert archived.headers["content-security-policy"].startswith("sandbox")
    assert "<script>alert('x')" in archived.text  # served as crawled, made harmless by the sandbox only


def test_only_web_urls_become_links():
    from disclosure.web.app import safe_href

    assert safe_href("http://a.example/x") == "http://a.example/x"
    assert safe_href(" JaVaScRiPt:alert(2)") == safe_href("data:text/html,x") == safe_href(None) == "#"


def test_no_results_message_and_publisher_facet_widens(client):
    empty = client.get("/search", params={"q": '"这句话不会出现在任何文件里"'}).text
    assert 'id="no-results"' in empty
    publishers = [v for v, _n in client.get("/api/search", params={"q": "通知"}).json()["facets"]["publisher"][:2]]
    one = client.get("/api/search", params={"q": "通知", "publisher": publishers[0]}).json()["total"]
    both = client.get("/api/search", params={"q": "通知", "publisher": publishers}).json()["total"]
    assert 0 < one < both
    page = client.get("/search", params={"q": "通知", "publisher": publishers[0]}).text
    assert 'id="no-results"' not in page and "可多选" in page
