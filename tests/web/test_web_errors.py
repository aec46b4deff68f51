"""Hostile and malformed requests over every route: never a 500, the documented status and body, and the
connection still usable afterwards (issue 18)."""

from __future__ import annotations

import re

import httpx
import pytest

from .conftest import AS_OF_SECOND

HUGE = "99999999999999999999"
LONG = "复" * 5_000  # 45 KB percent-encoded: no route may echo it back
LONG_ASCII = "x" * 60_000

# (method, path, expected status): every route, with what a careless or hostile client sends it.
HOSTILE: list[tuple[str, str, int]] = [
    ("GET", "/nope", 404), ("GET", "/api/nope", 404), ("GET", "/doc/", 404),
    ("GET", f"/doc/{HUGE}", 404), ("GET", "/doc/-1", 404), ("GET", "/doc/abc", 404), ("GET", "/doc/0", 404),
    ("GET", f"/doc/{HUGE}/diff?a=1&b=2", 404), ("GET", "/doc/1/diff", 400), ("GET", f"/doc/1/diff?a={HUGE}&b=1", 400),
    ("GET", "/doc/1/diff?a=x&b=y", 400), ("GET", f"/doc/1?version={HUGE}", 400), ("GET", "/doc/1?version=abc", 400),
    ("GET", f"/api/documents/{HUGE}", 404), ("GET", "/api/documents/999999", 404),
    ("GET", "/api/documents/1?version=abc", 400),
    ("GET", f"/archive/{HUGE}", 404), ("GET", "/archive/999999", 404), ("GET", "/archive/x", 404),
    ("GET", "/timeliness?portal=nope", 404), ("GET", "/timeliness?from=2007", 400), ("GET", "/timeliness?to=9999", 400),
    ("GET", "/timeliness?from=2021&to=2015", 400), ("GET", "/timeliness?from=abc", 400),
    ("GET", "/timeliness.csv?year=2007", 400), ("GET", "/timeliness.csv?year=0", 400),
    ("GET", "/timeliness.csv?year=9999", 400), ("GET", "/timeliness.csv", 400), ("GET", "/timeliness.csv?year=x", 400),
    ("GET", "/timeliness.csv?year=2020&portal=nope", 404),
    ("GET", "/api/timeliness?year=2007", 400), ("GET", "/api/timeliness?year=9999", 400),
    ("GET", "/api/timeliness?year=2020&portal=nope", 404), ("GET", "/api/timeliness", 400),
    ("GET", "/timeliness/1/9999", 404), ("GET", "/timeliness/1/0", 404), ("GET", f"/timeliness/{HUGE}/2020", 404),
    ("GET", "/timeliness/999999/2020", 404), ("GET", "/timeliness/1/9999/evidence.zip", 404),
    ("GET", "/figures?key=*", 400), ("GET", "/figures?key=requests.new.total%27--", 400),
    ("GET", "/figures?year_from=0", 400), ("GET", "/api/figures?key=*", 400), ("GET", "/api/figures?key=.*", 400),
    ("GET", "/api/figures?key=requests.new.total&limit=100000", 400), ("GET", "/api/figures?offset=-1", 400),
    ("GET", "/figures.csv?key=*", 400),
    ("GET", "/search?page=99999", 400), ("GET", "/search?year_from=9999", 400), ("GET", "/search?section=9", 400),
    ("GET", "/search?kind=<script>", 400), ("GET", "/search?sort=evil", 400), ("GET", "/search?limit=100000", 400),
    ("GET", f"/search?q={LONG}", 400), ("GET", f"/api/search?q={LONG}", 400), ("GET", "/api/search?page=x", 400),
    ("GET", "/api/search?q=%22%E6%9C%AA", 400), ("GET", f"/search.csv?q={LONG}", 400),
    ("GET", f"/api/search?q={LONG_ASCII}", 400), ("GET", f"/api/figures?key={LONG_ASCII}", 400),
    ("GET", f"/api/timeliness?year={LONG_ASCII}", 400), ("GET", f"/doc/1?version={LONG_ASCII}", 400),
    ("GET", "/unit/999999", 404), ("GET", f"/unit/{HUGE}", 404), ("GET", "/unit/1?a=0", 400),
    ("POST", "/search", 405), ("DELETE", "/api/documents/1", 405), ("PUT", "/figures", 405),
]


@pytest.fixture(scope="module")
def client(live_web):
    with httpx.Client(base_url=live_web.base_url, timeout=60) as c:
        yield c


