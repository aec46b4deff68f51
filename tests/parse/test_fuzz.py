"""Damaged input: truncations and byte noise in real report pages and files end in a result or a ParseError."""

from __future__ import annotations

import random

from archive.parse import ParseError, parse_document

from .builders import page, table_b
from .test_files import B_ROWS, REPORT_PAGES, make_docx, make_pdf


def _mutations(data: bytes, rng: random.Random, n: int):
    for _ in range(n):
        b = bytearray(data)
        kind = rng.randrange(3)
        if kind == 0:
            b = b[: rng.randrange(1, len(b))]
        elif kind == 1:
            for _ in range(rng.randrange(1, 40)):
                b[rng.randrange(len(b))] = rng.randrange(256)
        else:
            at = rng.randrange(len(b))
            b[at:at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
        yield bytes(b)


def test_mutated_inputs_never_crash():
    rng = random.Random(20240406)
    html = page("<p>一、总体情况</p><p>全年共收到依申请公开6件。</p><p>三、收到和处理政府信息公开申请情况</p>"
                + table_b({"new": ["5", "1", "0", "0", "0", "0", "6"]})).encode("gb18030")
    from disclosure.bench.parsing import _reports
    from disclosure.replica.render_files import render_ofd

    ofd = render_ofd(_reports(1)[0])
    samples = [(html, "a.html", 120), (make_pdf(REPORT_PAGES), "a.pdf", 25), (make_docx(B_ROWS), "a.docx", 40),
               (ofd, "a.ofd", 40)]
    outcomes = {"parsed": 0, "ParseError": 0}
    for data, name, n in samples:
        for mutated in _mutations(data, rng, n):
            try:
                doc = parse_document(mutated, filename=name)
            except ParseError as exc:
                assert exc.reason
                outcomes["ParseError"] += 1
            else:
                assert doc.content_hash and isinstance(doc.figures, list)
                outcomes["parsed"] += 1
    assert outcomes["parsed"] >= 120  # damaged HTML always parses
    assert sum(outcomes.values()) == 225
