"""Generic list paging: page counts a page states, page-URL templates read from its links or probed.

Real portals page their lists in a dozen ways (dialects.md, "What a crawler for all of them needs", 3):
``index_N``, ``{stem}_N``, ``N.html``, ``-N.html``, ``list-N.html``, ``page_N.html`` and the query parameters
``page``, ``pageIndex``, ``pageNum``, ``cur_page``, ``currpage``. A template is a URL with ``{n}`` where the page
number goes. It is read from the page's own paging links when there are any (下一页, 尾页, numbered links);
otherwise candidates are probed, and one is kept only when its page 2 brings new links under the same path
prefix (the spider checks that). Counts come from 共N页, pageCount, totalpage or the 尾页 link, and paging never
runs past them.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

PAGE_QUERY_PARAMS = ("page", "pageIndex", "pageNum", "pageNo", "cur_page", "currpage", "curPage", "pageindex", "p")
NEXT_TEXTS = ("下一页", "下页", "后一页", "next", "Next", ">", "›", "»")
LAST_TEXTS = ("尾页", "末页", "最后一页", "last", "Last", ">>")

_COUNT_PATTERNS = [
    re.compile(r"共\s*(\d{1,4})\s*页"),
    re.compile(r"\d{1,6}\s*/\s*(\d{1,4})\s*页"),
    re.compile(r"""(?:pageCount|totalPage|totalpage|pagecount|page_count|totalPages|countPage)["']?\s*[:=]\s*["']?(\d{1,4})"""),
    re.compile(r"<totalpage>\s*(\d{1,4})\s*</totalpage>", re.IGNORECASE),
]
# A number in the last path segment: index_2.html, list-3.html, 4.html, news_5.shtml, page_6.htm.
_SEGMENT_NUMBER = re.compile(r"^(?P<pre>.*?)(?P<n>\d{1,4})(?P<post>\.[a-z]{2,5})?$", re.IGNORECASE)


@dataclass(frozen=True)
class PageTemplate:
    """A list's page-URL template (``{n}`` = page number) and the number its page 2 carries."""

    template: str
    second: int  # the number in page 2's URL (TRS index_1 is page 2: 1; list-2.html: 2)

    def url(self, page: int) -> str:
        """The URL of 1-based page ``page`` (page >= 2)."""
        return self.template.replace("{n}", str(self.second + page - 2))


def stated_page_count(text: str) -> int | None:
    """The page count a list page states (共8页, 1/8页, pageCount: 8, <totalpage>8</totalpage>), or None."""
    for pattern in _COUNT_PATTERNS:
        m = pattern.search(text)
        if m and 0 < int(m.group(1)) < 10000:
            return int(m.group(1))
    return None


