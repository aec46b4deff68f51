"""The server serves the portal as of a date-time: documents appear, versions replace each other."""

from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime

import httpx

from .util import page_text, trs_list_links


def _minute_before(iso: str) -> str:
    return (dt.datetime.fromisoformat(iso) - dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")


def test_document_hidden_before_it_appears_and_listed_after(replica, replica_manifest):
    m = replica_manifest
    doc = next(d for d in m.documents if d.kind == "annual_report" and m.unit(d.unit).dialect == "trs"
               and d.report_year == 2020 and not d.expected_flags)
    column = m.unit(doc.unit).annual_report_column_url
    with httpx.Client(timeout=10) as client:
        replica.set_as_of(_minute_before(doc.first_appears_at))
        assert client.get(doc.urls[0]).status_code == 404
        assert client.get(doc.wap_urls[0]).status_code == 404
        assert doc.urls[0] not in {u for u, _ in trs_list_links(client, column)[1]}
        replica.set_as_of(doc.first_appears_at)
        r = client.get(doc.urls[0])
        assert r.status_code == 200 and doc.versions[0].body_phrase in page_text(m, doc, doc.urls[0], r.content)
        assert doc.urls[0] in {u for u, _ in trs_list_links(client, column)[1]}


def test_edited_document_serves_version_two_after_its_date(replica, replica_manifest):
    m = replica_manifest
    edited = [d for d in m.documents if "edited_after_publication" in d.expected_flags and d.delivery == "html"]
    assert edited and all(len(d.versions) == 2 for d in edited)
    doc = edited[0]
    v1, v2 = doc.versions
    assert v1.body_phrase != v2.body_phrase and v1.claimed_published_at == v2.claimed_published_at
    with httpx.Client(timeout=10) as client:
        replica.set_as_of(_minute_before(v2.appears_at))
        r1 = client.get(doc.urls[0])
        text1 = page_text(m, doc, doc.urls[0], r1.content)
        assert v1.body_phrase in text1 and v2.body_phrase not in text1
        replica.set_as_of(v2.appears_at)
        r2 = client.get(doc.urls[0])
        text2 = page_text(m, doc, doc.urls[0], r2.content)
        assert v2.body_phrase in text2 and v1.body_phrase not in text2
    assert r1.headers["ETag"] != r2.headers["ETag"]
    lm1, lm2 = (parsedate_to_datetime(r.headers["Last-Modified"]) for r in (r1, r2))
    assert lm1 == dt.datetime.fromisoformat(v1.appears_at + "+08:00")
    assert lm2 == dt.datetime.fromisoformat(v2.appears_at + "+08:00")


def test_manifest_as_of_keeps_only_what_was_online(replica, replica_site):
    as_of = "2022-03-01"
    early = replica_site.manifest(replica.base_url, as_of=as_of)
    everything = replica_site.manifest(replica.base_url)
    assert 0 < len(early.documents) < len(everything.documents)
    assert all(d.first_appears_at[:10] <= as_of for d in early.documents)
    assert all(v.appears_at[:10] <= as_of for d in early.documents for v in d.versions)
    assert {d.id for d in early.documents} == {d.id for d in everything.visible_documents(as_of)}
    replica.set_as_of(as_of)
    with httpx.Client(timeout=10) as client:
        for url in early.list_urls[:60]:
            assert client.get(url).status_code == 200
        later = [d for d in everything.documents if d.first_appears_at[:10] > as_of]
        assert later and all(client.get(d.urls[0]).status_code == 404 for d in later[:20])


def test_conditional_get_on_documents_and_attachments_not_lists(replica, replica_manifest):
    m = replica_manifest
    doc = next(d for d in m.documents if d.attachments)
    with httpx.Client(timeout=10) as client:
        for url in (doc.urls[0], doc.attachments[0].url):
            r = client.get(url)
            assert r.status_code == 200
            etag, lm = r.headers["ETag"], r.headers["Last-Modified"]
            assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
            assert client.get(url, headers={"If-Modified-Since": lm}).status_code == 304
            assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
            older = "Mon, 01 Jan 2001 00:00:00 GMT"
            assert client.get(url, headers={"If-Modified-Since": older}).status_code == 200
        r = client.get(m.unit(doc.unit).notice_column_url)
        assert "ETag" not in r.headers and "Last-Modified" not in r.headers
        assert client.get(m.list_urls[0], headers={"If-Modified-Since": lm}).status_code == 200
