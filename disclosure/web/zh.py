"""Plain Chinese for what the archive stores as codes: check results, run states, error kinds, times, warnings.

The pages show these words and never the codes (``B.row_total…``, ``waf``, ``on_time``, ISO timestamps); the
JSON API keeps the codes, which are its stable vocabulary.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from disclosure.web.report_tables import (
    REQUEST_COLUMNS,
    REQUEST_ROWS_2021,
    REVIEW_GROUPS,
    key_labels,
)

RUN_STATUS_ZH = {"ok": "成功", "failed": "失败", "blocked": "被网站拦截", "locked": "另一次运行尚未结束",
                 "interrupted": "被中断", "running": "正在运行", "partial": "部分完成", "skipped": "跳过"}
STEP_ZH = {"crawl": "抓取", "ingest": "入库解析", "index": "建立索引", "timeliness": "及时性计算", "export": "导出"}
ERROR_ZH = {"waf": "被网站防火墙拦截", "timeout": "连接超时", "dns": "域名解析失败", "connection": "连接失败",
            "storage": "存档写入失败", "no_column_id": "栏目编号缺失", "list_api_params": "列表接口参数缺失",
            "parse_failed": "解析失败", "raw_record_damaged": "存档记录损坏"}
UNIT_KINDS_ZH = {"county_government": "县人民政府", "bureau": "县政府部门", "township": "乡镇（街道）", "other": "其他单位"}
DATE_SOURCE_ZH = {"claimed": "标称日期", "first_seen": "首次发现日期", "meta_tag": "页面元数据（PubDate）",
                  "catalog_block": "信息公开目录（发布日期）", "visible_line": "页面“发布时间”", "list_page": "栏目列表日期",
                  "url": "网址中的日期", "statistics_period": "统计期限"}

_COL = dict(REQUEST_COLUMNS)
_ROW = {k: v.split(" ")[-1] for k, v in REQUEST_ROWS_2021}
_ROW.update({"new": "本年新收申请", "carried_in": "上年结转申请", "carried_out": "结转下年度继续办理",
             "result.total": "（七）总计"})
_GROUP = dict(REVIEW_GROUPS)
_LABELS = key_labels()
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_AFTER_EQUALS = re.compile(r"=\s*(-?\d+(?:\.\d+)?)")
_YEARS = re.compile(r"\b(\d{4}) carried_")


def when(value: dt.datetime | dt.date | str | None, *, minutes: bool = True) -> str:
    """A timestamp as a person reads it (``2022-06-30 14:05``); an ISO string is parsed first; None is —."""
    if value in (None, ""):
        return "—"
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M" if minutes else "%Y-%m-%d")
    return value.strftime("%Y-%m-%d")


def error_kind(kind: str) -> str:
    """An error counter's name in Chinese (``http_503`` → 服务器返回 503, ``crawl_failed`` → 抓取：失败)."""
    if kind in ERROR_ZH:
        return ERROR_ZH[kind]
    if m := re.fullmatch(r"http_(\d{3})", kind):
        return f"网站返回 HTTP {m.group(1)}"
    step, _, status = kind.partition("_")
    if step in STEP_ZH and status in RUN_STATUS_ZH:
        return f"{STEP_ZH[step]}{RUN_STATUS_ZH[status]}"
    return "其他错误"


def warning(text: str) -> str:
    """A health warning of ``disclosure status`` (English, for the console) in Chinese."""
    if text == "never run":
        return "从未运行"
    if text == "never crawled successfully":
        return "从未成功抓取"
    if m := re.fullmatch(r"not crawled successfully for (\d+) h \(expected every ([\d.]+) h\)", text):
        return f"已有 {m.group(1)} 小时没有成功抓取（应每 {m.group(2)} 小时一次）"
    if m := re.fullmatch(r"last run (\w+)(?::.*)?", text, re.S):
        return f"最近一次运行{RUN_STATUS_ZH.get(m.group(1), '未成功')}"
    if m := re.fullmatch(r"the last run found (\d+) documents, far fewer than the (\d+) of the run before.*", text):
        return f"最近一次运行只发现 {m.group(1)} 篇文件，远少于上一次的 {m.group(2)} 篇（通常是网站改版所致）"
    return "抓取状态异常"


@dataclass
class CheckMessage:
    """A failed check as a sentence, and the cell it points at (a figure key; the page anchors cells by key)."""

    text: str
    key: str | None


