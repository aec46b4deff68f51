"""Turn raw captures into documents, versions, attachments, sections, figures and check results.

:func:`process_captures` walks captures in the order they were fetched (so versions come in time
order) and ends each one with a processing status: ``parsed``, ``failed`` (with the reason) or
``skipped``. Each capture is one transaction: a failure is recorded as data and rolls back only that
capture's work, never what is already stored, and never stops the batch.

Document identity (docs/archive.md): a capture belongs to the document already known at its
canonical URL; else to a document holding a version with the same content hash (a report repeated in
a second column); else, for an annual report, to the one with the same unit, year and title; else it
starts a new document. Same URL with different content → a new version (never an overwrite);
identical content → only the seen times move. Re-running over the same captures changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
import json
import logging
import os
import re
import socket
import uuid
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy import and_, delete, func, or_, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from archive.attachments_meta import (
    file_kind,
    filename_from_headers,
    filename_from_label,
    filename_from_url,
    link_labels,
)
from archive.crossyear import update_cross_year
from archive.db import Database
from archive.identity import canonical_url, column_of, found_url, is_mobile_twin, parse_listed_date, url_date
from archive.models import (
    Attachment,
    Capture,
    CrawlRun,
    Document,
    DocumentUrl,
    FetchState,
    ListObservation,
    Portal,
    Section,
    Unit,
    Version,
)
from archive.parallel import ParsePool
from archive.parse.model import ParsedDocument
from archive.parse_inputs import archived_body_image, stored_ocr
from archive.rawstore import RawResponse, RawStore, RawStoreError
from archive.store import Counts, assign, sync_checks, sync_figures, sync_sections
from archive.unitmatch import UnitMatcher, UnitName, generate_aliases, guess_unit_kind, normalise_name

log = logging.getLogger(__name__)

PROCESSED_ROLES = ("document", "attachment")
REMOVED_STATUSES = (404, 410)
# A stub page that only points at its file (the report lives in the attachment).
STUB_PHRASES = ("详见附件", "见附件", "附件下载", "点击下载", "请下载", "下载附件", "附件：", "附件:")
# Content hashes of very short bodies ("详见附件。") identify nothing; they merge documents only by title.
MIN_HASH_IDENTITY_CHARS = 200
# Sections a file must show to count as the report of a page not recognised as one.
MIN_REPORT_SECTIONS = 3
# Publisher sources (ParsedDocument.publisher_source) that are not the page's own statement.
GUESSED_PUBLISHER_SOURCES = ("text_guess", "unit_hint")
# The start of the failure reason of a capture whose raw record is damaged.
RAW_UNREADABLE = "raw record unreadable"
# The skip reason of an attachment whose page is not archived; such captures are retried by every ingest.
PARENT_MISSING = "parent document not archived"
_UNIT_NAME = re.compile(r"(局|委|办|院|政府|办公室|室|会|中心|所|站|队|处|司|馆|社|团|部|街道|乡|镇)$")

ParseFn = Callable[..., ParsedDocument]
# PostgreSQL: captures claimed per batch (times the workers) and how long a claim lasts unless released.
CLAIM_BATCH = 16
CLAIM_LEASE_S = 600.0
# The first key of the ingest's PostgreSQL advisory locks ("DISC"); the second is the host's CRC-32.
_LOCK_CLASS = 0x44495343
# ... and of the lock on deciding who claims a portal's captures ("DISR"; the second key: the portal id).
_CLAIM_LOCK_CLASS = 0x44495352


@dataclass
class CaptureProblem:
    """A capture that failed or was skipped, and why."""

    capture_id: int
    url: str
    reason: str
    # False when the capture could not be read at all (its WARC record missing or broken, or the database
    # refusing the work): a fault of the setup rather than of the page, see IngestReport.nothing_readable.
    readable: bool = True


@dataclass
class IngestReport:
    """What one :func:`process_captures` run did."""

    parsed: int = 0
    failed: list[CaptureProblem] = field(default_factory=list)
    skipped: list[CaptureProblem] = field(default_factory=list)
    documents: Counts = field(default_factory=Counts)
    documents_removed: int = 0
    urls_added: int = 0
    versions: Counts = field(default_factory=Counts)
    # versions added to documents that were already known (edited pages), for the crawl run's count
    versions_of_known_documents: int = 0
    attachments: Counts = field(default_factory=Counts)
    sections: Counts = field(default_factory=Counts)
    figures: Counts = field(default_factory=Counts)
    checks: Counts = field(default_factory=Counts)
    cross_year: Counts = field(default_factory=Counts)
    units_created: int = 0

    def merge(self, other: IngestReport) -> None:
        """Add ``other``'s numbers to this report."""
        self.parsed += other.parsed
        self.failed += other.failed
        self.skipped += other.skipped
        self.documents_removed += other.documents_removed
        self.urls_added += other.urls_added
        self.versions_of_known_documents += other.versions_of_known_documents
        self.units_created += other.units_created
        for name in ("documents", "versions", "attachments", "sections", "figures", "checks", "cross_year"):
            getattr(self, name).add(getattr(other, name))

    @property
    def nothing_readable(self) -> bool:
        """True when captures were tried and not one could be read (WARC files elsewhere or gone, …)."""
        return bool(self.failed) and not self.parsed and not any(p.readable for p in self.failed)

    @property
    def damaged(self) -> list[CaptureProblem]:
        """Failures because the raw record itself is damaged (the URLs are fetched again by the next crawl)."""
        return [p for p in self.failed if p.reason.startswith(RAW_UNREADABLE)]

    @property
    def changes(self) -> int:
        """Rows written in the archive (0 when re-run over the same captures)."""
        return (self.documents.changed + self.documents_removed + self.urls_added + self.versions.changed
                + self.attachments.changed + self.sections.changed + self.figures.changed
                + self.checks.changed + self.cross_year.changed + self.units_created)

    def summary(self) -> str:
        """One line: ``1,204 parsed, 3 failed: url (reason); …, 0 skipped; documents …``."""
        head = f"{self.parsed:,} parsed, {len(self.failed):,} failed"
        if self.failed:
            shown = "; ".join(f"{p.url} ({p.reason})" for p in self.failed[:3])
            head += f": {shown}" + (f"; … {len(self.failed) - 3} more" if len(self.failed) > 3 else "")
        head += f", {len(self.skipped):,} skipped"
        return (f"{head}; documents {self.documents} ({self.documents_removed} marked removed, "
                f"{self.urls_added} URLs added); versions {self.versions}; attachments {self.attachments}; "
                f"sections {self.sections}; figures {self.figures}; checks {self.checks}; "
                f"cross-year checks {self.cross_year}")


