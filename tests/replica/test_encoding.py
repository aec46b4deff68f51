"""GBK units are served as GB18030 bytes, declared correctly or misdeclared as the manifest says."""

from __future__ import annotations

import re

import httpx
import pytest

from .util import trs_list_links

META = re.compile(rb'<meta http-equiv="Content-Type" content="text/html; charset=([\w-]+)">')


@pytest.mark.parametrize("mode, header_charset, meta_charset", [
    ("gbk_declared", "gbk", b"gbk"), ("gbk_meta_utf8", None, b"utf-8"), ("gbk_conflict", "gb2312", b"utf-8")])
def test_gbk_pages_decode_as_gb18030_not_utf8(replica, replica_manifest, mode, header_charset, meta_charset):
    m = replica_manifest
    cases = [s for s in m.special_cases if s.detail == mode]
    assert cases and cases[0].kind == ("gbk_declared" if mode == "gbk_declared" else "gbk_misdeclared")
    unit = m.unit(cases[0].target)
    assert unit.encoding == "gb18030"
    docs = [d for d in m.documents if d.unit == unit.code]
    with httpx.Client(timeout=10) as client:
        _, links = trs_list_links(client, unit.annual_report_column_url)
        assert links
        for doc in docs[:15]:
            r = client.get(doc.urls[0])
            ctype = r.headers["Content-Type"].lower()
            if header_charset:
                assert ctype.endswith(f"charset={header_charset}")
            else:
                assert "charset" not in ctype
            assert META.search(r.content).group(1).lower() == meta_charset
            with pytest.raises(UnicodeDecodeError):
                r.content.decode("utf-8")
            text = r.content.decode("gb18030")
            assert doc.versions[-1].title in text
            if doc.delivery.startswith("html"):  # otherwise the body lives in the attachment
                assert doc.versions[-1].body_phrase in text


def test_utf8_units_are_utf8(replica, replica_manifest):
    m = replica_manifest
    doc = next(d for d in m.documents if m.unit(d.unit).encoding == "utf-8" and d.kind == "annual_report")
    r = httpx.get(doc.urls[0])
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert doc.versions[-1].title in r.content.decode("utf-8")