def _numbers(detail: str) -> tuple[str, str]:
    """The two sides of a check detail (``a + b = 3; c = 2`` → 3, 2; ``carried_out 1 … carried_in 2`` → 1, 2)."""
    sides = _AFTER_EQUALS.findall(detail) if "=" in detail else _NUMBER.findall(detail)
    return (_plain(sides[0]), _plain(sides[1])) if len(sides) >= 2 else ("？", "？")


def _plain(number: str) -> str:
    return number[:-2] if number.endswith(".0") else number


def check_message(rule: str, detail: str) -> CheckMessage:
    """A failed consistency check (docs/architecture.md, "Consistency rule names") as a person reads a report."""
    left, right = _numbers(detail)
    parts = rule.split(".")
    if rule.startswith("B.row_total."):
        row = ".".join(parts[2:])
        where = "表二（七）" if row == "result.total" else f"表二“{_ROW.get(row, '')}”一行的"
        return CheckMessage(f"{where}“总计”应等于各类申请人之和：填报 {left}，各项合计 {right}",
                            f"requests.{row}.total")
    if rule.startswith("B.column_balance."):
        col = parts[-1]
        return CheckMessage(f"表二“{_COL.get(col, '')}”列：本年新收与上年结转之和应等于办理结果总计与结转下年度之和："
                            f"前者 {left}，后者 {right}", f"requests.result.total.{col}")
    if rule.startswith("B.result_total."):
        col = parts[-1]
        return CheckMessage(f"表二（七）总计“{_COL.get(col, '')}”应等于各项办理结果之和：填报 {left}，各项合计 {right}",
                            f"requests.result.total.{col}")
    if rule.startswith("C.") and rule.endswith(".total"):
        group = ".".join(parts[1:-1])
        return CheckMessage(f"表三“{_GROUP.get(group, '')}”的“总计”应等于各项结果之和：填报 {left}，各项合计 {right}",
                            f"{group}.total")
    if rule.startswith("cross_year.carried."):
        col = parts[-1]
        years = _YEARS.findall(detail)
        prev, this = (f"{years[0]} 年度", f"{years[1]} 年度") if len(years) == 2 else ("上一年度", "本年度")
        return CheckMessage(f"表二“{_COL.get(col, '')}”列：{prev}报告“结转下年度继续办理”为 {left}，"
                            f"{this}报告“上年结转”为 {right}，两者应相等", f"requests.carried_in.{col}")
    if rule.startswith("text."):
        key = rule.removeprefix("text.")
        label = _LABELS.get(key, "统计数字")
        return CheckMessage(f"正文所述“{label}”与统计表不一致：正文 {left}，表格 {right}", key)
    return CheckMessage(f"统计数字前后不一致：{left} 与 {right}", None)


def outcome_label(key: str) -> str:
    """The Chinese label of a figure key (for a cell's hover text); never the key itself."""
    return _LABELS.get(key, "统计数字")



_QUERY_REASONS = (
    ("unclosed quotation mark", "引号没有成对"),
    ("unclosed range", "范围没有闭合（缺少 ] 或 }）"),
    ("unexpected", "有多余的符号"),
    ("expected a term", "符号前缺少检索词"),
    ("REQUIRE", "不支持 REQUIRE，请用 AND"),
    ("fuzzy", "不支持模糊检索（词~）"),
    ("proximity", "不支持邻近检索（\"…\"~N），请用 AND 连接各词"),
    ("a boost", "加权的写法是 ^ 加数字，如 title:通知^2"),
    ("query longer", "检索式过长"),
)


def search_error(exc: Exception) -> str:
    """A search error as one Chinese sentence (starts with 检索式 when the query itself is at fault)."""
    reason = str(getattr(exc, "reason", ""))
    position = getattr(exc, "position", None)
    if not reason:
        return "检索暂时无法进行：检索索引无法读取，请管理员重建索引"
    said = next((zh for en, zh in _QUERY_REASONS if reason.startswith(en)), "无法解析")
    where = f"（第 {position + 1} 个字符附近）" if isinstance(position, int) else ""
    return f"检索式有误：{said}{where}。请检查引号、括号是否成对，AND、OR、NOT 前后是否都有检索词。"


def deadline_rule(source: str) -> str:
    """The legal source of a deadline (archive.deadlines, English) in Chinese."""
    if source.startswith("2008 Regulations"):
        return "《政府信息公开条例》（2008 年，国务院令第 492 号）第三十一条"
    if source.startswith("2019 Regulations"):
        return "《政府信息公开条例》（2019 年修订，国务院令第 711 号）第四十九条"
    if source.startswith("site profile"):
        return "本门户配置的乡镇报告期限"
    if source.startswith("no national rule for townships"):
        return "乡镇报告无全国统一期限，按次年 3 月 31 日计"
    return "法定期限"
