"""Main content of an HTML page: the article body without navigation, header, footer, breadcrumbs and widgets.

Known containers first (TRS: ``.TRS_Editor``, ``#zoom``, ``.article-content``; Hanweb: ``#zoom``,
``.bt_content``, ``#barrierfree_container`` …), else a text-density walk: descend from ``<body>`` into the child
that holds most of the non-link text. The body text is normalised (one line per block, spaces collapsed,
visitor counters dropped) and hashed: navigation or counter changes do not change ``content_hash``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag

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


def _strip_noise(root: Tag) -> None:
    drop = set(_DROP_TAGS)
    doomed = [t for t in iter_tags(root) if t.name in drop or (t.attrs and _is_noise(t))]
    for tag in doomed:
        if not tag.decomposed and (tag.name in drop or next(iter_tags(tag, {"table"}), None) is None):
            tag.decompose()


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
    for attr in ("id", "class"):
        value = tag.get(attr)
        for v in ([value] if isinstance(value, str) else value or []):
            rank = _CONTAINER_RANK.get((attr, v))
            if rank is not None and (best is None or rank < best):
                best = rank
    return best


def find_container(soup: BeautifulSoup) -> tuple[Tag | None, str]:
    """The element holding the article body, and how it was found (one pass over the page's elements)."""
    found: list[tuple[int, Tag]] = []
    for tag in iter_tags(soup):
        rank = _container_rank(tag)
        if rank is not None and (_text_len(tag) > 0 or next(iter_tags(tag, {"table", "img"}), None) is not None):
            found.append((rank, tag))
    if found:
        top = min(r for r, _ in found)
        best = max((t for r, t in found if r == top), key=_text_len)
        attr, value = CONTAINERS[top]
        return best, f"{'.' if attr == 'class' else '#' if attr == 'id' else ''}{value}"
    body = soup.body or soup
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


def _page_attachments(soup: BeautifulSoup, base_url: str | None) -> list[ParsedLink]:
    """File links outside the content container (attachment lists below the article), not in navigation."""
    out = []
    for a in iter_tags(soup, {"a"}):
        if not a.get("href") or file_kind(str(a["href"])) is None:
            continue
        if any(_is_noise(p) for p in a.parents if isinstance(p, Tag) and p.name not in ("body", "html")):
            continue
        if (link := _link(a, base_url)) is not None:
            out.append(link)
    return out


def _walk(node: Tag, blocks: list[Block], grids: list[Grid] | None, buf: list[str],
          bold: list[bool | None]) -> None:
    """Blocks of ``node`` in reading order; tables become grids (or, with ``grids=None``, one line per cell).

    ``bold`` runs parallel to ``buf`` (None for whitespace): a block entirely bold is a heading hint; a bold
    start followed by plain text is kept as ``lead`` (a run-in heading "一、总体情况。" + its first sentence).
    """
    def flush() -> None:
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

    for child in node.children:
        if len(blocks) > MAX_BLOCKS:
            return
        if isinstance(child, NavigableString):
            if child.__class__.__name__ in ("Comment", "Doctype", "CData", "ProcessingInstruction"):
                continue
            s = str(child)
            if s.strip():
                buf.append(s)
                bold.append(_is_bold(child))
            elif buf:
                buf.append(" ")
                bold.append(None)
            continue
        if not isinstance(child, Tag):
            continue
        if child.name == "table" and grids is not None:
            flush()
            grid = table_to_grid(child)
            grids.append(grid)
            for row in grid.rows:
                last = None
                for cell in row:
                    if cell.origin != last and cell.text:
                        blocks.append(Block(cell.text, in_table=True))
                    last = cell.origin
            continue
        if child.name == "br":
            flush()
            continue
        if child.name in _BLOCK or child.name in ("td", "th", "tr", "table") or (
                child.name.startswith("h") and len(child.name) == 2):
            flush()
            _walk(child, blocks, grids, buf, bold)
            flush()
        else:
            _walk(child, blocks, grids, buf, bold)


_BOLD = {"strong", "b", "h1", "h2", "h3", "h4", "h5", "h6"}


def _is_bold(node: NavigableString) -> bool:
    parent = node.parent
    for _ in range(4):  # bold markup sits right around the text
        if parent is None:
            return False
        if parent.name in _BOLD:
            return True
        parent = parent.parent
    return False


def extract_content(soup: BeautifulSoup, base_url: str | None = None) -> Content:
    """Find the main content of a parsed page and read its blocks, tables, links and body text."""
    container, method = find_container(soup)
    out = Content(container=container, method=method)
    page_files = _page_attachments(soup, base_url)
    if container is None:
        out.links = page_files
        return out
    _strip_noise(container)
    _walk(container, out.blocks, out.grids, [], [])
    out.links = [lk for a in iter_tags(container, {"a"}) if (lk := _link(a, base_url)) is not None]
    seen = {lk.url for lk in out.links}
    out.links += [lk for lk in page_files if lk.url not in seen and not seen.add(lk.url)]
    out.images = sum(1 for _ in iter_tags(container, {"img"}))
    lines: list[str] = []
    for b in out.blocks:
        lines.append(b.text)
    out.body_text = normalise_body("\n".join(lines))
    out.content_hash = content_hash(out.body_text)
    return out


def page_lines(soup_or_tag: Tag) -> list[str]:
    """Visible text lines of a whole page or element (for metadata outside the main content)."""
    blocks: list[Block] = []
    _walk(soup_or_tag, blocks, None, [], [])
    return [b.text for b in blocks]


__all__ = ["Content", "cell_text", "content_hash", "extract_content", "file_kind", "find_container",
           "normalise_body", "page_lines"]
