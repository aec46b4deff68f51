"""A trivial stand-in for ``content.py`` / ``render_files.py`` with the same interface.

Used only while the real content generator is not importable (see ``sources.py``): tiny reports with six
short sections and one small table B excerpt, so the site, server and manifest can be built and tested.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field

from disclosure.replica.manifest import ManifestSection


@dataclass
class ReportSpec:
    county: str
    unit_name: str
    unit_short: str
    year: int
    format: str
    seed: int
    heading_variant: int = 0
    missing_section: int | None = None
    tables_as_images: bool = False
    inconsistent: bool = False
    edit_no: int = 0


@dataclass
class ReportContent:
    title: str
    body_html: str
    text: str
    body_phrase: str
    sections: list[ManifestSection]
    figures: dict[str, float | None]
    raw: dict[str, str]
    planted_inconsistencies: list[str] = field(default_factory=list)
    images: list[tuple[str, bytes]] = field(default_factory=list)


@dataclass
class NoticeContent:
    title: str
    body_html: str
    text: str
    body_phrase: str
    doc_number: str | None


_HEADINGS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
             "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]


def generate_report(spec: ReportSpec) -> ReportContent:
    rng = random.Random(f"report:{spec.seed}:{spec.edit_no}")
    title = f"{spec.unit_name}{spec.year}年政府信息公开工作年度报告"
    phrase = f"{spec.unit_short}编号{spec.seed}-{spec.edit_no}号工作记录"
    sections, html, text = [], [], []
    for n, heading in enumerate(_HEADINGS, start=1):
        if n == spec.missing_section:
            continue
        body = f"{spec.year}年，{spec.unit_name}认真落实第{n}项工作。{phrase if n == 1 else ''}"
        sections.append(ManifestSection(number=n, heading=heading, text=body))
        html.append(f"<p><strong>{heading}</strong></p><p>{body}</p>")
        text += [heading, body]
    figures: dict[str, float | None] = {}
    raw: dict[str, str] = {}
    if spec.format != "pre2019":
        new = rng.randrange(0, 40)
        figures, raw = {"requests.new.total": float(new)}, {"requests.new.total": str(new)}
        table = f"<table border='1'><tr><td>一、本年新收政府信息公开申请数量</td><td>{new}</td></tr></table>"
        html.insert(5 if spec.missing_section not in range(1, 4) else 4, table)
    return ReportContent(title=title, body_html="".join(html), text="\n".join(text), body_phrase=phrase,
                         sections=sections, figures=figures, raw=raw)


def generate_notice(seed: int, county: str, unit_name: str, date: str) -> NoticeContent:
    phrase = f"通知事项{seed}号"
    body = f"各有关单位：现将{phrase}有关事项通知如下。{unit_name} {date}"
    return NoticeContent(title=f"{unit_name}关于做好{phrase}工作的通知", body_html=f"<p>{body}</p>", text=body,
                         body_phrase=phrase, doc_number=None)


def _pdf(lines: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setFont("STSong-Light", 10)
    y = 800
    for line in lines:
        c.drawString(40, y, line[:60])
        y -= 14
    c.save()
    return buf.getvalue()


def render_pdf(c: ReportContent) -> bytes:
    return _pdf([c.title, *c.text.splitlines()])


def render_docx(c: ReportContent) -> bytes:
    import docx

    d = docx.Document()
    for line in [c.title, *c.text.splitlines()]:
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def render_doc(c: ReportContent) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "\n".join([c.title, c.text]).encode("utf-16-le")


def render_xls(title: str, rows: list[list[str]]) -> bytes:
    return "\n".join([title, *(",".join(r) for r in rows)]).encode("gb18030")
