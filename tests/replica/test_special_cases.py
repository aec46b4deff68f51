"""Planted trouble answers as the manifest says."""

from __future__ import annotations

import re
import time
from urllib.parse import urljoin

import httpx
from bs4 import BeautifulSoup

from .util import PAGER, trs_list_links


def _case(m, kind):
    cases = [s for s in m.special_cases if s.kind == kind]
    assert cases, kind
    return cases


def test_redirect_broken_link_robots_waf(replica, replica_manifest):
    m = replica_manifest
    with httpx.Client(timeout=10) as client:
        redirect = _case(m, "redirect")[0]
        r = client.get(redirect.url)
        assert r.status_code == 301 and r.headers["Location"] == redirect.target
        assert client.get(redirect.url, follow_redirects=True).status_code == 200
        broken = _case(m, "not_found")[0]
        assert client.get(broken.url).status_code == 404
        unit = m.unit(broken.detail.split()[3].split("/")[0])
        assert broken.url in {u for u, _ in trs_list_links(client, unit.notice_column_url)[1]}
        robots = client.get(replica.base_url + "/robots.txt")
        assert robots.status_code == 200 and "Disallow: /private/" in robots.text
        private = _case(m, "robots_disallowed")[0].url
        home = client.get(replica.base_url + "/").text
        assert private.replace(replica.base_url, "") in home
        waf = client.get(_case(m, "waf")[0].url)
        assert waf.status_code == 412 and "<script>" in waf.text and len(waf.content) < 1000
        platform = client.get(replica.base_url + "/zfxxgk/index.html").text
        assert _case(m, "waf")[0].url.replace(replica.base_url, "") in platform


def test_error_once_then_ok_and_slow_page(replica, replica_manifest):
    m = replica_manifest
    with httpx.Client(timeout=10) as client:
        url = _case(m, "error_once")[0].url
        assert client.get(url).status_code == 500
        assert client.get(url).status_code == 200
        assert client.get(url).status_code == 200
        replica.reset_faults()
        assert client.get(url).status_code == 500
        slow = _case(m, "slow")[0].url
        started = time.perf_counter()
        assert client.get(slow).status_code == 200
        assert time.perf_counter() - started >= 1.9


def test_calendar_trap_is_endless(replica, replica_manifest):
    url = _case(replica_manifest, "trap_calendar")[0].url
    seen = set()
    with httpx.Client(timeout=10) as client:
        for _ in range(30):
            r = client.get(url)
            assert r.status_code == 200
            seen.add(url)
            links = [urljoin(url, a["href"]) for a in BeautifulSoup(r.text, "lxml").find_all("a")]
            url = links[-1]  # next month, forever
    assert len(seen) == 30 and url.endswith("month=2024-09")  # 2022-03 + 30 months


def test_session_id_variants_and_index_past_end(replica, replica_manifest):
    m = replica_manifest
    home = httpx.get(replica.base_url + "/").text
    variants = _case(m, "trap_session_id")
    assert {";jsessionid=" in v.url for v in variants} == {True, False}
    with httpx.Client(timeout=10) as client:
        for case in variants:
            assert case.url.replace(replica.base_url, "") in home
            a, b = client.get(case.url), client.get(case.target)
            assert a.status_code == b.status_code == 200 and a.content == b.content
        past = _case(m, "trap_index_past_end")[0].url
        r = client.get(past)
        count = int(PAGER.search(r.text).group(1))
        last = client.get(past.replace("index_99.html", f"index_{count - 1}.html" if count > 1 else "index.html"))
        assert r.status_code == 200 and count < 99 and r.text == last.text


def test_external_host_is_served_and_logged(replica, replica_manifest):
    m = replica_manifest
    external = [s.url for s in _case(m, "external")]
    assert any("localhost" in u for u in external) and any("www.gov.cn" in u for u in external)
    home = httpx.get(replica.base_url + "/").text
    assert all(u in home for u in external)
    local = next(u for u in external if "localhost" in u)
    replica.reset_log()
    assert httpx.get(local).status_code == 200
    hosts = [entry.host for entry in replica.request_log]
    assert hosts and all(re.match(r"localhost:\d+$", h) for h in hosts)


def test_hostile_notice_serves_markup_its_manifest_describes(replica, replica_manifest):
    """The hostile notice: escaped markup in the title (decoding to it), raw script in the body, a nasty file name."""
    case = _case(replica_manifest, "hostile_content")[0]
    doc = next(d for d in replica_manifest.documents if d.urls[0] == case.url)
    with httpx.Client(timeout=10) as client:
        r = client.get(case.url)
        assert r.status_code == 200
        soup = BeautifulSoup(r.text, "html.parser")
        assert soup.h1.get_text() == soup.title.get_text().rsplit("_", 1)[0] == doc.versions[-1].title
        assert "<script>alert('x')</script>" in doc.versions[-1].title
        body = soup.find(id="zoom")
        assert body.find("script") and body.find("img", onerror=True) and body.find("a", href=re.compile("^javascript:"))
        assert doc.versions[-1].body_phrase in body.get_text()
        att = doc.attachments[0]
        assert "../" in att.filename and '"' in att.filename and soup.select_one("div.attachments a").get_text() == att.filename
        assert client.get(att.url).status_code == 200