class CaptureFailed(Exception):
    """The capture cannot be turned into archive rows (the message is the recorded reason)."""


class RecordUnreadable(CaptureFailed):
    """The capture's raw record cannot be read (WARC file missing, truncated, unreadable, not matching the
    capture's length and sha256): its URL is fetched again by the next crawl."""


class DatabaseUnwritable(Exception):
    """The database refused a write (read-only file, full disk, server gone): the batch stops at the first.

    Unlike a capture's own failure, this is not data about the capture: recording it per capture would
    fail too, and every further capture would fail the same way.
    """


class _Deferred(Exception):
    """An attachment whose parent document is not archived yet: retried at the end of the batch."""


def body_image_ocr_enabled() -> bool:
    from archive.parse.image_tables import body_image_ocr_enabled as enabled

    return enabled()


def _default_parser() -> ParseFn:
    from archive.parse import parse_document

    return parse_document


def _no_text_reason(parsed: ParsedDocument) -> str:
    """The capture's failure reason for a file without a text layer (a scan): what the parser said."""
    said = next((w for w in parsed.warnings if "no text layer" in w), "no text layer (a scan?)")
    return f"{said} (retried by `disclosure reparse --failed --ocr` once OCR is available)"


def _ocr_values(parsed: ParsedDocument, capture: Capture) -> dict[str, object]:
    """The version's OCR marker and the OCR result kept for reparse (none when the text was not OCR'd)."""
    pages = getattr(parsed, "ocr_pages", None)
    if not pages:
        return {"ocr": False, "ocr_sha256": None, "ocr_pages": None}
    return {"ocr": True, "ocr_sha256": capture.sha256,
            "ocr_pages": json.dumps({str(k): v for k, v in pages.items()}, ensure_ascii=False,
                                    separators=(",", ":"))}


def _parse_errors() -> tuple[type[BaseException], ...]:
    try:
        from archive.parse import ParseError
    except ImportError:  # the parser package predates ParseError
        return ()
    return (ParseError,)


def _as_datetime(value: dt.datetime | dt.date | None) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if isinstance(value, dt.datetime) and value.tzinfo else value
    return dt.datetime(value.year, value.month, value.day)


def _content_hash(parsed: ParsedDocument) -> str:
    return parsed.content_hash or hashlib.sha256(parsed.body_text.encode("utf-8")).hexdigest()


def _norm_title(title: str | None) -> str:
    return normalise_name(title or "")


