"""Rows of a statistics table → figures under the canonical keys of the domain reference (§3).

Works on :class:`Row` objects, which come either from an HTML/DOCX/PDF table grid (:func:`rows_from_grid`)
or from flattened text (``archive.parse.flattened``). A row is read as *label cells followed by value
cells*; the value cells are assigned to columns by the labels (the table A header row's column labels, the
fixed applicant columns of table B, the fixed 15 outcomes of table C), never by grid position, so
misaligned colspans do not shift numbers. The format (2021 vs 2019) is detected from header labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from archive.parse.model import ParsedFigure
from archive.parse.tables import Grid
from archive.parse.textutil import label_key, nfkc, squash

NULL_MARKS = {"", "/", "\\", "—", "——", "———", "-", "--", "无", "–", "―", "―――", "－"}
_NUMBER = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*(万元|元|件|条|个|项|次|人|份)?$")


@dataclass
class Row:
    """One table row as distinct cells (spanned copies removed) in reading order."""

    cells: list[str]
    row: int | None = None  # source row (grid row, or line number for text)
    cols: list[int] = field(default_factory=list)  # source column of each cell


@dataclass(frozen=True)
class CellValue:
    """A cell read as a figure value."""

    value: float | None
    unit: str | None
    raw: str


@lru_cache(maxsize=8192)  # table cells repeat endlessly ("0", "/", labels); CellValue is never mutated
def read_value(raw: str) -> CellValue | None:
    """Read a cell as a number or a no-number mark; ``None`` when the cell is a label (text)."""
    text = squash(nfkc(raw)).replace(" ", "")
    if text in NULL_MARKS:
        return CellValue(None, None, raw.strip())
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)
    m = _NUMBER.match(text)
    if not m:
        return None
    value = float(m.group(1))
    return CellValue(value, m.group(2), raw.strip())


def is_value(raw: str) -> bool:
    """True when the cell reads as a number or a blank/no-number mark."""
    return read_value(raw) is not None


def rows_from_grid(grid: Grid) -> list[Row]:
    """Grid → rows, dropping horizontal copies of colspanned cells (vertical rowspan copies are kept)."""
    rows: list[Row] = []
    for r, grow in enumerate(grid.rows):
        cells: list[str] = []
        cols: list[int] = []
        last = None
        for c, cell in enumerate(grow):
            if cell.origin == last:
                continue
            last = cell.origin
            cells.append(cell.text)
            cols.append(c)
        rows.append(Row(cells, r, cols))
    return rows


# ---- label vocabularies (matched on distinctive words, after NFKC and whitespace removal) ----

A_COLUMNS: list[tuple[tuple[str, ...], str]] = [
    (("制发",), "issued"), (("废止",), "repealed"), (("现行有效",), "in_force"),
    (("新制作",), "made"), (("新公开",), "published"), (("公开总", "对外公开"), "total_published"),
    (("上一年", "上年项目"), "prev_items"), (("增/减", "增减", "增(减)"), "change"),
    (("处理决定",), "decisions"), (("收费金额",), "amount"), (("采购项目",), "projects"),
    (("采购总金额", "总金额", "采购金额"), "amount"),
]
A_ROWS: list[tuple[tuple[str, ...], str]] = [
    (("对外管理", "服务事项"), "other_services"), (("规范性文件",), "normative_docs"), (("规章",), "rules"),
    (("行政许可",), "licensing"), (("行政处罚",), "penalty"), (("行政强制",), "coercion"),
    (("事业性收费", "行政收费"), "fees"), (("集中采购", "政府采购"), "procurement"),
]
A_DEFAULTS = {
    "2021": {"rules": ["issued", "repealed", "in_force"], "normative_docs": ["issued", "repealed", "in_force"],
             "licensing": ["decisions"], "penalty": ["decisions"], "coercion": ["decisions"], "fees": ["amount"]},
    "2019": {"rules": ["made", "published", "total_published"],
             "normative_docs": ["made", "published", "total_published"],
             "licensing": ["prev_items", "change", "decisions"], "other_services": ["prev_items", "change", "decisions"],
             "penalty": ["prev_items", "change", "decisions"], "coercion": ["prev_items", "change", "decisions"],
             "fees": ["prev_items", "change"], "procurement": ["projects", "amount"]},
}
B_COLUMNS = ["natural_person", "business", "research", "public_interest", "legal_service", "other_org", "total"]
C_KEYS = [f"{g}.{o}" for g in ("review", "litigation.direct", "litigation.after_review")
          for o in ("upheld", "corrected", "other", "pending", "total")]

# Table B leaves: first match wins, so more specific words come first.
B_ROWS: list[tuple[tuple[str, ...], str]] = [
    (("本年新收", "新收政府信息", "本年度新收"), "new"),
    (("上年结转", "上年度结转"), "carried_in"),
    (("结转下年", "继续办理"), "carried_out"),
    (("予以公开",), "result.disclosed"),
    (("部分公开",), "result.partly_disclosed"),
    (("国家秘密",), "result.withheld.state_secret"),
    (("禁止公开", "法律行政", "法规禁止"), "result.withheld.prohibited_by_law"),
    (("三安全", "一稳定", "危及"), "result.withheld.security_stability"),
    (("第三方",), "result.withheld.third_party"),
    (("内部事务",), "result.withheld.internal_affairs"),
    (("过程性",), "result.withheld.process_info"),
    (("执法案卷",), "result.withheld.enforcement_file"),
    (("行政查询",), "result.withheld.query_matter"),
    (("不掌握",), "result.unavailable.not_held"),
    (("另行制作", "没有现成"), "result.unavailable.needs_creation"),
    (("缴纳费用", "收费通知", "缴纳"), "result.other.unpaid_fee"),
    (("逾期不补正", "逾期"), "result.other.no_correction"),
    (("补正后", "仍不明确"), "result.unavailable.unclear"),
    (("信访", "举报", "投诉"), "result.not_processed.petition"),
    (("大量反复",), "result.not_processed.mass_repeated"),
    (("重复申请",), "result.not_processed.repeated"),
    (("出版物",), "result.not_processed.publication"),
    (("确认", "重新出具"), "result.not_processed.confirmation"),
    (("其他处理",), "result.other"),
    (("总计",), "result.total"),
]
# The printed labels of table B's leaves (2021 model form), for OCR'd tables whose labels came out garbled
# ("日请人无正当理由道期不正" for 申请人无正当理由逾期不补正): the label is matched by how much of it the printed
# label holds, in order, when no keyword is found.
B_PRINTED: dict[str, str] = {
    "new": "本年新收政府信息公开申请数量", "carried_in": "上年结转政府信息公开申请数量",
    "result.disclosed": "予以公开", "result.partly_disclosed": "部分公开区分处理的只计这一情形不计其他情形",
    "result.withheld.state_secret": "属于国家秘密", "result.withheld.prohibited_by_law": "其他法律行政法规禁止公开",
    "result.withheld.security_stability": "危及三安全一稳定", "result.withheld.third_party": "保护第三方合法权益",
    "result.withheld.internal_affairs": "属于三类内部事务信息", "result.withheld.process_info": "属于四类过程性信息",
    "result.withheld.enforcement_file": "属于行政执法案卷", "result.withheld.query_matter": "属于行政查询事项",
    "result.unavailable.not_held": "本机关不掌握相关政府信息", "result.unavailable.needs_creation": "没有现成信息需要另行制作",
    "result.unavailable.unclear": "补正后申请内容仍不明确", "result.not_processed.petition": "信访举报投诉类申请",
    "result.not_processed.repeated": "重复申请", "result.not_processed.publication": "要求提供公开出版物",
    "result.not_processed.mass_repeated": "无正当理由大量反复申请",
    "result.not_processed.confirmation": "要求行政机关确认或重新出具已获取信息",
    "result.other.no_correction": "申请人无正当理由逾期不补正行政机关不再处理其政府信息公开申请",
    "result.other.unpaid_fee": "申请人逾期未按收费通知要求缴纳费用行政机关不再处理其政府信息公开申请",
    "carried_out": "结转下年度继续办理",
}
# The order of table B's leaf rows on the national form (2019 and 2021 alike; the 2019 form prints （六） as one row)
B_ORDER: list[str] = ["new", "carried_in", "result.disclosed", "result.partly_disclosed",
                      *(f"result.withheld.{k}" for k in ("state_secret", "prohibited_by_law", "security_stability",
                                                         "third_party", "internal_affairs", "process_info",
                                                         "enforcement_file", "query_matter")),
                      "result.unavailable.not_held", "result.unavailable.needs_creation", "result.unavailable.unclear",
                      *(f"result.not_processed.{k}" for k in ("petition", "repeated", "publication", "mass_repeated",
                                                              "confirmation")),
                      "result.other.no_correction", "result.other.unpaid_fee", "result.other.other",
                      "result.total", "carried_out"]
FUZZY_MIN_CHARS = 6  # shorter garbled labels say too little to be placed
FUZZY_MIN_SHARE = 0.6  # of the label's characters found, in order, in the printed label
FUZZY_MARGIN = 0.2  # over the next best printed label


def _in_order(label: str, printed: str) -> int:
    """How many of ``label``'s characters ``printed`` holds in the same order (longest common subsequence)."""
    prev = [0] * (len(printed) + 1)
    for ch in label:
        cur = [0]
        for j, pc in enumerate(printed):
            cur.append(prev[j] + 1 if ch == pc else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def _label_chars(label: str) -> str:
    """The Chinese characters of a label without its numbering (what a garbled label is judged by)."""
    return re.sub(r"[^\u4e00-\u9fff]", "", _NUMBERING.sub("", label_key(label)))


@lru_cache(maxsize=4096)
def b_row_fuzzy(label: str) -> str | None:
    """The table B leaf a garbled (OCR) label most likely is: most of its characters in order in one printed
    label, clearly more than in any other; None when no label stands out."""
    bare = _label_chars(label)
    if len(bare) < FUZZY_MIN_CHARS:
        return None
    scores = sorted(((_in_order(bare, printed) / len(bare), key) for key, printed in B_PRINTED.items()), reverse=True)
    (best, key), (second, _) = scores[0], scores[1]
    return key if best >= FUZZY_MIN_SHARE and best - second >= FUZZY_MARGIN else None


_NUMBERING = re.compile(r"^(?:[(（]?[一二三四五六七八九十]+[)）、.．]|[(（]?\d{1,2}[)）、.．])+")
# Column suffixes a table A row may carry in either format (a header that names others is not its header).
A_ALLOWED = {
    "rules": {"issued", "repealed", "in_force", "made", "published", "total_published"},
    "normative_docs": {"issued", "repealed", "in_force", "made", "published", "total_published"},
    "licensing": {"decisions", "prev_items", "change"}, "other_services": {"decisions", "prev_items", "change"},
    "penalty": {"decisions", "prev_items", "change"}, "coercion": {"decisions", "prev_items", "change"},
    "fees": {"amount", "prev_items", "change"}, "procurement": {"projects", "amount"},
}


def _match(label: str, table: list[tuple[tuple[str, ...], str]]) -> str | None:
    for words, key in table:
        if any(w in label for w in words):
            return key
    return None


@lru_cache(maxsize=4096)
def a_column(label: str) -> str | None:
    """The table A column suffix a header label names, if any."""
    return _match(label_key(label), A_COLUMNS)


@lru_cache(maxsize=4096)
def b_row(label: str, group_other: bool = False) -> str | None:
    """The table B row key a label names; ``group_other`` tells a bare "3.其他" sits under （六）其他处理."""
    key = label_key(label)
    bare = _NUMBERING.sub("", key)
    if bare in ("其他", "其它") and group_other:
        return "result.other.other"
    return _match(key, B_ROWS)


@lru_cache(maxsize=4096)
def a_row(label: str) -> str | None:
    """The table A row a label names (rules, normative_docs, licensing …)."""
    key = label_key(label)
    if "信息内容" in key or "第二十条" in key:
        return None
    return _match(key, A_ROWS)


@dataclass
class FigureResult:
    """Figures read from a sequence of rows."""

    figures: list[ParsedFigure] = field(default_factory=list)
    format: str | None = None
    warnings: list[str] = field(default_factory=list)


def _split(row: Row) -> tuple[list[tuple[str, int]], list[tuple[CellValue, int]]]:
    """Labels (non-empty text cells) before the trailing run of value cells."""
    cells = list(zip(row.cells, row.cols or list(range(len(row.cells))), strict=False))
    i = len(cells)
    while i > 0 and is_value(cells[i - 1][0]):
        i -= 1
    labels = [(t.strip(), c) for t, c in cells[:i] if t.strip()]
    values = [(read_value(t), c) for t, c in cells[i:]]
    return labels, values  # type: ignore[return-value]


def _fit(values: list[tuple[CellValue, int]], n: int) -> list[tuple[CellValue, int]] | None:
    """Choose ``n`` values: drop trailing blanks (span padding), then inner blanks, when there are too many."""
    vals = list(values)
    while len(vals) > n and vals[-1][0].raw == "":
        vals.pop()
    if len(vals) > n:
        vals = [v for v in vals if v[0].raw != ""] if sum(v[0].raw != "" for v in vals) >= n else vals
    if len(vals) < n:
        return None
    return vals[:n]


class _Reader:
    def __init__(self, fuzzy: bool = False) -> None:
        self.fuzzy = fuzzy
        self.out = FigureResult()
        self.seen: set[str] = set()
        self.table: str | None = None
        self.a_header: list[str] = []
        self.a_unit: str | None = None
        self.group_other = False
        self.pending: list[str] = []
        self.header_open = False  # the last row was a table A header row
        self.last_b: str | None = None  # the table B row read last (a garbled label's place follows it)

    def add(self, key: str, cv: CellValue, table: str, row: int | None, col: int | None,
            unit: str | None = None) -> None:
        if key in self.seen:
            return
        self.seen.add(key)
        self.out.figures.append(ParsedFigure(key=key, value=cv.value, raw=cv.raw, unit=cv.unit or unit,
                                             table=table, row=row, col=col))

    def header(self, labels: list[str]) -> bool:
        joined = label_key("".join(labels))
        if any(w in joined for w in ("申请人情况", "勾稽关系", "自然人", "商业企业")):
            self.table = "B"
            return True
        if "行政复议" in joined or "结果维持" in joined or "未经复议" in joined:
            self.table = "C"
            return True
        if "第二十条" in joined:
            self.table = "A"
        cols = [a_column(lab) for lab in labels]
        cols = [c for c in cols if c]
        if cols:
            self.table = "A"
            # one label per line (DOC/PDF text): consecutive header rows make one header
            self.a_header = self.a_header + cols if self.header_open else cols
            self.header_open = True
            self.a_unit = "万元" if "万元" in joined else ("元" if "(元)" in joined or "单位:元" in joined else None)
            if "制发" in joined:
                self.out.format = "2021"
            elif "新制作" in joined and self.out.format is None:
                self.out.format = "2019"
            return True
        return "第二十条" in joined or "信息内容" in joined

    def data(self, row: Row, labels: list[tuple[str, int]], values: list[tuple[CellValue, int]]) -> None:
        texts = [t for t, _ in labels]
        if self.table == "C" and len(values) >= 15:
            fitted = _fit(values, 15)
            if fitted:
                for key, (cv, col) in zip(C_KEYS, fitted, strict=True):
                    self.add(key, cv, "C", row.row, col)
                return
        own = texts[-1] if texts else ""
        candidates = [own, "".join(texts[-2:]), "".join(self.pending[-3:] + texts)] if texts else [
            "".join(self.pending[-3:])]
        for cand in candidates:
            if not cand:
                continue
            a = a_row(cand) if self.table != "B" else None
            if a:
                self._a_row(a, row, values)
                return
            b = b_row(cand, self.group_other and self.table == "B")
            if b and (self.table in ("B", None) or b in ("new", "carried_in", "carried_out")):
                if b == "result.total" and self.table != "B":
                    continue
                self._b_row(b, row, values)
                return
            # a garbled own label is placed before the group label beside it ("（六）其他处理") is taken for it:
            # by the printed label it resembles, else as the row the form prints next (the order is fixed)
            b = self._garbled_b_row(own) if cand == own else None
            if b:
                self._b_row(b, row, values)
                return

    def _garbled_b_row(self, label: str) -> str | None:
        if not (self.fuzzy and self.table == "B"):
            return None
        b = b_row_fuzzy(label)
        if b is None and self.last_b in B_ORDER and len(_label_chars(label)) >= FUZZY_MIN_CHARS:
            following = B_ORDER[B_ORDER.index(self.last_b) + 1:]
            b = following[0] if following and f"requests.{following[0]}.total" not in self.seen else None
        return b

    def _a_row(self, name: str, row: Row, values: list[tuple[CellValue, int]]) -> None:
        cols = self.a_header
        if not cols or not set(cols) <= A_ALLOWED[name]:
            cols = A_DEFAULTS.get(self.out.format or "2021", {}).get(name) or A_DEFAULTS["2019"][name]
        fitted = _fit(values, len(cols))
        if not fitted:
            self.out.warnings.append(f"table A row {name}: {len(values)} values for {len(cols)} columns")
            return
        for suffix, (cv, col) in zip(cols, fitted, strict=True):
            unit = self.a_unit if suffix == "amount" else None
            self.add(f"active.{name}.{suffix}", cv, "A", row.row, col, unit)

    def _b_row(self, key: str, row: Row, values: list[tuple[CellValue, int]]) -> None:
        self.table = "B"
        self.last_b = key
        fitted = _fit(values, 7)
        if not fitted:
            self.out.warnings.append(f"table B row {key}: {len(values)} values, 7 expected")
            return
        for colname, (cv, col) in zip(B_COLUMNS, fitted, strict=True):
            self.add(f"requests.{key}.{colname}", cv, "B", row.row, col)

    def _track_group(self, texts: list[str]) -> None:
        """Remember whether rows now sit under （六）其他处理 (where a bare "3.其他" is result.other.other)."""
        joined = label_key("".join(texts))
        if "其他处理" in joined:
            self.group_other = True
        elif any(w in joined for w in ("不予处理", "无法提供", "不予公开", "办理结果", "总计", "结转")):
            self.group_other = False

    def feed(self, row: Row) -> None:
        labels, values = _split(row)
        texts = [t for t, _ in labels]
        self._track_group(texts)
        was_open, self.header_open = self.header_open, False
        if was_open and texts and not any(cv.raw for cv, _ in values) and all(a_column(t) for t in texts):
            self.header_open = True  # header() below extends the open header
        has_number = any(cv.raw for cv, _ in values)
        if not has_number and not texts and self.table == "C" and len(values) >= 15:
            self.data(row, labels, values)  # table C's row of fifteen blank cells
            return
        if not has_number:
            if not texts or self.header(texts):
                return
            if values and (a_row(texts[-1]) or b_row(texts[-1], self.group_other)):
                self.data(row, labels, values)  # a labelled row of blanks still records its blanks
            else:
                self.pending = (self.pending + ["".join(texts)])[-6:]
            return
        if texts and not any(a_row(t) or b_row(t) for t in texts):
            self.header(texts)
        self.data(row, labels, values)
        self.pending = []


def extract_figures(rows: list[Row], fuzzy_labels: bool = False) -> FigureResult:
    """Read tables A, B and C from ``rows`` (one table or several, in document order). ``fuzzy_labels``: the
    rows were read by OCR, so a table B label no keyword finds is matched to the printed label it most resembles."""
    reader = _Reader(fuzzy_labels)
    for row in rows:
        reader.feed(row)
    out = reader.out
    keys = {f.key for f in out.figures}
    if out.format is None and keys:
        split_other = any(k.startswith(("requests.result.other.no_correction.", "requests.result.other.unpaid_fee.",
                                        "requests.result.other.other.")) for k in keys)
        if split_other or "active.rules.issued" in keys:
            out.format = "2021"
        elif any(k.endswith(".prev_items") for k in keys):
            out.format = "2019"
        # else: table B alone with （六）其他处理 as one row is printed in both formats; the caller decides
    return out


# Pre-2019 (2008 outline) statistics: common indicator labels → stable slugs; others keep their label.
LOCAL_ROWS: list[tuple[tuple[str, ...], str]] = [
    (("网站",), "active.via_website"), (("已答复", "答复"), "requests.answered"),
    (("同意公开", "予以公开"), "requests.disclosed"), (("不予公开",), "requests.withheld"),
    (("收取费用", "收费", "费用"), "fees.amount"), (("行政复议",), "review.total"), (("行政诉讼",), "litigation.total"),
    (("申诉",), "complaints.total"), (("收到", "申请"), "requests.received"), (("主动公开",), "active.total"),
]
UNIT_ONLY = re.compile(r"^(?:条|件|个|项|元|万元|次|人|份|篇)$")


def local_figures(rows: list[Row]) -> list[ParsedFigure]:
    """Pre-2019 tables: each labelled number under ``local.<slug>`` (:data:`LOCAL_ROWS`, else the label)."""
    out: list[ParsedFigure] = []
    seen: set[str] = set()
    for row in rows:
        labels, values = _split(row)
        texts = [t for t, _ in labels if not UNIT_ONLY.match(nfkc(t).strip())]
        units = [nfkc(t).strip() for t, _ in labels if UNIT_ONLY.match(nfkc(t).strip())]
        numbers = [(cv, c) for cv, c in values if cv.raw]
        if not numbers or not texts or len(numbers) > 3:
            continue
        key = label_key(texts[-1])
        slug = _match(key, LOCAL_ROWS) or re.sub(r"[^\w\u4e00-\u9fff]+", "", _NUMBERING.sub("", key))[:40]
        if not slug or f"local.{slug}" in seen:
            continue
        cv, col = numbers[0]
        seen.add(f"local.{slug}")
        out.append(ParsedFigure(key=f"local.{slug}", value=cv.value, raw=cv.raw, unit=cv.unit or (units[0] if units else None),
                                table="local", row=row.row, col=col))
    return out
