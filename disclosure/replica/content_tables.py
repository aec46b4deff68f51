"""The statistics tables as real pages print them: spans, split headers, odd digits, and their HTML.

Builders take the figures (canonical key -> value) and a :class:`TableLook`, and return a
:class:`~disclosure.replica.content_model.Table` whose figure cells carry the canonical key and the raw
text served. A builder may turn a value into "no number" (a "/" or blank cell) and then sets it to None
in the figures dict, so the ground truth always equals what is printed.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass

from disclosure.replica.content_figures import B_ALL_COLUMNS, C_GROUPS, C_OUTCOMES, b_rows
from disclosure.replica.content_model import Cell, Table

_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_CN = "一二三四五六七八九十"


@dataclass
class TableLook:
    """How a report's tables look (chosen per report from its seed)."""

    fullwidth: bool = False  # digits printed as ０-９
    thousands: bool = False  # 1,234
    wrapper: str = "plain"  # plain | p | p_span | span: what wraps a cell's text
    br_split: bool = False  # header labels broken by <br> ("商业<br>企业")
    half_brackets: bool = False  # 第二十条第(一)项 instead of 第二十条第（一）项
    misaligned: bool = False  # colspan=2 on table A's second header column and first number column
    blank_zero: str | None = None  # table B/C zero cells printed as this ("" = &nbsp;, "/", "——") instead of 0
    blank_rules: str | None = None  # table A 规章 row printed as this (bureaus make no 规章)
    amount_yuan: bool = False  # 2019 procurement amount printed with its unit, "251000元"
    typo: bool = False  # "2.其他法律行政止公开" as real printed labels have it
    editor: str = "plain"  # plain | ueditor | word: how the CMS saved the table HTML (see table_html)


def choose_look(rng: random.Random, allow_blanks: bool) -> TableLook:
    """Pick a look; blanks (which hide figures from the checks) only when ``allow_blanks``."""
    return TableLook(
        fullwidth=rng.random() < 0.15,
        thousands=rng.random() < 0.5,
        wrapper=rng.choice(("plain", "plain", "p", "p_span", "span")),
        br_split=rng.random() < 0.4,
        half_brackets=rng.random() < 0.3,
        misaligned=rng.random() < 0.15,
        blank_zero=rng.choice(("", "/", "——")) if allow_blanks and rng.random() < 0.12 else None,
        blank_rules=rng.choice(("/", "——", "", "无", "—", "-")) if rng.random() < 0.3 else None,
        amount_yuan=rng.random() < 0.5,
        typo=rng.random() < 0.1,
        editor=rng.choice(("plain", "plain", "ueditor", "word")),
    )


def format_number(value: float, look: TableLook, decimals: bool = False) -> str:
    """A figure as printed."""
    if decimals and value != int(value):
        text = f"{value:.4f}".rstrip("0").rstrip(".")
    elif look.thousands and abs(value) >= 1000:
        text = f"{int(value):,}"
    else:
        text = str(int(value))
    return text.translate(_FULLWIDTH) if look.fullwidth else text


def _blank_html(text: str) -> str:
    return "&nbsp;" if text == "" else html.escape(text)


def figure_cell(figures: dict[str, float | None], key: str, look: TableLook, colspan: int = 1,
                blank: str | None = None, decimals: bool = False, suffix: str = "") -> Cell:
    """A number cell for ``key``; ``blank`` (when given) replaces a zero and the value becomes None."""
    value = figures[key]
    if value is not None and blank is not None and value == 0:
        figures[key] = None
        return Cell(blank, colspan=colspan, key=key, html=_blank_html(blank))
    if value is None:
        return Cell("", colspan=colspan, key=key, html="&nbsp;")
    return Cell(format_number(value, look, decimals) + suffix, colspan=colspan, key=key)