class _Ingestor:
    """One batch: holds caches (portal and unit ids) that are rebuilt after a rolled-back capture."""

    def __init__(self, db: Database, rawstore: RawStore, parse: ParseFn, ocr: bool = True,
                 pool: ParsePool | None = None):
        self.db = db
        self.rawstore = rawstore
        self.parse = parse
        self.pool = pool  # parses ahead in other processes (``--workers``); None: parse here
        # Several ingest processes may share a PostgreSQL archive: identity decisions per host are serialised.
        self._shared = db.engine.dialect.name == "postgresql"
        self.parse_errors = _parse_errors()
        self.ocr = ocr  # may OCR run; False (a reparse without --ocr) reuses the stored OCR results only
        try:
            params = inspect.signature(parse).parameters
        except (TypeError, ValueError):
            params = {}
        self._parse_takes_column_kind = "column_kind" in params
        self._parse_takes_body_images = "body_images" in params
        self._parse_takes_ocr = "ocr" in params
        self._portal_by_host: dict[str, int] = {}
        self._portal_by_run: dict[int, int | None] = {}
        self._matchers: dict[int, UnitMatcher] = {}
        self._unit_names: dict[int, str] = {}  # unit id → full name (read with the matcher's units)
        self._labels: dict[int, dict[str, str]] = {}  # page capture id → its links (URL → text)

    # ------------------------------------------------------------------ batch
    def run(self, capture_ids: Sequence[int]) -> IngestReport:
        report = IngestReport()
        deferred: list[int] = []
        if self.pool is not None:
            self.pool.plan(capture_ids)
        for capture_id in capture_ids:
            if not self._one(capture_id, report, defer_ok=True):
                deferred.append(capture_id)
        # A page captured by an earlier (killed) crawl may still be pending outside this batch: it is
        # ingested now, before the files it links, instead of leaving them without a parent.
        for capture_id in self._pending_parents(deferred, set(capture_ids)):
            self._one(capture_id, report, defer_ok=True)
        for capture_id in deferred:
            self._one(capture_id, report, defer_ok=False)
        with self.db.session() as session:
            report.cross_year.add(update_cross_year(session))
        return report

    def _pending_parents(self, deferred: Sequence[int], batch: set[int]) -> list[int]:
        """Pending page captures of the deferred attachments' parents that are not in the batch."""
        if not deferred:
            return []
        with self.db.session() as session:
            parents: set[str] = set()
            for start in range(0, len(deferred), 500):
                parents.update(u for u in session.scalars(select(Capture.parent_url).where(
                    Capture.id.in_(deferred[start:start + 500]))) if u)
            parents |= {canonical_url(u) for u in parents}
            found: set[tuple[dt.datetime, int]] = set()
            urls = sorted(parents)
            for start in range(0, len(urls), 500):
                found.update(session.execute(select(Capture.fetched_at, Capture.id).where(
                    Capture.url.in_(urls[start:start + 500]), Capture.role == "document", _PENDING,
                    _UNCLAIMED(_utcnow()))).tuples())
        return [i for _at, i in sorted(found) if i not in batch]  # in fetch order

    def _one(self, capture_id: int, report: IngestReport, *, defer_ok: bool) -> bool:
        """Process one capture in its own transaction; False when deferred."""
        local = IngestReport()
        session = self.db.sessionmaker()
        try:
            capture = session.get(Capture, capture_id)
            if capture is None:
                return True
            url = capture.url
            try:
                status, reason = self._process(session, capture, local)
            except _Deferred:
                session.rollback()
                if defer_ok:
                    return False
                status, reason = "skipped", PARENT_MISSING
                capture = session.get(Capture, capture_id)
                assert capture is not None
            except CaptureFailed as exc:
                session.rollback()
                self._forget_caches()
                self._mark(session, capture_id, "failed", str(exc))
                if isinstance(exc, RecordUnreadable):
                    self._invalidate_fetch_state(session, capture_id)
                session.commit()
                report.failed.append(CaptureProblem(capture_id, url, str(exc),
                                                    readable=not isinstance(exc, RecordUnreadable)))
                log.warning("capture %s %s failed: %s", capture_id, url, exc)
                return True
            self._set_status(capture, status, reason)
            session.commit()
        except OperationalError as exc:  # the database itself: nothing more can be stored
            session.rollback()
            raise DatabaseUnwritable(f"cannot write to the database: {exc.orig}") from exc
        except Exception as exc:  # a bug or a row-level database error: recorded, the batch goes on
            session.rollback()
            self._forget_caches()
            reason = f"internal error: {type(exc).__name__}: {exc}"[:2000]
            log.exception("capture %s: %s", capture_id, reason)
            try:
                self._mark(session, capture_id, "failed", reason)
                session.commit()
            except Exception:  # pragma: no cover - the database itself is gone
                session.rollback()
                log.exception("cannot record the failure of capture %s", capture_id)
            report.failed.append(CaptureProblem(capture_id, "", reason, readable=False))
            return True
        finally:
            session.close()
        if status == "parsed":
            local.parsed += 1
        elif status == "failed":  # read, but with nothing in it to read (a scan): recorded, kept for a retry
            local.failed.append(CaptureProblem(capture_id, url, reason or ""))
        else:
            local.skipped.append(CaptureProblem(capture_id, url, reason or ""))
        report.merge(local)
        return True

    @staticmethod
    def _invalidate_fetch_state(session: Session, capture_id: int) -> None:
        """Make the crawler fetch a damaged capture's URL again, unconditionally (and a file's page, whose
        reading is what requests the file)."""
        capture = session.get(Capture, capture_id)
        if capture is not None:
            urls = {capture.url} | ({capture.parent_url} if capture.role == "attachment" and capture.parent_url
                                    else set())
            session.execute(delete(FetchState).where(FetchState.url.in_(urls)))

    def _forget_caches(self) -> None:
        self._portal_by_host.clear()
        self._portal_by_run.clear()
        self._matchers.clear()
        self._unit_names.clear()

    @staticmethod
    def _set_status(capture: Capture, status: str, reason: str | None) -> None:
        capture.processing_status = status
        capture.processing_error = reason
        capture.processed_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)

    def _mark(self, session: Session, capture_id: int, status: str, reason: str) -> None:
        capture = session.get(Capture, capture_id)
        if capture is not None:
            self._set_status(capture, status, reason)

    # ------------------------------------------------------------------ one capture
    def _process(self, session: Session, capture: Capture, report: IngestReport) -> tuple[str, str | None]:
        if capture.role == "attachment":
            return self._attachment(session, capture, report)
        if capture.status in REMOVED_STATUSES:
            self._serialise(session, capture)
            return self._removed(session, capture, report)
        if capture.status == 304:
            self._serialise(session, capture)
            return self._not_modified(session, capture)
        if not 200 <= capture.status < 300:
            return "skipped", f"HTTP {capture.status}"
        if is_mobile_twin(capture.url):
            self._serialise(session, capture)
            doc = self._document_at(session, capture.url)
            if doc is not None and any(not is_mobile_twin(u.url) for u in doc.urls):
                # The desktop page is the document's reading; its mobile twin (a different layout of
                # the same content) only proves it is still online, so it is not even parsed.
                self._note_url(session, doc, capture.url, capture.fetched_at, report)
                self._touch(session, doc, capture.fetched_at)
                report.documents.unchanged += 1
                return "parsed", None
        raw = self._read(capture)
        parsed = self._parse(raw, capture, session=session)
        if getattr(parsed, "no_text_layer", False):
            return "failed", _no_text_reason(parsed)
        if not parsed.body_text.strip() and not parsed.title and not parsed.sections:
            return "skipped", "empty page: no title and no text"
        self._serialise(session, capture)
        self._store_page(session, capture, parsed, report)
        return "parsed", None

    def _serialise(self, session: Session, capture: Capture) -> None:
        """On PostgreSQL, wait for any other ingest process writing documents of this capture's host.

        Two processes meeting one report under two URLs would each find no document and make one: a
        transaction-scoped advisory lock per host makes the second wait and then find the first's
        document. Taken after parsing, so only the writes of one host queue, never the parsing.
        """
        if self._shared:
            host = urlsplit(capture.url).netloc.lower().encode("utf-8")
            session.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"),
                            {"a": _LOCK_CLASS, "b": zlib.crc32(host) - 2**31})

    def _read(self, capture: Capture) -> RawResponse:
        try:
            return self.rawstore.read(capture.warc_file, capture.warc_offset, sha256=capture.sha256,
                                      size=capture.size)
        except (RawStoreError, OSError) as exc:
            raise RecordUnreadable(f"{RAW_UNREADABLE}: {exc}") from exc

    def _parse(self, raw: RawResponse, capture: Capture, filename: str | None = None,
               session: Session | None = None) -> ParsedDocument:
        # A pool result is whole: the parser process ran OCR (or reused the archived result) and read the
        # page's pictures as this process would; its OCR pages are stored with the version here.
        outcome = self.pool.take(capture.id, capture.url, filename) if self.pool is not None else None
        if outcome is not None:
            try:
                if outcome.error is not None:
                    raise outcome.error
                assert outcome.parsed is not None
                return outcome.parsed
            except self.parse_errors as exc:
                raise CaptureFailed(str(exc) or type(exc).__name__) from exc
            except (MemoryError, RecursionError) as exc:
                raise CaptureFailed(f"parser gave up: {type(exc).__name__}") from exc
            except Exception as exc:  # noqa: BLE001 - a parser bug is this capture's failure
                log.error("parser error on %s: %s", capture.url, exc)
                raise CaptureFailed(f"parser error: {type(exc).__name__}: {exc}") from exc
        kwargs: dict[str, object] = {"url": capture.url,
                                     "content_type": capture.content_type or raw.content_type,
                                     "filename": filename}
        if self._parse_takes_column_kind:
            kwargs["column_kind"] = capture.column_kind
        if self._parse_takes_body_images and session is not None and body_image_ocr_enabled():
            # a page whose tables are pictures: the parser asks for the archived pictures it needs
            kwargs["body_images"] = lambda image_url: self._body_image(session, image_url)
        if self._parse_takes_ocr:
            from archive.parse.ocr import OcrOptions

            kwargs["ocr"] = OcrOptions(run=self.ocr, stored=stored_ocr(session, capture.sha256))
        try:
            return self.parse(raw.body, **kwargs)
        except self.parse_errors as exc:
            raise CaptureFailed(str(exc) or type(exc).__name__) from exc
        except (MemoryError, RecursionError) as exc:
            raise CaptureFailed(f"parser gave up: {type(exc).__name__}") from exc
        except Exception as exc:  # a parser bug is this capture's failure, not the batch's
            log.exception("parser error on %s", capture.url)
            raise CaptureFailed(f"parser error: {type(exc).__name__}: {exc}") from exc

    def _body_image(self, session: Session, url: str) -> bytes | None:
        """The bytes of a page's content picture as last archived (the crawler's role ``body_image``)."""
        return archived_body_image(session, self.rawstore, url)

    # ------------------------------------------------------------------ lookups
    def _document_at(self, session: Session, url: str) -> Document | None:
        urls = {found_url(url), canonical_url(url)}
        doc = session.scalar(select(Document).join(DocumentUrl).where(DocumentUrl.url.in_(urls)).limit(1))
        if doc is None:
            doc = session.scalar(select(Document).where(Document.canonical_url == canonical_url(url)))
        return doc

    def _portal_id(self, session: Session, capture: Capture) -> int:
        if capture.crawl_run_id is not None:
            if capture.crawl_run_id not in self._portal_by_run:
                run = session.get(CrawlRun, capture.crawl_run_id)
                self._portal_by_run[capture.crawl_run_id] = run.portal_id if run is not None else None
            if (run_portal := self._portal_by_run[capture.crawl_run_id]) is not None:
                return run_portal
        parts = urlsplit(capture.url)
        host = parts.netloc.lower()
        if host in self._portal_by_host:
            return self._portal_by_host[host]
        portal_id = None
        for portal in session.scalars(select(Portal)):
            if urlsplit(portal.base_url).netloc.lower() == host:
                portal_id = portal.id
                break
        if portal_id is None:
            portal = Portal(profile=f"host:{host}", name=host, base_url=f"{parts.scheme}://{host}",
                            created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None))
            session.add(portal)
            session.flush()
            portal_id = portal.id
        self._portal_by_host[host] = portal_id
        return portal_id

    def _matcher(self, session: Session, portal_id: int) -> UnitMatcher:
        if portal_id not in self._matchers:
            units = list(session.scalars(select(Unit).where(Unit.portal_id == portal_id)))
            for unit in units:
                if not unit.aliases:  # a unit the crawler stored without its short names (crawled by an earlier version)
                    unit.aliases = generate_aliases(unit.name)
            self._matchers[portal_id] = UnitMatcher(UnitName(u.id, u.name, list(u.aliases or [])) for u in units)
            self._unit_names.update((u.id, u.name) for u in units)
        return self._matchers[portal_id]

    def _unit_id(self, session: Session, portal_id: int, names: Sequence[str], report: IngestReport) -> int | None:
        """The unit of the first of ``names`` (most trusted first) that is a known unit or looks like one
        (then it is created); None when none does."""
        matcher = self._matcher(session, portal_id)
        for candidate in names:
            unit_id = matcher.match(candidate)
            if unit_id is not None:
                return unit_id
            if len(normalise_name(candidate)) >= 3 and _UNIT_NAME.search(normalise_name(candidate)):
                break
        else:
            return None
        name = normalise_name(candidate)
        unit = Unit(portal_id=portal_id, name=name, kind=guess_unit_kind(name), aliases=generate_aliases(name))
        session.add(unit)
        session.flush()
        matcher.add(UnitName(unit.id, unit.name, list(unit.aliases)))
        self._unit_names[unit.id] = unit.name
        report.units_created += 1
        log.info("new unit %s (%s)", name, unit.kind)
        return unit.id

    def _publisher_names(self, session: Session, capture: Capture, parsed: ParsedDocument) -> list[str]:
        """Who published the page, most trusted first (docs/parsing.md "Publisher: page, list, guess").

        What the page states (its 发布机构, title, text) → what a list entry named (list APIs give a
        publisher per entry) → the unit whose list the crawler found it in (``unit_hint``) → the parser's
        guess from the text (the organisation it mentions most). A unit's list may carry other units'
        documents (central columns, notices passed on), so a page's own statement beats the list.
        """
        source = getattr(parsed, "publisher_source", None)
        stated = parsed.publisher if source not in GUESSED_PUBLISHER_SOURCES else None
        guessed = parsed.publisher if source == "text_guess" else None
        names = [stated, self._listed_publisher(session, capture), capture.unit_hint, guessed]
        return list(dict.fromkeys(n.strip() for n in names if n and n.strip()))

    @staticmethod
    def _listed_publisher(session: Session, capture: Capture) -> str | None:
        """The publisher the latest list entry linking this page named, if any."""
        urls = {capture.url, found_url(capture.url), canonical_url(capture.url)}
        return session.scalar(select(ListObservation.listed_publisher)
                              .where(ListObservation.document_url.in_(urls),
                                     ListObservation.listed_publisher.is_not(None))
                              .order_by(ListObservation.observed_at.desc(), ListObservation.id.desc()).limit(1))

    def _listed_date(self, session: Session, capture: Capture) -> dt.datetime | None:
        listed = parse_listed_date(capture.listed_date)
        if listed:
            return listed
        urls = {capture.url, found_url(capture.url), canonical_url(capture.url)}
        texts = session.scalars(select(ListObservation.listed_date)
                                .where(ListObservation.document_url.in_(urls),
                                       ListObservation.listed_date.is_not(None))
                                .order_by(ListObservation.observed_at))
        return next((d for d in map(parse_listed_date, texts) if d), None)

    def _claimed_date(self, session: Session, capture: Capture,
                      parsed: ParsedDocument) -> tuple[dt.datetime | None, str | None]:
        published = _as_datetime(parsed.published_at)
        if published is not None:
            return published, parsed.published_at_source
        listed = self._listed_date(session, capture)
        if listed is not None:
            return listed, "list_page"
        from_url = url_date(capture.url)
        return (from_url, "url") if from_url else (None, None)

    # ------------------------------------------------------------------ identity
    def _identify(self, session: Session, capture: Capture, parsed: ParsedDocument, content_hash: str,
                  portal_id: int, unit_id: int | None) -> Document | None:
        doc = self._document_at(session, capture.url)
        if doc is not None:
            return doc
        # Two pages in one column are two documents (a unit publishing twice), never one document's
        # second URL: only a page in another column can be a repeat.
        column = column_of(capture.url)

        def elsewhere(candidate: Document) -> bool:
            return column not in {column_of(u.url) for u in candidate.urls}

        # The same content at a second URL (central column repeating a bureau report).
        title = _norm_title(parsed.title)
        for candidate in session.scalars(
            select(Document).join(Version, Version.document_id == Document.id)
            .where(Version.content_hash == content_hash, Document.portal_id == portal_id)
        ):
            long_enough = len(parsed.body_text) >= MIN_HASH_IDENTITY_CHARS
            if (long_enough or _norm_title(candidate.title) == title) and elsewhere(candidate):
                return candidate
        if parsed.kind == "annual_report" and parsed.year and title:
            same_unit = Document.unit_id == unit_id if unit_id is not None else Document.publisher == parsed.publisher
            for candidate in session.scalars(
                select(Document).where(Document.kind == "annual_report", Document.report_year == parsed.year,
                                       Document.portal_id == portal_id, same_unit)
            ):
                if _norm_title(candidate.title) == title and elsewhere(candidate):
                    return candidate
        return None

    def _note_url(self, session: Session, doc: Document, url: str, seen: dt.datetime,
                  report: IngestReport, *, known: bool = True) -> None:
        """Record that ``doc`` was seen at ``url``; ``known=False``: no row can exist yet (skip the lookup)."""
        url = found_url(url)
        row = session.scalar(select(DocumentUrl).where(DocumentUrl.url == url)) if known else None
        if row is None:
            session.add(DocumentUrl(document_id=doc.id, url=url, first_seen_at=seen, last_seen_at=seen))
            report.urls_added += 1
            return
        row.first_seen_at = min(row.first_seen_at, seen)
        row.last_seen_at = max(row.last_seen_at, seen)

    # ------------------------------------------------------------------ pages
    def _store_page(self, session: Session, capture: Capture, parsed: ParsedDocument,
                    report: IngestReport) -> None:
        seen = capture.fetched_at
        portal_id = self._portal_id(session, capture)
        names = self._publisher_names(session, capture, parsed)
        publisher = names[0] if names else None
        unit_id = self._unit_id(session, portal_id, names, report)
        if unit_id is not None:
            publisher = self._unit_names.get(unit_id, publisher)  # one spelling per unit
        content_hash = _content_hash(parsed)
        claimed, claimed_source = self._claimed_date(session, capture, parsed)
        kind = parsed.kind or capture.column_kind or "document"

        doc = self._identify(session, capture, parsed, content_hash, portal_id, unit_id)
        is_new_doc = doc is None
        if doc is None:
            doc = Document(portal_id=portal_id, kind=kind, canonical_url=canonical_url(capture.url),
                           first_seen_at=seen, last_seen_at=seen)
            session.add(doc)
            session.flush()
            report.documents.inserted += 1
        # A new document has no URL rows and no versions yet: nothing to look up.
        self._note_url(session, doc, capture.url, seen, report, known=not is_new_doc)
        # The page's mobile twin (its 手机版 link; the parser keeps only the page's own twin) is the
        # same document at another URL: the crawler never fetches twins (docs/crawler.md), the link is
        # the evidence.
        for link in parsed.links:
            if is_mobile_twin(link.url):
                self._note_url(session, doc, link.url, seen, report)

        version = None if is_new_doc else session.scalar(
            select(Version).where(Version.document_id == doc.id, Version.content_hash == content_hash))
        new_version = version is None
        page_values = {"title": (parsed.title or None) and parsed.title[:500], "claimed_published_at": claimed,
                       "body_text": parsed.body_text, "format": parsed.format,
                       "source_kind": parsed.source_kind or "html", "tables_as_images": parsed.tables_as_images,
                       **_ocr_values(parsed, capture)}
        if version is None:
            version = Version(document_id=doc.id, capture_id=capture.id, content_hash=content_hash,
                              first_seen_at=seen, last_seen_at=seen, **page_values)
            session.add(version)
            session.flush()
            report.versions.inserted += 1
            if not is_new_doc:
                report.versions_of_known_documents += 1
            attachment_filled = False
        else:
            if seen < version.first_seen_at:
                version.first_seen_at, version.capture_id = seen, capture.id
            version.last_seen_at = max(version.last_seen_at, seen)
            # A stub page whose report came from its attachment keeps the attachment's content.
            attachment_filled = version.source_kind != page_values["source_kind"]
            if attachment_filled:
                report.versions.unchanged += 1
            elif assign(version, page_values):
                report.versions.updated += 1
            else:
                report.versions.unchanged += 1
        if not attachment_filled:
            report.sections.add(sync_sections(session, version, parsed.sections, new=new_version))
            report.figures.add(sync_figures(session, version, parsed.figures, new=new_version))
            report.checks.add(sync_checks(session, version, parsed.checks, new=new_version))

        doc.first_seen_at = min(doc.first_seen_at, seen)
        doc.last_seen_at = max(doc.last_seen_at, seen)
        changed = False
        if doc.removed_at is not None and seen > doc.removed_at:
            doc.removed_at = None  # it came back
            changed = True
        current = version if is_new_doc else self._refresh_current(session, doc)  # a new document's only one
        if is_new_doc:
            doc.current_version_id = version.id
        if is_new_doc or current.id == version.id:
            values = {"kind": kind, "publisher": publisher, "unit_id": unit_id,
                      "report_year": parsed.year if kind == "annual_report" else None,
                      "title": page_values["title"], "index_number": parsed.index_number,
                      "doc_number": parsed.doc_number, "claimed_published_at": claimed,
                      "claimed_date_source": claimed_source if claimed else None}
            # Only what the page states overrides; a page silent on a field keeps what is known,
            # and a stub whose report is its attachment keeps the attachment's reading.
            values = {k: v for k, v in values.items()
                      if v is not None and not (attachment_filled and getattr(doc, k) is not None)}
            changed = assign(doc, values) or changed
        if not is_new_doc:
            if changed:
                report.documents.updated += 1
            else:
                report.documents.unchanged += 1

    def _touch(self, session: Session, doc: Document, seen: dt.datetime) -> None:
        """A capture showed the document without new content: only the seen times move."""
        doc.first_seen_at = min(doc.first_seen_at, seen)
        doc.last_seen_at = max(doc.last_seen_at, seen)
        version = self._version_at(session, doc, seen)
        if version is not None:
            version.last_seen_at = max(version.last_seen_at, seen)

    @staticmethod
    def _refresh_current(session: Session, doc: Document) -> Version:
        """The current version is the one first seen last (by time, not by processing order)."""
        session.flush()
        current = session.scalar(select(Version).where(Version.document_id == doc.id)
                                 .order_by(Version.first_seen_at.desc(), Version.id.desc()).limit(1))
        assert current is not None
        if doc.current_version_id != current.id:
            doc.current_version_id = current.id
        return current

    def _removed(self, session: Session, capture: Capture, report: IngestReport) -> tuple[str, str | None]:
        """A detail URL answering 404/410: the document is marked removed once all its URLs are gone."""
        doc = self._document_at(session, capture.url)
        if doc is None:
            return "skipped", f"HTTP {capture.status}, no archived document at this URL"
        at = capture.fetched_at
        urls = [u.url for u in doc.urls]
        for canonical in {canonical_url(u) for u in urls}:
            group = [u for u in urls if canonical_url(u) == canonical]
            latest = session.scalar(
                select(Capture.status).where(Capture.url.in_(group), Capture.fetched_at <= at,
                                             Capture.role == "document")
                .order_by(Capture.fetched_at.desc(), Capture.id.desc()).limit(1))
            if latest is not None and latest not in REMOVED_STATUSES:
                return "skipped", f"HTTP {capture.status}; the document is still served at another URL"
        if doc.removed_at is None and at >= doc.last_seen_at:
            doc.removed_at = at
            report.documents_removed += 1
        return "parsed", None

    def _not_modified(self, session: Session, capture: Capture) -> tuple[str, str | None]:
        doc = self._document_at(session, capture.url)
        if doc is not None:
            doc.last_seen_at = max(doc.last_seen_at, capture.fetched_at)
            current = session.get(Version, doc.current_version_id) if doc.current_version_id else None
            if current is not None:
                current.last_seen_at = max(current.last_seen_at, capture.fetched_at)
        return "skipped", "HTTP 304 (not modified)"

    # ------------------------------------------------------------------ attachments
    def _attachment(self, session: Session, capture: Capture, report: IngestReport) -> tuple[str, str | None]:
        doc = self._document_at(session, capture.parent_url) if capture.parent_url else None
        if doc is None:
            if not capture.parent_url:
                return "skipped", "attachment without a parent page"
            raise _Deferred()
        if not 200 <= capture.status < 300:
            return "skipped", f"HTTP {capture.status}"
        raw = self._read(capture)
        # The name the server gives, else the text of the link on the page, else the URL's last segment.
        filename = (filename_from_headers(raw.header("Content-Disposition"))
                    or filename_from_label(self._link_label(session, capture), capture.url)
                    or filename_from_url(capture.url))
        kind = file_kind(filename, capture.content_type or raw.content_type) or file_kind(
            filename_from_url(capture.url), None)
        url = found_url(capture.url)
        parsed = self._parse(raw, capture, filename, session=session)
        self._serialise(session, capture)
        row = session.scalar(select(Attachment).where(Attachment.document_id == doc.id, Attachment.url == url))
        version = self._version_at(session, doc, capture.fetched_at)
        body = self._is_report_body(session, doc, version, row, parsed)
        values = {"filename": filename, "file_kind": kind, "capture_id": capture.id, "sha256": capture.sha256,
                  "text": parsed.body_text, "is_report_body": body}
        if row is None:
            session.add(Attachment(document_id=doc.id, url=url, **values))
            report.attachments.inserted += 1
        elif self._is_latest_reading(session, row, capture) and assign(row, values):
            report.attachments.updated += 1
        else:
            report.attachments.unchanged += 1
        if body and version is not None:
            self._fill_from_attachment(session, doc, version, capture, parsed, report)
        if getattr(parsed, "no_text_layer", False):
            # the file is listed with the document (and archived), but nothing was read from it
            return "failed", _no_text_reason(parsed)
        return "parsed", None

    def _link_label(self, session: Session, capture: Capture) -> str | None:
        """The text of the link to the attachment ``capture`` on its parent page, as last fetched
        before it; None when the page or the link is not there.

        A page's links are read once per page capture (its attachments are ingested together); an
        unreadable page only loses the label, never the attachment.
        """
        page = session.scalar(
            select(Capture).where(Capture.url == capture.parent_url, Capture.role == "document",
                                  Capture.fetched_at <= capture.fetched_at, Capture.status == 200)
            .order_by(Capture.fetched_at.desc(), Capture.id.desc()).limit(1)) if capture.parent_url else None
        if page is None:
            return None
        labels = self._labels.get(page.id)
        if labels is None:
            try:
                raw = self._read(page)
                labels = {found_url(href): text for href, text in
                          link_labels(raw.body, page.content_type or raw.content_type, page.url).items()}
            except CaptureFailed:
                labels = {}
            if len(self._labels) >= 64:
                self._labels.clear()
            self._labels[page.id] = labels
        return labels.get(found_url(capture.url))

    @staticmethod
    def _is_latest_reading(session: Session, row: Attachment, capture: Capture) -> bool:
        """Only a capture at least as recent as the stored one may change an attachment row."""
        if row.capture_id is None or row.capture_id == capture.id:
            return True
        stored = session.get(Capture, row.capture_id)
        return stored is None or capture.fetched_at >= stored.fetched_at

    @staticmethod
    def _version_at(session: Session, doc: Document, at: dt.datetime) -> Version | None:
        """The version the document page showed at ``at`` (the one first seen last before it)."""
        version = session.scalar(select(Version).where(Version.document_id == doc.id,
                                                       Version.first_seen_at <= at)
                                 .order_by(Version.first_seen_at.desc(), Version.id.desc()).limit(1))
        if version is None and doc.current_version_id:
            version = session.get(Version, doc.current_version_id)
        return version

    @staticmethod
    def _is_report_body(session: Session, doc: Document, version: Version | None, row: Attachment | None,
                        parsed: ParsedDocument) -> bool:
        if version is None or not parsed.body_text.strip():
            return False
        if version.source_kind != "html":
            # Already filled from a file: only that same file stays the body.
            return row is not None and row.is_report_body
        has_sections = session.scalar(select(func.count()).select_from(Section)
                                      .where(Section.version_id == version.id))
        if has_sections:
            return False
        same_year = doc.report_year is None or parsed.year in (None, doc.report_year)
        if doc.kind != "annual_report":
            # A notice's files are its attachments, not its body, unless the file is plainly a report.
            return parsed.kind == "annual_report" and same_year and len(parsed.sections) >= MIN_REPORT_SECTIONS
        stub = any(p in (version.body_text or "") for p in STUB_PHRASES)
        return (parsed.kind == "annual_report" and same_year) or stub or bool(parsed.sections)

    def _fill_from_attachment(self, session: Session, doc: Document, version: Version, capture: Capture,
                              parsed: ParsedDocument, report: IngestReport) -> None:
        """The attachment is the report: its text, sections, figures and checks form the version."""
        if version.source_kind != "html" and version.body_text != parsed.body_text:
            # The file changed under an unchanged page: a new version, never an overwrite.
            content_hash = _content_hash(parsed)
            existing = session.scalar(select(Version).where(Version.document_id == doc.id,
                                                            Version.content_hash == content_hash))
            if existing is None:
                existing = Version(document_id=doc.id, capture_id=capture.id, content_hash=content_hash,
                                   first_seen_at=capture.fetched_at, last_seen_at=capture.fetched_at,
                                   title=version.title, claimed_published_at=version.claimed_published_at)
                session.add(existing)
                session.flush()
                report.versions.inserted += 1
                report.versions_of_known_documents += 1
            version = existing
        values = {"body_text": parsed.body_text, "format": parsed.format,
                  "source_kind": parsed.source_kind or "pdf", "tables_as_images": parsed.tables_as_images,
                  **_ocr_values(parsed, capture)}
        if assign(version, values):
            report.versions.updated += 1
        report.sections.add(sync_sections(session, version, parsed.sections))
        report.figures.add(sync_figures(session, version, parsed.figures))
        report.checks.add(sync_checks(session, version, parsed.checks))
        self._refresh_current(session, doc)
        # The page may not say what the file says: fill only what is unknown.
        fill: dict[str, object] = {}
        if parsed.kind == "annual_report" and doc.kind != "annual_report":
            fill["kind"] = "annual_report"
        if doc.report_year is None and parsed.year:
            fill["report_year"] = parsed.year
        if doc.publisher is None and parsed.publisher:
            fill["publisher"] = parsed.publisher
        if doc.unit_id is None and parsed.publisher:
            portal_id = doc.portal_id or self._portal_id(session, capture)
            fill["unit_id"] = self._unit_id(session, portal_id, [parsed.publisher], report)
        for name, attr in (("index_number", "index_number"), ("doc_number", "doc_number")):
            if getattr(doc, attr) is None and getattr(parsed, name):
                fill[attr] = getattr(parsed, name)
        if assign(doc, {k: v for k, v in fill.items() if v is not None}):
            report.documents.updated += 1


