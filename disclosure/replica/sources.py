"""Where the replica's report and notice content comes from: ``content.py`` and ``render_files.py``."""

from __future__ import annotations

from disclosure.replica.content import (
    NoticeContent,
    ReportContent,
    ReportSpec,
    generate_notice,
    generate_report,
)
from disclosure.replica.content_images import decoration_png, logo_png
from disclosure.replica.content_model import Block
from disclosure.replica.render_files import render_doc, render_docx, render_ofd, render_pdf, render_xls


def notice_as_report(c: NoticeContent) -> ReportContent:
    """A notice wrapped as a ReportContent so the file renderers can turn it into a PDF or DOCX."""
    blocks = [Block(kind="para", text=line) for line in c.text.splitlines() if line.strip()]
    return ReportContent(title=c.title, body_html=c.body_html, text=c.text, body_phrase=c.body_phrase,
                         sections=[], figures={}, raw={}, planted_inconsistencies=[], images=[], blocks=blocks)


__all__ = ["decoration_png", "logo_png", "NoticeContent", "notice_as_report", "ReportContent", "ReportSpec", "generate_notice",
           "generate_report", "render_doc", "render_docx", "render_ofd", "render_pdf", "render_xls"]
