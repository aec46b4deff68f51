"""The six sections of an annual report, matched by keyword across heading variants (domain README §2).

A heading candidate is a short line (a paragraph, a bold paragraph, an ``<h*>``, or a table cell) that
starts with a numbering (一、 / （一） / (一) / 1. / 第一部分) or stands alone, and names a section by keyword.
The numbering style of the top level is the style whose candidates form the longest run of increasing
section numbers, so sub-headings such as "(一)主动公开方面" inside section 1 are not taken for section 2.
Pre-2019 reports follow the 2008 outline (概述, 主动公开, 依申请公开, 收费及减免, 复议诉讼, 问题及改进, 其他);
收费及减免 has no canonical number: it ends the previous section and starts none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.parse.model import ParsedSection
from archive.parse.textutil import label_key, squash

MAX_HEADING = 40


@dataclass
class Block:
    """A line of the document in reading order."""

    text: str
    in_table: bool = False  # a table cell (excluded from section text)
    heading_hint: bool = False  # <h*>, or a paragraph that is entirely bold
    lead: str = ""  # bold text starting a paragraph that goes on in plain text (a run-in heading)


_STYLES: list[tuple[str, re.Pattern[str]]] = [
    ("cn", re.compile(r"^\s*[一二三四五六七八九十]{1,3}\s*[、.．，,]\s*")),
    ("part", re.compile(r"^\s*第[一二三四五六七八九十]{1,3}(?:部分|章|节)\s*[、.．:：]?\s*")),
    ("cn_paren", re.compile(r"^\s*[（(]\s*[一二三四五六七八九十]{1,3}\s*[)）]\s*[、.．]?\s*")),
    ("arabic", re.compile(r"^\s*\d{1,2}\s*[、.．](?!\d)\s*")),
    ("arabic_paren", re.compile(r"^\s*[（(]\s*\d{1,2}\s*[)）]\s*")),
]
_STYLE_PREFERENCE = {"cn": 0, "part": 1, "arabic": 2, "cn_paren": 3, "arabic_paren": 4, "none": 5}

# keyword → canonical number; first match wins (0 = a known heading with no canonical number)
_KEYWORDS: list[tuple[tuple[str, ...], int]] = [
    (("行政复议", "行政诉讼", "复议诉讼", "复议、诉讼", "复议和诉讼", "申诉"), 4),
    (("收到和处理", "收到及处理", "依申请公开", "申请公开", "受理和处理", "申请情况", "申请办理"), 3),
    (("收费及减免", "收费和减免", "收费减免"), 0),
    (("存在的主要问题", "存在问题", "主要问题", "问题及改进", "问题和改进", "改进措施", "改进情况", "不足"), 5),
    (("其他需要报告", "其他事项", "其它需要报告", "其他需要说明", "其他"), 6),
    (("主动公开",), 2),
    (("总体情况", "概述", "基本情况", "总体概述", "工作概况", "概况"), 1),
]


@dataclass
class _Candidate:
    index: int
    style: str
    number: int
    heading: str
    numeral: int | None  # the printed number (一 → 1, 3. → 3); None when unnumbered
    rest: str = ""  # the text after a run-in heading, which belongs to the section


# Any keyword at all: most lines (table cells, prose) name none, and one scan rejects them.
_ANY_KEYWORD = re.compile("|".join(re.escape(w) for words, _ in _KEYWORDS for w in words))


def _classify(title: str) -> int | None:
    key = label_key(title)
    if not _ANY_KEYWORD.search(key):
        return None
    for words, number in _KEYWORDS:
        if any(w in key for w in words):
            return number
    return None


def _candidate(index: int, block: Block) -> _Candidate | None:
    found = _line_candidate(index, block)
    if found is None and block.lead and not block.in_table:
        # a run-in top-level heading: "<strong>一、总体情况。</strong>2021年，…"; only the 一、 / 第一部分 styles,
        # since run-in （一） items are the sub-items of real reports
        found = _line_candidate(index, Block(block.lead.rstrip("。：: "), heading_hint=True))
        if found is not None and found.style in ("cn", "part"):
            found.rest = squash(block.text[len(block.lead):]) if block.text.startswith(block.lead) else ""
        else:
            found = None
    return found


def _line_candidate(index: int, block: Block) -> _Candidate | None:
    text = squash(block.text)
    if not text or len(text) > 120 or not _ANY_KEYWORD.search(label_key(text)):
        # the heading is part of the line: a line naming no section names none in its heading either
        return None
    style, body = "none", text
    for name, pattern in _STYLES:
        m = pattern.match(text)
        if m:
            style, body = name, text[m.end():]
            break
    head = re.split(r"[。：:]", body, maxsplit=1)[0]
    rest = body[len(head):].lstrip("。：: ")
    if not head or len(head) > MAX_HEADING or rest:
        # a heading is a line of its own ("一、总体情况" or "一、总体情况：")
        return None
    if style == "none" and not block.heading_hint and len(head) > 16:
        return None
    if re.search(r"[，,；;]", head):
        return None
    number = _classify(head)
    if number is None:
        return None
    return _Candidate(index, style, number, text.rstrip("：:"), _numeral(text[: len(text) - len(body)]))


def _numeral(prefix: str) -> int | None:
    digits = re.sub(r"\D", "", prefix)
    if digits:
        return int(digits)
    cn = re.sub(r"[^一二三四五六七八九十]", "", prefix.replace("第", "").replace("部分", ""))
    if not cn:
        return None
    if cn == "十":
        return 10
    if cn.startswith("十"):
        return 10 + _CN.index(cn[1]) + 1
    if len(cn) >= 2 and cn[1] == "十":
        return (_CN.index(cn[0]) + 1) * 10 + (_CN.index(cn[2]) + 1 if len(cn) > 2 else 0)
    return _CN.index(cn[0]) + 1


_CN = "一二三四五六七八九"


def _increasing(cands: list[_Candidate]) -> list[_Candidate]:
    """Longest subsequence with strictly increasing section numbers and printed numerals.

    Outline items without a canonical number (0) pass the section-number test; a printed numeral that does
    not increase ("（一）主动公开方面" after "(一)总体情况") is a sub-item starting over, not a section.
    """
    best: list[list[_Candidate]] = []
    for c in cands:
        chain: list[_Candidate] = []
        for prev in best:
            last = next((p.number for p in reversed(prev) if p.number), 0)
            numeral_ok = c.numeral is None or prev[-1].numeral is None or c.numeral > prev[-1].numeral
            if (c.number == 0 or c.number > last) and numeral_ok and len(prev) > len(chain):
                chain = prev
        best.append(chain + [c])
    return max(best, key=lambda ch: sum(1 for c in ch if c.number), default=[])


def find_sections(blocks: list[Block]) -> list[ParsedSection]:
    """The canonical sections found in ``blocks``, in document order."""
    cands = [c for i, b in enumerate(blocks) if (c := _candidate(i, b)) is not None]
    if not cands:
        return []
    chosen: list[_Candidate] = []
    best_score = (-1, 0)
    for style in sorted({c.style for c in cands}, key=lambda s: _STYLE_PREFERENCE[s]):
        chain = _increasing([c for c in cands if c.style == style])
        score = (sum(1 for c in chain if c.number), -_STYLE_PREFERENCE[style])
        if score > best_score:
            best_score, chosen = score, chain
    sections: list[ParsedSection] = []
    for pos, cand in enumerate(chosen):
        end = chosen[pos + 1].index if pos + 1 < len(chosen) else len(blocks)
        if cand.number == 0:
            continue
        body = [cand.rest] if cand.rest else []
        body += [squash(b.text) for b in blocks[cand.index + 1:end] if not b.in_table and squash(b.text)]
        sections.append(ParsedSection(number=cand.number, heading=squash(cand.heading),
                                      text=squash(" ".join(body))))
    return sections
