"""Hanweb (大汉) columns: ``/col/col{id}/index.html`` pages whose entries come from a POST to dataproxy.jsp."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from parsel import Selector

from crawler.encoding import decode_page

_COL_URL = re.compile(r"/col/col(\d+)/")
# The jpage form: ``ajaxParam: {…}`` in the jpage call, or ``var param_{unitid}={…}`` beside the datastore.
_AJAX_PARAM = re.compile(r"(?:ajaxParam\s*:|var\s+param_\w+\s*=)\s*\{([^}]*)\}", re.DOTALL)
_PARAM = re.compile(r"(\w+)\s*:\s*(?:'([^']*)'|\"([^\"]*)\"|([\w.\-]+))")
_PER_PAGE = re.compile(r"perPage\s*:\s*(\d+)")
_TOTAL = re.compile(rb"<totalrecord>\s*(\d+)\s*</totalrecord>", re.IGNORECASE)
_RECORD = re.compile(rb"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL | re.IGNORECASE)


def column_form(page_text: str, page_url: str) -> dict[str, str] | None:
    """The form the column's script posts (``columnid`` …), from ``ajaxParam`` or the ``col{id}`` URL."""
    form: dict[str, str] = {}
    m = _AJAX_PARAM.search(page_text)
    if m:
        for key, q1, q2, bare in _PARAM.findall(m.group(1)):
            form[key] = q1 or q2 or bare
    if "columnid" not in form:
        u = _COL_URL.search(page_url)
        if not u:
            return None
        form["columnid"] = u.group(1)
    return form


_TOTAL_IN_PAGE = re.compile(r"(?:totalRecord|totalrecord)\s*[:=>]\s*['\"]?(\d+)")
_PROXY_URL = re.compile(r"proxyUrl\s*:\s*['\"]([^'\"]+dataproxy\.jsp)")


def is_jpage(page_text: str) -> bool:
    """Whether a page carries a Hanweb jpage list (its script config or datastore)."""
    return "dataproxy.jsp" in page_text or ".jpage(" in page_text or "<datastore>" in page_text


def total_records(page_text: str) -> int | None:
    """The record count a jpage page states (``totalRecord: 61`` or ``<totalrecord>``), or None."""
    m = _TOTAL_IN_PAGE.search(page_text)
    return int(m.group(1)) if m else None


def proxy_path(page_text: str, default: str) -> str:
    """The dataproxy path the page's jpage config names (``proxyUrl``), else ``default``."""
    m = _PROXY_URL.search(page_text)
    return m.group(1) if m and m.group(1).startswith("/") else default


def per_page(page_text: str, default: int = 15) -> int:
    m = _PER_PAGE.search(page_text)
    return int(m.group(1)) if m else default


def dataproxy_url(base_url: str, path: str, column_id: str, start: int, per: int, pages_per_call: int = 3) -> str:
    """The dataproxy URL for records ``start`` .. ``start + per * pages_per_call - 1`` of one column.

    ``columnid`` goes in the query string as well as the form: the servlet reads both, and it makes each
    column's list a distinct URL in the archive and in the fetch state.
    """
    end = start + per * pages_per_call - 1
    query = urlencode({"startrecord": start, "endrecord": end, "perpage": per, "columnid": column_id})
    return f"{base_url.rstrip('/')}{path}?{query}"


def parse_dataproxy(body: bytes) -> tuple[int | None, list[Selector]]:
    """(total record count, one selector per CDATA ``<li>`` snippet) of a dataproxy XML answer."""
    m = _TOTAL.search(body)
    total = int(m.group(1)) if m else None
    snippets = [Selector(text=decode_page(r)[0]) for r in _RECORD.findall(body)]
    return total, snippets