def recount_run(session: Session, crawl_run_id: int) -> None:
    """Set a crawl run's ``new_documents`` / ``new_versions`` from the archive itself.

    A document is new in the run whose capture first showed it; a version is new in the run whose capture
    first showed that content, not counting a new document's first version. Counting from the database
    (rather than adding up batches) keeps it exact however often the captures are re-processed, and
    replaces the crawler's URL-based estimate (a report at two URLs is one document).
    """
    run = session.get(CrawlRun, crawl_run_id)
    if run is None:
        return
    in_run = select(Version.id).join(Capture, Capture.id == Version.capture_id).where(
        Capture.crawl_run_id == crawl_run_id)
    versions = session.scalar(select(func.count()).select_from(in_run.subquery())) or 0
    first_versions = select(func.min(Version.id).label("id")).group_by(Version.document_id).subquery()
    documents = session.scalar(select(func.count()).select_from(Version)
                               .join(first_versions, first_versions.c.id == Version.id)
                               .join(Capture, Capture.id == Version.capture_id)
                               .where(Capture.crawl_run_id == crawl_run_id)) or 0
    run.new_documents, run.new_versions = documents, versions - documents


_PENDING = or_(Capture.processing_status == "pending", Capture.processing_status.is_(None))


def _UNCLAIMED(now: dt.datetime):  # noqa: N802 - reads as the condition it is, like _PENDING
    """No other ingest process holds the capture (never claimed, released, or its lease ran out)."""
    return or_(Capture.claim_expires_at.is_(None), Capture.claim_expires_at < now)


