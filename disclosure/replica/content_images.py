"""Pictures of statistics tables (reports that publish their tables as images) and the site's decoration.

A table picture is the table as the report's files lay it out (the OFD/PDF geometry of
``render_files_ofd._geometry``: column widths, wrapped header cells, rows stretched by their text), drawn
with Pillow at :data:`SCALE` pixels a point in a CJK font, grey on white, saved as PNG. Its cells are the
same cells the text versions print, so the manifest's figures of the report are what the picture shows.

Decoration (a site logo, a footer line, an icon) is small and plain: what a crawler must leave alone.
"""

from __future__ import annotations

import io
import random
from functools import lru_cache
from pathlib import Path

from disclosure.replica.content_model import Table

SCALE = 2.5  # pixels a point: 8 pt cell text becomes 20 px glyphs, as a 180 dpi screenshot of a table
# CJK fonts looked for, first found wins (fonts-wqy-microhei is installed by .ci/run and the README set-up).
FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)


class NoCjkFont(RuntimeError):
    """No CJK font is installed: table pictures cannot show their text."""


@lru_cache(maxsize=8)
def _font(size_px: int):
    from PIL import ImageFont

    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size_px)
    raise NoCjkFont("no CJK font found (install fonts-wqy-microhei): " + ", ".join(FONT_PATHS))


def _png(image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=6)
    return out.getvalue()


def table_png(table: Table, seed: int) -> bytes:
    """A picture of ``table``: ruled cells, each cell's text centred, as a report's files print it."""
    from PIL import Image, ImageDraw

    from disclosure.replica.render_files_ofd import _CELL_LEADING, _CELL_SIZE, MARGIN, _geometry

    placed, xs, heights, lines = _geometry(table)
    pad = 6  # px of white around the grid
    width = round((xs[-1] - xs[0]) * SCALE) + 2 * pad + 1
    height = round(sum(heights) * SCALE) + 2 * pad + 1
    ink = 20 + random.Random(seed).randrange(0, 40)  # near-black, a little different per report
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = _font(round(_CELL_SIZE * SCALE))
    tops = [sum(heights[:r]) for r in range(len(heights) + 1)]

    def px(v: float) -> int:
        return round(v * SCALE) + pad

    for p in placed:
        x0, x1 = xs[p.col] - MARGIN, xs[p.col + p.cell.colspan] - MARGIN
        top, bottom = tops[p.row], tops[p.row + p.cell.rowspan]
        draw.rectangle((px(x0), px(top), px(x1), px(bottom)), outline=ink, width=1)
        cell_lines = lines[id(p)]
        y = top + (bottom - top - len(cell_lines) * _CELL_LEADING) / 2
        for line in cell_lines:
            used = draw.textlength(line, font=font) / SCALE
            draw.text((px(x0 + (x1 - x0 - used) / 2), px(y + (_CELL_LEADING - _CELL_SIZE) / 2)), line,
                      fill=ink, font=font)
            y += _CELL_LEADING
    return _png(image)


@lru_cache(maxsize=4)
def logo_png(site_name: str) -> bytes:
    """The site's header logo: an emblem-like disc and the site's name on a red band."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (360, 64), (178, 34, 34))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 56, 56), fill=(240, 200, 60))
    try:
        draw.text((68, 18), site_name[:12], fill=(255, 255, 255), font=_font(26))
    except NoCjkFont:
        pass
    return _png(image)


@lru_cache(maxsize=4)
def decoration_png(kind: str) -> bytes:
    """A footer line (``line``) or a small icon (``icon``)."""
    from PIL import Image, ImageDraw

    if kind == "line":
        image = Image.new("RGB", (980, 4), (178, 34, 34))
    else:
        image = Image.new("RGB", (16, 16), (255, 255, 255))
        ImageDraw.Draw(image).polygon(((3, 3), (13, 8), (3, 13)), fill=(120, 120, 120))
    return _png(image)
