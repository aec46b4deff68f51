"""Tables that arrive as text (PDF/DOC page text), the consistency rules, cross-year checks and unit names."""

from __future__ import annotations

from archive.parse import parse_document
from archive.parse.checks import cross_year_checks, run_checks
from archive.parse.encoding import decode_bytes
from archive.parse.flattened import split_line, text_to_rows
from archive.parse.units import UnitMatcher, UnitName, generate_aliases

from .builders import COLS

PDF_TEXT = """青山县教育局2021年政府信息公开工作年度报告
三、收到和处理政府信息公开申请情况
（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）
申请人情况
自然人 法人或其他组织 总计
商业 科研 社会公益 法律服务 其他
企业 机构 组织 机构
一、本年新收政府信息公开申请数量 4 1 0 0 0 0 5
二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0
三
、
本
年
度
办
理
结
果
（一）予以公开 2 1 0 0 0 0 3
（二）部分公开（区分处理的，只计这一情形，不 0 0 0 0 0 0 0
计其他情形）
（三）不予公开 1.属于国家秘密 0 0 0 0 0 0 0
2.其他法律行政止公开 0 0 0 0 0 0 0
3.危及“三安全一稳定” 0 0 0 0 0 0 0
4.保护第三方合法权益 0 0 0 0 0 0 0
5.属于三类内部事务信息 0 0 0 0 0 0 0
6.属于四类过程性信息 0 0 0 0 0 0 0
7.属于行政执法案卷 0 0 0 0 0 0 0
8.属于行政查询事项 0 0 0 0 0 0 0
（四）无 1.本机关不掌握相关政府信息 2 0 0 0 0 0 2
法提供 2.没有现成信息需要另行制作 0 0 0 0 0 0 0
3.补正后申请内容仍不明确 0 0 0 0 0 0 0
（五）不予处理 1.信访举报投诉类申请 0 0 0 0 0 0 0
2.重复申请 0 0 0 0 0 0 0
3.要求提供公开出版物 0 0 0 0 0 0 0
4.无正当理由大量反复
0 0 0 0 0 0 0
申请
5.要求行政机关确认或重新出具已获取信息 0 0 0 0 0 0 0
（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0
2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0
3.其他 0 0 0 0 0 0 0
（七）总计 4 1 0 0 0 0 5
四、结转下年度继续办理 0 0 0 0 0 0 0
四、政府信息公开行政复议、行政诉讼情况
行政复议 行政诉讼
结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉
结果维持 结果纠正 其他结果 尚未审结 总计 结果维持 结果纠正 其他结果 尚未审结 总计
1 0 1 0 0 0 0 0 0 0 0 0 0 0 0
"""


def test_pdf_page_text_table_b_and_c():
    doc = parse_document(PDF_TEXT.encode("utf-8"), filename="report.txt")
    v = {f.key: f.value for f in doc.figures}
    assert [v[f"requests.new.{c}"] for c in COLS] == [4, 1, 0, 0, 0, 0, 5]
    assert [v[f"requests.result.disclosed.{c}"] for c in COLS] == [2, 1, 0, 0, 0, 0, 3]
    assert [v[f"requests.result.unavailable.not_held.{c}"] for c in COLS] == [2, 0, 0, 0, 0, 0, 2]
    for leaf in ("withheld.prohibited_by_law", "unavailable.needs_creation", "not_processed.mass_repeated",
                 "other.no_correction", "other.unpaid_fee", "other.other", "partly_disclosed"):
        assert [v[f"requests.result.{leaf}.{c}"] for c in COLS] == [0] * 7, leaf
    assert [v[f"requests.result.total.{c}"] for c in COLS] == [4, 1, 0, 0, 0, 0, 5]
    assert len([k for k in v if k.startswith("requests.")]) == 25 * 7
    assert [v[f"review.{o}"] for o in ("upheld", "corrected", "other", "pending", "total")] == [1, 0, 1, 0, 0]
    failed = sorted(c.rule for c in doc.checks if not c.ok)
    assert failed == ["C.review.total"]  # the printed 总计 is 0 for two cases: what the checks are for
    assert len(doc.checks) == 7 + 25 + 7 + 3


