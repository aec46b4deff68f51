"""白河县 (``build_site(county="mixed")``): units speaking the portal families of dialects.md, with manifest truth."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import signal
import subprocess
import sys
from collections import Counter

import httpx
import pytest
from bs4 import BeautifulSoup

from disclosure.replica.manifest import load_manifest
from disclosure.replica.site import build_site

from .families_util import CHINA, norm, read_unit
from .util import start_replica

NEW = ("unitlist", "gkmlpt", "hanweb_datastore", "anhui", "static_list")
ATTACHMENT_TYPES = {"pdf": "application/pdf", "doc": "application/msword", "xls": "application/vnd.ms-excel",
                    "ofd": "application/ofd",
                    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _read_all(server, manifest):
    with httpx.Client(timeout=10) as client:
        return {u.code: read_unit(client, server.base_url, u) for u in manifest.units}


def test_units_families_and_presets(mixed_site, mixed_manifest, replica_site):
    m = mixed_manifest
    families = Counter(u.dialect for u in m.units)
    assert 12 <= len(m.units) <= 16 and len(m.units) < len(replica_site.units)
    assert all(families[f] >= 2 for f in NEW) and families["trs"] == 1 and families["hanweb"] == 1
    assert all(u.family == u.dialect for u in mixed_site.units)
    assert m.county == "白河县" and m.area_code != replica_site.area_code
    assert {u.kind for u in m.units} == {"county_government", "bureau", "township"}
    kinds = Counter(d.kind for d in m.documents)
    assert kinds["annual_report"] > 150 and kinds["notice"] > 100
    assert {u.dialect for u in replica_site.units} == {"trs", "hanweb"}
    with pytest.raises(ValueError, match="unknown county"):
        build_site(county="nowhere")
    with pytest.raises(ValueError, match="scale"):
        build_site(scale=2, county="mixed")


def test_every_manifest_url_answers_with_its_content_type(mixed_replica, mixed_manifest):
    m = mixed_manifest
    images = 0
    with httpx.Client(timeout=20) as client:
        for url in m.list_urls:
            r = client.get(url)
            assert r.status_code == 200, url
            ctype = r.headers["content-type"]
            if "/gkmlpt/api/" in url:
                assert ctype.startswith("application/json")
            elif "dataproxy.jsp" in url:
                assert ctype.startswith("text/xml")
            else:
                assert ctype.startswith("text/html")
        for unit in m.units:
            for url in (unit.platform_url, unit.annual_report_column_url, unit.notice_column_url):
                assert client.get(url).status_code == 200, url
        for doc in m.documents:
            r = client.get(doc.urls[0])
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), doc.urls[0]
            assert doc.versions[-1].title in r.text
            if doc.delivery == "html":
                assert doc.versions[-1].body_phrase in r.text
            for img in doc.body_images:  # image-only tables, next to the page
                assert f'src="{img.rsplit("/", 1)[1]}"' in r.text
                image = client.get(img)
                assert image.status_code == 200 and image.headers["content-type"] == "image/png"
                images += 1
            for att in doc.attachments:
                if m.unit(doc.unit).dialect in NEW:  # root-relative links (TRS links ./W0….pdf)
                    assert att.url.replace("&", "&amp;")[len(m.base_url):] in r.text
                a = client.get(att.url)
                assert a.status_code == 200 and a.headers["content-type"] == ATTACHMENT_TYPES[att.file_kind]
                assert hashlib.sha256(a.content).hexdigest() == att.sha256
    assert images > 0


def test_versions_conditional_get_and_dataproxy_by_post(mixed_replica, mixed_manifest):
    m = mixed_manifest
    doc = next(d for d in m.documents if len(d.versions) == 2 and d.delivery == "html"
               and m.unit(d.unit).dialect in NEW)
    v1, v2 = doc.versions
    before = (dt.datetime.fromisoformat(v2.appears_at) - dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    with httpx.Client(timeout=10) as client:
        mixed_replica.set_as_of(before)
        r1 = client.get(doc.urls[0])
        assert v1.body_phrase in r1.text and v2.body_phrase not in r1.text
        mixed_replica.set_as_of(None)
        r2 = client.get(doc.urls[0])
        assert v2.body_phrase in r2.text and r1.headers["ETag"] != r2.headers["ETag"]
        assert client.get(doc.urls[0], headers={"If-None-Match": r2.headers["ETag"]}).status_code == 304
        assert client.get(doc.urls[0], headers={"If-Modified-Since": r2.headers["Last-Modified"]}).status_code == 304
        proxy = next(u for u in m.list_urls if "dataproxy.jsp" in u and "perpage=10" in u)
        url, query = proxy.split("?", 1)
        by_post = client.post(url, data=dict(p.split("=") for p in query.split("&")))
        assert by_post.status_code == 200 and by_post.text == client.get(proxy).text


def test_lists_hold_every_document_exactly_once(mixed_replica, mixed_manifest):
    m = mixed_manifest
    listings = _read_all(mixed_replica, m)
    found = Counter(url for listing in listings.values() for url, _ in listing.entries)
    assert set(found) == {d.urls[0] for d in m.documents}
    assert set(found.values()) == {1}
    for doc in m.documents:  # each document is listed by its own unit, with its claimed date
        assert (doc.urls[0], doc.versions[0].claimed_published_at[:10]) in listings[doc.unit].entries
    for listing in listings.values():
        for dates in listing.per_list:
            assert dates == sorted(dates, reverse=True)  # newest first
    # the list URLs a complete reading fetched are exactly the manifest's
    fetched = [norm(u) for listing in listings.values() for u in listing.fetched]
    assert len(fetched) == len(set(fetched)) and set(fetched) == {norm(u) for u in m.list_urls}
    # mixed kinds in the unit lists and in gkmlpt category 0
    for unit in (u for u in m.units if u.dialect in ("unitlist", "gkmlpt")):
        kinds = {d.kind for d in m.documents if d.unit == unit.code}
        assert kinds == {"annual_report", "notice"}
    # planted: a unitlist unit of >= 3 pages, a static column of exactly one page
    unitlist_pages = [len(listings[u.code].fetched) for u in m.units if u.dialect == "unitlist"]
    assert max(unitlist_pages) >= 3
    single = [s for s in m.special_cases if s.kind == "single_page_column"]
    assert single
    with httpx.Client(timeout=10) as client:
        page = client.get(single[0].url).text
        assert "下一页" not in page and client.get(single[0].url.replace("list.html", "list-2.html")).status_code == 404


def test_time_travel_hides_future_documents_from_lists_and_apis(mixed_replica, mixed_site):
    as_of = "2020-03-01"
    early = mixed_site.manifest(mixed_replica.base_url, as_of=as_of)
    everything = mixed_site.manifest(mixed_replica.base_url)
    assert 0 < len(early.documents) < len(everything.documents)
    mixed_replica.set_as_of(as_of)
    listings = _read_all(mixed_replica, early)
    found = {url for listing in listings.values() for url, _ in listing.entries}
    assert found == {d.urls[0] for d in early.documents}
    fetched = {norm(u) for listing in listings.values() for u in listing.fetched}
    assert fetched == {norm(u) for u in early.list_urls}
    assert len(early.list_urls) < len(everything.list_urls)
    later = [d for d in everything.documents if d.first_appears_at[:10] > as_of]
    with httpx.Client(timeout=10) as client:
        assert later and all(client.get(d.urls[0]).status_code == 404 for d in later[::10])
        # past the last page: unitlist / static pages answer 404, gkmlpt an empty page
        gk = next(u for u in everything.units if u.dialect == "gkmlpt")
        last = max(u for u in everything.list_urls if u.startswith(gk.platform_url[:-len("index")] + "api/all/0"))
        assert client.get(last).json()["articles"] == []
        ul = [u for u in everything.list_urls if "/columns/" in u]
        assert any(client.get(u).status_code == 404 for u in ul if u not in early.list_urls)


def test_gkmlpt_json_epochs_tree_sid_and_planted_relative_url(mixed_replica, mixed_manifest):
    m = mixed_manifest
    by_url = {d.urls[0]: d for d in m.documents}
    listings = _read_all(mixed_replica, m)
    relative = [s for s in m.special_cases if s.kind == "root_relative_url"]
    assert len(relative) == 1
    seen_relative = 0
    for unit in (u for u in m.units if u.dialect == "gkmlpt"):
        articles = listings[unit.code].articles
        assert articles and len({a["id"] for a in articles}) == len(articles)
        for a in articles:
            url = a["url"] if a["url"].startswith("http") else m.base_url + a["url"]
            doc = by_url[url]
            claimed = dt.datetime.fromtimestamp(a["create_time"], CHINA).strftime("%Y-%m-%dT%H:%M")
            assert claimed == doc.versions[0].claimed_published_at
            assert a["created_at"][:16].replace(" ", "T") == claimed
            assert a["publisher"] == doc.publisher and a["title"] == doc.versions[-1].title
            assert a["identifier"] == doc.index_number
            seen_relative += not a["url"].startswith("http")
            if not a["url"].startswith("http"):
                assert url == relative[0].url
        root = unit.platform_url[: -len("/index")]
        sid = re.search(r"SID: '(\d+)'", httpx.get(unit.platform_url).text).group(1)
        tree = httpx.get(f"{root}/api/tree?sid={sid}").json()
        assert any("年报" in node["name"] for node in tree)
        ndbg = next(node["id"] for node in tree if "年报" in node["name"])
        reports = httpx.get(f"{root}/api/all/{ndbg}?page=1&sid={sid}").json()
        assert reports["total"] == sum(1 for d in m.documents if d.unit == unit.code and d.kind == "annual_report")
        assert httpx.get(f"{root}/api/all/0?page=1").status_code == 400  # no SID, no list
    assert seen_relative == 1


def test_detail_pages_carry_metadata_where_their_family_puts_it(mixed_replica, mixed_manifest):
    m = mixed_manifest
    with httpx.Client(timeout=10) as client:
        for doc in m.documents:
            family = m.unit(doc.unit).dialect
            if family not in NEW:
                continue
            html = client.get(doc.urls[0]).text
            soup = BeautifulSoup(html, "lxml")
            text = soup.get_text("\n")
            claimed = doc.versions[0].claimed_published_at
            if family == "unitlist":  # no publisher anywhere: the unit directory is the only source
                assert not re.search(r"来源|发布机构|发文机关|ContentSource", html, re.I)
                assert doc.publisher not in soup.select_one(".location").get_text()
                lines = [line.strip() for line in text.splitlines() if line.strip()]
                assert lines[lines.index("发布日期：") + 1] == claimed.replace("T", " ")  # value on the next line
            elif family == "static_list":
                metas = {t["name"].lower(): t["content"] for t in soup.find_all("meta", attrs={"name": True})}
                assert metas["articletitle"] == doc.versions[-1].title
                assert metas["pubdate"] == claimed.replace("T", " ") and metas["contentsource"] == doc.publisher
                assert f"发布时间：{claimed.replace('T', ' ')}" in text and "来源：" in text
            elif family == "gkmlpt":
                cells = [td.get_text() for td in soup.select("div.classify td")]
                for label in ("索引号：", "分类：", "发布机构：", "成文日期：", "名称：", "文号：", "发布日期："):
                    assert label in cells
                assert cells[cells.index("发布机构：") + 1] == doc.publisher
                assert cells[cells.index("索引号：") + 1] == doc.index_number
            elif family == "hanweb_datastore":
                items = [li.get_text() for li in soup.select("div.xxgk-info li")]
                assert f"发布机构：{doc.publisher}" in items and f"发布日期：{claimed[:10]}" in items
            else:  # anhui
                cells = [c.get_text() for c in soup.select("table.table_suoyin th, table.table_suoyin td")]
                assert cells[cells.index("发布机构：") + 1] == doc.publisher
                assert cells[cells.index("发布日期：") + 1] == claimed[:10]
            unit = m.unit(doc.unit)  # the page links back to its column (or the unit's list)
            hrefs = {m.base_url + a["href"] for a in soup.find_all("a", href=True) if a["href"].startswith("/")}
            assert hrefs & {unit.platform_url, unit.annual_report_column_url, unit.notice_column_url}


def test_home_and_platform_lead_to_every_unit(mixed_replica, mixed_manifest):
    m = mixed_manifest
    with httpx.Client(timeout=10) as client:
        home = BeautifulSoup(client.get(m.base_url + "/").text, "lxml")
        platform = home.find("a", string="政府信息公开")["href"]
        page = BeautifulSoup(client.get(m.base_url + platform).text, "lxml")
        sections = {div.h3.get_text(): {(m.base_url + a["href"], a.get_text()) for a in div.find_all("a")}
                    for div in page.select("div.xxgk-own, div.xxgk-units")}
    assert set(sections) == {"本级政府信息公开", "部门信息公开", "乡镇信息公开"}
    assert sections["部门信息公开"] == {(u.platform_url, u.name) for u in m.units if u.kind == "bureau"}
    assert sections["乡镇信息公开"] == {(u.platform_url, u.name) for u in m.units if u.kind == "township"}
    gov = next(u for u in m.units if u.kind == "county_government")
    assert sections["本级政府信息公开"] == {(gov.annual_report_column_url, "政府信息公开年报"),
                                     (gov.notice_column_url, "通知公告")}
    assert "/zfxxgknb/" in gov.annual_report_column_url and "/tzgg/" in gov.notice_column_url


def test_cli_serves_the_mixed_county(tmp_path):
    path = tmp_path / "m.json"
    proc, lines, base = start_replica("--county", "mixed", "--as-of", "2012-06-01", "--manifest", str(path))
    try:
        assert "白河县" in lines[0]
        manifest = load_manifest(path)
        assert manifest.county == "白河县" and manifest.base_url == base and manifest.as_of == "2012-06-01"
        assert manifest.documents and all(d.first_appears_at[:10] <= "2012-06-01" for d in manifest.documents)
        assert {u.dialect for u in manifest.units} >= set(NEW)
        assert httpx.get(manifest.list_urls[0]).status_code == 200
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    bad = subprocess.run([sys.executable, "-m", "disclosure", "replica", "--county", "mixed", "--scale", "2",
                          "--port", "0"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "--scale" in bad.stderr and "Traceback" not in bad.stderr
