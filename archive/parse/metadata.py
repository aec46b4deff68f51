"""Document metadata: title, publisher, report year, publication date, 索引号, 文号 and kind.

Order of trust for the publication date (``published_at_source``):

1. ``meta_tag`` — the 政府网站发展指引 ``<meta name="PubDate">`` (names matched case-insensitively);
2. ``visible_line`` — the visible "发布时间：2022-02-15 14:52 来源：… 作者：…" line;
3. ``catalog_block`` — the 目录 header block: 发布日期, else 生成日期, else 发文日期, else 成文日期;
4. ``url`` — the date in the address (``/202201/t20220125_123.html``, ``/art/2022/1/30/art_…``).

Title: ``ArticleTitle`` meta, else the 目录 block's 名称, else the page's headline, else ``<title>`` (site
suffix removed), else the first lines of the text. Publisher and report year: from the title (both orders:
"X县Y局2021年政府信息公开工作年度报告", "2021年度X县Y局政府信息公开年度报告"), else the 发布机构 field (not for
annual reports, whose 发布机构 is often the platform's office), else the text (a report title quoted in 《》,
"请与…联系", the first line when it is an organisation name, the statistics period "数据统计期限为2021年1月1日至
2021年12月31日" / "统计期限自2021年1月1日起至2021年12月31日止"), else caller hints.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from archive.parse.textutil import nfkc, parse_date, squash

META_NAMES = ["SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnDescription", "ColumnKeywords",
              "ColumnType", "ArticleTitle", "PubDate", "ContentSource", "Keywords", "Author", "Description",
              "Image", "Url"]
_META_CANON = {n.lower(): n for n in META_NAMES}

PUBLISHER_LABELS = ("发布机构", "发文机关", "公开机构", "发布单位", "发文单位")
DATE_LABELS = ("发布日期", "发布时间", "公开日期", "生成日期", "发文日期", "成文日期", "生效时间", "废止时间", "生效日期",
               "废止日期")
CATALOG_LABELS = ["索引号", "主题分类", "信息分类", "组配分类", "体裁分类", "服务对象分类", *PUBLISHER_LABELS,
                  *DATE_LABELS, "文号", "发文字号", "有效性", "关键词", "主题词", "名称", "标题", "信息名称",
                  "信息来源", "内容概述", "公开方式", "公开范围", "公开时限", "浏览次数", "时效"]
_CATALOG_SET = frozenset(CATALOG_LABELS)
# Labels read even with no separator at all (<dt>发布机构</dt><dd>…</dd>, "索引号 003129766/…"): only those whose
# values can be told apart (see _plausible), never short generic words such as 名称 or 标题.
_BARE_LABELS = ["索引号", "主题分类", "信息分类", "组配分类", "体裁分类", *PUBLISHER_LABELS, *DATE_LABELS, "文号",
                "发文字号"]


def _spaced(labels: list[str]) -> str:
    """An alternation of labels that may be written with spaces inside (索 引 号, 名  称), longest first."""
    return "|".join(r"\s*".join(map(re.escape, x)) for x in sorted(labels, key=len, reverse=True))


_LABEL_ALT = _spaced(CATALOG_LABELS)
# A label and its separator: 索引号： / 索 引 号: / 【索引号】 / [索引号]：
_CATALOG = re.compile(rf"(?<![\u4e00-\u9fff])(?:[【\[]\s*({_LABEL_ALT})\s*[】\]]\s*[:：]?|({_LABEL_ALT})\s*[:：])\s*")
# A label with no separator, at the start of a line or after a space, followed by a space or the line's end.
_SEPARATOR = re.compile(r"[:：】\]]")
_BARE = re.compile(rf"(?:^|(?<=\s))({_spaced(_BARE_LABELS)})(?=\s|$)")
_INDEX_NUMBER = re.compile(r"[0-9A-Za-z]{9,18}\s*/\s*\d{4}(?:\d{2})?\s*-\s*\d{1,8}")

_VISIBLE_DATE = re.compile(r"(?<![\u4e00-\u9fff])(?:发\s*布\s*时\s*间|发\s*布\s*日\s*期|发表时间|发布于|时间|日期)\s*[:：]\s*"
                           r"((?:19|20)\d{2}[^\s来作浏点]{3,12}(?:\s+\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?)")
_SOURCE = re.compile(r"(?:来源|信息来源|文章来源)\s*[:：]\s*([^\s|]{2,40})")
_AUTHOR = re.compile(r"(?:作者)\s*[:：]\s*([^\s|]{1,30})")

_PERIOD = re.compile(
    r"统计期限(?:为|是|自|从)?\s*((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:起)?\s*(?:至|到|—|-|－)\s*"
    r"((?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日")
_AS_OF_YEAR_END = re.compile(r"截[至止]\s*((?:19|20)\d{2})\s*年\s*(?:12\s*月\s*31\s*日|底|末)")
_REPORT_PHRASE = re.compile(
    r"(?:政府)?信息公开(?:工作)?年(?:度)?报(?:告)?|政务公开(?:工作)?年度报告|信息公开工作报告|年度报告|年报")
_ORG_SUFFIX = ("人民政府办公室", "人民政府", "委员会", "办公室", "管理局", "事务局", "服务中心", "中心", "局", "委", "办",
               "院", "所", "队", "站", "馆", "会", "街道办事处", "街道", "镇", "乡", "公司", "厅", "部", "处", "社")
_ORG = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:县|市|区|旗)[\u4e00-\u9fff]{1,16}?(?:人民政府办公室|人民政府|委员会|"
                  r"事务局|管理局|服务中心|中心|局|委|办公室|办|院|所|队|站|馆|街道办事处|镇|乡)")


@dataclass
class Metadata:
    """Everything metadata.py reads from one document."""

    title: str | None = None
    publisher: str | None = None
    year: int | None = None
    published_at: dt.datetime | dt.date | None = None
    published_at_source: str | None = None
    index_number: str | None = None
    doc_number: str | None = None
    fields: dict[str, str] = field(default_factory=dict)  # meta tags + 目录 block + visible line


def meta_tags(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Guideline meta tags from ``(name, content)`` pairs; names matched case-insensitively."""
    out: dict[str, str] = {}
    for name, content in pairs:
        canon = _META_CANON.get(name.strip().lower())
        if canon and content and canon not in out:
            out[canon] = squash(content)
    return out


