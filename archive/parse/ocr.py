"""Scanned pages → the fixed-layout page model (:mod:`archive.parse.layout`), so scans read like text PDFs.

One page image goes through: colour → grey with red pixels dropped (a seal stamped over a table), a slight
turn undone (the angle that makes the rows of ink sharpest), ruling lines found by morphology (long thin
runs of ink) and removed from the image, then OCR of what is left. Each OCR box becomes glyphs spread over
its width, the ruling lines become edges, and pdfplumber's text grouping and lattice table finding read the
page exactly as they read a PDF page; the table reader then yields the canonical figure keys unchanged.

The OCR engine is RapidOCR (``rapidocr-onnxruntime``: PP-OCR models shipped inside the wheel, run by ONNX
Runtime; nothing is downloaded). Tesseract (``chi_sim``) is kept as a second backend for the comparison in
docs/parsing.md (``DISCLOSURE_OCR_ENGINE=tesseract``). ``DISCLOSURE_OCR=0`` turns OCR off.

The slow step's result, :class:`OcrPage` (boxes and lines in points), serialises to JSON, so the archive
keeps it with the version and a reparse rebuilds the layout without running OCR again.
"""

from __future__ import annotations

import io
import logging
import os
import threading
import time
from dataclasses import dataclass, field

from archive.parse.errors import ParseError
from archive.parse.layout import PageLayout, edge, glyph

log = logging.getLogger(__name__)

MAX_IMAGE_PIXELS = 60_000_000  # a 300 dpi A3 page is 17 M pixels; beyond this the image is refused
MAX_SKEW = 2.0  # degrees: a turned page is straightened when the angle is within this
RASTER_DPI = 200  # PDF pages without text are rendered at this resolution for OCR
MIN_SCORE = 0.5  # OCR boxes less certain than this are dropped
MIN_CELL_SCORE = 0.3  # … except a number read alone from a table cell the detector passed over
MAX_CELL_EDGES = 2000  # beyond this many ruling lines a page is not searched for unread table cells
MAX_CELL_READS = 300  # nor read cell by cell when more cells than this seem unread

# How many pages the engine recognised in this process (a stat the CLI prints and the tests read).
STATS = {"pages": 0, "seconds": 0.0, "reused": 0}


def add_stats(delta: dict[str, float]) -> None:
    """Count OCR work done elsewhere (a parser process of the ingest) in this process's :data:`STATS`."""
    with _lock:
        for key, value in delta.items():
            if key in STATS:
                STATS[key] += value


_lock = threading.Lock()
_engines: dict[str, object] = {}


