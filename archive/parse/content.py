"""Main content of an HTML page: the article body without navigation, header, footer, breadcrumbs and widgets.

Known containers first (TRS: ``.TRS_Editor``, ``#zoom``, ``.article-content``; Hanweb: ``#zoom``,
``.bt_content``, ``#barrierfree_container`` …), else a text-density walk: descend from ``<body>`` into the child
that holds most of the non-link text. The body text is normalised (one line per block, spaces collapsed,
visitor counters dropped) and hashed: navigation or counter changes do not change ``content_hash``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, NavigableString, PageElement, Tag

from archive.identity import canonical_url, is_mobile_twin
from archive.parse.model import ParsedLink
from archive.parse.sections import Block
from archive.parse.tables import Grid, cell_text, iter_tags, table_to_grid
from archive.parse.textutil import squash

# Known article containers, most specific first: (attribute, value) pairs matched in one pass over the page.
CONTAINERS: list[tuple[str, str]] = [
    ("class", "TRS_Editor"), ("class", "trs_editor_view"), ("class", "TRS_UEDITOR"), ("id", "zoom"),
    ("id", "UCAP-CONTENT"), ("class", "bt_content"), ("class", "bt-content"), ("class", "article-content"),
    ("class", "article_content"), ("id", "article-content"), ("class", "art_con"), ("class", "artCon"),
    ("id", "content_text"), ("class", "pages_content"), ("class", "content_text"), ("id", "js_content"),
    ("class", "xxgk_content"), ("id", "Zoom"), ("id", "fontzoom"), ("class", "news_content"),
    ("class", "detail-content"), ("class", "content-text"), ("class", "zw"), ("class", "wenzhang"),
    ("class", "m-content"), ("class", "wap-content"), ("tag", "article"), ("id", "barrierfree_container"),
]
_CONTAINER_RANK = {key: i for i, key in enumerate(CONTAINERS)}
_NOISE = re.compile(r"(?:^|[\s_-])(nav|navbar|menu|footer|foot|header|top-bar|breadcrumb|crumb|bread|position|location|"
                    r"share|bdshare|print|sidebar|side|copyright|toolbar|related|xgwz|fenxiang|dyzs|wzdy)(?:$|[\s_-])",
                    re.I)
_DROP_TAGS = ["script", "style", "noscript", "iframe", "nav", "header", "footer", "aside", "form", "button",
              "select", "input", "template", "svg", "object", "embed"]
_DROP_SET = frozenset(_DROP_TAGS)
_COUNTER = re.compile(r"(?:浏览次数|访问次数|阅读次数|点击数|点击量|浏览量|访问量|阅读量|【字体|字号[:：]|打印本页|关闭窗口|"
                      r"分享到)")
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "blockquote", "pre",
          "dd", "dt", "ul", "ol", "center", "address", "figure", "figcaption", "main", "body"}
FILE_KINDS = {"pdf", "doc", "docx", "wps", "xls", "xlsx", "et", "ofd", "rtf", "zip", "rar", "txt", "ppt", "pptx"}
MAX_BLOCKS = 20000


@dataclass
class Content:
    """The main content of a page."""

    container: Tag | None
    blocks: list[Block] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)
    links: list[ParsedLink] = field(default_factory=list)
    body_text: str = ""
    content_hash: str = ""
    images: int = 0  # images in the content
    # each image of the content with the number of tables (grids) before it: where it stands among the tables
    image_marks: list[tuple[int, Tag]] = field(default_factory=list)
    method: str = ""  # selector that found the container, or "density"


def normalise_body(text: str) -> str:
    """Body text normalised for hashing: blank lines, spacing and visitor counters removed."""
    lines = []
    for line in text.splitlines():
        line = squash(line.replace("\x07", ""))  # Word cell marks (DOC text)
        if not line or (_COUNTER.search(line) and len(line) < 80):
            continue
        lines.append(line)
    return "\n".join(lines)


def content_hash(body_text: str) -> str:
    """sha256 (hex) of the normalised body text."""
    return hashlib.sha256(normalise_body(body_text).encode("utf-8")).hexdigest()


def _is_noise(tag: Tag) -> bool:
    if tag.attrs is None:
        return False
    names = " ".join([*tag.get("class", []), str(tag.get("id", ""))])
    return bool(names and _NOISE.search(names))


def _is_noise_candidate(tag: Tag) -> bool:
    return tag.name in _DROP_SET or bool(tag.attrs and _is_noise(tag))


def _strip_noise(root: Tag, candidates: list[Tag] | None = None) -> None:
    """Drop navigation, widgets and scripts inside ``root`` (a noise element holding a table stays).

    ``candidates``: the page's noise elements from :func:`index_page` (those outside ``root`` are ignored);
    without it ``root`` is walked.
    """
    if candidates is None:
        doomed = [t for t in iter_tags(root) if _is_noise_candidate(t)]
    else:
        doomed = [t for t in candidates if not gone(t) and _inside(t, root)]
    for tag in doomed:
        if not gone(tag) and (tag.name in _DROP_SET or next(iter_tags(tag, {"table"}), None) is None):
            tag.decompose()


def _inside(tag: Tag, root: Tag) -> bool:
    """True when ``tag`` is a descendant of ``root``."""
    parent = tag.parent
    while parent is not None:
        if parent is root:
            return True
        parent = parent.parent
    return False


def _text_len(tag: Tag) -> int:
    total = len(squash(tag.get_text(" ")))
    links = sum(len(squash(a.get_text(" "))) for a in iter_tags(tag, {"a"}))
    return max(0, total - links)


def _by_density(body: Tag) -> Tag:
    node = body
    for _ in range(40):
        own = _text_len(node)
        if own == 0:
            return node
        children = [c for c in node.children if isinstance(c, Tag) and c.name not in ("a", "span", "br", "img")]
        best = max(children, key=_text_len, default=None)
        if best is None or _text_len(best) < 0.6 * own or best.name in ("table", "tbody", "tr", "p"):
            return node
        node = best
    return node


def _container_rank(tag: Tag) -> int | None:
    best = _CONTAINER_RANK.get(("tag", tag.name))
    attrs = tag.attrs
    for attr in ("id", "class"):
        value = attrs.get(attr) if attrs else None
        for v in ([value] if isinstance(value, str) else value or []):
            rank = _CONTAINER_RANK.get((attr, v))
            if rank is not None and (best is None or rank < best):
                best = rank
    return best


_DOOMED = frozenset({"script", "style", "noscript", "template"})
HEADLINE_CLASSES = {"title", "article-title", "art_title", "bt", "tit", "xxgk_title", "news_title", "article_title"}
_HEADLINE_TAGS = frozenset({"div", "p", "span", "td"})


@dataclass
class PageIndex:
    """The elements of a page the parser looks at, found in one walk over the tree (document order).

    Each consumer used to walk the whole tree for its own elements; one walk serves them all. Elements
    later decomposed (inside a dropped ``<script>``/``<noscript>``) are skipped by :func:`alive`.
    ``soup.title`` / ``soup.body`` are searches of the whole tree; ``title`` / ``body`` read the index.
    """

    doomed: list[Tag] = field(default_factory=list)  # script, style, noscript, template
    metas: list[Tag] = field(default_factory=list)
    headlines: list[Tag] = field(default_factory=list)  # h1, h2, and div/p/span/td classed as a title
    containers: list[tuple[int, Tag]] = field(default_factory=list)  # known article containers, with rank
    links: list[Tag] = field(default_factory=list)  # <a href=…>
    noise: list[Tag] = field(default_factory=list)  # navigation, widgets, forms … (see _strip_noise)
    titles: list[Tag] = field(default_factory=list)
    bodies: list[Tag] = field(default_factory=list)

    @property
    def title(self) -> Tag | None:
        """The first live ``<title>`` (what ``soup.title`` finds)."""
        return next(iter(alive(self.titles)), None)

    @property
    def body(self) -> Tag | None:
        """The first live ``<body>`` (what ``soup.body`` finds)."""
        return next(iter(alive(self.bodies)), None)


def index_page(soup: BeautifulSoup) -> PageIndex:
    """Walk the page once and sort out the elements :class:`PageIndex` names."""
    out = PageIndex()
    article_rank = _CONTAINER_RANK[("tag", "article")]
    for tag in iter_tags(soup):
        name = tag.name
        if name in _DOOMED:
            out.doomed.append(tag)
            continue
        if name == "meta":
            out.metas.append(tag)
        elif name == "title":
            out.titles.append(tag)
        elif name == "body":
            out.bodies.append(tag)
        elif name == "a" and tag.get("href"):
            out.links.append(tag)
        elif name in ("h1", "h2"):
            out.headlines.append(tag)
        if _is_noise_candidate(tag):
            out.noise.append(tag)
        if tag.attrs:
            rank = _container_rank(tag)
            if rank is not None:
                out.containers.append((rank, tag))
            if name in _HEADLINE_TAGS:
                classes = set(tag.get("class") or []) | {str(tag.get("id") or "")}
                if classes & HEADLINE_CLASSES:
                    out.headlines.append(tag)
        elif name == "article":
            out.containers.append((article_rank, tag))
    return out


def alive(tags: list[Tag]) -> list[Tag]:
    """``tags`` without those decomposed since they were indexed."""
    return [t for t in tags if not gone(t)]


def gone(tag: Tag) -> bool:
    """True when ``tag`` was decomposed.

    Not ``Tag.decomposed``: on a live tag that property looks up ``_decomposed``, which a Tag resolves as
    ``find("_decomposed")``, a search of its whole subtree; decompose() sets the flag in the instance dict.
    """
    return tag.__dict__.get("_decomposed", False)


def find_container(soup: BeautifulSoup, index: PageIndex | None = None) -> tuple[Tag | None, str]:
    """The element holding the article body, and how it was found (from the page's one-walk index)."""
    index = index or index_page(soup)
    lengths: dict[int, int] = {}  # _text_len per candidate: each is measured once

    def text_len(tag: Tag) -> int:
        if id(tag) not in lengths:
            lengths[id(tag)] = _text_len(tag)
        return lengths[id(tag)]

    found = [(rank, tag) for rank, tag in index.containers if not gone(tag)
             and (text_len(tag) > 0 or next(iter_tags(tag, {"table", "img"}), None) is not None)]
    if found:
        top = min(r for r, _ in found)
        best = max((t for r, t in found if r == top), key=text_len)
        attr, value = CONTAINERS[top]
        return best, f"{'.' if attr == 'class' else '#' if attr == 'id' else ''}{value}"
    body = index.body or soup
    return _by_density(body), "density"


def file_kind(href: str) -> str | None:
    """The attachment kind a link's extension names (pdf, doc, docx, wps, xls, xlsx, et, ofd …).

    Download scripts (Hanweb ``downfile.jsp?filename=….pdf``) name the file in the query string.
    """
    parts = urlsplit(href)
    for name in (parts.path, *re.findall(r"(?:file|name)[^=&]*=([^&]+)", parts.query, re.I)):
        tail = name.lower().rsplit("/", 1)[-1]
        ext = tail.rsplit(".", 1)[-1] if "." in tail else ""
        if ext in FILE_KINDS:
            return ext
    return None


def _link(a: Tag, base_url: str | None) -> ParsedLink | None:
    href = str(a.get("href", "")).strip()
    if not href or href.startswith(("javascript:", "#", "mailto:")):
        return None
    url = urljoin(base_url, href) if base_url else href
    text = squash(a.get_text(" ")) or squash(str(a.get("title", "")))
    return ParsedLink(url=url, text=text, file_kind=file_kind(href))


def _page_attachments(links: list[Tag], base_url: str | None) -> list[ParsedLink]:
    """File links outside the content container (attachment lists below the article), not in navigation,
    and the link to the page's own mobile twin (TRS 手机版 ``…_wap.html``: the same document at another URL)."""
    out = []
    for a in links:
        if gone(a):
            continue
        if file_kind(str(a["href"])) is None:
            if base_url and (link := _link(a, base_url)) is not None and _is_twin_of(link.url, base_url):
                out.append(link)
            continue
        if any(_is_noise(p) for p in a.parents if isinstance(p, Tag) and p.name not in ("body", "html")):
            continue
        if (link := _link(a, base_url)) is not None:
            out.append(link)
    return out


def _is_twin_of(url: str, page_url: str) -> bool:
    """True when ``url`` is the mobile twin of the page at ``page_url``."""
    return is_mobile_twin(url) and url != page_url and canonical_url(url) == canonical_url(page_url)


def _walk(node: Tag, blocks: list[Block], grids: list[Grid] | None, buf: list[str],
          bold: list[bool | None], bold_at: int, limit: int, marks: list[tuple[int, Tag]] | None = None) -> None:
    """Blocks of ``node`` in reading order; tables become grids (or, with ``grids=None``, one line per cell).

    ``bold`` runs parallel to ``buf`` (None for whitespace): a block entirely bold is a heading hint; a bold
    start followed by plain text is kept as ``lead`` (a run-in heading "一、总体情况。" + its first sentence).
    ``bold_at`` is how far up from a text directly in ``node`` the nearest bold element is (1 = ``node``
    itself); text counts as bold when that is within :data:`_BOLD_REACH`. Passing it down replaces a walk up
    the parents for every string. The walk stops after ``limit`` blocks. ``marks`` (with ``grids``) collects
    each ``<img>`` with the number of grids before it (an image inside a table: after that table's grid).

    The walk keeps its own stack (one frame per open element: its children, its bold distance, whether it
    ends a block), so a page nested 100,000 elements deep costs memory, never Python's recursion limit.
    """
    def flush() -> None:
        if not buf:
            return
        text = squash("".join(buf))
        if text:
            flags = [b for b in bold if b is not None]
            lead = ""
            if flags and flags[0] and not all(flags):
                cut = next(i for i, b in enumerate(bold) if b is False)
                lead = squash("".join(buf[:cut]))
            blocks.append(Block(text, heading_hint=bool(flags) and all(flags), lead=lead))
        buf.clear()
        bold.clear()

    stack: list[tuple[Iterator[PageElement], int, bool]] = [(iter(node.children), bold_at, False)]
    while stack:
        children, at, ends_block = stack[-1]
        child = next(children, None) if len(blocks) <= limit else None
        if child is None:
            stack.pop()
            if ends_block:
                flush()
            continue
        cls = type(child)
        if cls is NavigableString or (cls is not Tag and isinstance(child, NavigableString)):
            if cls.__name__ in _SKIPPED_STRINGS:
                continue
            s = str(child)
            if s.strip():
                buf.append(s)
                bold.append(at <= _BOLD_REACH)
            elif buf:
                buf.append(" ")
                bold.append(None)
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name == "table" and grids is not None:
            flush()
            grid = table_to_grid(child)
            grids.append(grid)
            if marks is not None:
                marks.extend((len(grids), img) for img in iter_tags(child, {"img"}))
            for row in grid.rows:
                last = None
                for cell in row:
                    if cell.origin != last and cell.text:
                        blocks.append(Block(cell.text, in_table=True))
                    last = cell.origin
            continue
        if name == "br":
            flush()
            continue
        if name == "img" and marks is not None and grids is not None:
            marks.append((len(grids), child))
        breaks = name in _BREAKS or (name.startswith("h") and len(name) == 2)
        if breaks:
            flush()
        stack.append((iter(child.children), 1 if name in _BOLD else at + 1, breaks))


_BOLD = {"strong", "b", "h1", "h2", "h3", "h4", "h5", "h6"}
_BOLD_REACH = 4  # bold markup sits right around the text: <strong><span><font>text
_BREAKS = _BLOCK | {"td", "th", "tr", "table"}
_SKIPPED_STRINGS = frozenset({"Comment", "Doctype", "CData", "ProcessingInstruction"})


def _bold_distance(node: Tag) -> int:
    """How far up from a text directly inside ``node`` the nearest bold element is (``_BOLD_REACH + 1``: none)."""
    parent: Tag | None = node
    for distance in range(1, _BOLD_REACH + 1):
        if parent is None:
            break
        if parent.name in _BOLD:
            return distance
        parent = parent.parent
    return _BOLD_REACH + 1


def extract_content(soup: BeautifulSoup, base_url: str | None = None, index: PageIndex | None = None) -> Content:
    """Find the main content of a parsed page and read its blocks, tables, links and body text.

    ``index`` is the page's :func:`index_page` (built here when not given).
    """
    index = index or index_page(soup)
    container, method = find_container(soup, index)
    out = Content(container=container, method=method)
    page_files = _page_attachments(index.links, base_url)
    if container is None:
        out.links = page_files
        return out
    _strip_noise(container, index.noise)
    _walk(container, out.blocks, out.grids, [], [], _bold_distance(container), MAX_BLOCKS, out.image_marks)
    images = 0
    for tag in iter_tags(container, {"a", "img"}):  # links and images in one walk
        if tag.name == "img":
            images += 1
        elif (lk := _link(tag, base_url)) is not None:
            out.links.append(lk)
    seen = {lk.url for lk in out.links}
    out.links += [lk for lk in page_files if lk.url not in seen and not seen.add(lk.url)]
    out.images = images
    out.body_text = normalise_body("\n".join(b.text for b in out.blocks))
    # body_text is normalised already (normalise_body is idempotent): hash it as it is
    out.content_hash = hashlib.sha256(out.body_text.encode("utf-8")).hexdigest()
    return out


def page_lines(soup_or_tag: Tag, limit: int = MAX_BLOCKS) -> list[str]:
    """Visible text lines of a whole page or element (for metadata outside the main content).

    The walk stops once ``limit`` lines are read (callers wanting only the head of a page say so).
    """
    blocks: list[Block] = []
    _walk(soup_or_tag, blocks, None, [], [], _bold_distance(soup_or_tag), limit)
    return [b.text for b in blocks][:limit]


__all__ = ["Content", "cell_text", "content_hash", "extract_content", "file_kind", "find_container",
           "normalise_body", "page_lines"]