def _label_spans(text: str) -> list[tuple[str, int, int, bool]]:
    """``(label, start, end of label and separator, with a separator)`` for the labels on one line.

    Labels with a separator (colon or brackets) are taken anywhere on the line; without any, only a run of
    them starting the line (a ``<dt>``/``<td>`` holding just the label, "索引号 003129766/…").
    """
    if _SEPARATOR.search(text):  # most lines have none: skip the long alternation
        spans = [(re.sub(r"\s+", "", m.group(1) or m.group(2)), m.start(), m.end(), True)
                 for m in _CATALOG.finditer(text)]
        if spans:
            return spans
    if not _BARE.match(text):
        return []
    bare = list(_BARE.finditer(text))
    return [(re.sub(r"\s+", "", m.group(1)), m.start(), m.end(), False) for m in bare]


def _plausible(label: str, value: str) -> bool:
    """Whether ``value`` can be the value of ``label`` (for values not tied to their label by a separator)."""
    if label in DATE_LABELS:
        return parse_date(value) is not None
    if label == "索引号":
        return bool(re.search(r"\d", value)) and len(value) <= 60
    if label in PUBLISHER_LABELS:
        return (bool(re.search(r"[\u4e00-\u9fff]", value)) and len(value) <= 40 and parse_date(value) is None
                and not re.search(r"[:：]", value))
    if label in ("文号", "发文字号"):
        return bool(re.search(r"\d\s*号", value)) and len(value) <= 40
    return len(value) <= 80


def catalog_fields(lines: list[str]) -> dict[str, str]:
    """The 目录 header block: ``label → value`` (first occurrence of each label; empty values dropped).

    Several fields may share a line ("索引号: 003129766/201901-00336 组配分类: 规范性文件发布"); a label alone on
    its line takes the next line as its value (the block is often a table: label cell, value cell; or
    ``<dt>``/``<dd>``, or a label ``<div>`` and a value ``<div>``). Labels may carry spaces (发 布 机 构),
    brackets (【索引号】), a full- or half-width colon or none; a value not joined to its label by a separator
    must look like a value of that label (a date for 发布日期, a name for 发布机构 …), so a row of column
    headings above a row of values never pairs the wrong cells.
    """
    out: dict[str, str] = {}
    for i, line in enumerate(lines):
        text = squash(line)
        spans = _label_spans(text) if text else []
        for j, (label, _start, end, joined) in enumerate(spans):
            stop = spans[j + 1][1] if j + 1 < len(spans) else len(text)
            value = text[end:stop].strip()
            next_line = False
            if not value and j + 1 == len(spans) and i + 1 < len(lines):
                nxt = squash(lines[i + 1])
                if nxt and not _label_spans(nxt) and len(nxt) <= 80:
                    value, next_line = nxt, True
            if not value or label in out:
                continue
            if (next_line or not joined) and not _plausible(label, value):
                continue
            out[label] = value
    # a value that is itself the next label is no value
    return {k: v for k, v in out.items() if re.sub(r"\s+", "", v) not in _CATALOG_SET}


