"""The WARC store: byte-exact round trips, revisits for identical payloads, torn tails repaired."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.rawstore import RawResponse, RawStore, RawStoreError, sha256_hex

GBK_BODY = "<html><head><meta charset='gb2312'></head><body>青山县教育局2021年政府信息公开工作年度报告</body></html>".encode(
    "gb18030")


def _response(url: str, body: bytes, **kw) -> RawResponse:
    headers = kw.pop("headers", [("Content-Type", "text/html; charset=gb2312"), ("ETag", '"abc"')])
    return RawResponse(url=url, status=kw.pop("status", 200), headers=headers, body=body,
                       fetched_at=dt.datetime(2024, 3, 1, 8, 30, 15, 123456), content_type="text/html", **kw)


def test_round_trip_is_byte_exact_and_warcio_readable(tmp_path):
    store = RawStore(tmp_path)
    rec = store.write(_response("http://127.0.0.1/zfxxgk/青山/t20220115_1.html", GBK_BODY,
                                headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip"),
                                         ("Content-Length", "17")]))
    store.close()
    assert rec.sha256 == sha256_hex(GBK_BODY) and not rec.is_revisit
    back = RawStore(tmp_path).read(rec.warc_file, rec.offset)
    assert back.body == GBK_BODY
    assert back.status == 200
    assert back.fetched_at == dt.datetime(2024, 3, 1, 8, 30, 15, 123456)
    assert back.header("X-Original-Content-Encoding") == "gzip"
    assert back.header("Content-Encoding") is None
    assert back.header("Content-Length") == str(len(GBK_BODY))
    assert back.header("X-Original-Content-Length") == "17"
    # Standard tools see a warcinfo record then the response, with an ASCII target URI.
    with open(tmp_path / rec.warc_file, "rb") as fh:
        records = list(ArchiveIterator(fh))
    assert [r.rec_type for r in records] == ["warcinfo", "response"]
    uri = records[1].rec_headers.get_header("WARC-Target-URI")
    assert uri == "http://127.0.0.1/zfxxgk/%E9%9D%92%E5%B1%B1/t20220115_1.html"
    assert records[1].rec_headers.get_header("WARC-Payload-Digest").startswith("sha256:")


def test_identical_payload_is_stored_once_as_revisit(tmp_path):
    with RawStore(tmp_path) as store:
        first = store.write(_response("http://h/a.pdf", b"%PDF-1.4 same bytes"))
        second = store.write(_response("http://h/b.pdf", b"%PDF-1.4 same bytes"))
    assert second.is_revisit and not first.is_revisit
    assert (second.payload_warc_file, second.payload_offset) == (first.warc_file, first.offset)
    # A later writer (another process, another file) still finds the payload.
    with RawStore(tmp_path) as store:
        third = store.write(_response("http://h/c.pdf", b"%PDF-1.4 same bytes"))
    assert third.is_revisit and third.warc_file != first.warc_file
    reader = RawStore(tmp_path)
    back = reader.read(third.warc_file, third.offset)
    assert back.url == "http://h/c.pdf" and back.body == b"%PDF-1.4 same bytes"
    with open(tmp_path / third.warc_file, "rb") as fh:
        rev = [r for r in ArchiveIterator(fh) if r.rec_type == "revisit"][0]
    assert rev.rec_headers.get_header("WARC-Refers-To-Target-URI") == "http://h/a.pdf"
    assert "identical-payload-digest" in rev.rec_headers.get_header("WARC-Profile")


def test_rotation_by_size_and_torn_tail_repair(tmp_path):
    with RawStore(tmp_path, max_file_size=2000) as store:
        recs = [store.write(_response(f"http://h/{i}.html", bytes([i]) + random.Random(i).randbytes(3000))) for i in range(4)]
    assert len({r.warc_file for r in recs}) > 1
    # Simulate a writer killed mid-record: garbage appended after the last complete record.
    last = tmp_path / recs[-1].warc_file
    good_size = last.stat().st_size
    with open(last, "ab") as fh:
        fh.write(b"\x1f\x8b\x08\x00torn")
    with RawStore(tmp_path) as store:
        store.write(_response("http://h/new.html", b"new"))
    assert last.stat().st_size == good_size
    with open(last, "rb") as fh:
        assert all(r.rec_type in ("warcinfo", "response") for r in ArchiveIterator(fh))
    for r in recs:
        assert RawStore(tmp_path).read(r.warc_file, r.offset).body[:1] == bytes([recs.index(r)])


def test_bad_offsets_raise_clear_errors(tmp_path):
    with RawStore(tmp_path) as store:
        rec = store.write(_response("http://h/x", b"x"))
    with pytest.raises(RawStoreError):
        RawStore(tmp_path).read("missing.warc.gz", 0)
    with pytest.raises(RawStoreError):
        RawStore(tmp_path).read(rec.warc_file, 0)  # the warcinfo record
    with pytest.raises(RawStoreError):
        RawStore(tmp_path).read(rec.warc_file, rec.offset + 3)


def test_stray_bytes_that_parse_as_a_record_raise_a_clear_error(tmp_path):
    """An offset that lands on bytes warcio still parses as a record, but one without a WARC-Date or HTTP
    headers (a misaligned offset inside a gzip member did, about one record in a hundred), raises
    RawStoreError, not a TypeError from deep inside warcio."""
    with RawStore(tmp_path) as store:
        rec = store.write(_response("http://h/x", b"x"))
    path = tmp_path / rec.warc_file
    stray_at = path.stat().st_size
    with open(path, "ab") as fh:
        fh.write(b"WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: http://h/y\r\n"
                 b"Content-Type: application/http; msgtype=response\r\nContent-Length: 19\r\n\r\n"
                 b"HTTP/1.1 200 OK\r\n\r\n\r\n\r\n")
    with pytest.raises(RawStoreError, match="malformed WARC record"):
        RawStore(tmp_path).read(rec.warc_file, stray_at)