def select_captures(session: Session, *, crawl_run_id: int | None = None, only_pending: bool = True,
                    since: dt.datetime | None = None, failed_only: bool = False) -> list[int]:
    """Ids of the document and attachment captures to process, in fetch order."""
    query = select(Capture.id).where(Capture.role.in_(PROCESSED_ROLES))
    if crawl_run_id is not None:
        query = query.where(Capture.crawl_run_id == crawl_run_id)
    if failed_only:
        query = query.where(Capture.processing_status == "failed")
    elif only_pending:
        # Attachments skipped for want of their page are retried: the page may have been archived since.
        query = query.where(or_(_PENDING, and_(Capture.processing_status == "skipped",
                                               Capture.processing_error == PARENT_MISSING)))
    if since is not None:
        query = query.where(Capture.fetched_at >= since)
    return list(session.scalars(query.order_by(Capture.fetched_at, Capture.id)))


def process_capture_ids(db: Database, rawstore: RawStore, capture_ids: Sequence[int], *,
                        parse: ParseFn | None = None, ocr: bool = True) -> IngestReport:
    """Process exactly these captures, in the order given (callers pass fetch order), then cross-year checks.

    ``ocr=False`` never runs OCR: scanned files are read from the OCR results archived with their versions."""
    return _Ingestor(db, rawstore, parse or _default_parser(), ocr=ocr).run(capture_ids)