def label(text: str, look: TableLook, rowspan: int = 1, colspan: int = 1, split_at: int | None = None) -> Cell:
    """A header/label cell; with ``br_split`` the text is broken by <br> at ``split_at``."""
    if look.br_split and split_at:
        raw = text[:split_at] + "\n" + text[split_at:]
        return Cell(raw, rowspan=rowspan, colspan=colspan, header=True,
                    html=html.escape(text[:split_at]) + "<br>" + html.escape(text[split_at:]))
    return Cell(text, rowspan=rowspan, colspan=colspan, header=True)


def _article(item: int, look: TableLook) -> str:
    return f"第二十条第({_CN[item - 1]})项" if look.half_brackets else f"第二十条第（{_CN[item - 1]}）项"


# --- Table A ------------------------------------------------------------------------------------

def build_table_a(figures: dict[str, float | None], fmt: str, look: TableLook) -> Table:
    """Table A (主动公开) in the 2021 or 2019 labels."""
    wide = 2 if look.misaligned else 1  # the misaligned case: colspan=2 on the 2nd column
    width = 3 + wide
    rows: list[list[Cell]] = []

    def block(item: int) -> None:
        rows.append([label(_article(item, look), look, colspan=width)])

    def header(*cols: str) -> None:
        row = [label("信息内容", look)]
        for i, col in enumerate(cols):
            span = wide if i == 0 else 1
            if i == len(cols) - 1:
                span = width - 1 - sum(c.colspan for c in row[1:])
            row.append(label(col, look, colspan=span))
        rows.append(row)

    def data(name: str, keys: list[str], blank: str | None = None, decimals: bool = False) -> None:
        row = [label(name, look)]
        for i, key in enumerate(keys):
            span = wide if i == 0 else 1
            if i == len(keys) - 1:
                span = width - 1 - sum(c.colspan for c in row[1:])
            suffix, dec = "", decimals
            if key == "active.procurement.amount" and figures[key]:
                if look.amount_yuan:
                    suffix = "元"
                else:  # printed in 万元
                    figures[key], dec = round((figures[key] or 0) / 10000, 4), True
            row.append(figure_cell(figures, key, look, span, blank, dec, suffix))
        rows.append(row)

    if fmt == "2021":
        block(1)
        header("本年制发件数", "本年废止件数", "现行有效件数")
        data("规章", [f"active.rules.{c}" for c in ("issued", "repealed", "in_force")], look.blank_rules)
        data("行政规范性文件", [f"active.normative_docs.{c}" for c in ("issued", "repealed", "in_force")])
        block(5)
        header("本年处理决定数量")
        data("行政许可", ["active.licensing.decisions"])
        block(6)
        header("本年处理决定数量")
        data("行政处罚", ["active.penalty.decisions"])
        data("行政强制", ["active.coercion.decisions"])
        block(8)
        header("本年收费金额（单位：万元）")
        data("行政事业性收费", ["active.fees.amount"], decimals=True)
    else:
        triple = ("made", "published", "total_published")
        items = ("prev_items", "change", "decisions")
        block(1)
        header("本年新制作数量", "本年新公开数量", "对外公开总数量")
        data("规章", [f"active.rules.{c}" for c in triple], look.blank_rules)
        data("规范性文件", [f"active.normative_docs.{c}" for c in triple])
        block(5)
        header("上一年项目数量", "本年增/减", "处理决定数量")
        data("行政许可", [f"active.licensing.{c}" for c in items])
        data("其他对外管理服务事项", [f"active.other_services.{c}" for c in items])
        block(6)
        header("上一年项目数量", "本年增/减", "处理决定数量")
        data("行政处罚", [f"active.penalty.{c}" for c in items])
        data("行政强制", [f"active.coercion.{c}" for c in items])
        block(8)
        header("上一年项目数量", "本年增/减")
        data("行政事业性收费", ["active.fees.prev_items", "active.fees.change"])
        block(9)
        header("采购项目数量", "采购总金额")
        data("政府集中采购", ["active.procurement.projects", "active.procurement.amount"])
    return Table("A", rows, wrapper=look.wrapper, editor=look.editor)


