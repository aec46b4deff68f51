"""Links that live outside the DOM: inside ``<script>`` text (Hanweb's XML datastore, CDATA snippets, HTML in
JavaScript strings), in JSON fields holding HTML, and in JSONP wrappers.

A reader that skips ``<script>`` finds no document on a Hanweb column page (dialects.md, "What a crawler for all
of them needs", 1). These functions only turn such text into HTML snippets; ``common.entries_from_html`` then
reads the links and dates out of them like any list.
"""

from __future__ import annotations

import html
import json
import re

from parsel import Selector

_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
_RECORD = re.compile(r"<record>\s*(.*?)\s*</record>", re.DOTALL | re.IGNORECASE)
# An HTML anchor inside a JavaScript string literal ('<li><a href=\"…\">…</a></li>').
_JS_ANCHOR = re.compile(r"""<a\s[^<>]*href\s*=\s*\\?["'][^"'\\]+\\?["'][^<>]*>.*?</a>""", re.DOTALL | re.IGNORECASE)
_JSONP = re.compile(r"^\s*[\w$.]+\s*\(\s*(.*?)\s*\)\s*;?\s*$", re.DOTALL)


def script_snippets(page_text: str) -> list[str]:
    """HTML snippets hidden in a page's scripts: datastore ``<record>`` CDATA, other CDATA, anchors in strings."""
    out: list[str] = []
    for body in _SCRIPT.findall(page_text):
        if "<a" not in body and "&lt;a" not in body:
            continue
        records = _RECORD.findall(body)
        if records:
            out += [_unwrap_cdata(r) for r in records]
            continue
        cdata = _CDATA.findall(body)
        if cdata:
            out += cdata
            continue
        out += [a.replace('\\"', '"').replace("\\'", "'").replace("\\/", "/") for a in _JS_ANCHOR.findall(body)]
    return out


def _unwrap_cdata(text: str) -> str:
    m = _CDATA.search(text)
    if m:
        return m.group(1)
    return html.unescape(text) if "&lt;" in text else text


def script_selectors(page_text: str) -> list[Selector]:
    """One selector per snippet of :func:`script_snippets` (empty when the page has none)."""
    return [Selector(text=s) for s in script_snippets(page_text) if s.strip()]


def strip_jsonp(text: str) -> str:
    """The JSON inside a JSONP wrapper (``cb({...});``); the text itself when it is plain JSON."""
    stripped = text.strip()
    if stripped[:1] in "{[":
        return stripped
    m = _JSONP.match(stripped)
    return m.group(1) if m else stripped


def load_json(text: str) -> object | None:
    """JSON or JSONP text as Python data, or None when it is neither."""
    try:
        return json.loads(strip_jsonp(text))
    except ValueError:
        return None


def xml_records(text: str) -> list[str]:
    """The HTML of each ``<record>`` of an XML datastore answer (CDATA or escaped)."""
    return [_unwrap_cdata(r) for r in _RECORD.findall(text)]
