"""Decode pages well enough to find links: GBK/GB2312 as GB18030, and survive a wrong declared charset.

The raw bytes are archived untouched; this decoding only serves link extraction in the spider.
"""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}


def _normalise(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    if name in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charset(body: bytes, content_type: str | None) -> str | None:
    """The charset the HTTP header (first) or the page's meta tag declares, normalised."""
    if content_type and "charset=" in content_type.lower():
        found = _normalise(content_type.lower().split("charset=", 1)[1].split(";")[0].strip("\"' "))
        if found:
            return found
    m = _META_CHARSET.search(body[:4096])
    return _normalise(m.group(1).decode("ascii", "ignore")) if m else None


def decode_page(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(text, encoding used): the declared charset if the bytes really are in it, else UTF-8, else GB18030."""
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", "replace"), "utf-8"
    candidates = [declared_charset(body, content_type), "utf-8", "gb18030"]
    for enc in dict.fromkeys(c for c in candidates if c):
        try:
            return body.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return body.decode("gb18030", "replace"), "gb18030"