# --- Table B ------------------------------------------------------------------------------------
CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_B_COLUMN_LABELS = (("自然人", None), ("商业企业", 2), ("科研机构", 2), ("社会公益组织", 4),
                    ("法律服务机构", 4), ("其他", None), ("总计", None))
_GROUPS = (
    ("（三）不予公开", "withheld", ("1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”",
                              "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息",
                              "7.属于行政执法案卷", "8.属于行政查询事项")),
    ("（四）无法提供", "unavailable", ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作",
                                  "3.补正后申请内容仍不明确")),
    ("（五）不予处理", "not_processed", ("1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物",
                                    "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息")),
    ("（六）其他处理", "other", ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                           "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                           "3.其他")),
)


def build_table_b(figures: dict[str, float | None], other_split: bool, look: TableLook) -> Table:
    """Table B (收到和处理政府信息公开申请情况) with the national layout: 3 label columns, 7 numbers."""
    rows: list[list[Cell]] = [
        [label(CORNER, look, rowspan=3, colspan=3), label("申请人情况", look, colspan=7)],
        [label("自然人", look, rowspan=2), label("法人或其他组织", look, colspan=5, split_at=2),
         label("总计", look, rowspan=2)],
        [label(text, look, split_at=at) for text, at in _B_COLUMN_LABELS[1:6]],
    ]

    def numbers(row_key: str) -> list[Cell]:
        return [figure_cell(figures, f"requests.{row_key}.{c}", look, blank=look.blank_zero) for c in B_ALL_COLUMNS]

    rows.append([label("一、本年新收政府信息公开申请数量", look, colspan=3, split_at=6), *numbers("new")])
    rows.append([label("二、上年结转政府信息公开申请数量", look, colspan=3), *numbers("carried_in")])
    result_rows = len(b_rows(other_split)) - 3  # leaves + 总计
    rows.append([label("三、本年度办理结果", look, rowspan=result_rows), label("（一）予以公开", look, colspan=2),
                 *numbers("result.disclosed")])
    rows.append([label("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", look, colspan=2, split_at=7),
                 *numbers("result.partly_disclosed")])
    for group_label, group, leaves in _GROUPS:
        if group == "other" and not other_split:
            rows.append([label(group_label, look, colspan=2), *numbers("result.other")])
            continue
        keys = [k for k in b_rows(other_split) if k.startswith(f"result.{group}.")]
        for i, (leaf_label, key) in enumerate(zip(leaves, keys, strict=True)):
            text = "2.其他法律行政止公开" if look.typo and key.endswith("prohibited_by_law") else leaf_label
            head = [label(group_label, look, rowspan=len(leaves))] if i == 0 else []
            rows.append([*head, label(text, look), *numbers(key)])
    rows.append([label("（七）总计", look, colspan=2), *numbers("result.total")])
    rows.append([label("四、结转下年度继续办理", look, colspan=3), *numbers("carried_out")])
    # File renderings break the table inside （四）无法提供 like real PDFs do.
    break_at = next(i for i, r in enumerate(rows) if r[0].text.startswith("2.没有现成"))
    return Table("B", rows, page_break_row=break_at, wrapper=look.wrapper,
                 editor=look.editor)


# --- Table C ------------------------------------------------------------------------------------
_C_LABELS = (("结果维持", 2), ("结果纠正", 2), ("其他结果", 2), ("尚未审结", 2), ("总计", None))


