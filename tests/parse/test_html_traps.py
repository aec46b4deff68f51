"""Hand-built HTML pages with the traps real report pages carry; expected values written out by hand."""

from __future__ import annotations

import datetime as dt

from archive.parse import parse_document

from .builders import COLS, page, table_a_2021, table_b, table_c, td

URL = "http://127.0.0.1:8765/zfxxgk/gzzfxxgk/jyj/ndbg/202201/t20220120_1001.html"

B_ROWS = {
    "new": ["５", "1", "0", "0", "0", "0", "６"],  # full-width digits
    "carried_in": ["1", "0", "0", "0", "0", "0", "1"],
    "result.disclosed": ["3", "1", "0", "0", "0", "0", "4"],
    "result.partly_disclosed": ["1", "0", "0", "0", "0", "0", "1"],
    "result.unavailable.not_held": ["1", "0", "0", "0", "0", "0", "1"],
    "result.withheld.query_matter": ["0", "0", "0", "0", "——", "0", "0"],
    "result.total": ["5", "1", "0", "0", "0", "0", "6"],
    "carried_out": ["1", "0", "0", "0", "0", "0", "1"],
}
A_VALUES = {"r1": "0", "r2": "0", "r3": "2", "n1": "3", "n2": "0", "n3": "101", "lic": "1,234", "pen": "/",
            "coe": "0", "fee": "12.5"}
C_CELLS = ["1", "0", "0", "0", "1", "0", "0", "0", "0", "0", "/", "/", "/", "/", "/"]


def report_body(b_rows=B_ROWS, heading=lambda n, t: f"<p><strong>{n}、{t}</strong></p>") -> str:
    return (heading("一", "总体情况")
            + "<p>2021年，青山县教育局认真贯彻《条例》，全年共收到依申请公开6件，主动公开政府信息49条。</p>"
            + "<p><strong>（一）主动公开方面</strong></p><p>及时公开教育政策。</p>"
            + heading("二", "主动公开政府信息情况") + table_a_2021(A_VALUES)
            + heading("三", "收到和处理政府信息公开申请情况") + table_b(b_rows)
            + heading("四", "政府信息公开行政复议、行政诉讼情况") + table_c(C_CELLS)
            + heading("五", "存在的主要问题及改进情况") + "<p>公开内容不够全面。</p>"
            + heading("六", "其他需要报告的事项") + "<p>本年度报告中使用数据统计期限为2021年1月1日至2021年12月31日。</p>"
            + '<p>附件：<a href="./W020220120123456.pdf">青山县教育局2021年报.pdf</a> '
              '<a href="./W020220120123457.wps">统计表.wps</a> <a href="/a/b.et">表.et</a> '
              '<a href="/x/报告.ofd">报告.ofd</a> <a href="/zfxxgk/index.html">返回</a></p>')


META = ('<META content="2022-01-20 09:30" name="pubdate">'
        '<meta name="ArticleTitle" content="青山县教育局2021年政府信息公开工作年度报告">'
        '<meta content="青山县教育局" NAME="ContentSource"><meta name="ColumnName" content="政府信息公开年报">')


def full_report() -> bytes:
    return page(report_body(), head=META).encode("utf-8")


