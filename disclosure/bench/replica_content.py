"""``disclosure bench replica-content``: how fast report content and its file renderings are produced.

``generate_report`` runs on every replica page request, so its per-call time matters; file renderings
run once per attachment and are cached by the site.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import click

from disclosure.replica.content import ReportContent, ReportSpec, generate_report
from disclosure.replica.render_files import render_doc, render_docx, render_pdf


def _specs(n: int) -> list[ReportSpec]:
    formats = ("2021", "2019", "pre2019")
    return [
        ReportSpec("青山县", "青山县人民政府" if i % 10 == 0 else "青山县教育局", "县教育局",
                   2016 if formats[i % 3] == "pre2019" else 2021, formats[i % 3], i,
                   heading_variant=i % 12, missing_section=(i % 8) if 1 <= i % 8 <= 6 else None,
                   inconsistent=i % 5 == 1, edit_no=i % 7 == 3)
        for i in range(n)
    ]


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _line(name: str, times: list[float]) -> str:
    times = sorted(times)
    p95 = times[int(len(times) * 0.95) - 1] if len(times) >= 20 else times[-1]
    return f"{name:<16} n={len(times):<6} mean={statistics.fmean(times):8.2f} ms  median={times[len(times) // 2]:8.2f} ms  p95={p95:8.2f} ms"


@click.command("replica-content")
@click.option("--reports", default=3000, show_default=True, help="generate_report calls to time")
@click.option("--files", default=12, show_default=True, help="reports to render as PDF / DOCX / DOC")
def command(reports: int, files: int) -> None:
    """Time generate_report and the PDF / DOCX / DOC renderings."""
    specs = _specs(reports)
    generate_report(specs[0])  # warm imports
    click.echo(_line("generate_report", [_timed(lambda s=s: generate_report(s)) for s in specs]))
    contents: list[ReportContent] = [generate_report(s) for s in specs[:files]]
    render_pdf(contents[0])
    render_docx(contents[0])
    for name, fn in (("render_pdf", render_pdf), ("render_docx", render_docx), ("render_doc", render_doc)):
        click.echo(_line(name, [_timed(lambda c=c, fn=fn: fn(c)) for c in contents]))