def visible_line(lines: list[str]) -> dict[str, str]:
    """The "发布时间：… 来源：… 作者：…" line, as raw strings."""
    out: dict[str, str] = {}
    for line in lines:
        text = squash(line)
        if len(text) > 200:
            continue
        m = _VISIBLE_DATE.search(text)
        if m and parse_date(m.group(1)) is not None:
            out["发布时间"] = m.group(1).strip()
            if s := _SOURCE.search(text):
                out["来源"] = s.group(1)
            if a := _AUTHOR.search(text):
                out["作者"] = a.group(1)
            return out
    return out


def url_date(url: str | None) -> dt.date | None:
    """The date in a document address: TRS ``t20220125_…``, Hanweb ``/art/2022/1/30/``, ``/202401/15/``."""
    if not url:
        return None
    path = urlsplit(url).path
    for pattern in (r"/t((?:19|20)\d{2})(\d{2})(\d{2})_", r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/",
                    r"/((?:19|20)\d{2})(\d{2})/(\d{2})/", r"/((?:19|20)\d{2})-(\d{2})-(\d{2})/"):
        m = re.search(pattern, path)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
    return None


def url_year_hint(url: str | None) -> int | None:
    """A report year the address states (Hanweb annual-report module ``fbtime=2021``)."""
    if not url:
        return None
    qs = parse_qs(urlsplit(url).query)
    for name in ("fbtime", "year", "nd"):
        for v in qs.get(name, []):
            if re.fullmatch(r"(19|20)\d{2}", v):
                return int(v)
    return None


def _clean_org(text: str) -> str | None:
    text = squash(text).strip(" 《》“”\"'：:，,、()（）关于的")
    text = re.sub(r"^(?:关于|印发)", "", text)
    if 2 <= len(text) <= 40 and re.search(r"[\u4e00-\u9fff]", text) and text.endswith(_ORG_SUFFIX):
        return text
    return None


def title_publisher_year(title: str | None) -> tuple[str | None, int | None]:
    """Publisher and report year from an annual-report title, in either order."""
    if not title:
        return None, None
    t = squash(nfkc(title)).replace(" ", "")
    m = _REPORT_PHRASE.search(t)
    if not m:
        return None, None
    head = t[: m.start()]
    ym = re.search(r"((?:19|20)\d{2})年(?:度)?", head)
    if not ym:
        return None, None
    year = int(ym.group(1))
    before, after = head[: ym.start()], head[ym.end():]
    org = _clean_org(before) or _clean_org(after)
    return org, year


def period_year(text: str) -> int | None:
    """The report year from the statistics-period sentence or "截至2021年12月31日"."""
    flat = nfkc(text)
    m = _PERIOD.search(flat)
    if m and m.group(1) == m.group(2):
        return int(m.group(1))
    m = _AS_OF_YEAR_END.search(flat)
    return int(m.group(1)) if m else None


def text_publisher_year(lines: list[str]) -> tuple[str | None, int | None]:
    """Publisher (and a year, when a report title is quoted) as the body text states it: a quoted report
    title, a first line naming an organisation, "请与…联系" (guesses are :func:`frequent_org`'s)."""
    text = "\n".join(lines)
    for quoted in re.findall(r"《([^《》]{6,60})》", text):
        org, year = title_publisher_year(quoted)
        if org:
            return org, year
    first = next((squash(x) for x in lines if squash(x)), "")
    if (org := _clean_org(first)) and len(first) <= 30:
        return org, None
    m = re.search(r"(?:请与|联系单位[:：]?)\s*([\u4e00-\u9fff]{2,30}?)(?:办公室|政务公开办)?(?:联系|，|。)", text)
    if m and (org := _clean_org(m.group(1))):
        return org, None
    return None, None


