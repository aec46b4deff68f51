"""The three statistics tables of an annual report, as layouts of canonical figure keys.

The web page rebuilds a report's own tables from the figures in the database (domain reference §3), and
the figures page uses the same layouts for Chinese labels of keys. One declaration serves both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

REQUEST_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural_person", "自然人"),
    ("business", "商业企业"),
    ("research", "科研机构"),
    ("public_interest", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)

REQUEST_ROWS_2021: tuple[tuple[str, str], ...] = (
    ("new", "一、本年新收政府信息公开申请数量"),
    ("carried_in", "二、上年结转政府信息公开申请数量"),
    ("result.disclosed", "三、本年度办理结果 （一）予以公开"),
    ("result.partly_disclosed", "（二）部分公开"),
    ("result.withheld.state_secret", "（三）不予公开 1.属于国家秘密"),
    ("result.withheld.prohibited_by_law", "2.其他法律行政法规禁止公开"),
    ("result.withheld.security_stability", "3.危及“三安全一稳定”"),
    ("result.withheld.third_party", "4.保护第三方合法权益"),
    ("result.withheld.internal_affairs", "5.属于三类内部事务信息"),
    ("result.withheld.process_info", "6.属于四类过程性信息"),
    ("result.withheld.enforcement_file", "7.属于行政执法案卷"),
    ("result.withheld.query_matter", "8.属于行政查询事项"),
    ("result.unavailable.not_held", "（四）无法提供 1.本机关不掌握相关政府信息"),
    ("result.unavailable.needs_creation", "2.没有现成信息需要另行制作"),
    ("result.unavailable.unclear", "3.补正后申请内容仍不明确"),
    ("result.not_processed.petition", "（五）不予处理 1.信访举报投诉类申请"),
    ("result.not_processed.repeated", "2.重复申请"),
    ("result.not_processed.publication", "3.要求提供公开出版物"),
    ("result.not_processed.mass_repeated", "4.无正当理由大量反复申请"),
    ("result.not_processed.confirmation", "5.要求行政机关确认或重新出具已获取信息"),
    ("result.other.no_correction", "（六）其他处理 1.申请人无正当理由逾期不补正"),
    ("result.other.unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用"),
    ("result.other.other", "3.其他"),
    ("result.other", "（六）其他处理"),
    ("result.total", "（七）总计"),
    ("carried_out", "四、结转下年度继续办理"),
)

REVIEW_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"), ("pending", "尚未审结"), ("total", "总计"),
)
REVIEW_GROUPS: tuple[tuple[str, str], ...] = (
    ("review", "行政复议"),
    ("litigation.direct", "行政诉讼 · 未经复议直接起诉"),
    ("litigation.after_review", "行政诉讼 · 复议后起诉"),
)

ACTIVE_2021: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("rules", "规章", (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数"))),
    ("normative_docs", "行政规范性文件",
     (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数"))),
    ("licensing", "行政许可", (("decisions", "本年处理决定数量"),)),
    ("penalty", "行政处罚", (("decisions", "本年处理决定数量"),)),
    ("coercion", "行政强制", (("decisions", "本年处理决定数量"),)),
    ("fees", "行政事业性收费", (("amount", "本年收费金额（万元）"),)),
)
ACTIVE_2019: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("rules", "规章", (("made", "本年新制作数量"), ("published", "本年新公开数量"), ("total_published", "对外公开总数量"))),
    ("normative_docs", "规范性文件",
     (("made", "本年新制作数量"), ("published", "本年新公开数量"), ("total_published", "对外公开总数量"))),
    ("licensing", "行政许可", (("prev_items", "上一年项目数量"), ("change", "本年增/减"), ("decisions", "处理决定数量"))),
    ("other_services", "其他对外管理服务事项",
     (("prev_items", "上一年项目数量"), ("change", "本年增/减"), ("decisions", "处理决定数量"))),
    ("penalty", "行政处罚", (("prev_items", "上一年项目数量"), ("change", "本年增/减"), ("decisions", "处理决定数量"))),
    ("coercion", "行政强制", (("prev_items", "上一年项目数量"), ("change", "本年增/减"), ("decisions", "处理决定数量"))),
    ("fees", "行政事业性收费", (("prev_items", "上一年项目数量"), ("change", "本年增/减"))),
    ("procurement", "政府集中采购", (("projects", "采购项目数量"), ("amount", "采购总金额"))),
)


@dataclass
class Cell:
    """One number cell of a rebuilt table."""

    key: str
    raw: str | None = None
    value: float | None = None
    present: bool = False
    failed: bool = False  # involved in a failed consistency check


@dataclass
class TableRow:
    """A labelled row of cells."""

    label: str
    cells: list[Cell]


@dataclass
class RebuiltTable:
    """A table as the report printed it: a title, column labels, rows."""

    code: str  # A | B | C
    title: str
    columns: list[str]
    rows: list[TableRow] = field(default_factory=list)


def key_labels() -> dict[str, str]:
    """Chinese label of every canonical key ("本年新收申请 · 自然人" …), for pickers and headers."""
    labels: dict[str, str] = {}
    for row_key, row_label in REQUEST_ROWS_2021:
        for col_key, col_label in REQUEST_COLUMNS:
            labels[f"requests.{row_key}.{col_key}"] = f"{row_label} · {col_label}"
    for group_key, group_label in REVIEW_GROUPS:
        for out_key, out_label in REVIEW_OUTCOMES:
            labels[f"{group_key}.{out_key}"] = f"{group_label} · {out_label}"
    for layout in (ACTIVE_2019, ACTIVE_2021):
        for row_key, row_label, cols in layout:
            for col_key, col_label in cols:
                labels[f"active.{row_key}.{col_key}"] = f"{row_label} · {col_label}"
    return labels


def failed_keys(rules: list[str]) -> set[str]:
    """The figure keys a failed rule name points at (docs/architecture.md, "Consistency rule names")."""
    keys: set[str] = set()
    for rule in rules:
        parts = rule.split(".")
        if rule.startswith("B.column_balance.") or rule.startswith("cross_year.carried."):
            col = parts[-1]
            keys.update(f"requests.{r}.{col}" for r in ("new", "carried_in", "result.total", "carried_out"))
        elif rule.startswith("B.row_total."):
            row = ".".join(parts[2:])
            keys.update(f"requests.{row}.{c}" for c, _ in REQUEST_COLUMNS)
        elif rule.startswith("B.result_total."):
            keys.add(f"requests.result.total.{parts[-1]}")
        elif rule.startswith("C.") and rule.endswith(".total"):
            group = ".".join(parts[1:-1])
            keys.update(f"{group}.{o}" for o, _ in REVIEW_OUTCOMES)
        elif rule.startswith("text."):
            keys.add(rule.removeprefix("text."))
    return keys


def rebuild_tables(figures: dict[str, tuple[float | None, str]], report_format: str | None,
                   failed: set[str]) -> list[RebuiltTable]:
    """Tables A, B and C from ``figures`` (key → (value, raw)); tables with no figure at all are left out."""

    def cell(key: str) -> Cell:
        if key in figures:
            value, raw = figures[key]
            return Cell(key, raw, value, True, key in failed)
        return Cell(key, failed=key in failed)

    tables: list[RebuiltTable] = []
    layout = ACTIVE_2019 if report_format == "2019" else ACTIVE_2021
    width = max(len(cols) for _, _, cols in layout)
    a = RebuiltTable("A", "主动公开政府信息情况", ["信息内容"] + [f"数值 {i + 1}" for i in range(width)])
    for row_key, row_label, cols in layout:
        cells = [cell(f"active.{row_key}.{c}") for c, _ in cols]
        names = "、".join(label for _, label in cols)
        a.rows.append(TableRow(f"{row_label}（{names}）", cells))
    b = RebuiltTable("B", "收到和处理政府信息公开申请情况", ["申请人情况"] + [label for _, label in REQUEST_COLUMNS])
    for row_key, row_label in REQUEST_ROWS_2021:
        cells = [cell(f"requests.{row_key}.{c}") for c, _ in REQUEST_COLUMNS]
        if any(c.present for c in cells):
            b.rows.append(TableRow(row_label, cells))
    c = RebuiltTable("C", "政府信息公开行政复议、行政诉讼情况", ["类别"] + [label for _, label in REVIEW_OUTCOMES])
    for group_key, group_label in REVIEW_GROUPS:
        c.rows.append(TableRow(group_label, [cell(f"{group_key}.{o}") for o, _ in REVIEW_OUTCOMES]))
    for table in (a, b, c):
        if any(cl.present for row in table.rows for cl in row.cells):
            tables.append(table)
    return tables