@dataclass
class OcrBox:
    """One recognised run of text: its characters and its box on the page, in points (origin top left)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class OcrPage:
    """What OCR found on one page: size in points, text boxes, ruling lines (x0, top, x1, bottom), skew."""

    width: float
    height: float
    boxes: list[OcrBox] = field(default_factory=list)
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)
    angle: float = 0.0

    def layout(self, doctop: float = 0.0) -> PageLayout:
        """The page as positioned glyphs and ruling lines (see the module docstring)."""
        return _layout(self, doctop)

    def to_json(self) -> dict:
        r = _round
        return {"w": r(self.width), "h": r(self.height), "angle": r(self.angle),
                "boxes": [[b.text, r(b.x0), r(b.top), r(b.x1), r(b.bottom)] for b in self.boxes],
                "lines": [[r(v) for v in line] for line in self.lines]}

    @classmethod
    def from_json(cls, data: dict) -> OcrPage:
        try:
            return cls(float(data["w"]), float(data["h"]),
                       [OcrBox(str(t), float(a), float(b), float(c), float(d)) for t, a, b, c, d in data["boxes"]],
                       [tuple(float(v) for v in line) for line in data["lines"]], float(data.get("angle", 0.0)))
        except (KeyError, TypeError, ValueError) as exc:
            raise ParseError(f"stored OCR result unreadable: {exc}") from exc


def _round(v: float) -> float:
    return round(float(v), 2)


# ---------------------------------------------------------------- engines
def engine_name() -> str:
    """The configured engine: ``rapidocr`` (default) or ``tesseract``."""
    name = os.environ.get("DISCLOSURE_OCR_ENGINE", "rapidocr").strip().lower()
    return name if name in ("rapidocr", "tesseract") else "rapidocr"


def ocr_enabled() -> bool:
    """False when ``DISCLOSURE_OCR`` is 0/off/no (OCR is then never attempted)."""
    return os.environ.get("DISCLOSURE_OCR", "1").strip().lower() not in ("0", "off", "no", "false")


def ocr_available(engine: str | None = None) -> bool:
    """True when OCR is switched on and its engine (with its models) is installed."""
    if not ocr_enabled():
        return False
    engine = engine or engine_name()
    try:
        import cv2  # noqa: F401
        import numpy  # noqa: F401
        from PIL import Image  # noqa: F401
    except ImportError:
        return False
    if engine == "tesseract":
        try:
            import pytesseract

            return "chi_sim" in pytesseract.get_languages(config="")
        except Exception:
            return False
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except Exception:
        return False
    return True


def _engine(name: str):
    with _lock:
        if name not in _engines:
            if name == "tesseract":
                import pytesseract

                _engines[name] = pytesseract
            else:
                from rapidocr_onnxruntime import RapidOCR

                logging.getLogger("RapidOCR").setLevel(logging.WARNING)
                _engines[name] = RapidOCR()
        return _engines[name]


def _recognise(grey, engine: str) -> list[tuple[str, float, float, float, float]]:
    """Text boxes (text, x0, top, x1, bottom) in pixels of the grey image."""
    import numpy as np

    eng = _engine(engine)
    out: list[tuple[str, float, float, float, float]] = []
    if engine == "tesseract":
        from PIL import Image

        data = eng.image_to_data(Image.fromarray(grey), lang="chi_sim", config="--psm 11",
                                 output_type=eng.Output.DICT)
        for text, x, y, w, h, conf in zip(data["text"], data["left"], data["top"], data["width"],
                                          data["height"], data["conf"], strict=False):
            if text.strip() and float(conf) >= 0:
                out.append((text.strip(), x, y, x + w, y + h))
        return out
    result, _ = eng(np.dstack([grey] * 3), use_cls=False)  # pages are upright once deskewed
    for quad, text, score in result or []:
        if float(score) < MIN_SCORE or not str(text).strip():
            continue
        xs = [p[0] for p in quad]
        ys = [p[1] for p in quad]
        out.append((str(text).strip(), min(xs), min(ys), max(xs), max(ys)))
    return out


# ---------------------------------------------------------------- image preparation
def load_image(image):
    """bytes (PNG/JPEG/TIFF/…) or a PIL image → (PIL image, dpi). ParseError for what cannot be read."""
    from PIL import Image

    if isinstance(image, bytes | bytearray | memoryview):
        Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
        try:
            img = Image.open(io.BytesIO(bytes(image)))
            img.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ParseError(f"image too large: {exc}") from exc
        except Exception as exc:
            raise ParseError(f"unreadable image: {exc.__class__.__name__}: {exc}") from exc
    else:
        img = image
    if img.width * img.height > MAX_IMAGE_PIXELS:
        raise ParseError(f"image too large ({img.width}x{img.height} pixels)")
    if img.width < 20 or img.height < 20:
        raise ParseError(f"image too small to read ({img.width}x{img.height} pixels)")
    dpi = img.info.get("dpi")
    try:
        dpi = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        dpi = 0.0
    if not 72 <= dpi <= 1200:
        # no resolution stated: take the image as an A4-wide page (210 mm), within sane bounds
        dpi = min(600.0, max(72.0, img.width / 8.27))
    return img, dpi


def _grey_without_red(img):
    """A grey uint8 array with red ink (seals, red-stamped marks) turned white, black text over it staying;
    and the mask (uint8, 255) of the red pixels (None for a grey image)."""
    import numpy as np

    if img.mode in ("RGB", "RGBA", "P", "CMYK", "YCbCr", "LAB", "HSV", "PA", "LA"):
        rgb = np.asarray(img.convert("RGB")).astype(np.int16)
        r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
        grey = (0.299 * r + 0.587 * g + 0.114 * b).astype(np.uint8)
        red = (r - np.maximum(g, b) > 50) & (r > 100)
        if red.any():
            import cv2

            # the seal's pinkish fringe (blur, JPEG) goes too; dark (black) ink next to it stays
            near = cv2.dilate(red.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
            gone = red | (near & (r - np.maximum(g, b) > 15) & (grey > 90))
            grey[gone] = 255
            return grey, gone.astype(np.uint8) * 255
        return grey, None
    return np.asarray(img.convert("L")).copy(), None


def _ink(grey):
    import cv2

    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return ink


def _rotate(arr, angle: float, fill: int):
    import cv2

    h, w = arr.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(arr, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=fill)


def skew_angle(ink) -> float:
    """The angle (degrees, counter-clockwise as OpenCV turns) that makes rows of ink sharpest: ruling
    lines and text lines give sharp peaks in the row sums when they lie flat."""
    import cv2
    import numpy as np

    scale = min(1.0, 1000 / max(ink.shape))
    small = cv2.resize(ink, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else ink
    small = small.astype(np.float32)

    def score(a: float) -> float:
        rows = _rotate(small, a, 0).sum(axis=1)
        return float(np.sum(np.diff(rows) ** 2))

    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 1e-6, 0.25), key=score)
    fine = max(np.arange(best - 0.2, best + 0.2 + 1e-6, 0.05), key=score)
    return round(float(fine), 2)


def ruling_lines(ink, dpi: float, support=None) -> tuple[list[tuple[float, float, float, float]], object]:
    """Long horizontal and vertical runs of ink (table rules) as (x0, top, x1, bottom) in pixels, and the
    mask of their pixels (to wipe them before OCR).

    ``support``: when the red pixels of a seal count as ink (so a rule crossing the seal stays whole), the
    ink without them: a run must be mostly such ink, or it is the seal's own stroke, not a rule."""
    import cv2

    h_len = max(20, int(dpi * 0.45))  # longer than a dash "——" in a cell, shorter than a narrow column
    v_len = max(12, int(dpi * 0.2))  # taller than a character, shorter than a table row
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1)))
    # a rule broken for a few pixels (a seal's stroke across it, JPEG) is closed first; vertical only, since
    # closing along a text line would join its characters into a false rule
    closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 9)))
    vertical = cv2.morphologyEx(closed, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len)))
    import numpy as np

    lines: list[tuple[float, float, float, float]] = []
    wipe = np.zeros_like(ink)
    for runs, horiz in ((horizontal, True), (vertical, False)):
        n, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
        for i in range(1, n):
            x, y, w, hh, area = stats[i]
            box = (slice(y, y + hh), slice(x, x + w))
            if support is not None and cv2.countNonZero(cv2.bitwise_and(runs[box], support[box])) < 0.5 * area:
                continue
            if horiz and w >= h_len and hh <= dpi * 0.08:
                mid = y + hh / 2
                lines.append((float(x), mid, float(x + w), mid))
            elif not horiz and hh >= v_len and w <= dpi * 0.08:
                mid = x + w / 2
                lines.append((mid, float(y), mid, float(y + hh)))
            else:
                continue
            wipe[box][labels[box] == i] = 255
    mask = cv2.dilate(wipe, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    return lines, mask


# ---------------------------------------------------------------- the page
def ocr_page(image, engine: str | None = None) -> OcrPage:
    """Recognise one page image (bytes or PIL image): the slow step. ParseError for an unreadable image."""
    img, dpi = load_image(image)
    engine = engine or engine_name()
    started = time.perf_counter()
    grey, red = _grey_without_red(img)
    ink = _ink(grey)
    angle = skew_angle(ink)
    if abs(angle) >= 0.05:
        grey = _rotate(grey, angle, 255)
        ink = _ink(grey)
        red = (_rotate(red, angle, 0) > 127).astype("uint8") * 255 if red is not None else None
    if red is not None:
        import cv2

        lines, mask = ruling_lines(cv2.bitwise_or(ink, red), dpi, support=ink)
    else:
        lines, mask = ruling_lines(ink, dpi)
    clean = grey.copy()
    clean[mask > 0] = 255
    boxes = _recognise(clean, engine)
    pt = 72.0 / dpi
    page = OcrPage(grey.shape[1] * pt, grey.shape[0] * pt, angle=angle)
    page.boxes = [OcrBox(_digits(t), x0 * pt, y0 * pt, x1 * pt, y1 * pt) for t, x0, y0, x1, y1 in boxes]
    page.lines = [(x0 * pt, y0 * pt, x1 * pt, y1 * pt) for x0, y0, x1, y1 in lines]
    if engine == "rapidocr" and page.lines:
        page.boxes += _read_missed_cells(page, clean, pt)
    with _lock:
        STATS["pages"] += 1
        STATS["seconds"] += time.perf_counter() - started
    log.info("ocr (%s): page %dx%d px at %.0f dpi, turned %.2f°, %d boxes, %d lines in %.1fs", engine,
             grey.shape[1], grey.shape[0], dpi, angle, len(page.boxes), len(page.lines),
             time.perf_counter() - started)
    return page


_LOOKALIKE = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "口": "0", "l": "1", "I": "1", "|": "1"})


