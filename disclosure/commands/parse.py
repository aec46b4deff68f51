"""``disclosure parse FILE``: parse one saved page or file without a database and print the result."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from disclosure.cli import EXIT_FAILED, EXIT_NO_TEXT

MAX_FILE_BYTES = 64 * 1024 * 1024
# what the readers' libraries log about damaged files is in the result's warnings or the error line already
_QUIET_LOGGERS = ("pypdf", "pdfminer", "pdfplumber", "openpyxl", "olefile", "archive.parse")


def _summary(doc) -> list[str]:
    lines = [
        f"kind:         {doc.kind}",
        f"title:        {doc.title or '-'}",
        f"publisher:    {doc.publisher or '-'}",
        f"year:         {doc.year or '-'}",
        f"published_at: {doc.published_at.isoformat() if doc.published_at else '-'}"
        f"{f' ({doc.published_at_source})' if doc.published_at_source else ''}",
        f"index_number: {doc.index_number or '-'}",
        f"doc_number:   {doc.doc_number or '-'}",
        f"format:       {doc.format or '-'}   source: {doc.source_kind}   tables as images: {doc.tables_as_images}",
        f"sections:     {len(doc.sections)}",
    ]
    lines += [f"  {s.number}. {s.heading}  ({len(s.text)} chars)" for s in doc.sections]
    numbers = sum(1 for f in doc.figures if f.value is not None)
    lines.append(f"figures:      {len(doc.figures)} ({numbers} with a number)")
    failed = [c for c in doc.checks if not c.ok]
    lines.append(f"checks:       {len(doc.checks)} ({len(failed)} failed)")
    lines += [f"  FAILED {c.rule}: {c.detail}" for c in failed]
    attachments = [lk for lk in doc.links if lk.file_kind]
    if attachments:
        lines.append(f"attachments:  {len(attachments)}")
        lines += [f"  [{lk.file_kind}] {lk.text} {lk.url}" for lk in attachments]
    lines += [f"warning:      {w}" for w in doc.warnings]
    return lines


@click.command("parse")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", default=None, help="The address the file was fetched from (dates and hints in it are used).")
@click.option("--content-type", default=None, help="The Content-Type it was served with (charset, kind).")
@click.option("--column-kind", type=click.Choice(["annual_report", "notice", "document"]), default=None,
              help="Kind of the column the document was listed in, used when the document says nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the parse result as JSON (docs/parse-json.md).")
def command(file: Path, url: str | None, content_type: str | None, column_kind: str | None, as_json: bool) -> None:
    """Parse one saved page or file (HTML, text, PDF, OFD, DOCX, DOC/WPS, XLS/XLSX, images); no database needed.

    Scanned PDF pages and image files (JPG/PNG/TIFF) are read by OCR. Exit 7 (with the result and a warning)
    when a PDF, OFD or image has no text that could be read: a scan, and OCR off (DISCLOSURE_OCR=0),
    unavailable, or finding nothing.
    """
    from archive.parse import ParseError, parse_document

    if logging.getLogger().getEffectiveLevel() >= logging.WARNING:  # not -v: one line on stderr, no log noise
        for name in _QUIET_LOGGERS:
            logging.getLogger(name).setLevel(logging.ERROR)
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            click.echo(f"error: {file}: too large to parse ({size} bytes; limit {MAX_FILE_BYTES})", err=True)
            sys.exit(EXIT_FAILED)
        data = file.read_bytes()
    except OSError as exc:
        click.echo(f"error: cannot read {file}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_FAILED)
    if url is None and data.startswith(b"SOURCE:"):  # the domain samples name their address on line 1
        first = data.split(b"\n", 1)[0].decode("utf-8", "replace").split()
        url = first[1] if len(first) > 1 else None
    try:
        doc = parse_document(data, url=url, content_type=content_type, filename=file.name, column_kind=column_kind)
    except ParseError as exc:
        click.echo(f"error: cannot parse {file}: {exc.reason}", err=True)
        sys.exit(EXIT_FAILED)
    except (MemoryError, RecursionError) as exc:  # the readers' caps should prevent this; never a traceback
        click.echo(f"error: cannot parse {file}: too complex to read ({exc.__class__.__name__})", err=True)
        sys.exit(EXIT_FAILED)
    except Exception as exc:  # a parser bug: still one line, not a traceback (the ingest records the same)
        click.echo(f"error: cannot parse {file}: parser error: {exc.__class__.__name__}: {exc}"[:500], err=True)
        sys.exit(EXIT_FAILED)
    if as_json:
        click.echo(json.dumps(doc.to_json_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(_summary(doc)))
    if doc.no_text_layer:
        warning = next((w for w in doc.warnings if "no text layer" in w), "no text layer")
        click.echo(f"warning: {file}: {warning}", err=True)
        sys.exit(EXIT_NO_TEXT)