def process_captures(db: Database, rawstore: RawStore, *, crawl_run_id: int | None = None,
                     only_pending: bool = True, since: dt.datetime | None = None, failed_only: bool = False,
                     parse: ParseFn | None = None, ocr: bool = True, workers: int = 1,
                     lease_s: float = CLAIM_LEASE_S) -> IngestReport:
    """Parse and store captures; every capture ends parsed, failed (with its reason) or skipped.

    ``only_pending=False`` re-processes every capture (``disclosure reparse``); ``failed_only`` retries
    the failed ones; ``since`` limits to captures fetched from then on. Idempotent: a second run over
    the same captures reports 0 changes. With ``crawl_run_id`` the run's ``new_documents`` /
    ``new_versions`` are recounted from the archive (:func:`recount_run`).

    ``workers`` > 1 parses in that many processes ahead of the writer (the default parser only). On
    PostgreSQL the pending captures are claimed in small batches (``claim_captures``), so ingest
    processes on several machines share them; a claim lapses after ``lease_s`` seconds.
    """
    pool = ParsePool(db, rawstore.warc_dir, workers, ocr=ocr) if workers > 1 and parse is None else None
    ingestor = _Ingestor(db, rawstore, parse or _default_parser(), ocr=ocr, pool=pool)
    try:
        if db.engine.dialect.name == "postgresql" and only_pending and not failed_only:
            report = _claimed(db, ingestor, crawl_run_id=crawl_run_id, since=since,
                              batch=CLAIM_BATCH * max(1, workers), lease_s=lease_s)
        else:
            with db.session() as session:
                ids = select_captures(session, crawl_run_id=crawl_run_id, only_pending=only_pending,
                                      since=since, failed_only=failed_only)
            report = ingestor.run(ids)
    finally:
        if pool is not None:
            pool.close()
    if crawl_run_id is not None:
        with db.session() as session:
            recount_run(session, crawl_run_id)
    log.info("ingest: %s", report.summary())
    return report