def test_full_2021_report_figures_and_checks():
    doc = parse_document(full_report(), url=URL, content_type="text/html")
    assert (doc.kind, doc.publisher, doc.year, doc.format) == ("annual_report", "青山县教育局", 2021, "2021")
    assert doc.published_at == dt.datetime(2022, 1, 20, 9, 30) and doc.published_at_source == "meta_tag"
    assert doc.meta["ContentSource"] == "青山县教育局" and doc.meta["ColumnName"] == "政府信息公开年报"
    got = {f.key: f for f in doc.figures}
    assert [got[f"active.rules.{c}"].value for c in ("issued", "repealed", "in_force")] == [0, 0, 2]
    assert [got[f"active.normative_docs.{c}"].value for c in ("issued", "repealed", "in_force")] == [3, 0, 101]
    assert got["active.licensing.decisions"].value == 1234 and got["active.licensing.decisions"].raw == "1,234"
    assert got["active.penalty.decisions"].value is None and got["active.penalty.decisions"].raw == "/"
    assert got["active.fees.amount"].value == 12.5 and got["active.fees.amount"].unit == "万元"
    assert [got[f"requests.new.{c}"].value for c in COLS] == [5, 1, 0, 0, 0, 0, 6]
    assert got["requests.new.natural_person"].raw == "５"
    assert [got[f"requests.result.unavailable.not_held.{c}"].value for c in COLS] == [1, 0, 0, 0, 0, 0, 1]
    assert [got[f"requests.result.other.other.{c}"].value for c in COLS] == [0] * 7
    assert got["requests.result.withheld.query_matter.legal_service"].value is None
    assert got["requests.result.withheld.query_matter.legal_service"].raw == "——"
    assert [got[f"requests.carried_out.{c}"].value for c in COLS] == [1, 0, 0, 0, 0, 0, 1]
    assert len([k for k in got if k.startswith("requests.")]) == 7 * 25
    assert [got[f"review.{o}"].value for o in ("upheld", "corrected", "other", "pending", "total")] == [1, 0, 0, 0, 1]
    assert got["litigation.after_review.total"].value is None
    assert got["text.requests.new.total"].value == 6 and got["text.active.published"].value == 49
    rules = {c.rule: c.ok for c in doc.checks}
    assert all(rules.values()), [r for r, ok in rules.items() if not ok]
    assert rules["B.column_balance.total"] and rules["B.result_total.natural_person"] and rules["C.review.total"]
    assert rules["text.requests.new.total"]
    # a check needs every figure it uses: the "——" cell and the "/" row are left out
    assert "B.row_total.result.withheld.query_matter" not in rules and "B.result_total.legal_service" not in rules
    assert "C.litigation.after_review.total" not in rules and "C.litigation.direct.total" in rules
    assert len([r for r in rules if r.startswith("B.row_total.")]) == 24  # 25 rows, one with a blank


def test_sections_body_and_links():
    doc = parse_document(full_report(), url=URL)
    assert [(s.number, s.heading) for s in doc.sections] == [
        (1, "一、总体情况"), (2, "二、主动公开政府信息情况"), (3, "三、收到和处理政府信息公开申请情况"),
        (4, "四、政府信息公开行政复议、行政诉讼情况"), (5, "五、存在的主要问题及改进情况"), (6, "六、其他需要报告的事项")]
    assert "（一）主动公开方面 及时公开教育政策。" in doc.sections[0].text  # a sub-heading is not section 2
    assert doc.sections[1].text == ""  # only a table: cells are not section text
    assert "首页" not in doc.body_text and "浏览次数" not in doc.body_text and "当前位置" not in doc.body_text
    kinds = {lk.file_kind for lk in doc.links}
    assert {"pdf", "wps", "et", "ofd", None} <= kinds
    pdf = next(lk for lk in doc.links if lk.file_kind == "pdf")
    assert pdf.url == "http://127.0.0.1:8765/zfxxgk/gzzfxxgk/jyj/ndbg/202201/W020220120123456.pdf"
    assert pdf.text == "青山县教育局2021年报.pdf"


def test_content_hash_ignores_navigation_and_counters():
    a = parse_document(full_report(), url=URL)
    changed_nav = full_report().replace("政府信息公开</a>".encode(), "信息公开专栏</a>".encode()).replace(
        "浏览次数：123".encode(), "浏览次数：999".encode())
    b = parse_document(changed_nav, url=URL)
    assert a.content_hash == b.content_hash and len(a.content_hash) == 64
    edited = full_report().replace("公开内容不够全面".encode(), "公开内容还不够全面".encode())
    assert parse_document(edited, url=URL).content_hash != a.content_hash


def test_density_fallback_without_known_container():
    html = page(report_body(), container="mainbox").replace("class='nav'", "class='topnav'")
    doc = parse_document(html.encode(), url=URL)
    assert len(doc.sections) == 6 and doc.figure("requests.new.total").value == 6
    assert "首页" not in doc.body_text


def test_gbk_page_declared_utf8():
    html = page(report_body(), head=META).encode("gb18030")
    doc = parse_document(html, url=URL, content_type="text/html; charset=utf-8")
    assert doc.title == "青山县教育局2021年政府信息公开工作年度报告"
    assert doc.figure("requests.new.total").value == 6
    assert any("encoding" in w for w in doc.warnings)


