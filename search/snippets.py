"""Highlighted snippets, made the same way for every engine: HTML with matches in <b>…</b>, all else escaped."""

from __future__ import annotations

import html
import re

from search.analysis import needles as text_needles
from search.analysis import normalize

WIDTH = 120
_LEAD = 24
_MAX_SPANS = 400
_WS = re.compile(r"\s+")
_CELLS = re.compile(r"[\d\s.,%，、．-]")
_TABULAR_SHARE = 0.45
_CELL_RUN = re.compile(r"[^\S\n]*(?:[\d.,%-]+[^\S\n]+){3,}")


def _spans(norm: str, needles: list[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for needle in needles:
        start = norm.find(needle)
        while start >= 0 and len(spans) < _MAX_SPANS:
            spans.append((start, start + len(needle)))
            start = norm.find(needle, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _tabular(text: str) -> bool:
    """Whether ``text`` is mostly a run of table cells (``0 0 0 12 0``): digits, spaces and separators."""
    return len(_CELLS.findall(text)) > _TABULAR_SHARE * max(1, len(text))


def _window(spans: list[tuple[int, int]], text: str, width: int) -> int:
    """Start of the window of ``width`` characters holding the most matches (ties: the earliest).

    A window of prose beats any window that is mostly table cells, whatever their matches: a reader wants the
    sentence, not ``行政复议 0 0 0 0 0``.
    """
    length = len(text)
    # Matches each window (opening at a match) holds: two pointers, integer work only.
    counts, j = [], 0
    for i, (s, _) in enumerate(spans):
        j = max(j, i)
        while j + 1 < len(spans) and spans[j + 1][1] <= s + width - _LEAD:
            j += 1
        counts.append(j - i + 1)
    # The best window is the first prose one in order of (most matches, earliest); only if every one is
    # tabular, the first of that order. The table test is a regex over the window, so it runs on the
    # candidates in that order until one is prose, not on every match (a common word matches ~50 times).
    order = sorted(range(len(spans)), key=lambda i: (-counts[i], i))
    best = order[0]
    for i in order:
        start = max(0, min(spans[i][0] - _LEAD, length - width))
        if not _tabular(text[start:start + width]):
            best = i
            break
    return max(0, min(spans[best][0] - _LEAD, length - width))


def _clean(text: str) -> str:
    return html.escape(_WS.sub(" ", text), quote=False)


def make_snippet(text: str, query_texts: list[str], width: int = WIDTH) -> str:
    """A ``width``-character extract of ``text`` around the densest matches of the query's words."""
    if not text:
        return ""
    norm = normalize(text)
    found: set[str] = set()
    for q in query_texts:
        # The whole query text when it occurs as written, else its runs one by one.
        whole = _WS.sub("", normalize(q))
        found.update([whole] if whole and whole in norm else text_needles(q))
    needles = sorted(found, key=len, reverse=True)
    spans = _spans(norm, needles) if needles else []
    start = _window(spans, text, width) if spans else 0
    # Nor does a snippet open on the tail of a table (``0 0 0 0 4.因…``): skip a leading run of cells.
    lead = _CELL_RUN.match(text, start)
    first_match = next((s for s, _ in spans if s >= start), len(text))
    if lead and lead.end() <= first_match:
        start = lead.end()
    end = min(len(text), start + width)
    out = ["…" if start > 0 else ""]
    pos = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(_clean(text[pos:s]))
        out.append(f"<b>{_clean(text[s:e])}</b>")
        pos = e
    out.append(_clean(text[pos:end]))
    if end < len(text):
        out.append("…")
    return "".join(out).strip()
