"""The stored payload: a JSON head line, then the body as it is; payloads written before (one JSON object
holding the body) still read back."""

from __future__ import annotations

import datetime as dt
import json

from search.api import SearchDocument
from search.engines.common import decode_payload, encode_payload

DOC = SearchDocument(
    document_id=7, title="关于\n标题", body="一、总体情况\n本机关推进政务公开。\n\"引号\"\\ 与 {大括号}\n二、主动公开",
    sections={1: "本机关推进政务公开。", 2: "不在正文里"}, publisher="青山县教育局", publisher_aliases=["县教育局"],
    report_year=2021, kind="annual_report", published_at=dt.datetime(2022, 1, 18, 14, 13), portal="replica",
    url="http://127.0.0.1/7.html", version_id=3, capture_id=5)


def test_round_trip_keeps_every_field():
    data = encode_payload(DOC)
    head, _, body = data.partition("\n")
    assert body == DOC.body and "body" not in json.loads(head)
    assert decode_payload(data) == DOC


def test_an_empty_body_round_trips():
    doc = SearchDocument(document_id=8, title="无正文", body="")
    assert decode_payload(encode_payload(doc)) == doc


def test_payloads_written_before_still_read():
    old = json.loads(encode_payload(DOC).partition("\n")[0])
    old["body"] = DOC.body
    old["sections"] = [[1, DOC.body.find(DOC.sections[1]), len(DOC.sections[1])], [2, DOC.sections[2]]]
    assert decode_payload(json.dumps(old, ensure_ascii=False)) == DOC