def test_utf8_page_served_as_gbk_with_gbk_meta():
    html = page(report_body(), charset="gb2312").encode("utf-8")
    doc = parse_document(html, url=URL, content_type="text/html; charset=GBK")
    assert doc.title == "青山县教育局2021年政府信息公开工作年度报告"
    assert doc.sections[0].heading == "一、总体情况"


def test_headings_in_table_cells_and_h3():
    def cell_heading(n, t):
        return f"<table><tr><td><strong>{n}、{t}</strong></td></tr></table>"

    doc = parse_document(page(report_body(heading=cell_heading)).encode(), url=URL)
    assert [s.number for s in doc.sections] == [1, 2, 3, 4, 5, 6]
    assert doc.sections[0].heading == "一、总体情况"
    assert doc.sections[4].text == "公开内容不够全面。"
    doc = parse_document(page(report_body(heading=lambda n, t: f"<h3>({n}) {t}</h3>")).encode(), url=URL)
    assert [s.heading for s in doc.sections][:2] == ["(一) 总体情况", "(二) 主动公开政府信息情况"]


def test_missing_section_and_wording_variants():
    body = ("<p>一、概述</p><p>本机关依法公开。</p><p>二、主动公开政府信息情况</p><p>公开49条。</p>"
            "<p>三、收到和处理政府信息公开申请情况</p><p>无。</p>"
            "<p>四、因政府信息公开工作被申请行政复议、提起行政诉讼情况</p><p>无。</p>"
            "<p>五、其他需要报告的事项</p><p>无其他事项。</p>")
    doc = parse_document(page(body).encode(), url=URL)
    assert [(s.number, s.heading) for s in doc.sections] == [
        (1, "一、概述"), (2, "二、主动公开政府信息情况"), (3, "三、收到和处理政府信息公开申请情况"),
        (4, "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"), (6, "五、其他需要报告的事项")]
    assert doc.sections[-1].text == "无其他事项。"


def test_2019_labels_and_misaligned_colspan():
    a2019 = ("<table>"
             f"<tr>{td('第二十条第（一）项', colspan=5)}</tr>"
             f"<tr>{td('信息内容')}{td('本年新<br>制作数量', colspan=2)}{td('本年新<br>公开数量')}{td('对外公开总数量')}</tr>"
             f"<tr>{td('规章')}{td('1', colspan=2)}{td('2')}{td('3')}</tr>"
             # the label cell takes the colspan here: numbers are found by the labels, not the position
             f"<tr>{td('规范性文件', colspan=2)}{td('4')}{td('5')}{td('6')}</tr>"
             f"<tr>{td('第二十条第（五）项', colspan=5)}</tr>"
             f"<tr>{td('信息内容')}{td('上一年项目数量', colspan=2)}{td('本年增/减')}{td('处理决定数量')}</tr>"
             f"<tr>{td('行政许可')}{td('10', colspan=2)}{td('-2')}{td('35')}</tr>"
             f"<tr>{td('其他对外管理服务事项')}{td('0', colspan=2)}{td('0')}{td('0')}</tr>"
             f"<tr>{td('第二十条第（八）项', colspan=5)}</tr>"
             f"<tr>{td('信息内容')}{td('上一年项目数量', colspan=2)}{td('本年增/减', colspan=2)}</tr>"
             f"<tr>{td('行政事业性收费')}{td('3', colspan=2)}{td('——', colspan=2)}</tr>"
             f"<tr>{td('第二十条第（九）项', colspan=5)}</tr>"
             f"<tr>{td('信息内容')}{td('采购项目数量', colspan=2)}{td('采购总金额', colspan=2)}</tr>"
             f"<tr>{td('政府集中采购')}{td('2', colspan=2)}{td('251000元', colspan=2)}</tr></table>")
    body = "<p>二、主动公开政府信息情况</p>" + a2019
    doc = parse_document(page(body, title="2021年度青山县民政局政府信息公开年度报告").encode(), url=URL)
    # a 2021 report printed with the 2019 labels: the format follows the labels
    assert (doc.year, doc.publisher, doc.format) == (2021, "青山县民政局", "2019")
    v = {f.key: f.value for f in doc.figures}
    assert [v[f"active.rules.{c}"] for c in ("made", "published", "total_published")] == [1, 2, 3]
    assert [v[f"active.normative_docs.{c}"] for c in ("made", "published", "total_published")] == [4, 5, 6]
    assert [v[f"active.licensing.{c}"] for c in ("prev_items", "change", "decisions")] == [10, -2, 35]
    assert v["active.other_services.decisions"] == 0
    assert v["active.fees.prev_items"] == 3 and v["active.fees.change"] is None
    amount = doc.figure("active.procurement.amount")
    assert (amount.value, amount.unit, amount.raw) == (251000, "元", "251000元")
    assert v["active.procurement.projects"] == 2