@pytest.mark.parametrize(("method", "path", "status"), HOSTILE, ids=[f"{m} {p[:50]}" for m, p, _ in HOSTILE])
def test_hostile_request_gets_its_documented_answer(client, method, path, status):
    response = client.request(method, path)
    assert response.status_code == status, (path, response.status_code, response.text[:300])
    assert len(response.content) < 20_000 or response.headers["content-type"].startswith("text/html")
    assert "复" * 10 not in response.text and "x" * 50 not in response.text  # a request is never echoed back
    if path.startswith("/api/") and status != 405:
        assert set(response.json()) == {"error"} and response.json()["error"]
        assert not response.json()["error"].isascii()
    elif status in (400, 404):
        assert response.headers["content-type"].startswith("text/html")
        assert 'id="error-message"' in response.text and 'href="/timeliness"' in response.text  # the navigation
        message = re.search(r'id="error-message">([^<]*)<', response.text).group(1)
        assert message and not message.isascii()
    # The keep-alive connection survives: the next request on the same client is answered.
    assert client.get("/api/status").status_code == 200


def test_head_answers_on_every_page(client, live_web):
    doc = client.get("/api/search", params={"q": "年度报告"}).json()["hits"][0]["document_id"]
    for path in ("/search", f"/doc/{doc}", "/timeliness", "/figures", "/status", "/api/status",
                 "/timeliness.csv?year=2020", f"/api/documents/{doc}", "/api/openapi.json"):
        response = client.head(path)
        assert response.status_code == 200, path
        assert response.content == b""
    assert client.head("/nope").status_code == 404


def test_api_figures_is_bounded_and_paged(client):
    first = client.get("/api/figures", params={"key": "requests.*", "limit": 50}).json()
    assert first["total"] > 50 and len(first["rows"]) == 50 and first["offset"] == 0
    second = client.get(first["next"]).json()
    assert second["offset"] == 50 and second["rows"][0] != first["rows"][0]
    assert client.get("/api/figures", params={"key": "requests.new.total"}).json()["limit"] == 1000


def test_too_broad_a_key_pattern_is_refused_with_a_clear_message(live_web, monkeypatch):
    from disclosure.config import load_config
    from disclosure.web import app as web_app

    # The cap counts rows before loading any: with a small cap the archive's figures already exceed it.
    monkeypatch.setattr(web_app, "FIGURES_CAP", 100)
    from fastapi.testclient import TestClient

    with TestClient(web_app.create_app(load_config(live_web.archive.config_path, environ={}))) as tc:
        response = tc.get("/api/figures", params={"key": "requests.*"})
        assert response.status_code == 400 and "上限 100" in response.json()["error"]
        assert tc.get("/api/figures", params={"key": "review.total"}).status_code == 200


def test_version_of_another_document_is_not_found(client):
    hits = client.get("/api/search", params={"q": "年度报告", "limit": 2}).json()["hits"]
    one, other = (h["document_id"] for h in hits[:2])
    version_of_other = client.get(f"/api/documents/{other}").json()["version"]["id"]
    assert client.get(f"/doc/{one}", params={"version": version_of_other}).status_code == 404
    assert client.get(f"/api/documents/{one}", params={"version": version_of_other}).status_code == 404
    assert client.get(f"/doc/{other}", params={"version": version_of_other}).status_code == 200


@pytest.mark.parametrize("mode", ["gbk_declared", "gbk_meta_utf8"])
def test_archived_gbk_page_is_served_with_the_detected_charset(client, live_web, mode):
    manifest = live_web.archive.replica.site.manifest(live_web.archive.replica.base_url, as_of=AS_OF_SECOND)
    cases = [s for s in manifest.special_cases if s.kind == mode or getattr(s, "detail", None) == mode]
    assert cases, mode
    codes = {c.target for c in cases}
    names = {u.name for u in manifest.units if u.code in codes and u.encoding != "utf-8"}
    doc = next(d for d in manifest.documents if d.publisher in names and d.kind == "notice")
    found = client.get("/api/search", params={"q": f'"{doc.versions[-1].body_phrase}"'}).json()["hits"]
    capture = client.get(f"/api/documents/{found[0]['document_id']}").json()["archived_capture_id"]
    archived = client.get(f"/archive/{capture}")
    charset = archived.headers["content-type"].split("charset=")[-1]
    assert charset.lower() in ("gb18030", "gbk", "gb2312"), archived.headers["content-type"]
    assert doc.versions[-1].body_phrase in archived.content.decode(charset)