def _numbered(url: str) -> tuple[str, int] | None:
    """(template, number) when a URL carries a page number in a paging query parameter or its last segment."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    for i, (k, v) in enumerate(query):
        if k in PAGE_QUERY_PARAMS and v.isdigit():
            templated = [*query[:i], (k, "{n}"), *query[i + 1:]]
            q = urlencode(templated, safe="{}/:,")
            return urlunsplit((parts.scheme, parts.netloc, parts.path, q, "")), int(v)
    directory, name = posixpath.split(parts.path)
    m = _SEGMENT_NUMBER.match(name)
    if m and not re.search(r"\d{5,}", name):  # a document id is not a page number
        path = posixpath.join(directory, f"{m['pre']}{{n}}{m['post'] or ''}")
        return urlunsplit((parts.scheme, parts.netloc, path, parts.query, "")), int(m["n"])
    if name.isdigit() and len(name) <= 4:  # /class/X/3
        return urlunsplit((parts.scheme, parts.netloc, posixpath.join(directory, "{n}"), parts.query, "")), int(name)
    return None


def template_from_links(page_url: str, links: list[tuple[str, str]]) -> tuple[PageTemplate, int | None] | None:
    """The paging template read from a list page's own links (下一页 / 尾页 / numbered), with the last page
    number a 尾页 link gives (or None). Only links that stay in the list's directory count."""
    here = urlsplit(page_url)
    directory = posixpath.dirname(here.path) + "/"
    candidates: list[tuple[str, int, str]] = []
    for url, text in links:
        parts = urlsplit(url)
        if parts.netloc != here.netloc or not parts.path.startswith(directory.rsplit("/", 2)[0]):
            continue
        label = text.strip()
        if not (label in NEXT_TEXTS or label in LAST_TEXTS or (label.isdigit() and len(label) <= 4)):
            continue
        numbered = _numbered(url)
        if numbered is None:
            continue
        candidates.append((numbered[0], numbered[1], label))
    if not candidates:
        return None
    # The template most paging links share; page 2 is the 下一页 target seen from page 1, or the link "2".
    templates: dict[str, list[tuple[int, str]]] = {}
    for template, n, label in candidates:
        templates.setdefault(template, []).append((n, label))
    template, numbers = max(templates.items(), key=lambda kv: len(kv[1]))
    second = next((n for n, label in numbers if label in NEXT_TEXTS), None)
    if second is None:
        second = next((n for n, label in numbers if label == "2"), None)
    if second is None:
        second = min(n for n, _ in numbers)
    last = max((n for n, label in numbers if label in LAST_TEXTS), default=None)
    last_page = last - second + 2 if last is not None else None
    return PageTemplate(template, second), last_page


def probe_templates(page_url: str) -> list[PageTemplate]:
    """Candidate templates for a list whose paging links are not readable (script-built pagers), in the order
    real portals use them (dialects.md family table and point 3)."""
    parts = urlsplit(page_url)
    directory, name = posixpath.split(parts.path)
    stem, dot, ext = name.rpartition(".") if "." in name else (name, "", "")
    ext = ext if dot else "html"
    stem = stem or "index"

    def path(new_name: str) -> str:
        return urlunsplit((parts.scheme, parts.netloc, posixpath.join(directory, new_name), parts.query, ""))

    out = [PageTemplate(path(f"{stem}_{{n}}.{ext}"), 1)]  # TRS: index_1 is the second page
    out.append(PageTemplate(path(f"{stem}_{{n}}.{ext}"), 2))
    out += [PageTemplate(path(f"{stem}-{{n}}.{ext}"), 2), PageTemplate(path(f"{{n}}.{ext}"), 2),
            PageTemplate(path(f"list-{{n}}.{ext}"), 2), PageTemplate(path(f"list_{{n}}.{ext}"), 2),
            PageTemplate(path(f"page_{{n}}.{ext}"), 2)]
    query = parse_qsl(parts.query, keep_blank_values=True)
    for param in ("page", "pageIndex", "pageNum", "cur_page", "currpage"):
        q = urlencode([*[(k, v) for k, v in query if k != param], (param, "{n}")], safe="{}/:,")
        out.append(PageTemplate(urlunsplit((parts.scheme, parts.netloc, parts.path, q, "")), 2))
    seen: set[str] = set()
    unique = []
    for t in out:
        if (t.template, t.second) not in seen and t.url(2) != page_url:
            seen.add((t.template, t.second))
            unique.append(t)
    return unique


def has_paging_hint(text: str) -> bool:
    """Whether a page shows signs of more pages (a pager, a stated count above 1) though no link gave them."""
    count = stated_page_count(text)
    if count is not None:
        return count > 1
    return any(t in text for t in ("下一页", "尾页", "末页", "下页"))


def common_prefix(urls: list[str]) -> str:
    """The longest directory prefix (scheme://host/dir/) all ``urls`` share."""
    if not urls:
        return ""
    prefix = posixpath.commonprefix([u.split("?", 1)[0] for u in urls])
    return prefix[: prefix.rfind("/") + 1]
