"""``label：value`` metadata in every layout detail pages use (issue 14 item 5).

The pages in ``tests/parse/pages/`` are small hand-written detail pages. Their layouts follow public page
templates of Chinese government sites seen through code search (not copied): the gov.cn policy page's
``<table class="bd1">`` with ``<b>索 引 号：</b>`` label cells and guideline ``<meta>`` tags; county
政府信息公开 templates that print ``<strong>索 引 号：</strong>value`` or ``名&nbsp;&nbsp;称：`` in table cells;
``<ul><li><span>label：</span>value`` blocks; ``<dl><dt>label</dt><dd>value``; label ``<div>`` + value
``<div>``; and domain/dialects.md "Detail pages". Expected values are written out by hand.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from archive.parse import metadata as md
from archive.parse import parse_document
from archive.parse.textutil import parse_date

PAGES = Path(__file__).parent / "pages"
BASE = "http://www.qingshan.gov.cn/xxgk/"


def parse(name: str, **kwargs):
    return parse_document((PAGES / name).read_bytes(), url=BASE + name, **kwargs)


def test_govcn_table_with_spaced_labels_and_meta_tags():
    doc = parse("govcn_table.html")
    assert doc.index_number == "000014349/2024-00021"  # 索&nbsp;&nbsp;引&nbsp;&nbsp;号：
    assert (doc.publisher, doc.publisher_source) == ("青山县人民政府办公室", "catalog_block")  # 发文机关
    assert doc.doc_number == "青政办发〔2024〕7号"  # 发文字号
    assert doc.meta["成文日期"] == "2024年04月06日" and doc.meta["发布日期"] == "2024年04月08日"
    assert doc.meta["标题"].startswith("青山县人民政府办公室关于印发")  # 标　　题：
    assert doc.meta["主题分类"].startswith("城乡建设")
    # meta names in any case and attribute order; PubDate first in the order of trust
    assert doc.meta["ArticleTitle"] == doc.title and doc.meta["SiteIDCode"] == "1508240001"
    assert doc.meta["ContentSource"] == "青山县人民政府办公室"
    assert (doc.published_at, doc.published_at_source) == (dt.datetime(2024, 4, 8, 16, 40), "meta_tag")


def test_list_items_with_label_spans():
    doc = parse("ul_li_span.html")
    assert doc.index_number == "11341702486344515H/202110-00013"
    assert (doc.publisher, doc.publisher_source) == ("青山县民政局", "catalog_block")
    assert doc.doc_number == "青民发〔2021〕12号"  # <li>文号：…</li>, no span
    assert doc.meta["信息分类"] == "通知公告" and doc.meta["有效性"] == "有效"
    assert (doc.published_at, doc.published_at_source) == (dt.date(2021, 10, 9), "catalog_block")  # 2021/10/9


def test_definition_list_without_colons():
    doc = parse("dl_dt_dd.html")
    assert doc.index_number == "6107280000/2024-001005"
    assert (doc.publisher, doc.publisher_source) == ("青山县农业农村局", "catalog_block")
    assert doc.doc_number == "青农发〔2024〕3号"
    assert doc.meta["主题分类"] == "农业、林业、水利"
    assert (doc.published_at, doc.published_at_source) == (dt.date(2024, 3, 28), "catalog_block")  # 成文日期


def test_label_div_then_value_div_and_bracketed_label():
    doc = parse("div_label_value.html")
    assert doc.index_number == "003129766/202202-00015"  # 【索引号】
    assert (doc.publisher, doc.publisher_source) == ("青山县卫生健康局", "catalog_block")
    assert (doc.published_at, doc.published_at_source) == (dt.date(2022, 2, 15), "catalog_block")
    # 文号 with an empty value cell: the headline below is no document number
    assert "文号" not in doc.meta and doc.doc_number is None


def test_spaced_labels_half_width_colon_and_square_brackets_gbk():
    doc = parse("spaced_labels.html")  # saved as GB18030, declared gb2312
    assert doc.index_number == "QSSLJ-2024-0406"  # [索引号] value
    assert (doc.publisher, doc.publisher_source) == ("青山县水利局", "catalog_block")  # 发 布 机 构:
    assert doc.doc_number == "青水通〔2024〕2号"  # 文&nbsp;&nbsp;&nbsp;号：
    # "生 成 日 期：" is a 生成日期, not a visible "日期：" line
    assert (doc.published_at, doc.published_at_source) == (dt.date(2024, 4, 6), "catalog_block")


def test_value_on_the_line_after_its_label():
    doc = parse("label_next_line.html")
    assert doc.meta["发布机构"] == "青山县林业局"
    assert (doc.published_at, doc.published_at_source) == (dt.datetime(2024, 1, 20, 9, 30), "catalog_block")
    text = "青山县林业局\n发布日期：\n2022-02-15\n发文机关\n青山县林业局\n正文从这里开始。".encode()
    doc = parse_document(text, filename="notice.txt")
    assert doc.meta["发布日期"] == "2022-02-15" and doc.meta["发文机关"] == "青山县林业局"
    assert doc.published_at == dt.date(2022, 2, 15)


def test_heading_row_above_value_row_pairs_nothing():
    """Labels in one row and values in the next cannot be paired by reading order: nothing is guessed."""
    doc = parse("header_row_table.html")
    assert doc.meta == {}
    assert doc.index_number is None and doc.published_at is None
    assert (doc.publisher, doc.publisher_source) == ("青山县林业局", "title_issuer")  # the title names it


def test_page_naming_no_publisher():
    doc = parse("no_publisher_notice.html")
    assert doc.meta["来源"] == "本站"  # names no one
    assert (doc.publisher, doc.publisher_source) == (None, None)
    doc = parse("no_publisher_notice.html", unit_hint="青山县统计局")
    assert (doc.publisher, doc.publisher_source) == ("青山县统计局", "unit_hint")


def test_report_without_a_stated_publisher_prefers_the_unit_hint_to_a_guess():
    """A report whose text mentions another organisation most: that name is only a guess."""
    html = ("<html><head><title>2023年政府信息公开工作年度报告</title></head><body><h1>2023年政府信息公开工作年度报告"
            "</h1><div id='zoom'><p>一、总体情况</p><p>根据青山县人民政府统一部署，按照青山县人民政府办公室要求，"
            "依照青山县人民政府有关规定开展工作。</p><p>本年度报告中使用数据统计期限为2023年1月1日至2023年12月31日。</p>"
            "</div></body></html>").encode()
    doc = parse_document(html, url=BASE + "ndbg/1.html")
    assert doc.kind == "annual_report" and doc.year == 2023
    assert doc.publisher_source == "text_guess" and "青山县人民政府" in doc.publisher  # (按照…办公室: a guess)
    doc = parse_document(html, url=BASE + "ndbg/1.html", unit_hint="青山县统计局")
    assert (doc.publisher, doc.publisher_source) == ("青山县统计局", "unit_hint")


def test_content_source_names_the_publisher_when_no_field_does():
    page = ('<html><head>{meta}<title>关于G207线施工期间交通管制的通告</title></head><body>{line}'
            '<h1>关于G207线施工期间交通管制的通告</h1><div id="zoom"><p>因施工需要，实行交通管制。</p></div></body></html>')
    doc = parse_document(page.format(meta='<meta content="青山县交通运输局" name="ContentSource">', line="").encode())
    assert (doc.publisher, doc.publisher_source) == ("青山县交通运输局", "meta_tag")
    doc = parse_document(page.format(meta="", line="<div>发布时间：2024-05-02 来源：青山县交通运输局</div>").encode())
    assert (doc.publisher, doc.publisher_source) == ("青山县交通运输局", "visible_line")


@pytest.mark.parametrize("text, expected", [
    ("2024-04-06", dt.date(2024, 4, 6)),
    ("2024年04月06日 16:40", dt.datetime(2024, 4, 6, 16, 40)),
    ("2024/4/6", dt.date(2024, 4, 6)),
    ("2024.4.6", dt.date(2024, 4, 6)),
    ("２０２４年４月６日", dt.date(2024, 4, 6)),
])
def test_date_forms(text, expected):
    assert parse_date(text) == expected
    assert md.catalog_fields(["成文日期", text]) == {"成文日期": text}  # a date on the next line


@pytest.mark.parametrize("lines, expected", [
    (["索引号：A/1 主题分类：综合政务"], {"索引号": "A/1", "主题分类": "综合政务"}),
    (["【发布机构】青山县民政局"], {"发布机构": "青山县民政局"}),
    (["[发文字号]：青民发〔2021〕3号"], {"发文字号": "青民发〔2021〕3号"}),
    (["发 布 机 构", "青山县民政局"], {"发布机构": "青山县民政局"}),
    (["索引号 003129766/201901-00336 发布机构 青山县民政局"],
     {"索引号": "003129766/201901-00336", "发布机构": "青山县民政局"}),
    (["发布机构", "2024-01-02"], {}),  # a date is no publisher
    (["发布日期", "青山县民政局"], {}),  # a name is no date
    (["发布机构 负责全县民政工作：包括社会救助"], {}),  # prose, not a field
    (["本局发布机构改革方案：详见附件"], {}),  # a label inside a word
])
def test_catalog_lines(lines, expected):
    assert md.catalog_fields(lines) == expected


def test_deep_nesting_is_walked_without_recursion():
    """A page nested 100,000 elements deep is read (an explicit stack, not Python recursion)."""
    depth = 100_000
    html = ("<html><body><div id='zoom'>" + "<div>" * depth + "<p>发布机构：青山县民政局</p><table><tr><td>"
            + "<span>" * depth + "值</td></tr></table>" + "</div>" * depth + "</div></body></html>").encode()
    doc = parse_document(html)
    assert doc.publisher == "青山县民政局"
    assert "值" in doc.body_text