def _digits(text: str) -> str:
    """A short run of digits with letters that look like digits ("D" for a blurred 0, "l" for 1) reads as the
    digits: a table cell of numbers, not a word."""
    if (len(text) <= 6 and any(c.isdigit() for c in text)) or len(text) == 1:
        mapped = text.translate(_LOOKALIKE)
        if mapped.lstrip("-").isdigit():
            return mapped
    return text


def _is_dash(height_px: int, width_px: int, pt: float) -> bool:
    """Ink a stroke's thickness high (under 2 pt) and several times as wide: a dash, not a digit."""
    return height_px * pt < 2.0 and width_px >= 3 * height_px


def _read_missed_cells(page: OcrPage, clean, pt: float) -> list[OcrBox]:
    """Table cells with ink but no OCR box (a lone "1" the text detector passed over, often beside a seal's
    remains): each cell's ink, cropped with a white margin, is recognised as one line of text."""
    import numpy as np
    from pdfplumber.table import TableFinder, TableSettings

    layout = page.layout()
    if not layout.edges or len(layout.edges) > MAX_CELL_EDGES:
        return []
    centres = [((b.x0 + b.x1) / 2, (b.top + b.bottom) / 2) for b in page.boxes]
    crops, where, dashes = [], [], []
    for table in TableFinder(layout, TableSettings.resolve(None)).tables:
        for x0, top, x1, bottom in table.cells:
            if any(x0 < cx < x1 and top < cy < bottom for cx, cy in centres):
                continue
            px = [int(v / pt) for v in (x0, top, x1, bottom)]
            inset = 4
            cell = clean[px[1] + inset:px[3] - inset, px[0] + inset:px[2] - inset]
            if cell.size == 0:
                continue
            ys, xs = np.nonzero(cell < 128)
            if len(ys) < 12:
                continue
            ya, yb, xa, xb = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
            box = ((px[0] + inset + xa) * pt, (px[1] + inset + ya) * pt,
                   (px[0] + inset + xb) * pt, (px[1] + inset + yb) * pt)
            if _is_dash(yb - ya, xb - xa, pt):
                # a cell's "—"/"——" (nothing to report): the recogniser, shown a bare stroke, reads digits
                dashes.append(OcrBox("—" if (xb - xa) * pt < 12 else "——", *box))
                continue
            crop = np.pad(cell[ya:yb, xa:xb], 12, constant_values=255)
            crops.append(np.dstack([crop] * 3))
            where.append(box)
    if not crops or len(crops) > MAX_CELL_READS:
        return dashes
    from archive.parse.figures import is_value

    results, _ = _engine("rapidocr").text_rec(crops)
    out = dashes
    for (text, score), box in zip(results, where, strict=False):
        text = _digits(str(text).strip())
        # a lone small digit is read with little confidence, but in a table cell a number is what is expected
        if text and float(score) >= (MIN_CELL_SCORE if is_value(text) else MIN_SCORE):
            out.append(OcrBox(text, *box))
    return out


