"""What a person reads instead of codes (disclosure/web/zh.py), snippets from prose, page numbers, charts."""

from __future__ import annotations

import datetime as dt

from archive.parse.checks import cross_year_checks, run_checks
from disclosure.web import zh
from disclosure.web.charts import line_chart
from disclosure.web.search_view import page_numbers, years_in_order
from search.snippets import make_snippet


def _figures(**overrides: float) -> dict[str, float]:
    cols = ("natural_person", "business", "research", "public_interest", "legal_service", "other_org")
    values = {f"requests.result.total.{c}": 0.0 for c in cols}
    values["requests.result.total.total"] = 1.0
    values.update(overrides)
    return values


def test_failed_checks_read_as_the_report_says_them():
    # The checks the parser really records, not hand-written details.
    failed = [c for c in run_checks(_figures()) if not c.ok]
    row_total = next(c for c in failed if c.rule == "B.row_total.result.total")
    message = zh.check_message(row_total.rule, row_total.detail)
    assert message.text == "表二（七）“总计”应等于各类申请人之和：填报 1，各项合计 0"
    assert message.key == "requests.result.total.total"
    carried = [c for c in cross_year_checks({"requests.carried_out.total": 2.0}, {"requests.carried_in.total": 0.0})]
    text = zh.check_message(carried[0].rule, carried[0].detail).text
    assert "结转下年度继续办理”为 2" in text and "“上年结转”为 0" in text
    for rule in ("B.column_balance.total", "C.review.total", "text.requests.new.total", "unknown.rule"):
        text = zh.check_message(rule, "a = 3; b = 2").text
        assert "3" in text and "2" in text and "." not in text.replace("。", "")


def test_codes_become_words():
    assert zh.error_kind("waf") == "被网站防火墙拦截"
    assert zh.error_kind("http_503") == "网站返回 HTTP 503"
    assert zh.error_kind("crawl_failed") == "抓取失败"
    assert zh.error_kind("something_new") == "其他错误"
    assert zh.when("2022-06-30T14:05:09") == "2022-06-30 14:05"
    assert zh.when(dt.date(2022, 3, 31)) == "2022-03-31" and zh.when(None) == "—"
    assert zh.warning("not crawled successfully for 200 h (expected every 192 h)") == \
        "已有 200 小时没有成功抓取（应每 192 小时一次）"
    assert zh.warning("last run blocked: 412 on the list") == "最近一次运行被网站拦截"
    assert "第四十九条" in zh.deadline_rule("2019 Regulations (State Council Decree 711), art. 49")


def test_query_errors_say_what_to_fix_in_chinese():
    from search.errors import QuerySyntaxError

    text = zh.search_error(QuerySyntaxError("unclosed quotation mark", '"未闭合', 0))
    assert text.startswith("检索式有误：引号没有成对（第 1 个字符附近）")
    assert text.isascii() is False and "quotation" not in text


def test_snippet_prefers_prose_to_runs_of_table_cells():
    table = "行政复议 0 0 0 0 0 0 0 行政复议 0 0 0 0 0 0 0 行政复议 0 0 0 0 0 0 0 " * 3
    prose = "本年度未发生因政府信息公开申请行政复议、提起行政诉讼的情况。"
    snippet = make_snippet("前言。" + "填充文字。" * 40 + prose + "填充文字。" * 40 + table, ["行政复议"])
    assert "未发生因政府信息公开申请<b>行政复议</b>" in snippet
    assert "0 0 0 0" not in snippet
    # A heading right after a table: the snippet opens on the heading, not on the table's last cells.
    after_table = "前文。" * 10 + " 0" * 30 + " 4.因政府信息公开工作被申请行政复议、提起行政诉讼情况" + "后文。" * 50
    assert make_snippet(after_table, ["行政复议"]).startswith("…4.因政府信息公开工作被申请<b>行政复议</b>")


def test_page_numbers_and_year_order():
    assert page_numbers(1, 3) == [1, 2, 3]
    assert page_numbers(10, 40) == [1, None, 8, 9, 10, 11, 12, None, 40]
    assert years_in_order([("2019", 3), ("2021", 1), ("2020", 9)]) == [("2021", 1), ("2020", 9), ("2019", 3)]


def test_chart_draws_percentages_a_dashed_total_and_an_escaped_legend():
    svg = line_chart([2019, 2020], [("全县", [0.5, 1.0]), ("<b>单位</b>", [None, 0.25])], percent=True,
                     bold=frozenset({"全县"}))
    assert "100%" in svg and "stroke-dasharray" in svg
    assert "<b>单位</b>" not in svg and "&lt;b&gt;单位&lt;/b&gt;" in svg
