"""The archive pipeline: every response into the WARC store plus a ``captures`` row, and the crawl's evidence.

Per item one short transaction, so a crawl killed at any moment leaves a consistent archive (at worst a
WARC record without its row, which the next crawl simply captures again, in full: a revisit only ever
points at a record a capture owns).
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.exc import OperationalError

from archive.db import Database
from archive.models import Capture, FetchState, ListObservation, Unit
from archive.rawstore import RawResponse, RawStore, sha256_hex
from archive.unitmatch import generate_aliases
from crawler.column_records import ColumnTally, record_column, record_entries
from crawler.items import (
    CaptureAlias,
    CaptureItem,
    ColumnItem,
    ListObservationItem,
    ListObservationsItem,
    NotModifiedItem,
    UnitItem,
)

logger = logging.getLogger(__name__)

PENDING_ROLES = ("document", "attachment")
# Errors after which no capture can be stored: the crawl stops at once instead of fetching into the void.
STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO})

FS = FetchState.__table__
CAP = Capture.__table__
# Built once: the per-response statements run thousands of times a crawl (SQLAlchemy then reuses their
# compiled form; the SET columns of an update are the parameters' keys besides ``key``).
_FS_ROW = select(FS).where(FS.c.url == bindparam("url"))
_OWNERS = select(CAP.c.id, CAP.c.warc_file, CAP.c.warc_offset).where(
    CAP.c.sha256 == bindparam("sha"), CAP.c.is_revisit.is_(False))
_INSERT_CAPTURE = insert(CAP)
_INSERT_FS = insert(FS)
_INSERT_OBSERVATION = insert(ListObservation.__table__)
_REFETCHED = update(FS).where(FS.c.url == bindparam("key")).values(
    fetch_count=func.coalesce(FS.c.fetch_count, 0) + 1)


def storage_failure(exc: BaseException) -> str | None:
    """A short reason when ``exc`` means the archive cannot be written (disk full, read-only, I/O error)."""
    if isinstance(exc, OSError) and exc.errno in STORAGE_ERRNOS:
        return f"{exc.strerror or exc} ({exc.filename or 'archive'})"
    if isinstance(exc, OperationalError) and any(s in str(exc.orig) for s in (
            "disk is full", "disk I/O error", "readonly database", "unable to open database")):
        return str(exc.orig)
    return None


class ArchivePipeline:
    """Stores captures, fetch state, list observations and units."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        self.store = RawStore(settings.get("DISCLOSURE_WARC_DIR"),
                              max_file_size=settings.getint("DISCLOSURE_WARC_MAX_SIZE"))
        self.db: Database | None = None
        self.fatal: str | None = None  # why storing stopped (disk full …): every later item is dropped
        self._tallies: dict[str, ColumnTally] = {}  # column URL -> its entries counted in this crawl
        self._conn: Connection | None = None  # kept open for the crawl: one short transaction per item

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def _state(self):
        return self.crawler.spider.archive

    def open_spider(self) -> None:
        self.db = self._state.db

    def close_spider(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        try:
            self.store.close()
        except OSError as exc:  # the disk that stopped the crawl may refuse the last flush too
            logger.error("closing the WARC file failed: %s", exc)

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """One transaction on the pipeline's connection (reopened after the database dropped it)."""
        assert self.db is not None
        if self._conn is None or self._conn.closed or self._conn.invalidated:
            self._conn = self.db.engine.connect()
        with self._conn.begin():
            yield self._conn

    def process_item(self, item):
        if self.fatal:
            raise DropItem(f"not stored: {self.fatal}")
        try:
            return self._process(item)
        except (OSError, OperationalError) as exc:
            reason = storage_failure(exc)
            if reason is None:
                raise
            self._stop(reason)
            raise DropItem(f"not stored: {reason}") from exc

    def _stop(self, reason: str) -> None:
        """Storage failed: record why and close the crawl now (what is stored stays; a torn WARC tail is cut
        back by the next writer)."""
        self.fatal = reason
        logger.error("archive storage failed, stopping the crawl: %s", reason)
        self.stats.set_value("disclosure/storage_error", reason)
        self.stats.inc_value("disclosure/errors/storage")
        engine = self.crawler.engine
        closing = getattr(engine, "close_spider_async", None)
        if closing is not None:
            deferred_from_coro(closing(reason="storage_failed"))
        else:  # Scrapy < 2.14
            engine.close_spider(self.crawler.spider, "storage_failed")

    def _process(self, item):
        if isinstance(item, CaptureItem):
            self._capture(item)
        elif isinstance(item, NotModifiedItem):
            self._not_modified(item)
        elif isinstance(item, ListObservationsItem):
            self._observations(item)
        elif isinstance(item, ListObservationItem):
            self._observations(ListObservationsItem(item.list_url, item.observed_at,
                                                    [(item.document_url, item.listed_title, item.listed_date)]))
        elif isinstance(item, UnitItem):
            self._unit(item)
        elif isinstance(item, CaptureAlias):
            self._alias(item)
        elif isinstance(item, ColumnItem):
            with self._transaction() as conn:
                record_column(conn, self._state.portal_id, self._state.run_id, item)
        return item

    # ------------------------------------------------------------------ captures
    # The per-response paths run for every fetch: Core statements on the tables, one short transaction each
    # (the ORM's unit of work cost ~2 ms an item, most of the crawler's time on a fast server).
    def _capture(self, item: CaptureItem) -> None:
        sha = sha256_hex(item.body)
        run_id = self._state.run_id
        etag = _header(item.headers, "etag")
        last_modified = _header(item.headers, "last-modified")
        with self._transaction() as conn:
            fs = conn.execute(_FS_ROW, {"url": item.url}).first()
            if fs is not None and fs.sha256 == sha and fs.last_status == item.status:
                # Same bytes as last time: refresh the state, store nothing new.
                conn.execute(_REFETCHED, {"key": item.url, "last_fetched_at": item.fetched_at,
                                          "etag": etag or fs.etag, "last_modified": last_modified or fs.last_modified})
                self.stats.inc_value("disclosure/unchanged")
                return
            # The records of this payload that captures own: a revisit may point only at one of them (a
            # record written by a crawl killed before its captures row is not one).
            owners = {(f, o): cid for cid, f, o in conn.execute(_OWNERS, {"sha": sha})}
            stored = self.store.write(RawResponse(
                url=item.url, status=item.status, headers=item.headers, body=item.body,
                fetched_at=item.fetched_at, content_type=item.content_type, reason=item.reason,
                rendered_by=item.rendered_by),
                request=item.request, owned=lambda f, o: (f, o) in owners)
            payload_id = owners.get((stored.payload_warc_file, stored.payload_offset)) if stored.is_revisit else None
            pending = item.role in PENDING_ROLES and 200 <= item.status < 300
            cap_id = conn.execute(_INSERT_CAPTURE, dict(
                crawl_run_id=run_id, url=item.url, fetched_at=item.fetched_at, status=item.status,
                content_type=item.content_type, sha256=sha, size=len(item.body), etag=etag,
                last_modified=last_modified, warc_file=stored.warc_file, warc_offset=stored.offset,
                warc_length=stored.length, is_revisit=stored.is_revisit, payload_capture_id=payload_id,
                role=item.role, column_kind=item.column_kind, unit_hint=item.unit_hint,
                parent_url=item.parent_url, listed_date=item.listed_date, rendered_by=item.rendered_by,
                processing_status="pending" if pending else "skipped",
            )).inserted_primary_key[0]
            changed = {"last_fetched_at": item.fetched_at, "last_changed_at": item.fetched_at,
                       "last_status": item.status, "etag": etag, "last_modified": last_modified, "sha256": sha,
                       "last_capture_id": cap_id, "role": item.role}
            if fs is None:
                conn.execute(_INSERT_FS, dict(url=item.url, portal_profile=self._state.profile,
                                              first_fetched_at=item.fetched_at, fetch_count=1, **changed))
                if item.role == "document":
                    self.stats.inc_value("disclosure/new_documents")
            else:
                conn.execute(_REFETCHED, {"key": item.url, **changed})
                # A changed page or a changed file of a document (a report's PDF replaced in place).
                if pending:
                    self.stats.inc_value("disclosure/new_versions")
        self.stats.inc_value("disclosure/new_captures")
        self.stats.inc_value("disclosure/bytes", len(item.body))
        if stored.is_revisit:
            self.stats.inc_value("disclosure/revisits")

    def _not_modified(self, item: NotModifiedItem) -> None:
        with self._transaction() as conn:
            conn.execute(_REFETCHED, {"key": item.url, "last_fetched_at": item.fetched_at})
        self.stats.inc_value("disclosure/not_modified")

    def _alias(self, item: CaptureAlias) -> None:
        with self._transaction() as conn:
            target = conn.execute(_FS_ROW, {"url": item.target}).first()
            if target is None:
                return
            # The redirect is followed with the same headers: the target's validators make it conditional.
            same = {"last_fetched_at": target.last_fetched_at, "last_changed_at": target.last_changed_at,
                    "last_status": 301, "sha256": target.sha256, "last_capture_id": target.last_capture_id,
                    "etag": target.etag, "last_modified": target.last_modified}
            if conn.execute(_FS_ROW, {"url": item.url}).first() is None:
                conn.execute(_INSERT_FS, dict(url=item.url, portal_profile=self._state.profile, role=target.role,
                                              first_fetched_at=target.last_fetched_at, fetch_count=1, **same))
            else:
                conn.execute(_REFETCHED, {"key": item.url, **same})

    # ------------------------------------------------------------------ evidence
    def _observations(self, item: ListObservationsItem) -> None:
        with self._transaction() as conn:
            fs = conn.execute(_FS_ROW, {"url": item.list_url}).first()
            capture_id = fs.last_capture_id if fs else None
            # The observation belongs to the fetch it was read from: stamp it with that fetch's time, not
            # the moment the spider parsed the page (a few ms later), so no capture of the fetch that showed
            # a link can count as "before" it.
            observed_at = fs.last_fetched_at if fs is not None and fs.last_fetched_at else item.observed_at
            rows = [{"crawl_run_id": self._state.run_id, "list_capture_id": capture_id, "list_url": item.list_url,
                     "observed_at": observed_at, "document_url": url, "listed_title": title, "listed_date": date,
                     "listed_publisher": publisher} for url, title, date, publisher in map(_entry, item.entries)]
            if rows:
                conn.execute(_INSERT_OBSERVATION, rows)
            if item.column_url:
                record_entries(conn, self._state.portal_id, self._state.run_id, item.column_url, self._tallies,
                               [(e[0], e[2]) for e in item.entries], observed_at)

    def _unit(self, item: UnitItem) -> None:
        assert self.db is not None
        portal_id = self._state.portal_id
        with self.db.session() as s:
            unit = s.execute(select(Unit).where(Unit.portal_id == portal_id, Unit.name == item.name)).scalar()
            spec = self._state.unit_spec(item.name)
            if unit is None:
                unit = Unit(portal_id=portal_id, name=item.name, kind=spec.kind if spec else _guess_kind(item.name),
                            aliases=generate_aliases(item.name), first_listed_at=item.listed_at)
                s.add(unit)
            elif not unit.aliases:  # units stored before aliases were generated here
                unit.aliases = generate_aliases(item.name)
            unit.column_url = item.column_url
            unit.last_listed_at = item.listed_at
            if spec is not None:
                unit.created_year, unit.abolished_year = spec.created_year, spec.abolished_year


def _entry(entry: tuple) -> tuple[str, str | None, str | None, str | None]:
    """A list entry as (url, title, date, publisher): 3-tuples name no publisher."""
    url, title, date, *rest = entry
    return url, title, date, (rest[0] or None) if rest else None


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name), None)


def _guess_kind(name: str) -> str:
    """County government, township or bureau, from the name as listed (the ingest may refine it)."""
    if name.endswith(("县人民政府", "县政府", "区人民政府", "市人民政府")) and "办公室" not in name:
        return "county_government"
    if name.endswith(("镇人民政府", "乡人民政府", "镇政府", "乡政府", "街道办事处")):
        return "township"
    return "bureau"
