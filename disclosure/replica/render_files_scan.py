"""Reports as scanned PDFs: the text PDF's pages rasterised, as an office scanner delivers them.

Each page is rendered (pypdfium2) at 150, 200 or 300 dpi, turned a little (at most 1.5°), blurred slightly and
JPEG-compressed into a PDF of page images with no text layer; grey, except a report with a red seal stamped
over its first statistics table (colour, as a seal is scanned). Deterministic: the same content and seed
give the same bytes.
"""

from __future__ import annotations

import io
import random

from disclosure.replica.content import ReportContent

MAX_TURN = 1.5  # degrees


def _seal(img, centre: tuple[float, float], radius: float) -> None:
    """A red round seal (ring, inner ring, star) drawn over the image, ink mixed with what is below."""
    import math

    from PIL import Image, ImageChops, ImageDraw

    layer = Image.new("RGB", img.size, (255, 255, 255))
    draw = ImageDraw.Draw(layer)
    x, y = centre
    red = (215, 40, 40)
    width = max(3, int(radius / 18))
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=red, width=width)
    r2 = radius * 0.86
    draw.ellipse((x - r2, y - r2, x + r2, y + r2), outline=red, width=max(1, width // 3))
    star = []
    for k in range(10):
        a = -math.pi / 2 + k * math.pi / 5
        rr = radius * (0.32 if k % 2 == 0 else 0.13)
        star.append((x + rr * math.cos(a), y + rr * math.sin(a)))
    draw.polygon(star, fill=red)
    for k in range(16):  # the ring of characters as short strokes
        a = math.pi * (0.8 + 1.4 * k / 15)
        rr = radius * 0.68
        cx, cy = x + rr * math.cos(a), y + rr * math.sin(a)
        draw.rectangle((cx - radius * 0.05, cy - radius * 0.06, cx + radius * 0.05, cy + radius * 0.06), fill=red)
    img.paste(ImageChops.multiply(img, layer))


def _table_spot(pdf_bytes: bytes) -> tuple[int, tuple[float, float, float, float]] | None:
    """The page and bbox (points) of the first ruled table of the text PDF."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        for i, page in enumerate(pdf.pages):
            tables = page.find_tables()
            if tables:
                return i, tables[0].bbox
    return None


def render_scanned_pdf(c: ReportContent, seed: int, *, seal: bool = False) -> bytes:
    """The report as a scan: pages as JPEG images in a PDF without text (see the module docstring)."""
    import pypdfium2
    from PIL import Image, ImageFilter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from disclosure.replica.render_files import render_pdf

    rng = random.Random(f"scan:{seed}")
    dpi = rng.choice([150, 200, 200, 300])
    text_pdf = render_pdf(c)
    spot = _table_spot(text_pdf) if seal else None
    src = pypdfium2.PdfDocument(text_pdf)
    out = io.BytesIO()
    sheet = canvas.Canvas(out, invariant=1)
    try:
        for i in range(len(src)):
            page = src[i]
            w_pt, h_pt = page.get_size()
            img = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            colour = spot is not None and spot[0] == i
            if colour:
                img = img.convert("RGB")
                x0, top, x1, bottom = spot[1]
                s = dpi / 72
                centre = (s * (x0 + 0.7 * (x1 - x0)), s * (top + min(140.0, 0.5 * (bottom - top))))
                _seal(img, centre, s * 62)
            angle = rng.uniform(-MAX_TURN, MAX_TURN)
            fill = (255, 255, 255) if colour else 255
            img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=fill)
            img = img.filter(ImageFilter.GaussianBlur(radius=rng.uniform(0.4, 0.8) * dpi / 200))
            jpeg = io.BytesIO()
            img.save(jpeg, "JPEG", quality=rng.randrange(55, 80))
            sheet.setPageSize((w_pt, h_pt))
            sheet.drawImage(ImageReader(io.BytesIO(jpeg.getvalue())), 0, 0, w_pt, h_pt)
            sheet.showPage()
    finally:
        src.close()
    sheet.save()
    return out.getvalue()
