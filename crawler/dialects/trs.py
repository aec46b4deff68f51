"""TRS WCM lists: ``index.html``, ``index_1.html`` …; the page count only in ``createPageHTML(n, cur, …)``."""

from __future__ import annotations

import re
from urllib.parse import urljoin

_CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([\w\-]+)['\"]\s*,\s*['\"](\w+)['\"]"
)


def page_count(text: str) -> tuple[int, int, str, str] | None:
    """(page count, current page, file prefix, extension) from the createPageHTML call, or None."""
    m = _CREATE_PAGE.search(text)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)


def page_urls(list_url: str, count: int, prefix: str = "index", ext: str = "html", limit: int = 100) -> list[str]:
    """URLs of pages 2..count of a TRS list (page 1 is ``index.html``), at most ``limit`` pages in all."""
    return [urljoin(list_url, f"{prefix}_{n}.{ext}") for n in range(1, min(count, limit))]
