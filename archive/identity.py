"""Document identity: canonical URLs and the dates URLs carry.

One document is often reachable at several URLs: TRS portals serve a mobile twin ``…_wap.html`` of
every page, some servers append session ids (``;jsessionid=…``, ``?sid=…``), links carry fragments.
:func:`canonical_url` maps all of these to one string so the ingest recognises the same page.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that identify a visitor's session, not a page (compared lower-case).
_SESSION_PARAMS = frozenset({
    "jsessionid", "phpsessid", "aspsessionid", "sessionid", "session_id", "sid", "sessid", "token",
    "_t", "timestamp", "utm_source", "utm_medium", "utm_campaign", "from", "isappinstalled",
})
_PATH_SESSION = re.compile(r";(?:jsessionid|sessionid|phpsessid)=[^/?#]*", re.IGNORECASE)
_WAP_SUFFIX = re.compile(r"_wap(\.[A-Za-z]+)$")

# Dates in document URLs: TRS ``/202202/t20220215_123.html``, Hanweb ``/art/2022/2/15/art_…``,
# Hebei ``/202202/15/…``.
_URL_DATE_PATTERNS = (
    re.compile(r"/t(20\d{2})(\d{2})(\d{2})_"),
    re.compile(r"/art/(20\d{2})/(\d{1,2})/(\d{1,2})/"),
    re.compile(r"/(20\d{2})(\d{2})/(\d{2})/"),
)


def canonical_url(url: str) -> str:
    """The one spelling of ``url`` a document is known by.

    Lower-cases scheme and host, drops the default port, the fragment, session ids (in the path or
    the query) and the ``_wap`` suffix of TRS mobile twins; keeps the remaining query in its order.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    path = _PATH_SESSION.sub("", parts.path) or "/"
    path = _WAP_SUFFIX.sub(r"\1", path)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k.lower() not in _SESSION_PARAMS]
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def found_url(url: str) -> str:
    """``url`` as a reader can revisit it: without fragment and session ids, but keeping ``_wap``."""
    parts = urlsplit(url.strip())
    canonical = urlsplit(canonical_url(url))
    path = _PATH_SESSION.sub("", parts.path) or "/"
    return urlunsplit((canonical.scheme, canonical.netloc, path, canonical.query, ""))


def is_mobile_twin(url: str) -> bool:
    """True for a TRS mobile twin (``…_wap.html``): the same document as its desktop page."""
    return bool(_WAP_SUFFIX.search(urlsplit(url).path))


_HANWEB_ART = re.compile(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_(\d+)_\d+\.[a-z]+$")
_DATE_DIR = re.compile(r"^(?:\d{6}|\d{4}|\d{1,2}|\d{8})$")


def column_of(url: str) -> str:
    """The list column a document URL lives in: its directory without date folders.

    ``…/gxj/ndbg/202301/t20230109_1.html`` → ``host/…/gxj/ndbg``; Hanweb ``/art/2022/1/3/art_10142_9.html``
    → ``host/art_10142``. Two URLs of one column are two documents, never one document's second URL.
    """
    parts = urlsplit(canonical_url(url))
    hanweb = _HANWEB_ART.search(parts.path)
    if hanweb:
        return f"{parts.netloc}/art_{hanweb[1]}"
    segments = parts.path.split("/")[:-1]
    while segments and _DATE_DIR.match(segments[-1]):
        segments.pop()
    return parts.netloc + "/".join(segments)


def url_date(url: str) -> dt.datetime | None:
    """The publication date a document URL encodes, if any (midnight of that day)."""
    for pattern in _URL_DATE_PATTERNS:
        match = pattern.search(url)
        if match:
            try:
                return dt.datetime(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                continue
    return None


_LISTED_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?:\s*日?\s*(\d{1,2}):(\d{2}))?")


def parse_listed_date(text: str | None) -> dt.datetime | None:
    """A list page's date cell (``2022-02-15``, ``2022年2月15日``, ``2022/2/15 14:52``) as a datetime."""
    if not text:
        return None
    match = _LISTED_DATE.search(text)
    if not match:
        return None
    try:
        return dt.datetime(int(match[1]), int(match[2]), int(match[3]),
                           int(match[4] or 0), int(match[5] or 0))
    except ValueError:
        return None
