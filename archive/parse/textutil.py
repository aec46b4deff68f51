"""Small text helpers shared by the parsers: whitespace, width and date normalisation."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

_WS = re.compile(r"[ \t\r\f\v\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff]+")
_ALL_WS = re.compile(r"\s+|[\u00a0\u3000\u200b\ufeff]+")


def squash(text: str) -> str:
    """Collapse runs of spaces (including &nbsp; and the ideographic space) into one; strip."""
    return _WS.sub(" ", text).strip()


def no_space(text: str) -> str:
    """Remove every whitespace character (for label matching and containment tests)."""
    return _ALL_WS.sub("", text)


def nfkc(text: str) -> str:
    """Fold full-width digits, letters and brackets to their ASCII forms (０→0, （→()."""
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=8192)
def label_key(text: str) -> str:
    """A label reduced for keyword matching: NFKC, no whitespace."""
    return no_space(nfkc(text))


_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*(?:[-/.年])\s*(?P<m>\d{1,2})\s*(?:[-/.月])\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*(?:T|\s)?\s*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{1,2})(?:\s*[:：分]\s*(?P<S>\d{1,2}))?)?"
)


def parse_date(text: str | None) -> dt.datetime | dt.date | None:
    """The first date in ``text`` (2024-04-06, 2024年04月06日 16:40, 2024/4/6 …).

    Returns a ``datetime`` when a time of day is given, else a ``date``; ``None`` when there is no valid date.
    """
    if not text:
        return None
    for m in _DATE.finditer(nfkc(text)):
        try:
            day = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError:
            continue
        if m["H"] is not None:
            try:
                return dt.datetime(day.year, day.month, day.day, int(m["H"]), int(m["M"]), int(m["S"] or 0))
            except ValueError:
                return day
        return day
    return None