def test_one_cell_per_line_table_a():
    text = "\n".join(["二、主动公开政府信息情况", "第二十条第（一）项", "信息内容", "本年制发件数", "本年废止件数",
                      "现行有效件数", "规章", "0", "0", "1", "行政规范性文件", "3", "0", "101",
                      "第二十条第（八）项", "信息内容", "本年收费金额（单位：万元）", "行政事业性收费", "1.5"])
    doc = parse_document(text.encode(), filename="a.txt")
    v = {f.key: f.value for f in doc.figures}
    assert v == {"active.rules.issued": 0, "active.rules.repealed": 0, "active.rules.in_force": 1,
                 "active.normative_docs.issued": 3, "active.normative_docs.repealed": 0,
                 "active.normative_docs.in_force": 101, "active.fees.amount": 1.5}
    assert doc.figure("active.fees.amount").unit == "万元"


def test_split_line_shapes():
    assert split_line("行政规范性文件 | 3 | 0 | 101 |") == ["行政规范性文件", "3", "0", "101"]
    assert split_line("| 规章 | 0 | 0 | 0 | ") == ["规章", "0", "0", "0"]
    assert split_line("行政许可 | 0 | ||") == ["行政许可", "0", "", ""]
    assert split_line("第二十条 第（一）项") == ["第二十条第（一）项"]
    assert split_line("（三）不予公开 1.属于国家秘密 0 ／ —— 1,234") == ["（三）不予公开1.属于国家秘密", "0", "／", "——", "1,234"]
    assert len(text_to_rows("规章\n0\n0\n1\n")) == 1


def _b(values: dict[str, list[float | None]]) -> dict[str, float | None]:
    return {f"requests.{row}.{c}": v for row, vals in values.items() for c, v in zip(COLS, vals, strict=True)}


def test_rules_need_every_figure():
    figures = _b({"new": [1, 0, 0, 0, 0, 0, 1], "carried_in": [0, 0, 0, 0, 0, 0, 0],
                  "result.total": [1, 0, 0, 0, 0, 0, 1], "carried_out": [0, 0, 0, 0, 0, None, 0]})
    rules = {c.rule: c.ok for c in run_checks(figures)}
    assert rules["B.column_balance.natural_person"] and "B.column_balance.other_org" not in rules
    assert "B.row_total.carried_out" not in rules and rules["B.row_total.new"]
    assert not any(r.startswith("B.result_total") for r in rules)  # the leaves are missing
    figures["review.upheld"], figures["review.corrected"], figures["review.other"] = 2.0, 0.0, 0.0
    figures["review.pending"], figures["review.total"] = 1.0, 2.0
    check = next(c for c in run_checks(figures) if c.rule == "C.review.total")
    assert check.ok is False and "= 2" in check.detail and "= 3" in check.detail


def test_cross_year_helper():
    prev = _b({"carried_out": [1, 0, 0, 0, 0, 0, 1]})
    nxt = _b({"carried_in": [1, 0, 0, 0, 0, 0, 2]})
    checks = {c.rule: c.ok for c in cross_year_checks(prev, nxt)}
    assert len(checks) == 7 and checks["cross_year.carried.natural_person"]
    assert checks["cross_year.carried.total"] is False
    assert cross_year_checks(prev, {}) == []


def test_encoding_choice():
    text = "<p>青山县民族宗教事务局2021年政府信息公开工作年度报告</p>"
    declared_gbk = ('<meta charset="gbk">' + text).encode("gbk")
    assert decode_bytes(declared_gbk).text.endswith(text) and decode_bytes(declared_gbk).encoding == "gb18030"
    lying = ('<meta charset="gb2312">' + text).encode("utf-8")  # declares GB2312, is UTF-8
    assert decode_bytes(lying).text.endswith(text) and decode_bytes(lying).encoding == "utf-8"
    disagree = ('<meta charset="utf-8">' + text).encode("gbk")
    assert decode_bytes(disagree, "text/html; charset=GBK").text.endswith(text)


def test_unit_names():
    aliases = generate_aliases("青山县民族宗教事务局")
    assert "县民宗局" in aliases and "民宗局" in aliases
    matcher = UnitMatcher([UnitName(1, "青山县民族宗教事务局", aliases),
                           UnitName(2, "青山县教育局", generate_aliases("青山县教育局"))])
    assert matcher.match("县民宗局") == 1 and matcher.match("民宗局") == 1
    assert matcher.match("县教育局") == 2 and matcher.match("青山县教育局") == 2
