"""Everything the document page shows, read from the archive database in one place."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.models import (
    Attachment,
    Capture,
    CheckResult,
    Document,
    DocumentUrl,
    Figure,
    Portal,
    Section,
    Unit,
    Version,
)
from disclosure.web.compare import text_diff
from disclosure.web.report_tables import RebuiltTable, failed_keys, rebuild_tables

DATE_SOURCES_ZH = {
    "meta_tag": "页面元数据（PubDate）",
    "catalog_block": "信息公开目录（发布日期）",
    "visible_line": "页面“发布时间”",
    "list_page": "栏目列表日期",
    "url": "网址中的日期",
    "statistics_period": "统计期限",
}


@dataclass
class VersionInfo:
    """One version as listed on the page."""

    id: int
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime
    claimed_published_at: dt.datetime | None
    capture_id: int
    content_hash: str
    source_kind: str
    is_current: bool


@dataclass
class CheckInfo:
    """A consistency check outcome."""

    rule: str
    ok: bool
    detail: str


@dataclass
class AttachmentInfo:
    """A file linked from the document."""

    url: str
    filename: str
    file_kind: str | None
    capture_id: int | None
    is_report_body: bool


@dataclass
class DocumentView:
    """The document page's data."""

    id: int
    title: str
    kind: str
    publisher: str | None
    unit_aliases: list[str]
    portal: str | None
    report_year: int | None
    claimed_published_at: dt.datetime | None
    claimed_date_source: str | None
    claimed_date_source_zh: str | None
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime
    removed_at: dt.datetime | None
    index_number: str | None
    doc_number: str | None
    canonical_url: str
    urls: list[str]
    version: VersionInfo | None
    versions: list[VersionInfo]
    report_format: str | None
    tables_as_images: bool
    ocr: bool  # the version's text was read by OCR from a scan
    sections: list[tuple[int, str, str]]
    tables: list[RebuiltTable]
    checks: list[CheckInfo]
    attachments: list[AttachmentInfo]
    body_text: str
    archived_capture_id: int | None
    failed_rules: list[str] = field(default_factory=list)
    unit_id: int | None = None


def with_paragraphs(section_text: str, body_text: str) -> str:
    """A section's text with the paragraph breaks of the body restored (the parser joins a section's blocks with
    spaces): a space before a whole body line becomes a line break."""
    text = section_text
    for line in {ln.strip() for ln in body_text.splitlines()}:
        if len(line) >= 4:
            text = text.replace(" " + " ".join(line.split()), "\n" + " ".join(line.split()), 1)
    return text


def _version_info(v: Version, current_id: int | None) -> VersionInfo:
    return VersionInfo(v.id, v.first_seen_at, v.last_seen_at, v.claimed_published_at, v.capture_id, v.content_hash,
                       v.source_kind, v.id == current_id)


def load_document(session: Session, document_id: int, version_id: int | None = None) -> DocumentView | None:
    """The page data of a document (its current version, or ``version_id`` when given); None if unknown."""
    doc = session.get(Document, document_id)
    if doc is None:
        return None
    versions = session.scalars(select(Version).where(Version.document_id == doc.id).order_by(Version.id)).all()
    chosen = next((v for v in versions if v.id == version_id), None) if version_id else None
    if chosen is None:
        chosen = next((v for v in versions if v.id == doc.current_version_id), versions[-1] if versions else None)
    unit = session.get(Unit, doc.unit_id) if doc.unit_id else None
    portal = session.get(Portal, doc.portal_id) if doc.portal_id else None
    urls = session.scalars(select(DocumentUrl.url).where(DocumentUrl.document_id == doc.id)
                           .order_by(DocumentUrl.id)).all()
    sections: list[tuple[int, str, str]] = []
    tables: list[RebuiltTable] = []
    checks: list[CheckInfo] = []
    failed: list[str] = []
    if chosen is not None:
        sections = [(s.number, s.heading, with_paragraphs(s.text, chosen.body_text)) for s in session.scalars(
            select(Section).where(Section.version_id == chosen.id).order_by(Section.number))]
        checks = [CheckInfo(c.rule, c.ok, c.detail) for c in session.scalars(
            select(CheckResult).where(CheckResult.version_id == chosen.id).order_by(CheckResult.ok, CheckResult.rule))]
        failed = [c.rule for c in checks if not c.ok]
        figures = {f.key: (f.value, f.raw) for f in session.scalars(
            select(Figure).where(Figure.version_id == chosen.id))}
        tables = rebuild_tables(figures, chosen.format, failed_keys(failed))
    attachments = [AttachmentInfo(a.url, a.filename or a.url.rsplit("/", 1)[-1], a.file_kind, a.capture_id,
                                  a.is_report_body)
                   for a in session.scalars(select(Attachment).where(Attachment.document_id == doc.id)
                                            .order_by(Attachment.id))]
    archived = None
    if chosen is not None:
        archived = chosen.capture_id
    return DocumentView(
        id=doc.id, title=(chosen.title if chosen and chosen.title else doc.title) or "（无标题）", kind=doc.kind,
        publisher=doc.publisher or (unit.name if unit else None), unit_aliases=list(unit.aliases or []) if unit else [],
        portal=portal.profile if portal else None, report_year=doc.report_year,
        claimed_published_at=doc.claimed_published_at, claimed_date_source=doc.claimed_date_source,
        claimed_date_source_zh=DATE_SOURCES_ZH.get(doc.claimed_date_source or "", doc.claimed_date_source),
        first_seen_at=doc.first_seen_at, last_seen_at=doc.last_seen_at, removed_at=doc.removed_at,
        index_number=doc.index_number, doc_number=doc.doc_number, canonical_url=doc.canonical_url, urls=list(urls),
        version=_version_info(chosen, doc.current_version_id) if chosen else None,
        versions=[_version_info(v, doc.current_version_id) for v in versions],
        report_format=chosen.format if chosen else None, tables_as_images=bool(chosen and chosen.tables_as_images),
        ocr=bool(chosen and chosen.ocr),
        sections=sections, tables=tables, checks=checks, attachments=attachments,
        body_text=chosen.body_text if chosen else "", archived_capture_id=archived, failed_rules=failed,
        unit_id=doc.unit_id)


def version_diff(session: Session, old_id: int, new_id: int) -> str | None:
    """A side-by-side HTML diff (every character of the texts escaped by difflib) of two versions' text."""
    old, new = session.get(Version, old_id), session.get(Version, new_id)
    if old is None or new is None or old.document_id != new.document_id:
        return None
    return text_diff(_prose(session, old), _prose(session, new), f"版本 {old.id}（{old.first_seen_at:%Y-%m-%d}）",
                     f"版本 {new.id}（{new.first_seen_at:%Y-%m-%d}）")


def _prose(session: Session, version: Version) -> str:
    """A version's text without its statistics tables: its sections when it has them (the changed-figures table
    shows the numbers), else the whole body."""
    sections = session.scalars(select(Section).where(Section.version_id == version.id).order_by(Section.number)).all()
    if not sections:
        return version.body_text
    return "\n".join(f"{s.heading}\n{with_paragraphs(s.text, version.body_text)}" for s in sections)


def capture_row(session: Session, capture_id: int) -> Capture | None:
    """A capture by id (the archived copy route)."""
    return session.get(Capture, capture_id)
