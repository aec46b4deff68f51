"""URL canonicalisation, unit aliases and attachment names: hand-written expectations from real portals."""

from __future__ import annotations

import datetime as dt

import pytest

from archive.attachments_meta import file_kind, filename_from_headers, filename_from_url
from archive.identity import canonical_url, column_of, found_url, is_mobile_twin, parse_listed_date, url_date
from archive.unitmatch import UnitMatcher, UnitName, generate_aliases, guess_unit_kind

GAOTAI = "http://www.gaotai.gov.cn/zfxxgk/gzzfxxgk/mzzjj/ndbg/202201/t20220125_123.html"


@pytest.mark.parametrize("url, expected", [
    (GAOTAI.replace(".html", "_wap.html"), GAOTAI),
    (GAOTAI + "#zoom", GAOTAI),
    (GAOTAI.replace(".html", ".html;jsessionid=3F22DD1A9C0E1"), GAOTAI),
    (GAOTAI + "?sid=438c8d", GAOTAI),
    ("HTTP://WWW.Gaotai.gov.cn:80/zfxxgk/gzzfxxgk/mzzjj/ndbg/202201/t20220125_123.html", GAOTAI),
    ("http://x.gov.cn/info/iList.jsp?node_id=3&cur_page=2&PHPSESSID=ab", "http://x.gov.cn/info/iList.jsp?node_id=3&cur_page=2"),
])
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_found_url_keeps_the_twin_but_drops_sessions():
    wap = GAOTAI.replace(".html", "_wap.html")
    assert found_url(wap + "#top") == wap
    assert found_url(GAOTAI.replace(".html", ".html;jsessionid=AB")) == GAOTAI
    assert is_mobile_twin(wap) and not is_mobile_twin(GAOTAI)


def test_columns_separate_second_urls_from_same_column_reposts():
    central = "http://www.gaotai.gov.cn/zfxxgk/zfxxgknb/202201/t20220125_999.html"
    assert column_of(GAOTAI) == "www.gaotai.gov.cn/zfxxgk/gzzfxxgk/mzzjj/ndbg"
    assert column_of(central) != column_of(GAOTAI)
    assert column_of("http://a.gov.cn/art/2024/1/30/art_1229_77.html") == "a.gov.cn/art_1229"
    assert column_of("http://a.gov.cn/art/2023/2/3/art_1229_5.html") == "a.gov.cn/art_1229"


def test_dates_from_urls_and_list_cells():
    assert url_date(GAOTAI) == dt.datetime(2022, 1, 25)
    assert url_date("http://a.gov.cn/art/2024/1/30/art_1229_77.html") == dt.datetime(2024, 1, 30)
    assert url_date("http://a.gov.cn/content/post_1.html") is None
    assert url_date("http://a.gov.cn/x/202213/t20221340_1.html") is None  # not a date
    assert parse_listed_date("2022-02-15") == dt.datetime(2022, 2, 15)
    assert parse_listed_date("[2022年2月15日]") == dt.datetime(2022, 2, 15)
    assert parse_listed_date("2024/4/6 16:40") == dt.datetime(2024, 4, 6, 16, 40)
    assert parse_listed_date("昨天") is None


def test_unit_aliases_and_kinds():
    assert generate_aliases("高台县民族宗教事务局") == ["县民族宗教事务局", "民族宗教事务局", "县民宗局", "民宗局"]
    assert generate_aliases("青山县教育局") == ["县教育局", "教育局"]
    assert "城关镇" in generate_aliases("青山县城关镇人民政府")
    assert guess_unit_kind("青山县人民政府") == "county_government"
    assert guess_unit_kind("青山县城关镇人民政府") == "township"
    assert guess_unit_kind("青山县柳河乡") == "township"
    assert guess_unit_kind("青山县人民政府办公室") == "bureau"
    assert guess_unit_kind("佳县民政局") == "bureau"


def test_unit_matcher_maps_every_spelling_to_one_unit():
    matcher = UnitMatcher([UnitName(1, "高台县民族宗教事务局", []), UnitName(2, "高台县人民政府", []),
                           UnitName(3, "高台县教育局", ["县教体局"])])
    for spelling in ("高台县民族宗教事务局", "县民宗局", "民宗局", "高台县民宗局", " 高台县 民族宗教事务局 "):
        assert matcher.match(spelling) == 1, spelling
    assert matcher.match("县政府") == 2 and matcher.match("高台县政府") == 2
    assert matcher.match("县教体局") == 3
    assert matcher.match("临泽县民宗局") is None  # another county's bureau
    assert matcher.match("前将工作情况报送县政务公开办公室") is None
    assert matcher.match(None) is None


def test_attachment_names_from_headers_and_urls():
    assert filename_from_headers("attachment; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.pdf") == "年报.pdf"
    # GBK bytes a server put in a plain filename, read as Latin-1 by the HTTP library.
    mojibake = "年度报告.docx".encode("gbk").decode("latin-1")
    assert filename_from_headers(f'attachment; filename="{mojibake}"') == "年度报告.docx"
    assert filename_from_headers('attachment; filename="../../etc/passwd"') == "passwd"
    assert filename_from_headers('inline; filename="a\x00b\r\n.pdf"') == "ab.pdf"
    assert filename_from_headers(None) is None
    assert filename_from_url("http://a.gov.cn/x/%E9%99%84%E4%BB%B61%20%E6%8A%A5%E5%90%8D%E8%A1%A8.pdf") == "附件1 报名表.pdf"
    long = filename_from_headers('attachment; filename="' + "长" * 400 + '.pdf"')
    assert long is not None and len(long) <= 255 and long.endswith(".pdf")
    assert file_kind("报告.PDF", None) == "pdf"
    assert file_kind("downfile.jsp", "application/msword") == "doc"
    assert file_kind(None, "application/octet-stream") is None
