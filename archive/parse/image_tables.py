"""Statistics tables pasted into an HTML page as pictures, read by OCR from the archived body images.

The page's own blocks stay what they are (sections, stated figures, the body text and its hash do not change
with OCR); only the table list changes: each content picture, in page order, is read by the OCR engine
(``archive.parse.ocr``) into a page layout whose ruled tables (pdfplumber's lattice finder, as for PDF and
OFD pages) are spliced in among the page's HTML tables where the picture stands. The figure reader then sees
the tables in the order a reader does, with the text around them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from bs4 import Tag

from archive.parse.attachments import table_rows
from archive.parse.body_images import MAX_IMAGES, is_decoration
from archive.parse.figures import Row

# Bytes of an archived body image by its absolute URL (None: not archived).
ImageSource = Callable[[str], bytes | None]
OCR_UNAVAILABLE = "statistics tables are images and OCR is unavailable: no figures extracted from them"


@dataclass
class ImageTables:
    """The page's tables with the pictures' tables spliced in, and what reading the pictures gave."""

    tables: list[list[Row]] = field(default_factory=list)
    read: int = 0  # pictures read by OCR
    missing: list[str] = field(default_factory=list)  # content pictures not archived (URLs)
    warnings: list[str] = field(default_factory=list)


def ocr_available() -> bool:
    """True when the OCR engine can run here (its package and models are installed)."""
    try:
        from archive.parse import ocr
    except ImportError:
        return False
    return bool(ocr.ocr_available())


def picture_tables(data: bytes) -> list[list[list[str | None]]]:
    """The ruled tables of one picture, as pdfplumber rows (None: a position covered by a merged cell)."""
    from archive.parse import ocr

    return ocr.image_layout(data).extract_tables()


def read_image_tables(grid_tables: list[list[Row]], marks: list[tuple[int, Tag]], base_url: str | None,
                      source: ImageSource) -> ImageTables:
    """``grid_tables`` (the page's HTML tables) with the tables of each content picture inserted where it
    stands (``marks``: picture and the number of HTML tables before it, from the content walk)."""
    out = ImageTables()
    after: dict[int, list[list[Row]]] = {}
    seen: set[str] = set()
    for before, img in marks:
        src = str(img.get("src") or img.get("data-src") or "").strip()
        url = urljoin(base_url, src) if base_url and src else src
        if url in seen or is_decoration(url, img) or len(seen) >= MAX_IMAGES:
            continue
        seen.add(url)
        data = source(url)
        if data is None:
            out.missing.append(url)
            continue
        try:
            found = picture_tables(data)
        except Exception as exc:  # a damaged picture is this picture's loss, not the page's
            out.warnings.append(f"body image unreadable by OCR ({type(exc).__name__}): {url}")
            continue
        out.read += 1
        after.setdefault(before, []).extend(table_rows(t) for t in found if t)
    for i in range(len(grid_tables) + 1):
        out.tables.extend(after.get(i, []))
        if i < len(grid_tables):
            out.tables.append(grid_tables[i])
    if out.missing:
        out.warnings.append(f"{len(out.missing)} body image(s) with tables not archived: {out.missing[0]}")
    return out
