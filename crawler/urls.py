"""URL normalisation: one canonical URL per page, whatever twin, session id or fragment it was linked with."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Path parameters and query keys that carry a session, never content.
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sid|sessionid)=[^/?#]*", re.IGNORECASE)
SESSION_PARAMS = frozenset({"jsessionid", "phpsessid", "sid", "sessionid", "session_id", "sessid"})
_WAP_TWIN = re.compile(r"_wap(\.s?html?)$", re.IGNORECASE)


def canonical_url(url: str) -> str:
    """Drop the fragment and session ids, map a ``_wap`` mobile twin to its desktop page."""
    parts = urlsplit(url.strip())
    path = _PATH_SESSION.sub("", parts.path)
    path = _WAP_TWIN.sub(r"\1", path)
    query = parts.query
    if query:
        pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k.lower() not in SESSION_PARAMS]
        query = urlencode(pairs, safe="/:,")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path or "/", query, ""))


def is_wap_twin(url: str) -> bool:
    """True for a TRS mobile twin (``…_wap.html``)."""
    return bool(_WAP_TWIN.search(urlsplit(url).path))
