"""OFD (GB/T 33190) → text and tables, through the same page model as PDF (:mod:`archive.parse.layout`).

An OFD file is a zip: ``OFD.xml`` names the document root (``Doc_0/Document.xml``), whose ``Pages`` list the
pages in order, each a ``Content.xml`` of layers holding ``TextObject`` (``Boundary``, ``Size``, ``CTM``, and
``TextCode`` runs with ``X``/``Y`` and the ``DeltaX``/``DeltaY`` advances) and ``PathObject`` (ruling lines
as ``AbbreviatedData``). Coordinates are millimetres from the top left; they are converted to points so that
pdfplumber's tolerances mean the same thing as on a PDF.

Everything is bounded: the zip (:func:`archive.parse.attachments.check_zip`), each XML member's size, the XML
parser (no entities, no DTD, no network, libxml2's default depth and size limits), pages, objects per page,
characters.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib

from archive.parse.attachments import (
    MAX_PAGES,
    MAX_TABLE_PAGES,
    MAX_TEXT_CHARS,
    Extracted,
    check_zip,
    note_text_layer,
    table_rows,
    text_blocks,
)
from archive.parse.errors import ParseError
from archive.parse.layout import PageLayout, edge, glyph

MM = 72 / 25.4  # points per millimetre
MAX_XML_BYTES = 16 * 1024 * 1024  # one Content.xml
MAX_OBJECTS = 50_000  # text and path objects on one page
A4 = (210.0, 297.0)
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                           dtd_validation=False, remove_comments=True, remove_pis=True)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _floats(text: str | None) -> list[float]:
    return [float(x) for x in _NUMBER.findall(text or "")]


def _deltas(text: str | None, n: int) -> list[float]:
    """``DeltaX``/``DeltaY``: numbers, with ``g N d`` meaning N times d; at most ``n`` values."""
    out: list[float] = []
    tokens = (text or "").split()
    i = 0
    while i < len(tokens) and len(out) < n:
        if tokens[i] == "g" and i + 2 < len(tokens):
            try:
                count, value = int(float(tokens[i + 1])), float(tokens[i + 2])
            except ValueError:
                break
            out += [value] * max(0, min(count, n - len(out)))
            i += 3
        else:
            try:
                out.append(float(tokens[i]))
            except ValueError:
                break
            i += 1
    return out


class _Package:
    """The zip with bounded, hardened XML reads."""

    def __init__(self, data: bytes) -> None:
        self.zf: zipfile.ZipFile = check_zip(data)
        self.names = {n.lstrip("/"): n for n in self.zf.namelist()}

    def xml(self, path: str):
        from lxml import etree

        name = self.names.get(path.lstrip("/"))
        if name is None:
            raise ParseError(f"OFD part missing: {path}")
        info = self.zf.getinfo(name)
        if info.file_size > MAX_XML_BYTES:
            raise ParseError(f"OFD part too large: {path} ({info.file_size} bytes)")
        try:
            raw = self.zf.read(name)
        except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise ParseError(f"corrupt OFD zip: {path}: {exc}") from exc
        try:
            root = etree.fromstring(raw, _parser())
        except etree.XMLSyntaxError as exc:
            raise ParseError(f"broken OFD XML in {path}: {exc}") from exc
        if root is None:
            raise ParseError(f"empty OFD XML in {path}")
        return root


def _child_text(root, name: str) -> str | None:
    for el in root.iter():
        if _local(el.tag) == name:
            return (el.text or "").strip()
    return None


def _resolve(base_dir: str, loc: str) -> str:
    loc = loc.strip().replace("\\", "/")
    return posixpath.normpath(loc.lstrip("/") if loc.startswith("/") else posixpath.join(base_dir, loc))


def _box(text: str | None) -> tuple[float, float, float, float]:
    v = _floats(text)
    return (v[0], v[1], v[2], v[3]) if len(v) >= 4 else (0.0, 0.0, 0.0, 0.0)


def _ctm(el) -> tuple[float, ...] | None:
    v = _floats(el.get("CTM"))
    return tuple(v[:6]) if len(v) >= 6 else None


def _apply(ctm: tuple[float, ...] | None, x: float, y: float) -> tuple[float, float]:
    if ctm is None:
        return x, y
    a, b, c, d, e, f = ctm
    return a * x + c * y + e, b * x + d * y + f


def _text_object(el, page: PageLayout, doctop: float, budget: list[int]) -> None:
    bx, by, _, _ = _box(el.get("Boundary"))
    ctm = _ctm(el)
    scale = abs(ctm[0] * ctm[3] - ctm[1] * ctm[2]) ** 0.5 if ctm else 1.0
    size = (_floats(el.get("Size")) or [3.5])[0]
    for code in el:
        if _local(code.tag) != "TextCode" or not code.text:
            continue
        text = code.text[: max(0, budget[0])]
        budget[0] -= len(text)
        x = (_floats(code.get("X")) or [0.0])[0]
        y = (_floats(code.get("Y")) or [0.0])[0]
        dx = _deltas(code.get("DeltaX"), len(text) - 1)
        dy = _deltas(code.get("DeltaY"), len(text) - 1)
        for i, ch in enumerate(text):
            advance = dx[i] if i < len(dx) else size if ord(ch) > 0x2E7F else size / 2
            px, py = _apply(ctm, x, y)
            qx, _ = _apply(ctm, x + advance, y)
            x0, x1 = (bx + min(px, qx)) * MM, (bx + max(px, qx)) * MM
            base, height = (by + py) * MM, size * scale * MM
            if not ch.isspace():
                page.chars.append(glyph(ch, x0, base - 0.88 * height, x1, base + 0.12 * height, height, doctop))
            x += advance
            y += dy[i] if i < len(dy) else 0.0


def _path_object(el, page: PageLayout) -> None:
    bx, by, _, _ = _box(el.get("Boundary"))
    ctm = _ctm(el)
    data = next((c.text for c in el if _local(c.tag) == "AbbreviatedData"), None)
    tokens = (data or "").split()[:4000]
    start = cur = None
    i = 0
    while i < len(tokens):
        op = tokens[i]
        args = []
        i += 1
        while i < len(tokens) and _NUMBER.fullmatch(tokens[i]):
            args.append(float(tokens[i]))
            i += 1
        if op in ("M", "S") and len(args) >= 2:
            start = cur = (args[0], args[1])
        elif op == "L" and len(args) >= 2 and cur is not None:
            nxt = (args[0], args[1])
            _segment(page, bx, by, ctm, cur, nxt)
            cur = nxt
        elif op == "C" and cur is not None and start is not None:
            _segment(page, bx, by, ctm, cur, start)
            cur = start
        elif len(args) >= 2:  # curves and arcs: no ruling line, but they move the pen
            cur = (args[-2], args[-1])


def _segment(page: PageLayout, bx: float, by: float, ctm, a: tuple[float, float], b: tuple[float, float]) -> None:
    (ax, ay), (cx, cy) = _apply(ctm, *a), _apply(ctm, *b)
    e = edge((bx + ax) * MM, (by + ay) * MM, (bx + cx) * MM, (by + cy) * MM)
    if e is not None:
        page.edges.append(e)


def _read_page(pkg: _Package, path: str, physical: tuple[float, float, float, float], doctop: float,
               budget: list[int]) -> PageLayout:
    root = pkg.xml(path)
    for el in root.iter():
        if _local(el.tag) == "PhysicalBox":
            physical = _box(el.text)
            break
    page = PageLayout(physical[2] * MM or A4[0] * MM, physical[3] * MM or A4[1] * MM)
    objects = 0
    for el in root.iter():  # lxml's iter() walks without recursion; depth is bounded by libxml2 anyway
        name = _local(el.tag)
        if name not in ("TextObject", "PathObject", "ImageObject"):
            continue
        objects += 1
        if objects > MAX_OBJECTS:
            raise ParseError(f"OFD page with more than {MAX_OBJECTS} objects: {path}")
        if name == "TextObject" and budget[0] > 0:
            _text_object(el, page, doctop, budget)
        elif name == "PathObject":
            _path_object(el, page)
        elif name == "ImageObject":
            page.images += 1
    return page


def read_ofd(data: bytes) -> Extracted:
    """OFD text per page (in ``Document.xml`` page order) and ruled tables, as :func:`read_pdf` gives them."""
    pkg = _Package(data)
    entry = pkg.xml("OFD.xml")
    doc_root = _child_text(entry, "DocRoot")
    if not doc_root:
        raise ParseError("OFD without a DocRoot")
    doc_path = _resolve("", doc_root)
    document = pkg.xml(doc_path)
    base_dir = posixpath.dirname(doc_path)
    physical = _box(_child_text(document, "PhysicalBox")) if _child_text(document, "PhysicalBox") else (
        0.0, 0.0, *A4)
    pages = [el.get("BaseLoc") for el in document.iter() if _local(el.tag) == "Page" and el.get("BaseLoc")]
    if not pages:
        raise ParseError("OFD has no pages")
    out = Extracted("ofd")
    texts: list[str] = []
    images: list[int] = []
    budget = [MAX_TEXT_CHARS]
    doctop = 0.0
    for i, loc in enumerate(pages[:MAX_PAGES]):
        page = _read_page(pkg, _resolve(base_dir, loc), physical, doctop, budget)
        doctop += page.height
        texts.append(page.extract_text())
        images.append(page.images)
        out.images += page.images
        if i < MAX_TABLE_PAGES:
            out.tables += [table_rows(t) for t in page.extract_tables()]
        if budget[0] <= 0:
            out.warnings.append("text truncated")
            break
    if len(pages) > MAX_PAGES:
        out.warnings.append(f"only the first {MAX_PAGES} of {len(pages)} pages read")
    out.text = "\n".join(texts)[:MAX_TEXT_CHARS]
    note_text_layer(out, "OFD", texts, images)
    out.blocks = text_blocks(out.text)
    return out
