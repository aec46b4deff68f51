"""SQLAlchemy 2.0 typed models of the archive.

Data flows one way: the crawler records raw captures (``Capture``, ``FetchState``, ``ListObservation``,
``CrawlRun``); the archive's ingest turns captures into ``Document`` / ``Version`` / ``Section`` /
``Figure`` / ``CheckResult`` rows; search and reports read them. Nothing is ever deleted: a page that
disappears is marked (``Document.removed_at``), a changed page becomes a new ``Version``.

Every schema change goes through an Alembic migration in ``archive/migrations/versions``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base of every archive table."""

    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


class Portal(Base):
    """A county portal, identified by the site profile that crawls it."""

    __tablename__ = "portals"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    base_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    units: Mapped[list[Unit]] = relationship(back_populates="portal")


class Unit(Base):
    """A publisher on a portal: the county government, a bureau or a township."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("portal_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    portal_id: Mapped[int] = mapped_column(ForeignKey("portals.id"))
    name: Mapped[str] = mapped_column(String(200))
    # county_government | bureau | township | other
    kind: Mapped[str] = mapped_column(String(40), default="bureau")
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    column_url: Mapped[str | None] = mapped_column(String(1000))
    first_listed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_listed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_year: Mapped[int | None] = mapped_column(Integer)
    abolished_year: Mapped[int | None] = mapped_column(Integer)
    predecessor_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))

    portal: Mapped[Portal] = relationship(back_populates="units")


class CrawlRun(Base):
    """One crawl of one portal: what it fetched and how it ended."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    portal_id: Mapped[int | None] = mapped_column(ForeignKey("portals.id"))
    profile: Mapped[str] = mapped_column(String(100), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # running | ok | failed | blocked | interrupted
    status: Mapped[str] = mapped_column(String(20), default="running")
    finish_reason: Mapped[str | None] = mapped_column(String(100))
    requests: Mapped[int] = mapped_column(Integer, default=0)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    not_modified: Mapped[int] = mapped_column(Integer, default=0)
    new_captures: Mapped[int] = mapped_column(Integer, default=0)
    documents_seen: Mapped[int] = mapped_column(Integer, default=0)
    new_documents: Mapped[int] = mapped_column(Integer, default=0)
    new_versions: Mapped[int] = mapped_column(Integer, default=0)
    bytes: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Capture(Base):
    """One HTTP response, stored byte-exact in a WARC file.

    ``role`` and the hint columns are what the spider knew when it fetched the URL (which column it
    was listed in, which unit owns that column); the ingest uses them but never trusts them over the
    page itself.
    """

    __tablename__ = "captures"
    __table_args__ = (
        Index("ix_captures_url_fetched", "url", "fetched_at"),
        Index("ix_captures_processing", "processing_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime)
    status: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    warc_file: Mapped[str] = mapped_column(String(500))
    warc_offset: Mapped[int] = mapped_column(Integer)
    warc_length: Mapped[int] = mapped_column(Integer)
    # True when the WARC record is a revisit: the payload is stored once, under ``payload_capture_id``.
    is_revisit: Mapped[bool] = mapped_column(Boolean, default=False)
    payload_capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))
    # list | document | attachment | unit_index | other
    role: Mapped[str] = mapped_column(String(20), default="other")
    # annual_report | notice | document | None: the kind of column it was found in
    column_kind: Mapped[str | None] = mapped_column(String(40))
    unit_hint: Mapped[str | None] = mapped_column(String(200))
    parent_url: Mapped[str | None] = mapped_column(String(2000))
    listed_date: Mapped[str | None] = mapped_column(String(40))
    # pending | parsed | failed | skipped
    processing_status: Mapped[str] = mapped_column(String(20), default="pending")
    processing_error: Mapped[str | None] = mapped_column(Text)
    processed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The browser that rendered the stored body (the DOM after scripts ran), e.g. "chromium 156.0.8078.114";
    # None for a response stored as received (crawler/browser.py).
    rendered_by: Mapped[str | None] = mapped_column(String(100))
    # The ingest process working on it and until when (PostgreSQL: several share the pending captures;
    # a killed one's claim lapses and the capture is claimed again).
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claim_expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class FetchState(Base):
    """Per-URL fetch state for incremental crawls (not a permanent seen-set: it says when and what)."""

    __tablename__ = "fetch_state"

    url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    portal_profile: Mapped[str] = mapped_column(String(100), index=True)
    role: Mapped[str] = mapped_column(String(20), default="other")
    first_fetched_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_fetched_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_changed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_status: Mapped[int] = mapped_column(Integer)
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    sha256: Mapped[str | None] = mapped_column(String(64))
    last_capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))
    fetch_count: Mapped[int] = mapped_column(Integer, default=1)