def ocr_page_layout(image, engine: str | None = None) -> PageLayout:
    """One page image (bytes or PIL image) → :class:`PageLayout` (glyphs from the OCR boxes, ruling lines
    as edges), ready for the PDF path's text and table reading."""
    return ocr_page(image, engine).layout()


def _layout(page: OcrPage, doctop: float) -> PageLayout:
    out = PageLayout(page.width, page.height)
    for x0, top, x1, bottom in page.lines:
        e = edge(x0, top, x1, bottom)
        if e is not None:
            e["doctop"] += doctop
            out.edges.append(e)
    # Boxes of one text line share its top and bottom, so pdfplumber groups them into one line even when the
    # OCR boxes differ by a few points (pdfplumber's y tolerance is 3 pt).
    boxes = sorted(page.boxes, key=lambda b: (b.top + b.bottom) / 2)
    rows: list[list[OcrBox]] = []
    for b in boxes:
        mid = (b.top + b.bottom) / 2
        if rows:
            last = rows[-1]
            ref = sum((x.top + x.bottom) / 2 for x in last) / len(last)
            height = min(min(x.bottom - x.top for x in last), b.bottom - b.top)
            if abs(mid - ref) < 0.45 * height:
                last.append(b)
                continue
        rows.append([b])
    for row in rows:
        top = min(b.top for b in row)
        bottom = max(b.bottom for b in row)
        for b in sorted(row, key=lambda x: x.x0):
            chars = [c for c in b.text if not c.isspace()]
            if not chars:
                continue
            step = (b.x1 - b.x0) / len(chars)
            size = bottom - top
            for i, c in enumerate(chars):
                out.chars.append(glyph(c, b.x0 + i * step, top, b.x0 + (i + 1) * step, bottom, size, doctop))
    return out


