"""Statistics tables pasted into an HTML page as pictures, read by OCR from the archived body images.

The page's own blocks stay what they are (sections, stated figures, the body text and its hash do not change
with OCR); only the table list changes: each content picture, in page order, is read by the OCR engine
(``archive.parse.ocr``) into a page layout whose ruled tables (pdfplumber's lattice finder, as for PDF and
OFD pages) are spliced in among the page's HTML tables where the picture stands. The figure reader then sees
the tables in the order a reader does, with the text around them.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from bs4 import Tag

from archive.parse.attachments import table_rows
from archive.parse.body_images import MAX_IMAGES, is_decoration
from archive.parse.figures import Row
from archive.parse.ocr import OcrOptions, OcrPage, page_for

# Bytes of an archived body image by its absolute URL (None: not archived).
ImageSource = Callable[[str], bytes | None]
# OCR results of body pictures are kept with the version like a scan's pages (ParsedDocument.ocr_pages), under
# this index plus the picture's place among the page's content pictures (a scan's pages count from 0).
IMAGE_PAGE_BASE = 1000
# OCR results by picture digest in this process: a picture shown on several pages (or ingested again into
# another archive) is recognised once. Bounded; pictures are a few per report.
_MEMO: OrderedDict[str, dict] = OrderedDict()
MEMO_SIZE = 512
OCR_UNAVAILABLE = "statistics tables are images and OCR is unavailable: no figures extracted from them"


@dataclass
class ImageTables:
    """The page's tables with the pictures' tables spliced in, and what reading the pictures gave."""

    tables: list[list[Row]] = field(default_factory=list)
    read: int = 0  # pictures read by OCR
    missing: list[str] = field(default_factory=list)  # content pictures not archived (URLs)
    warnings: list[str] = field(default_factory=list)
    ocr_pages: dict[int, dict] = field(default_factory=dict)  # IMAGE_PAGE_BASE + place → OcrPage JSON


def body_image_ocr_enabled() -> bool:
    """False when ``DISCLOSURE_OCR_BODY_IMAGES`` is 0/off/no: the ingest then reads pages without their pictures
    (tables_as_images, as without OCR), e.g. to ingest a large backlog first and ``reparse`` the pictures later.
    The test suite turns it off except where body images are the subject (tests/conftest.py)."""
    return os.environ.get("DISCLOSURE_OCR_BODY_IMAGES", "1").strip().lower() not in ("0", "off", "no", "false")


def clear_memo() -> None:
    """Forget the pictures recognised in this process (a benchmark's runs must each do their own OCR)."""
    _MEMO.clear()


def _recognised(index: int, data: bytes, opts: OcrOptions) -> OcrPage | None:
    """The OCR result of one picture: stored with the version, else recognised here (once per digest)."""
    if index in (opts.stored or {}) or not opts.run:
        return page_for(index, lambda: data, opts)
    digest = hashlib.sha256(data).hexdigest()
    if digest in _MEMO:
        _MEMO.move_to_end(digest)
        return OcrPage.from_json(_MEMO[digest])
    page = page_for(index, lambda: data, opts)
    if page is not None:
        _MEMO[digest] = page.to_json()
        while len(_MEMO) > MEMO_SIZE:
            _MEMO.popitem(last=False)
    return page


def read_image_tables(grid_tables: list[list[Row]], marks: list[tuple[int, Tag]], base_url: str | None,
                      source: ImageSource, opts: OcrOptions) -> ImageTables:
    """``grid_tables`` (the page's HTML tables) with the tables of each content picture inserted where it
    stands (``marks``: picture and the number of HTML tables before it, from the content walk). A picture
    OCR'd before (``opts.stored``) is not OCR'd again."""
    out = ImageTables()
    after: dict[int, list[list[Row]]] = {}
    seen: set[str] = set()
    for before, img in marks:
        src = str(img.get("src") or img.get("data-src") or "").strip()
        url = urljoin(base_url, src) if base_url and src else src
        if url in seen or is_decoration(url, img) or len(seen) >= MAX_IMAGES:
            continue
        index = IMAGE_PAGE_BASE + len(seen)
        seen.add(url)
        data = source(url) if index not in (opts.stored or {}) else b""
        if data is None:
            out.missing.append(url)
            continue
        try:
            page = _recognised(index, data, opts)
            found = page.layout().extract_tables() if page is not None else []
        except Exception as exc:  # a damaged picture is this picture's loss, not the page's
            out.warnings.append(f"body image unreadable by OCR ({type(exc).__name__}): {url}")
            continue
        if page is None:
            continue
        out.read += 1
        out.ocr_pages[index] = page.to_json()
        after.setdefault(before, []).extend(table_rows(t, ocr=True) for t in found if t)
    for i in range(len(grid_tables) + 1):
        out.tables.extend(after.get(i, []))
        if i < len(grid_tables):
            out.tables.append(grid_tables[i])
    if out.missing:
        out.warnings.append(f"{len(out.missing)} body image(s) with tables not archived: {out.missing[0]}")
    return out
