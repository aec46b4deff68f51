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


def _window(spans: list[tuple[int, int]], length: int, width: int) -> int:
    """Start of the window of ``width`` characters holding the most matches (ties: the earliest)."""
    best_start, best_count, j = 0, -1, 0
    for i, (s, _) in enumerate(spans):
        j = max(j, i)
        while j + 1 < len(spans) and spans[j + 1][1] <= s + width - _LEAD:
            j += 1
        if j - i + 1 > best_count:
            best_count, best_start = j - i + 1, s
    return max(0, min(best_start - _LEAD, length - width))


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
    start = _window(spans, len(text), width) if spans else 0
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