# ---------------------------------------------------------------- pages → Extracted
@dataclass
class OcrOptions:
    """Whether the engine may run, and OCR results kept from an earlier parse (page index → OcrPage JSON)."""

    run: bool = True
    stored: dict[int, dict] | None = None


def resolve_options(ocr: OcrOptions | bool | None) -> OcrOptions:
    """None: run when available; True/False: run or not; an OcrOptions as it is."""
    if isinstance(ocr, OcrOptions):
        return ocr
    return OcrOptions(run=ocr is not False)


def page_for(index: int, image_fn, opts: OcrOptions) -> OcrPage | None:
    """The OCR result of page ``index``: the stored one when there is one, else the engine's when it may run
    (``image_fn()`` renders the page), else None."""
    stored = (opts.stored or {}).get(index)
    if stored is not None:
        with _lock:
            STATS["reused"] += 1
        return OcrPage.from_json(stored)
    if not opts.run or not ocr_available():
        return None
    return ocr_page(image_fn())


def extracted_from_pages(pages: list[OcrPage], source_kind: str = "image"):
    """OCR'd pages → :class:`~archive.parse.attachments.Extracted`, as a text PDF of the same pages gives."""
    from archive.parse.attachments import Extracted, note_text_layer, table_rows, text_blocks

    out = Extracted(source_kind)
    texts: list[str] = []
    doctop = 0.0
    for i, page in enumerate(pages):
        layout = page.layout(doctop)
        doctop += page.height
        texts.append(layout.extract_text())
        out.tables += [table_rows(t, ocr=True) for t in layout.extract_tables()]
        out.ocr_pages[i] = page.to_json()
    out.images = len(pages)
    out.warnings.append(f"text of {len(pages)} page(s) read by OCR from page images")
    out.text = "\n".join(texts)
    note_text_layer(out, source_kind.upper(), texts, [1] * len(pages))
    out.blocks = text_blocks(out.text)
    return out


def image_frames(data: bytes, limit: int):
    """The pages of an image file (a multi-page TIFF has several), at most ``limit``."""
    from PIL import ImageSequence

    img, _ = load_image(data)
    frames = []
    try:
        for frame in ImageSequence.Iterator(img):
            if len(frames) >= limit:
                break
            copy = frame.copy()
            copy.info.setdefault("dpi", img.info.get("dpi"))
            frames.append(copy)
    except Exception as exc:
        raise ParseError(f"unreadable image: {exc.__class__.__name__}: {exc}") from exc
    return frames


def read_image(data: bytes, ocr: OcrOptions | bool | None = None):
    """An image file (JPG/PNG/TIFF: a scanned page or table) → Extracted by OCR; without OCR, flagged as
    having no text layer (as a scanned PDF is)."""
    from archive.parse.attachments import MAX_PAGES, Extracted

    opts = resolve_options(ocr)
    frames = image_frames(data, MAX_PAGES)
    pages = []
    for i, frame in enumerate(frames):
        page = page_for(i, lambda f=frame: f, opts)
        if page is None:
            out = Extracted("image", images=len(frames), no_text_layer=True)
            out.warnings.append(f"image file ({len(frames)} page(s)): nothing read; {unavailable_reason(opts)}")
            return out
        pages.append(page)
    return extracted_from_pages(pages, "image")


def unavailable_reason(opts: OcrOptions) -> str:
    """Why a page without text was not OCR'd (the end of the no-text-layer warning)."""
    if not opts.run:
        return "OCR not run (reparse with --ocr to run it)"
    return "OCR is not available"
