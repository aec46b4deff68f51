"""Figures stated in the report's prose ("全年共收到依申请公开14件", "主动公开政府信息49条").

They are stored with ``table="text"`` under ``text.<canonical key>`` (``text.requests.new.total``) so they never
collide with the table figure they restate; ``text.active.published`` (items published on the initiative of
the office) has no table counterpart. The ``text.<key>`` checks compare them with the tables.
"""

from __future__ import annotations

import re

from archive.parse.model import ParsedFigure
from archive.parse.textutil import nfkc

_NUM = r"(\d{1,7})"
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("requests.new.total", re.compile(
        r"(?:全年|本年度?|年内)?共?(?:收到|受理|新收|接收|接到)(?:了)?(?:各类)?(?:公民、法人或其他组织的?)?"
        r"(?:政府信息公开申请|依申请公开(?:政府信息)?(?:申请|事项)?|信息公开申请|申请)(?:事项)?(?:共计|共|合计)?\s*" + _NUM
        + r"\s*(?:件|个|条|份|宗)")),
    ("active.published", re.compile(
        r"主动公开(?:各类)?(?:政府)?(?:信息|政务信息|政府信息)(?:共计|共|合计)?\s*" + _NUM + r"\s*(?:条|件|篇)")),
]


def stated_figures(text: str) -> list[ParsedFigure]:
    """The first statement of each kind found in ``text``."""
    flat = nfkc(text)
    out: list[ParsedFigure] = []
    for key, pattern in PATTERNS:
        m = pattern.search(flat)
        if m:
            out.append(ParsedFigure(key=f"text.{key}", value=float(m.group(1)), raw=m.group(0), unit=None,
                                    table="text"))
    return out