def test_2019_table_b_single_other_row():
    rows = dict(B_ROWS, **{"result.other": ["0", "0", "0", "0", "0", "0", "0"]})
    body = "<p>三、收到和处理政府信息公开申请情况</p>" + table_b(rows, split_other=False)
    doc = parse_document(page(body, title="青山县民政局2020年政府信息公开工作年度报告").encode(), url=URL)
    assert doc.format == "2019"  # no table A labels: the year breaks the tie
    assert doc.figure("requests.result.other.total").value == 0
    assert doc.figure("requests.result.other.other.total") is None
    assert all(c.ok for c in doc.checks) and any(c.rule == "B.result_total.total" for c in doc.checks)


def test_planted_wrong_total_fails_its_checks():
    rows = dict(B_ROWS, **{"result.total": ["5", "1", "0", "0", "0", "0", "7"]})
    doc = parse_document(page(report_body(b_rows=rows)).encode(), url=URL)
    failed = sorted(c.rule for c in doc.checks if not c.ok)
    assert failed == ["B.column_balance.total", "B.result_total.total", "B.row_total.result.total"]


def test_catalog_block_as_table_notice():
    block = ("<table class='xxgk_table'>"
             "<tr><td>索引号：</td><td>11341702486344515H/202110-00013</td><td>主题分类：</td><td>综合政务</td></tr>"
             "<tr><td>发布机构：</td><td>青山县教育局</td><td>成文日期：</td><td>2021年10月08日</td></tr>"
             "<tr><td>文号：</td><td>青教〔2021〕7号</td><td>发布日期：</td><td>2021年10月09日 16:40</td></tr>"
             "<tr><td>名称：</td><td>关于做好2021年秋季学期学生资助工作的通知</td><td>有效性：</td><td>有效</td></tr>"
             "</table>")
    html = ("<html><head><title>通知</title></head><body><div class='top'>" + block + "</div>"
            "<div id='zoom'><p>各学校：</p><p>现就做好学生资助工作通知如下。</p></div></body></html>")
    doc = parse_document(html.encode(), url="http://127.0.0.1/art/2021/10/9/art_1229_556.html")
    assert doc.kind == "notice"
    assert doc.title == "关于做好2021年秋季学期学生资助工作的通知"
    assert doc.index_number == "11341702486344515H/202110-00013"
    assert doc.doc_number == "青教〔2021〕7号"
    assert doc.publisher == "青山县教育局"
    assert doc.published_at == dt.datetime(2021, 10, 9, 16, 40) and doc.published_at_source == "catalog_block"
    assert doc.meta["有效性"] == "有效" and doc.meta["成文日期"] == "2021年10月08日"
    assert doc.body_text == "各学校：\n现就做好学生资助工作通知如下。"


def test_url_dates_and_kind_document():
    html = "<html><body><div id='zoom'><p>县教育局召开工作会议，部署下一阶段工作任务。</p></div></body></html>"
    doc = parse_document(html.encode(), url="http://127.0.0.1/art/2022/1/30/art_12_34.html")
    assert doc.published_at == dt.date(2022, 1, 30) and doc.published_at_source == "url"
    assert doc.kind == "document"
    doc = parse_document(html.encode(), url="http://127.0.0.1/a/tzgg/202201/t20220125_123.html",
                         column_kind="notice")
    assert doc.published_at == dt.date(2022, 1, 25) and doc.kind == "notice"


