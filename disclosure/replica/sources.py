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

__all__ = ["NoticeContent", "ReportContent", "ReportSpec", "USING_PLACEHOLDER", "generate_notice",
           "generate_report", "render_doc", "render_docx", "render_pdf", "render_xls"]