def _claimed(db: Database, ingestor: _Ingestor, *, crawl_run_id: int | None, since: dt.datetime | None,
             batch: int, lease_s: float) -> IngestReport:
    """Claim, process and release batches of pending captures until none is left to claim."""
    worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    started = _utcnow()
    report = IngestReport()
    while True:
        with db.session() as session:
            ids = claim_captures(session, worker, batch, lease_s=lease_s, crawl_run_id=crawl_run_id,
                                 since=since, started=started)
        if not ids:
            return report
        try:
            report.merge(ingestor.run(ids))
        finally:
            with db.session() as session:
                session.execute(update(Capture).where(Capture.id.in_(ids), Capture.claimed_by == worker)
                                .values(claimed_by=None, claim_expires_at=None))


def claim_captures(session: Session, worker: str, limit: int, *, lease_s: float = CLAIM_LEASE_S,
                   crawl_run_id: int | None = None, since: dt.datetime | None = None,
                   started: dt.datetime | None = None) -> list[int]:
    """Claim up to ``limit`` pending captures of one portal for ``worker`` (fetch order); their ids.

    A portal's captures go to one worker at a time (a portal another worker holds claims in is passed
    over), so they are ingested in the order they were fetched, as by a single ingest: pages before
    their files, a report's first URL before its repeat (document identity depends on that order).
    Workers share the work portal by portal; parsing within one is spread by ``--workers``. ``FOR UPDATE SKIP
    LOCKED`` lets concurrent claimers pass each other's rows; a claim whose lease ran out (a killed
    worker) is claimed again. Attachments waiting for their page are retried once per ingest (those
    already tried since ``started`` are left).
    """
    now = _utcnow()
    retry = and_(Capture.processing_status == "skipped", Capture.processing_error == PARENT_MISSING)
    if started is not None:
        retry = and_(retry, or_(Capture.processed_at.is_(None), Capture.processed_at < started))
    claimable = and_(Capture.role.in_(PROCESSED_ROLES), or_(_PENDING, retry), _UNCLAIMED(now))
    if crawl_run_id is not None:
        claimable = and_(claimable, Capture.crawl_run_id == crawl_run_id)
    if since is not None:
        claimable = and_(claimable, Capture.fetched_at >= since)
    portal = CrawlRun.portal_id
    groups = session.execute(select(portal, func.min(Capture.fetched_at)).select_from(Capture)
                             .outerjoin(CrawlRun, CrawlRun.id == Capture.crawl_run_id).where(claimable)
                             .group_by(portal).order_by(func.min(Capture.fetched_at))).all()
    shared = session.get_bind().dialect.name == "postgresql"
    ids: list[int] = []
    for portal_id, _first in groups:
        runs = select(CrawlRun.id).where(portal == portal_id) if portal_id is not None else None
        same = Capture.crawl_run_id.in_(runs) if runs is not None else Capture.crawl_run_id.is_(None)
        if shared:  # one claimer at a time decides about this portal
            session.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"),
                            {"a": _CLAIM_LOCK_CLASS, "b": portal_id if portal_id is not None else -1})
        held = session.scalar(select(func.count()).select_from(Capture).where(
            same, Capture.claimed_by.is_not(None), Capture.claimed_by != worker, Capture.claim_expires_at >= now))
        if held:
            continue
        ids = list(session.scalars(select(Capture.id).where(claimable, same)
                                   .order_by(Capture.fetched_at, Capture.id).limit(limit)
                                   .with_for_update(skip_locked=True)))
        if ids:
            break
    if ids:
        session.execute(update(Capture).where(Capture.id.in_(ids)).values(
            claimed_by=worker, claim_expires_at=now + dt.timedelta(seconds=lease_s)))
    session.commit()
    return ids


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