def build_table_c(figures: dict[str, float | None], look: TableLook) -> Table:
    """Table C (行政复议、行政诉讼): 15 numbers under a three-row header."""
    outcome_labels = [(text, at) for text, at in _C_LABELS]
    rows: list[list[Cell]] = [
        [label("行政复议", look, colspan=5), label("行政诉讼", look, colspan=10)],
        [*(label(t, look, rowspan=2, split_at=at) for t, at in outcome_labels),
         label("未经复议直接起诉", look, colspan=5, split_at=4), label("复议后起诉", look, colspan=5)],
        [label(t, look, split_at=at) for _ in range(2) for t, at in outcome_labels],
    ]
    keys = [f"{g}.{o}" for g in C_GROUPS for o in (*C_OUTCOMES, "total")]
    rows.append([figure_cell(figures, k, look, blank=look.blank_zero) for k in keys])
    return Table("C", rows, wrapper=look.wrapper, editor=look.editor)


# --- Pre-2019 local table ---------------------------------------------------------------------
LOCAL_ROWS = (
    ("主动公开政府信息数", "条", "local.active.total"),
    ("其中：通过政府网站公开", "条", "local.active.via_website"),
    ("收到政府信息公开申请数", "件", "local.requests.received"),
    ("其中：已答复", "件", "local.requests.answered"),
    ("其中：同意公开", "件", "local.requests.disclosed"),
    ("收取费用", "元", "local.fees.amount"),
    ("因政府信息公开申请行政复议数", "件", "local.review.total"),
    ("因政府信息公开提起行政诉讼数", "件", "local.litigation.total"),
)


def build_table_local(figures: dict[str, float | None], look: TableLook) -> Table:
    """The small 2008-outline table: 统计指标 | 单位 | 数量."""
    rows = [[label("统计指标", look), label("单位", look), label("数量", look)]]
    for text, unit, key in LOCAL_ROWS:
        rows.append([label(text, look), Cell(unit), figure_cell(figures, key, look)])
    return Table("local", rows, wrapper=look.wrapper, editor=look.editor)


# --- HTML --------------------------------------------------------------------------------------
_WRAP = {
    "plain": "{}",
    "p": '<p style="text-align:center;">{}</p>',
    "p_span": '<p align="center"><span style="font-family:宋体;font-size:14px;">{}</span></p>',
    "span": '<span style="font-size:12pt;">{}</span>',
}


_WORD_CELL = ('<p class="MsoNormal" align="center" style="text-align:center;"><span lang="EN-US" '
              'style="font-size:10.5pt;font-family:宋体;">{}<o:p></o:p></span></p>')


def table_html(table: Table) -> str:
    """The table as a CMS editor would save it: plain, UEditor (colgroup, widths) or pasted from Word."""
    wrap = _WORD_CELL if table.editor == "word" else _WRAP[table.wrapper]
    n_cols = sum(c.colspan for c in table.rows[0])
    if table.editor == "word":
        out = ['<div align="center"><table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" '
               'style="border-collapse:collapse;border:none;"><tbody>']
        td = ' width="{w}" valign="center" style="width:{w}pt;border:solid windowtext 1.0pt;padding:0cm 5.4pt;"'
    elif table.editor == "ueditor":
        out = ['<table width="100%" data-sort="sortDisabled"><colgroup>',
               "".join(f'<col width="{round(100 / n_cols)}%">' for _ in range(n_cols)), "</colgroup><tbody>"]
        td = ' valign="top" style="word-break:break-all;"'
    else:
        out = ['<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse;width:100%;">',
               "<tbody>"]
        td = ' valign="middle"'
    for row in table.rows:
        out.append("<tr>")
        for cell in row:
            attrs = ""
            if cell.rowspan > 1:
                attrs += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                attrs += f' colspan="{cell.colspan}"'
            inner = cell.html if cell.html is not None else html.escape(cell.text)
            out.append(f"<td{attrs}{td.format(w=48 * cell.colspan)}>{wrap.format(inner)}</td>")
        out.append("</tr>")
    out.append("</tbody></table></div>" if table.editor == "word" else "</tbody></table>")
    return "".join(out)


def table_text(table: Table) -> str:
    """Plain text of a table: one line per row, cells separated by tabs."""
    return "\n".join("\t".join(c.text.replace("\n", "") for c in row) for row in table.rows)