def frequent_org(lines: list[str]) -> str | None:
    """The county-qualified organisation name the text mentions most: a guess, not a statement."""
    counts: dict[str, int] = {}
    for found in _ORG.findall("\n".join(lines)):
        counts[found] = counts.get(found, 0) + 1
    if counts:
        return max(counts.items(), key=lambda kv: (kv[1], not kv[0].endswith("人民政府"), -len(kv[0])))[0]
    return None


def stated_publisher(fields: dict[str, str]) -> str | None:
    """The 目录 block's 发布机构 / 发文机关 / 公开机构 / 发布单位 / 发文单位."""
    return next((fields[label] for label in PUBLISHER_LABELS if fields.get(label)), None)


def source_publisher(fields: dict[str, str]) -> tuple[str | None, str | None]:
    """The organisation a page names as its source: ``ContentSource`` meta, else the visible 来源 / 信息来源.

    Only an organisation's name counts ("本站", "新华网" do not); returns the name and where it was read.
    """
    for key, source in (("ContentSource", "meta_tag"), ("来源", "visible_line"), ("信息来源", "catalog_block")):
        # 本站 / 本网 / 本局 name no one in particular
        if fields.get(key) and not fields[key].startswith("本") and (org := _clean_org(fields[key])):
            return org, source
    return None, None


def text_title(lines: list[str]) -> str | None:
    """A title from the first lines of a text: a line naming a report/notice, joined with an org line above it."""
    nonempty = [squash(x) for x in lines[:15] if squash(x)]
    for i, line in enumerate(nonempty[:8]):
        if len(line) <= 60 and re.search(r"报告|通知|公告|通告|决定|意见|办法|方案|规定|报$", line) \
                and not re.search(r"[。；;]", line) and not line.startswith(("当前位置", "首页", "一、")):
            if i > 0 and _clean_org(nonempty[i - 1]) and len(nonempty[i - 1]) <= 30 and not _clean_org(line):
                return nonempty[i - 1] + line
            return line
    return None


def catalog_date(fields: dict[str, str]) -> dt.datetime | dt.date | None:
    """The 目录 block's publication date (发布日期/发布时间, else 公开日期, 生成日期, 发文日期, 成文日期)."""
    for label in ("发布日期", "发布时间", "公开日期", "生成日期", "发文日期", "成文日期"):
        if label in fields and (d := parse_date(fields[label])):
            return d
    return None


def index_number(fields: dict[str, str]) -> str | None:
    """索引号 from the 目录 field, whitespace removed (``003129766/201901-00336``)."""
    raw = fields.get("索引号")
    if raw:
        m = _INDEX_NUMBER.search(nfkc(raw))
        return re.sub(r"\s+", "", m.group(0)) if m else raw.split()[0]
    return None


_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,12}\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d{1,5}\s*号$")


def doc_number(fields: dict[str, str], first_lines: list[str] | None = None) -> str | None:
    """文号 / 发文字号 when given (e.g. 镇政发〔2024〕7号), else a line of its own atop the body holding one."""
    for label in ("文号", "发文字号"):
        value = fields.get(label)
        if value and re.search(r"\d", value) and "号" in value:
            return value.split(" ")[0]
    for line in (first_lines or [])[:3]:
        if _DOC_NUMBER.match(squash(line)):
            return squash(line)
    return None


def detect_kind(title: str | None, text: str, column_kind: str | None, url: str | None,
                report_structure: bool) -> str:
    """annual_report | notice | document (see module docstring of archive.parse for the rules)."""
    head = nfkc(title or "")
    noun = re.search(r"(报告|年报|通知|公告|通告|通报|意见|方案|办法|决定|批复|函)[》”\s]*(?:[(（][^()（）]*[)）])?$", head)
    if noun and noun.group(1) in ("通知", "公告", "通告"):
        return "notice"  # "关于做好2021年度政府信息公开工作年度报告编制发布工作的通知" is a notice
    if _REPORT_PHRASE.search(head) and ("信息公开" in head or "政务公开" in head or "年报" in head):
        return "annual_report"
    if not title and re.search(r"政府信息公开(?:工作)?年度报告", nfkc(text[:3000])):
        return "annual_report"
    if report_structure:
        return "annual_report"
    if column_kind in ("annual_report", "notice", "document"):
        if column_kind == "annual_report" and not title:
            return "annual_report"
        if column_kind == "notice":
            return "notice"
    if url and re.search(r"(?:/ndbg/|/zfxxgknb/|/xxgknb/|xxgkAnnualReport|/gknb/)", url) and not title:
        return "annual_report"
    if re.search(r"通知|公告|通告", head):
        return "notice"
    return "document"