def test_visible_line_dates():
    for line, expected in [("发布时间：2024-04-06 发布机构：县政府", dt.date(2024, 4, 6)),
                           ("发布日期：2024年04月06日 16:40 来源：县政府办", dt.datetime(2024, 4, 6, 16, 40)),
                           ("时间：2024/4/6 作者：张三", dt.date(2024, 4, 6))]:
        html = f"<html><body><div class='info'>{line}</div><div id='zoom'><p>正文内容正文内容。</p></div></body></html>"
        doc = parse_document(html.encode())
        assert doc.published_at == expected and doc.published_at_source == "visible_line", line


def test_tables_as_images():
    body = ("<p>一、总体情况</p><p>概况。</p><p>二、主动公开政府信息情况</p><p><img src='W020220120001.png'></p>"
            "<p>三、收到和处理政府信息公开申请情况</p><p><img src='W020220120002.png'></p>"
            "<p>四、政府信息公开行政复议、行政诉讼情况</p><table><tr><td><img src='c.png'></td></tr></table>")
    doc = parse_document(page(body).encode(), url=URL)
    assert doc.tables_as_images is True
    assert [f for f in doc.figures if f.table in ("A", "B", "C")] == []
    assert any("images" in w for w in doc.warnings)


def test_pre2019_outline_and_local_figures():
    body = ("<p>一、概述</p><p>依法公开。</p><p>二、主动公开政府信息情况</p><p>主动公开政府信息120条。</p>"
            f"<table><tr>{td('统计指标')}{td('单位')}{td('数量')}</tr>"
            f"<tr>{td('主动公开政府信息数')}{td('条')}{td('120')}</tr>"
            f"<tr>{td('其中：通过政府网站公开')}{td('条')}{td('100')}</tr>"
            f"<tr>{td('收到政府信息公开申请数')}{td('件')}{td('2')}</tr>"
            f"<tr>{td('收取费用')}{td('元')}{td('0')}</tr></table>"
            "<p>三、依申请公开政府信息情况</p><p>收到申请2件。</p>"
            "<p>四、政府信息公开的收费及减免情况</p><p>未收取费用。</p>"
            "<p>五、因政府信息公开申请行政复议、提起行政诉讼的情况</p><p>无。</p>"
            "<p>六、政府信息公开工作存在的主要问题及改进情况</p><p>有待加强。</p>"
            "<p>七、其他需要报告的事项</p><p>无。</p>")
    doc = parse_document(page(body, title="青山县教育局2015年政府信息公开工作年度报告").encode(), url=URL)
    assert (doc.year, doc.format) == (2015, "pre2019")
    assert [(s.number, s.heading) for s in doc.sections] == [
        (1, "一、概述"), (2, "二、主动公开政府信息情况"), (3, "三、依申请公开政府信息情况"),
        (4, "五、因政府信息公开申请行政复议、提起行政诉讼的情况"), (5, "六、政府信息公开工作存在的主要问题及改进情况"),
        (6, "七、其他需要报告的事项")]
    assert doc.sections[2].text == "收到申请2件。"  # 收费及减免 ends section 3
    v = {f.key: (f.value, f.unit) for f in doc.figures if f.table == "local"}
    assert v == {"local.active.total": (120, "条"), "local.active.via_website": (100, "条"),
                 "local.requests.received": (2, "件"), "local.fees.amount": (0, "元")}


def test_truncated_html_keeps_what_is_there():
    html = full_report()
    cut = html[: html.index("四、政府信息公开".encode())]
    doc = parse_document(cut, url=URL)
    assert [s.number for s in doc.sections] == [1, 2, 3]
    assert doc.figure("requests.carried_out.total").value == 1


def test_run_in_bold_headings():
    body = ("<p><strong>一、总体情况。</strong>2021年，本局依法公开政府信息。</p>"
            "<p><strong>（一）主动公开情况。</strong>公开信息49条。</p>"
            "<p><strong>二、主动公开政府信息情况：</strong>详见下表。</p>"
            "<p><strong>三、收到和处理政府信息公开申请情况</strong></p><p>本年度未收到申请。</p>")
    doc = parse_document(page(body).encode(), url=URL)
    assert [(s.number, s.heading) for s in doc.sections] == [
        (1, "一、总体情况"), (2, "二、主动公开政府信息情况"), (3, "三、收到和处理政府信息公开申请情况")]
    assert doc.sections[0].text == "2021年，本局依法公开政府信息。 （一）主动公开情况。公开信息49条。"
    assert doc.sections[1].text == "详见下表。"
