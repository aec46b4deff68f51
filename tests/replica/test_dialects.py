"""Both CMS dialects list exactly the manifest's documents, in the documented way."""

from __future__ import annotations

import math
import re

import httpx

from .util import hanweb_list_links, page_text, trs_list_links

KIND_COLUMN = {"annual_report": "ndbg", "notice": "tzgg"}


def _expected(manifest, unit: str, kind: str) -> dict[str, str]:
    return {d.urls[0]: d.versions[0].claimed_published_at[:10] for d in manifest.documents
            if d.unit == unit and d.kind == kind}


def test_trs_columns_page_count_and_entries(replica, replica_manifest):
    m = replica_manifest
    broken = {s.url for s in m.special_cases if s.kind == "not_found"}
    checked = 0
    with httpx.Client(timeout=10) as client:
        for unit in (u for u in m.units if u.dialect == "trs"):
            for kind, column_url in (("annual_report", unit.annual_report_column_url),
                                     ("notice", unit.notice_column_url)):
                count, links = trs_list_links(client, column_url)
                expected = _expected(m, unit.code, kind)
                got = {url: date for url, date in links if url not in broken}
                assert got == expected, (unit.code, kind)
                assert count == max(1, math.ceil(len(links) / 15))
                dates = [date for _, date in links]
                assert dates == sorted(dates, reverse=True)  # newest first
                checked += len(expected)
    assert checked > 500


def test_hanweb_dataproxy_lists_every_entry(replica, replica_manifest):
    m = replica_manifest
    hanweb = [u for u in m.units if u.dialect == "hanweb"]
    assert len(hanweb) >= len(m.units) // 4
    with httpx.Client(timeout=10) as client:
        for unit in hanweb:
            for kind, column_url in (("annual_report", unit.annual_report_column_url),
                                     ("notice", unit.notice_column_url)):
                page = client.get(column_url)
                assert page.status_code == 200
                assert "<li>" not in page.text  # entries come only from dataproxy.jsp
                column_id = int(re.search(r"columnid: (\d+)", page.text).group(1))
                assert f"/col/col{column_id}/" in column_url
                total, links = hanweb_list_links(client, replica.base_url, column_id)
                expected = _expected(m, unit.code, kind)
                assert total == len(expected) == len(links)
                assert dict(links) == expected
                assert all(re.search(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$", u) for u, _ in links)


def test_central_column_repeats_reports_at_a_second_url(replica, replica_manifest):
    m = replica_manifest
    central = {d.urls[1]: d for d in m.documents if len(d.urls) > 1}
    assert len(central) > 30
    with httpx.Client(timeout=10) as client:
        _, links = trs_list_links(client, replica.base_url + "/zfxxgk/zfxxgknb/index.html")
        assert {u for u, _ in links} == set(central)
        for url, doc in list(central.items())[:10]:
            a, b = client.get(url), client.get(doc.urls[0])
            assert doc.versions[-1].body_phrase in a.text
            assert doc.versions[-1].body_phrase in page_text(m, doc, doc.urls[0], b.content)


def test_wap_twins_serve_the_same_document(replica, replica_manifest):
    docs = [d for d in replica_manifest.documents if d.wap_urls and d.delivery == "html"][:40]
    with httpx.Client(timeout=10) as client:
        for doc in docs:
            for url in doc.wap_urls:
                r = client.get(url)
                text = page_text(replica_manifest, doc, url, r.content)
                assert doc.versions[-1].body_phrase in text and doc.versions[-1].title in text
                assert "m-content" in text
