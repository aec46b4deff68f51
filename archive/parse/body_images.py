"""The images inside a page's main content (tables pasted as pictures), not the site's logos and decoration.

The content container is the one :func:`archive.parse.content.find_container` picks for the body text (known
article containers, else the text-density walk), with navigation and widgets inside it dropped the same way,
so the crawler (which fetches these images) and the parser (which reads them in page order) agree on which
images belong to the document. What is left out, and why (docs/crawler.md, "Body images"):

- images outside the container (logos, banners, footers, sharing widgets, QR codes);
- ``data:`` and script URLs, and addresses whose last segment does not end in an image extension (``.png``,
  ``.jpg`` …; an extensionless ``src=x`` is more often a broken or hostile tag than a picture);
- images a page declares tiny (``width``/``height`` attributes or inline style under :data:`MIN_SIDE` px):
  icons, bullets, spacers;
- paths that name decoration (``logo``, ``icon``, ``banner``, ``spacer`` …) or a site's skin directories;
- more than :data:`MAX_IMAGES` per page (the first ones are kept).

The host check (same portal) is the crawler's: it applies its profile's allowed domains.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import Tag

from archive.parse.content import _strip_noise, find_container, gone, index_page
from archive.parse.soup import make_soup
from archive.parse.tables import iter_tags

MAX_IMAGES = 20  # a report has three statistics tables; a page with dozens of pictures is a gallery
MIN_SIDE = 40  # px: a declared width or height below this is an icon, a bullet or a spacer
IMAGE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp"})
# Path words of decoration (matched on the lower-cased path, at word edges).
_DECORATION = re.compile(
    r"(?:^|[/_.\-])(logo|icon|icons|ico|banner|spacer|blank|space|pixel|dot|bullet|arrow|line|bg|background|"
    r"button|btn|qrcode|ewm|erweima|share|print|close|top|foot|footer|header|head|nav|menu|wza|jiucuo|"
    r"dzjg|gongan|beian|conac)(?=$|[/_.\-\d])"
    r"|/(skin|skins|style|styles|css|theme|themes|template|templates|common/images|public/images)/")
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*(px)?\s*$", re.IGNORECASE)
_STYLE_SIZE = re.compile(r"(?:^|;)\s*(width|height)\s*:\s*(\d+(?:\.\d+)?)\s*px", re.IGNORECASE)


@dataclass(frozen=True)
class BodyImage:
    """An image of the document body: absolute URL (as the page links it), its place among the body's images."""

    url: str
    position: int  # 0-based, in page order
    alt: str = ""


def _declared_sides(img: Tag) -> list[float]:
    sides = []
    for attr in ("width", "height"):
        m = _SIZE.match(str(img.get(attr) or "").strip())
        if m:
            sides.append(float(m.group(1)))
    sides += [float(v) for _, v in _STYLE_SIZE.findall(str(img.get("style") or ""))]
    return sides


def is_decoration(url: str, img: Tag | None = None) -> bool:
    """True for an image URL (and element) that is decoration, not content: see the module docstring."""
    if not url or url.startswith(("data:", "javascript:", "about:")):
        return True
    path = unquote(urlsplit(url).path).lower()
    name = posixpath.basename(path)
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    if ext not in IMAGE_EXTENSIONS:
        return True
    if _DECORATION.search(path):
        return True
    return img is not None and any(side < MIN_SIDE for side in _declared_sides(img))


def find_body_images(html: str | bytes, base_url: str) -> list[BodyImage]:
    """The content images of a page, in page order, each URL once (see the module docstring)."""
    soup = make_soup(html)
    index = index_page(soup)
    for tag in index.doomed:
        if not gone(tag):
            tag.decompose()
    container, _method = find_container(soup, index)
    if container is None:
        return []
    _strip_noise(container, index.noise)
    return images_in(container, base_url)


def images_in(container: Tag, base_url: str | None) -> list[BodyImage]:
    """The content images of an already found (and cleaned) container."""
    out: list[BodyImage] = []
    seen: set[str] = set()
    for img in iter_tags(container, {"img"}):
        src = str(img.get("src") or img.get("data-src") or "").strip()
        url = urljoin(base_url, src) if base_url and src else src
        if url in seen or is_decoration(url, img):
            continue
        seen.add(url)
        out.append(BodyImage(url=url, position=len(out), alt=str(img.get("alt") or "")))
        if len(out) >= MAX_IMAGES:
            break
    return out
