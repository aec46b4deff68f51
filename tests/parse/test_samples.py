"""The real samples in /work/shared/domain: every expected value written out by hand from the text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from archive.parse import parse_document

DOMAIN = Path("/work/shared/domain")
SAMPLES = DOMAIN / "samples"
A_2021 = ["active.rules.issued", "active.rules.repealed", "active.rules.in_force", "active.normative_docs.issued",
          "active.normative_docs.repealed", "active.normative_docs.in_force", "active.licensing.decisions",
          "active.penalty.decisions", "active.coercion.decisions", "active.fees.amount"]
COLS = ["natural_person", "business", "research", "public_interest", "legal_service", "other_org", "total"]

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="domain samples not present")


def parse_sample(name: str):
    data = (SAMPLES / name).read_bytes() if (SAMPLES / name).exists() else (DOMAIN / name).read_bytes()
    first = data.split(b"\n", 1)[0].decode()
    url = first.split()[1] if first.startswith("SOURCE:") else None
    return parse_document(data, url=url, filename=name)


def headings(doc):
    return [(s.number, s.heading) for s in doc.sections]


def values(doc):
    return {f.key: f.value for f in doc.figures}


def test_guyang_2021():
    doc = parse_sample("01_guyang_mzj_2021_nm.txt")
    assert doc.kind == "annual_report"
    assert doc.title == "固阳县民政局2021年信息公开工作年度报告"
    assert (doc.publisher, doc.year, doc.format) == ("固阳县民政局", 2021, "2021")
    assert doc.published_at is None  # the page shows no date and the URL has none
    assert headings(doc) == [(1, "一、总体情况"), (2, "二、主动公开政府信息情况"),
                             (3, "三、收到和处理政府信息公开申请情况")]
    assert "2021年我局在政府网站主动公开信息36条" in doc.sections[1].text
    assert "本年制发件数" not in doc.sections[1].text  # table cells are not section text
    got = values(doc)
    for key in A_2021:  # every table A figure of this report is 0
        assert got[key] == 0, key
    assert doc.figure("active.fees.amount").unit == "万元"
    for row in ["new", "carried_in", "result.disclosed", "result.partly_disclosed", "result.withheld.state_secret"]:
        for col in COLS:
            assert got[f"requests.{row}.{col}"] == 0, (row, col)
    # the last row is cut off after five numbers: no guessing which columns they are
    assert not any(k.startswith("requests.result.withheld.prohibited_by_law") for k in got)
    assert got["text.active.published"] == 36
    assert {c.rule for c in doc.checks} == {f"B.row_total.{r}" for r in ["new", "carried_in", "result.disclosed",
                                                                         "result.partly_disclosed",
                                                                         "result.withheld.state_secret"]}
    assert all(c.ok for c in doc.checks)


def test_changchun_2023():
    doc = parse_sample("03_changchun_tyj_2023_jl.txt")
    assert doc.kind == "annual_report"
    assert doc.year == 2023  # "截止2023年12月31日"
    assert doc.publisher is None  # the text only says 我局
    assert doc.published_at == dt.date(2024, 1, 15) and doc.published_at_source == "url"
    assert doc.format == "2021"
    assert headings(doc) == [(1, "一、总体情况"), (2, "二、主动公开政府信息情况"),
                             (3, "三、收到和处理政府信息公开申请情况")]
    got = values(doc)
    assert all(got[k] == 0 for k in A_2021)
    assert [got[f"requests.new.{c}"] for c in COLS] == [3, 0, 0, 0, 0, 0, 3]
    assert [got[f"requests.carried_in.{c}"] for c in COLS] == [0] * 7
    # the text says 共受理政府信息公开申请2件 while table B says 3: a real inconsistency
    assert got["text.requests.new.total"] == 2
    text_check = next(c for c in doc.checks if c.rule == "text.requests.new.total")
    assert text_check.ok is False


def test_taishun_2021():
    doc = parse_sample("06_taishun_mzj_2021_zj.txt")
    assert doc.kind == "annual_report"
    assert doc.title is None
    assert doc.publisher == "泰顺县民政局"
    assert doc.year == 2021  # 统计期限自2021年1月1日起至2021年12月31日止
    # "(一)主动公开方面" is a sub-heading of section 1, not section 2
    assert headings(doc) == [(1, "一、总体情况")]
    assert values(doc) == {"text.requests.new.total": 1}
    assert doc.figures[0].table == "text"


def test_lushi_2021():
    doc = parse_sample("09_lushi_mzj_2021_ha.txt")
    assert doc.title == "卢氏县民政局2021年政府信息公开工作年度报告"
    assert (doc.kind, doc.publisher, doc.year) == ("annual_report", "卢氏县民政局", 2021)
    assert doc.published_at == dt.datetime(2022, 2, 15, 14, 52)
    assert doc.published_at_source == "visible_line"
    assert doc.meta["来源"] == "卢氏县人民政府办公室"
    assert headings(doc) == [(1, "一、总体情况")]  # "(一)主动公开政府信息情况。…" stays inside section 1
    assert "我局通过政府网站主动公开政府信息49条" in doc.sections[0].text
    assert values(doc) == {"text.requests.new.total": 0, "text.active.published": 49}


def test_taihu_notice_catalog_block():
    doc = parse_sample("12_taihu_xzfb_notice_2019_ah.txt")
    assert doc.kind == "notice"
    assert doc.title == "太湖县人民政府关于印发《太湖县人民政府工作规则》的通知"
    assert doc.index_number == "003129766/201901-00336"
    assert doc.publisher == "太湖县人民政府办公室"
    assert doc.published_at == dt.date(2019, 1, 23) and doc.published_at_source == "catalog_block"
    assert doc.meta["发文日期"] == "2019-01-23"
    assert doc.meta["组配分类"] == "规范性文件发布"
    assert doc.meta["废止时间"] == "2020-01-23"
    assert doc.doc_number is None  # 文号 is empty on the page
    assert doc.year is None and doc.sections == [] and doc.figures == []


def test_gaotai_text_sections_and_lost_tables():
    doc = parse_sample("sample-report-gaotai-religion-2021.txt")
    assert (doc.kind, doc.publisher, doc.year) == ("annual_report", "高台县民族宗教事务局", 2021)
    assert headings(doc) == [(1, "一、总体情况"), (2, "二、主动公开政府信息情况"),
                             (3, "三、收到和处理政府信息公开申请情况"), (4, "四、政府信息公开行政复议、行政诉讼情况"),
                             (5, "五、存在的主要问题及改进情况"), (6, "六、其他需要报告的事项")]
    assert doc.sections[1].text == doc.sections[2].text == doc.sections[3].text == ""
    assert doc.sections[0].text.startswith("我局始终把开展政府信息公开工作")
    assert "(三)依申请公开情况。2021年,我局未收到" in doc.sections[0].text
    assert doc.sections[5].text.endswith("邮编:734300")
    # the tables were lost in extraction: no figures, and the result says so
    assert doc.figures == [] and doc.checks == []
    assert any("no statistics tables" in w for w in doc.warnings)


def test_sample_as_html_page():
    """The 卢氏 sample laid out as the page it came from: breadcrumb, title, visible line, body."""
    lines = (SAMPLES / "09_lushi_mzj_2021_ha.txt").read_text(encoding="utf-8").splitlines()[1:]
    body = [x for x in lines if x.strip()]
    page = ("<html><head><title>卢氏县民政局2021年政府信息公开工作年度报告-卢氏县人民政府</title></head><body>"
            f"<div class='crumb'>{body[0]}</div><h1>{body[1]}</h1><div class='info'>{body[2]}</div>"
            "<div id='zoom'>" + "".join(f"<p>{x}</p>" for x in body[3:]) + "</div>"
            "<div class='footer'>主办：卢氏县人民政府办公室</div></body></html>")
    doc = parse_document(page.encode("utf-8"), url="http://lushixian.gov.cn/8422/616040352/988072.html")
    assert doc.title == "卢氏县民政局2021年政府信息公开工作年度报告"
    assert doc.published_at == dt.datetime(2022, 2, 15, 14, 52)
    assert headings(doc) == [(1, "一、总体情况")]
    assert "当前位置" not in doc.body_text and "主办" not in doc.body_text
    assert doc.body_text.startswith("一、总体情况")
