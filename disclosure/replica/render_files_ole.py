"""Legacy Office binaries written from scratch: an OLE compound file (CFB v3) holding either a Word 97
document (WordDocument + 1Table streams with a one-piece piece table) or a BIFF8 workbook.

Only what readers need is written: a .doc has the FIB fields a piece-table reader uses (nFib, the
table-stream flag, ccpText, fcClx/lcbClx) and its text as UTF-16LE, table cells ending with cell marks;
no formatting (no CHPX/PAPX bin tables, no table properties). The .xls has BOF/BOUNDSHEET/EOF globals and one
sheet of LABEL/NUMBER cells, with the FONT/XF/STYLE
records Excel writes (xlrd and catdoc's xls2csv read it).
"""

from __future__ import annotations

import struct

_SECTOR = 512
_MIN_STREAM = 4096  # streams shorter than this would need a mini stream: pad instead
_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _dir_entry(name: str, kind: int, start: int, size: int, child: int = _NOSTREAM,
               right: int = _NOSTREAM) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", _NOSTREAM, right, child) + b"\0" * 16 + struct.pack("<I", 0)
            + b"\0" * 16 + struct.pack("<IIi", start, size, 0))


def _sort_key(name: str) -> tuple[int, str]:
    return len(name), name.upper()


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A CFB v3 file with ``streams`` directly under the root storage."""
    names = sorted(streams, key=_sort_key)
    data = b""
    starts: dict[str, int] = {}
    sizes: dict[str, int] = {}
    chains: list[tuple[int, int]] = []  # (first sector, sector count)
    for name in names:
        payload = streams[name].ljust(_MIN_STREAM, b"\0")
        payload += b"\0" * (-len(payload) % _SECTOR)
        starts[name], sizes[name] = len(data) // _SECTOR, len(payload)
        chains.append((starts[name], len(payload) // _SECTOR))
        data += payload
    # Directory: root, then streams as a chain of right siblings in sort order (a valid, if unbalanced, tree).
    entries = [_dir_entry("Root Entry", 5, _END, 0, child=1 if names else _NOSTREAM)]
    for i, name in enumerate(names, start=1):
        entries.append(_dir_entry(name, 2, starts[name], sizes[name], right=i + 1 if i < len(names) else _NOSTREAM))
    while len(entries) % 4:
        entries.append(_dir_entry("", 0, 0, 0))
    directory = b"".join(entries)
    n_data, n_dir = len(data) // _SECTOR, len(directory) // _SECTOR
    n_fat = 1
    while n_fat * 128 < n_data + n_dir + n_fat:
        n_fat += 1
    if n_fat > 109:
        raise ValueError("file too large for a header-only DIFAT")
    fat = [_FREE] * (n_fat * 128)
    for first, count in chains + [(n_data, n_dir)]:
        for s in range(first, first + count):
            fat[s] = s + 1 if s < first + count - 1 else _END
    for s in range(n_data + n_dir, n_data + n_dir + n_fat):
        fat[s] = _FATSECT
    difat = list(range(n_data + n_dir, n_data + n_dir + n_fat)) + [_FREE] * (109 - n_fat)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, n_fat, n_data, 0, _MIN_STREAM, _END, 0, _END, 0)
              + struct.pack("<109I", *difat))
    return header + data + directory + struct.pack(f"<{len(fat)}I", *fat)


# --- Word 97 -------------------------------------------------------------------------------------
_TEXT_FC = 0x800  # where the text starts in the WordDocument stream


def render_doc_text(paragraphs: list[str]) -> bytes:
    """A .doc whose main text is ``paragraphs`` (each ends with a paragraph mark unless it is a table row)."""
    # Table rows already end with their row mark (0x07); everything else ends with a paragraph mark.
    text = "".join(p.replace("\r", " ").replace("\n", " ") + ("" if p.endswith("\x07") else "\r")
                   for p in paragraphs)
    encoded = text.encode("utf-16-le")
    ccp = len(encoded) // 2
    # The last two FibBase fields are Word 97's fcMin / fcMac (text start / end), which catdoc relies on.
    fib_base = struct.pack("<HHHHHHHIBBHHII", 0xA5EC, 0x00C1, 0, 0x0804, 0, 0x1200, 0x00BF, 0, 0, 0,
                           0, 0, _TEXT_FC, _TEXT_FC + len(encoded))
    rg_w = struct.pack("<14H", *([0] * 13 + [0x0804]))  # lidFE = zh-CN
    rg_lw = [0] * 22
    rg_lw[0] = _TEXT_FC + len(encoded)  # cbMac
    rg_lw[3] = ccp  # ccpText
    # Piece table (Clx): one piece covering the whole text, uncompressed UTF-16 at _TEXT_FC.
    plc = struct.pack("<II", 0, ccp) + struct.pack("<HIH", 0, _TEXT_FC, 0)
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    fc_lcb = [0] * (93 * 2)
    fc_lcb[33 * 2], fc_lcb[33 * 2 + 1] = 0, len(clx)  # fcClx / lcbClx (table stream offset 0)
    fib = (fib_base + struct.pack("<H", 14) + rg_w + struct.pack("<H", 22) + struct.pack("<22I", *rg_lw)
           + struct.pack("<H", 93) + struct.pack(f"<{93 * 2}I", *fc_lcb) + struct.pack("<H", 0))
    word = fib.ljust(_TEXT_FC, b"\0") + encoded
    return compound_file({"WordDocument": word, "1Table": clx})


# --- Excel BIFF8 ---------------------------------------------------------------------------------

_CELL_XF = 15  # XFs 0-14 are style XFs, 15 the one cell XF


def _rec(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _bof(dt: int) -> bytes:
    return _rec(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0x0DBB, 0x07CC, 0, 0x06))


def _xl_string(text: str, len_bytes: int) -> bytes:
    head = struct.pack("<H" if len_bytes == 2 else "<B", len(text))
    return head + b"\x01" + text.encode("utf-16-le")


def _formatting() -> bytes:
    """The minimum Excel itself writes: four FONTs (宋体 10pt), 15 style XFs + one cell XF, the Normal STYLE."""
    font = _rec(0x0031, struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 134, 0) + _xl_string("宋体", 1))
    style_xf = _rec(0x00E0, struct.pack("<HHHBBBBIIH", 0, 0, 0xFFF5, 0x20, 0, 0, 0, 0, 0, 0x20C0))
    cell_xf = _rec(0x00E0, struct.pack("<HHHBBBBIIH", 0, 0, 0x0001, 0x20, 0, 0, 0, 0, 0, 0x20C0))
    normal = _rec(0x0293, struct.pack("<HBB", 0x8000, 0, 0xFF))
    return font * 4 + style_xf * 15 + cell_xf + normal


def _number(text: str) -> float | None:
    try:
        return float(text) if text.strip() and text.strip().lstrip("-").replace(".", "", 1).isdigit() else None
    except ValueError:
        return None


def render_xls_rows(title: str, rows: list[list[str]], sheet: str = "Sheet1") -> bytes:
    """One-sheet BIFF8 workbook: row 0 holds ``title``, then ``rows``; numeric texts become numbers."""
    all_rows = [[title], *rows]
    cells = b""
    for r, row in enumerate(all_rows):
        for c, value in enumerate(row):
            num = _number(value)
            if num is not None:
                cells += _rec(0x0203, struct.pack("<HHHd", r, c, _CELL_XF, num))
            elif value:
                cells += _rec(0x0204, struct.pack("<HHH", r, c, _CELL_XF) + _xl_string(value[:8000], 2))
    n_cols = max((len(r) for r in all_rows), default=1)
    sheet_stream = (_bof(0x0010) + _rec(0x0200, struct.pack("<IIHHH", 0, len(all_rows), 0, n_cols, 0))
                    + cells + _rec(0x000A, b""))
    head = _bof(0x0005) + _rec(0x0042, struct.pack("<H", 1200)) + _formatting()
    name = _xl_string(sheet[:31], 1)
    globals_len = len(head) + (4 + 4 + 2 + len(name)) + 4  # + BOUNDSHEET + EOF
    bound = _rec(0x0085, struct.pack("<IBB", globals_len, 0, 0) + name)
    workbook = head + bound + _rec(0x000A, b"") + sheet_stream
    return compound_file({"Workbook": workbook})
