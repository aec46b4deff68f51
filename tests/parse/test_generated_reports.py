"""Every layout variant of the replica's report generator (numbering × markup × missing section × image tables ×
planted inconsistency × format), parsed as a page and as PDF/DOCX/DOC files, against the generator's ground truth."""

from __future__ import annotations

import itertools

from archive.parse import parse_document
from disclosure.replica.content import ReportSpec, generate_report
from disclosure.replica.render_files import render_doc, render_docx, render_pdf

from .replica_compare import Tally, compare_figures, compare_sections

YEAR = {"2021": 2022, "2019": 2020, "pre2019": 2015}


def _spec(fmt: str, hv: int, miss: int | None, img: bool, inc: bool, seed: int) -> ReportSpec:
    return ReportSpec(county="青山县", unit_name="青山县教育局", unit_short="县教育局", year=YEAR[fmt], format=fmt,
                      seed=seed, heading_variant=hv, missing_section=miss, tables_as_images=img, inconsistent=inc)


def _compare(t: Tally, doc, c, spec: ReportSpec, where: str, expect_format: str | None) -> None:
    t.record("kind", doc.kind == "annual_report", f"{where} {doc.kind}")
    t.record("year", doc.year == spec.year, f"{where} {doc.year}")
    t.record("publisher", doc.publisher == spec.unit_name, f"{where} {doc.publisher}")
    t.record("format", doc.format == expect_format, f"{where} {doc.format} vs {expect_format}")
    compare_sections(t, doc, c.sections, where)
    compare_figures(t, doc, c.figures, c.raw, where)
    failed = sorted(ch.rule for ch in doc.checks if not ch.ok)
    t.record("checks", failed == sorted(c.planted_inconsistencies), f"{where} {failed} vs {c.planted_inconsistencies}")


def test_every_html_variant():
    t = Tally()
    for n, (fmt, hv, miss, img, inc) in enumerate(itertools.product(
            ["2021", "2019", "pre2019"], range(12), [None, 2, 5], [False, True], [False, True])):
        spec = _spec(fmt, hv, miss, img, inc, seed=5000 + n)
        c = generate_report(spec)
        html = (f"<html><head><title>{c.title}_青山县人民政府</title></head><body><div class='nav'>首页</div>"
                f"<div class='TRS_Editor'>{c.body_html}</div></body></html>")
        doc = parse_document(html.encode(), url="http://127.0.0.1/zfxxgk/ndbg/202201/t20220120_1.html")
        where = f"[{fmt} hv{hv} miss{miss} img{img} inc{inc}]"
        _compare(t, doc, c, spec, where, None if img and fmt != "pre2019" else fmt)
        t.record("images", doc.tables_as_images == bool(c.images), f"{where} {doc.tables_as_images}")
    print("\ngenerated HTML variants:\n" + t.report())
    assert t.perfect(), "\n".join(t.misses[:20])


def test_file_renderings():
    t = Tally()
    for n, (fmt, hv, inc) in enumerate(itertools.product(["2021", "2019", "pre2019"], [0, 5], [False, True])):
        spec = _spec(fmt, hv, 5 if n % 3 == 0 else None, False, inc, seed=6000 + n * 3)
        c = generate_report(spec)
        for kind, render in (("pdf", render_pdf), ("docx", render_docx), ("doc", render_doc)):
            doc = parse_document(render(c), filename=f"W0{n}.{kind}")
            _compare(t, doc, c, spec, f"[{kind} {fmt} hv{hv} inc{inc}]", fmt)
    print("\ngenerated files:\n" + t.report())
    assert t.perfect(), "\n".join(t.misses[:20])