class ListObservation(Base):
    """A list page, fetched at a time, showed a link to a document (evidence for backdating)."""

    __tablename__ = "list_observations"
    __table_args__ = (Index("ix_listobs_doc_url", "document_url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    list_capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))
    list_url: Mapped[str] = mapped_column(String(2000), index=True)
    observed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    document_url: Mapped[str] = mapped_column(String(2000))
    listed_title: Mapped[str | None] = mapped_column(String(500))
    listed_date: Mapped[str | None] = mapped_column(String(40))
    # The publisher the list entry names (JSON list APIs such as Guangdong's gkmlpt give one per entry).
    listed_publisher: Mapped[str | None] = mapped_column(String(200))


class Document(Base):
    """A document as a reader knows it: one report or notice, whatever URLs it was found at."""

    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_unit_year", "unit_id", "report_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    portal_id: Mapped[int | None] = mapped_column(ForeignKey("portals.id"), index=True)
    # annual_report | notice | document
    kind: Mapped[str] = mapped_column(String(40), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    publisher: Mapped[str | None] = mapped_column(String(200))
    report_year: Mapped[int | None] = mapped_column(Integer, index=True)
    title: Mapped[str | None] = mapped_column(String(500))
    index_number: Mapped[str | None] = mapped_column(String(100))
    doc_number: Mapped[str | None] = mapped_column(String(100))
    claimed_published_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # meta_tag | catalog_block | visible_line | list_page | url | statistics_period | None
    claimed_date_source: Mapped[str | None] = mapped_column(String(40))
    canonical_url: Mapped[str] = mapped_column(String(2000), unique=True)
    first_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    removed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("versions.id", use_alter=True, name="fk_documents_current_version")
    )

    urls: Mapped[list[DocumentUrl]] = relationship(back_populates="document", cascade="all")
    versions: Mapped[list[Version]] = relationship(
        back_populates="document", foreign_keys="Version.document_id", order_by="Version.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(back_populates="document")


class DocumentUrl(Base):
    """Every URL a document was found at (mobile twins, a second listing in another column)."""

    __tablename__ = "document_urls"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    first_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)

    document: Mapped[Document] = relationship(back_populates="urls")


class Version(Base):
    """One distinct content of a document (a new one whenever the content hash changes)."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("document_id", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    capture_id: Mapped[int] = mapped_column(ForeignKey("captures.id"))
    # sha256 of the normalised main text: navigation changes do not make a new version
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    title: Mapped[str | None] = mapped_column(String(500))
    claimed_published_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    body_text: Mapped[str] = mapped_column(Text, default="")
    # "2021" | "2019" | "pre2019" | None
    format: Mapped[str | None] = mapped_column(String(10))
    # html | pdf | docx | doc | xls | xlsx | txt: where the report text came from
    source_kind: Mapped[str] = mapped_column(String(10), default="html")
    tables_as_images: Mapped[bool] = mapped_column(Boolean, default=False)
    # the text was read by OCR from page images (a scan): its figures may carry recognition errors
    ocr: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # the file (sha256 of its bytes) the OCR read, and the OCR result per page (JSON: page index →
    # archive.parse.ocr.OcrPage), so that a reparse rebuilds the text without running OCR again
    ocr_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    ocr_pages: Mapped[str | None] = mapped_column(Text)

    document: Mapped[Document] = relationship(back_populates="versions", foreign_keys=[document_id])
    sections: Mapped[list[Section]] = relationship(back_populates="version", order_by="Section.number")
    figures: Mapped[list[Figure]] = relationship(back_populates="version")
    checks: Mapped[list[CheckResult]] = relationship(back_populates="version")


class Attachment(Base):
    """A file linked from a document page (PDF, DOC/DOCX, WPS, XLS/XLSX …)."""

    __tablename__ = "attachments"
    __table_args__ = (UniqueConstraint("document_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    filename: Mapped[str | None] = mapped_column(String(500))
    file_kind: Mapped[str | None] = mapped_column(String(10))
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))
    sha256: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text)
    is_report_body: Mapped[bool] = mapped_column(Boolean, default=False)

    document: Mapped[Document] = relationship(back_populates="attachments")


class Section(Base):
    """One of the six sections of an annual report (canonical number 1–6), heading as written."""

    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("version_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text, default="")

    version: Mapped[Version] = relationship(back_populates="sections")


class Figure(Base):
    """One statistics figure under a canonical key (``requests.new.total`` …); value null when blank."""

    __tablename__ = "figures"
    __table_args__ = (UniqueConstraint("version_id", "key"), Index("ix_figures_key", "key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), index=True)
    key: Mapped[str] = mapped_column(String(120))
    value: Mapped[float | None] = mapped_column(Float)
    raw: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str | None] = mapped_column(String(20))
    # A | B | C | text | local
    table: Mapped[str | None] = mapped_column(String(10))
    row: Mapped[int | None] = mapped_column(Integer)
    col: Mapped[int | None] = mapped_column(Integer)

    version: Mapped[Version] = relationship(back_populates="figures")


class CheckResult(Base):
    """The outcome of one consistency rule on one version (a failure never stops a parse)."""

    __tablename__ = "check_results"
    __table_args__ = (UniqueConstraint("version_id", "rule"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), index=True)
    rule: Mapped[str] = mapped_column(String(200))
    ok: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[str] = mapped_column(Text, default="")

    version: Mapped[Version] = relationship(back_populates="checks")


class SearchIndexState(Base):
    """Which version of each document the search index holds (for incremental indexing)."""

    __tablename__ = "search_index_state"
    __table_args__ = (UniqueConstraint("engine", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    engine: Mapped[str] = mapped_column(String(20))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    version_id: Mapped[int | None] = mapped_column(Integer)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    indexed_at: Mapped[dt.datetime] = mapped_column(DateTime)


class TimelinessSnapshot(Base):
    """Status of one unit's report for one year, as last computed (for `disclosure status` and the web)."""

    __tablename__ = "timeliness"
    __table_args__ = (UniqueConstraint("unit_id", "report_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    report_year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(30))
    deadline: Mapped[dt.date] = mapped_column(Date)
    days_late: Mapped[int | None] = mapped_column(Integer)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime)


class PortalRun(Base):
    """One scheduled cycle for one portal (``disclosure run``): crawl → ingest → index → timeliness.

    Kept apart from ``CrawlRun`` because a cycle can fail before or after the crawl (ingest, index),
    and ``disclosure status`` reports on the whole cycle.
    """

    __tablename__ = "portal_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile: Mapped[str] = mapped_column(String(100), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # running | ok | failed | blocked | locked | interrupted
    status: Mapped[str] = mapped_column(String(20), default="running")
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    # documents the crawl saw (listed or fetched), for the "far fewer than last time" warning
    documents_seen: Mapped[int | None] = mapped_column(Integer)
    new_documents: Mapped[int] = mapped_column(Integer, default=0)
    new_versions: Mapped[int] = mapped_column(Integer, default=0)
    # step name -> {"status": ok|failed|blocked|not_available|skipped, "detail": str, "seconds": float}
    steps: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # error kind -> count, merged from the steps
    errors: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    message: Mapped[str] = mapped_column(Text, default="")


class Column(Base):
    """A column (栏目) the crawler read: a list of documents, or a home page ("home": the site's or a unit's).

    ``kind`` is the inspection kind (news | notice | personnel_planning | annual_report | other | home), decided
    from the name and URL (archive/columns.py) unless the site profile says otherwise (``kind_source``).
    """

    __tablename__ = "columns"
    __table_args__ = (UniqueConstraint("portal_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    portal_id: Mapped[int] = mapped_column(ForeignKey("portals.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    name: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2000))
    # the list driver that reads it: the family dialect (trs | hanweb | generic) or a list API's name
    driver: Mapped[str | None] = mapped_column(String(100))
    # annual_report | notice | document: the archive keeps its documents; None: observed only
    archive_kind: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(40), default="other")
    # name | url | profile | default: what decided ``kind``
    kind_source: Mapped[str] = mapped_column(String(20), default="default")
    first_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ColumnObservation(Base):
    """One crawl's reading of a column: reachable or not, how many entries, the newest entry's date."""

    __tablename__ = "column_observations"
    __table_args__ = (UniqueConstraint("column_id", "crawl_run_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    column_id: Mapped[int] = mapped_column(ForeignKey("columns.id"), index=True)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    observed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # ok | failed (no answer, 5xx) | missing (4xx) | blocked (a WAF challenge)
    outcome: Mapped[str] = mapped_column(String(20), default="ok")
    status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(200))
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    entry_count: Mapped[int] = mapped_column(Integer, default=0)
    newest_entry_date: Mapped[dt.date | None] = mapped_column(Date)
    newest_entry_url: Mapped[str | None] = mapped_column(String(2000))
    # the capture of the column's first list page in this crawl (an unchanged page: the earlier identical one)
    list_capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))


class InspectionSnapshot(Base):
    """A portal's inspection verdict as last computed (``disclosure run``, ``disclosure inspect``)."""

    __tablename__ = "inspection_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    portal_id: Mapped[int] = mapped_column(ForeignKey("portals.id"), index=True)
    as_of: Mapped[dt.datetime] = mapped_column(DateTime)
    verdict: Mapped[str] = mapped_column(String(10))  # 合格 | 不合格
    failed_rules: Mapped[list[str]] = mapped_column(JSON, default=list)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime)
