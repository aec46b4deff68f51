"""Where report and notice content comes from: ``content.py`` / ``render_files.py`` when present.

Falls back to the private placeholder while the real generator is not importable, so the portal can be
served either way; ``USING_PLACEHOLDER`` tells which one is in use.
"""

from __future__ import annotations

try:
    from disclosure.replica.content import (  # type: ignore[attr-defined]
        NoticeContent,
        ReportContent,
        ReportSpec,
        generate_notice,
        generate_report,
    )
    from disclosure.replica.render_files import render_doc, render_docx, render_pdf, render_xls

    USING_PLACEHOLDER = False
except ImportError:  # the content generator has not landed yet
    from disclosure.replica._placeholder import (  # noqa: F401
        NoticeContent,
        ReportContent,
        ReportSpec,
        generate_notice,
        generate_report,
        render_doc,
        render_docx,
        render_pdf,
        render_xls,
    )

    USING_PLACEHOLDER = True



def notice_as_report(c: NoticeContent) -> ReportContent:
    """A notice wrapped as a ReportContent so the file renderers can turn it into a PDF or DOCX."""
    extra = {}
    if not USING_PLACEHOLDER:
        from disclosure.replica.content_model import Block

        extra["blocks"] = [Block(kind="para", text=line) for line in c.text.splitlines() if line.strip()]
    return ReportContent(title=c.title, body_html=c.body_html, text=c.text, body_phrase=c.body_phrase,
                         sections=[], figures={}, raw={}, planted_inconsistencies=[], images=[], **extra)


__all__ = ["NoticeContent", "notice_as_report", "ReportContent", "ReportSpec", "USING_PLACEHOLDER", "generate_notice",
           "generate_report", "render_doc", "render_docx", "render_pdf", "render_xls"]
