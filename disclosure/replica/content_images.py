"""Small valid PNG pictures of tables (reports that publish their tables as images), without image libraries."""

from __future__ import annotations

import random
import struct
import zlib

from disclosure.replica.content_model import Table

_CELL_W, _ROW_H = 48, 18


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_gray(width: int, height: int, pixels: bytearray) -> bytes:
    """Encode an 8-bit greyscale image (``pixels`` row-major, ``width*height`` bytes) as PNG."""
    raw = b"".join(b"\x00" + bytes(pixels[y * width:(y + 1) * width]) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, 6)) + _chunk(
        b"IEND", b"")


def table_png(table: Table, seed: int) -> bytes:
    """A scan-like picture of ``table``: a ruled grid with dark strokes where text would be."""
    cols = max(sum(c.colspan for c in row) for row in table.rows)
    width, height = cols * _CELL_W + 1, len(table.rows) * _ROW_H + 1
    px = bytearray(b"\xff" * (width * height))
    rng = random.Random(seed)
    for r in range(len(table.rows) + 1):
        y = min(r * _ROW_H, height - 1)
        px[y * width:(y + 1) * width] = b"\x00" * width
    for c in range(cols + 1):
        x = min(c * _CELL_W, width - 1)
        for y in range(height):
            px[y * width + x] = 0
    for r in range(len(table.rows)):
        for c in range(cols):
            if rng.random() < 0.7:  # a "word": a short dark bar inside the cell
                y = r * _ROW_H + _ROW_H // 2
                x0 = c * _CELL_W + 6
                length = rng.randint(6, _CELL_W - 12)
                px[y * width + x0:y * width + x0 + length] = bytes([64]) * length
    return png_gray(width, height, px)
