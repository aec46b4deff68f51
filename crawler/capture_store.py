"""Crawl items into the archive: each response into the WARC store plus a ``captures`` row, fetch state, and
the crawl's evidence (list and column observations, units). No Scrapy here: ``crawler.archive_writer`` runs a
store in the crawler's process or in a writer process of its own, and ``crawler.pipelines`` feeds it.

Per item one short transaction, so a crawl killed at any moment leaves a consistent archive (at worst a
WARC record without its row, which the next crawl simply captures again, in full: a revisit only ever
points at a record a capture owns). The per-response paths run for every fetch: prebuilt Core statements
on one kept connection (the ORM's unit of work cost ~2 ms an item, most of a crawl's CPU on a fast server).
"""

from __future__ import annotations

import errno
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from archive.db import Database, KeptConnection
from archive.models import Capture, FetchState, ListObservation, Unit
from archive.rawstore import RawResponse, RawStore, sha256_hex
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
from crawler.profiles import UnitSpec
from crawler.state import FS_ROW

PENDING_ROLES = ("document", "attachment")
# Errors after which no capture can be stored: the crawl stops at once instead of fetching into the void.
STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO})

FS = FetchState.__table__
CAP = Capture.__table__
# Built once: the per-response statements run thousands of times a crawl (SQLAlchemy then reuses their
# compiled form; the SET columns of an update are the parameters' keys besides ``key``).
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


@dataclass(frozen=True)
class CrawlContext:
    """What the rows of a crawl's items carry besides the items: its run, portal and profile."""

    run_id: int | None
    portal_id: int | None
    profile: str
    units: tuple[UnitSpec, ...] = ()

    def unit_spec(self, name: str) -> UnitSpec | None:
        """What the profile says about a unit the portal lists (created / abolished year, kind)."""
        return next((u for u in self.units if u.name == name), None)


@dataclass
class StoreOutcome:
    """What storing one item did: the crawl's counters to add, or why the archive cannot be written."""

    counts: dict[str, int] = field(default_factory=dict)
    storage_error: str | None = None


class CaptureStore:
    """Stores captures, fetch state, list observations, columns and units, one item at a time."""

    def __init__(self, database_url: str, warc_dir: str, *, max_file_size: int):
        self.db = Database(database_url)
        self.raw = RawStore(warc_dir, max_file_size=max_file_size)
        self.context = CrawlContext(None, None, "")
        self.counts: Counter[str] = Counter()
        self._tallies: dict[tuple[int | None, str], ColumnTally] = {}  # (run, column URL) -> its entries counted
        self._kept = KeptConnection(self.db.engine)  # one short transaction per item

    def store(self, item: object, context: CrawlContext) -> StoreOutcome:
        """Store one item; a storage failure (disk full, read-only) is returned, any other error raised."""
        self.context, self.counts = context, Counter()
        try:
            self._store(item)
        except (OSError, OperationalError) as exc:
            reason = storage_failure(exc)
            if reason is None:
                raise
            return StoreOutcome(dict(self.counts), reason)
        return StoreOutcome(dict(self.counts))

    def close(self) -> str | None:
        """Close the connection and the WARC file; the error closing it, if any."""
        self._kept.close()
        self.db.dispose()
        try:
            self.raw.close()
        except OSError as exc:  # the disk that stopped the crawl may refuse the last flush too
            return f"closing the WARC file failed: {exc}"
        return None

    def _store(self, item: object) -> None:
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
            with self._kept.transaction() as conn:
                record_column(conn, self.context.portal_id, self.context.run_id, item)

    # ------------------------------------------------------------------ captures
    def _capture(self, item: CaptureItem) -> None:
        sha = sha256_hex(item.body)
        run_id = self.context.run_id
        etag = _header(item.headers, "etag")
        last_modified = _header(item.headers, "last-modified")
        with self._kept.transaction() as conn:
            fs = conn.execute(FS_ROW, {"url": item.url}).first()
            if fs is not None and fs.sha256 == sha and fs.last_status == item.status:
                # Same bytes as last time: refresh the state, store nothing new.
                conn.execute(_REFETCHED, {"key": item.url, "last_fetched_at": item.fetched_at,
                                          "etag": etag or fs.etag, "last_modified": last_modified or fs.last_modified})
                self.counts["disclosure/unchanged"] += 1
                return
            # The records of this payload that captures own: a revisit may point only at one of them (a
            # record written by a crawl killed before its captures row is not one).
            owners = {(f, o): cid for cid, f, o in conn.execute(_OWNERS, {"sha": sha})}
            stored = self.raw.write(RawResponse(
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
                conn.execute(_INSERT_FS, dict(url=item.url, portal_profile=self.context.profile,
                                              first_fetched_at=item.fetched_at, fetch_count=1, **changed))
                if item.role == "document":
                    self.counts["disclosure/new_documents"] += 1
            else:
                conn.execute(_REFETCHED, {"key": item.url, **changed})
                # A changed page or a changed file of a document (a report's PDF replaced in place).
                if pending:
                    self.counts["disclosure/new_versions"] += 1
        self.counts["disclosure/new_captures"] += 1
        self.counts["disclosure/bytes"] += len(item.body)
        if stored.is_revisit:
            self.counts["disclosure/revisits"] += 1

    def _not_modified(self, item: NotModifiedItem) -> None:
        with self._kept.transaction() as conn:
            conn.execute(_REFETCHED, {"key": item.url, "last_fetched_at": item.fetched_at})
        self.counts["disclosure/not_modified"] += 1

    def _alias(self, item: CaptureAlias) -> None:
        with self._kept.transaction() as conn:
            target = conn.execute(FS_ROW, {"url": item.target}).first()
            if target is None:
                return
            # The redirect is followed with the same headers: the target's validators make it conditional.
            same = {"last_fetched_at": target.last_fetched_at, "last_changed_at": target.last_changed_at,
                    "last_status": 301, "sha256": target.sha256, "last_capture_id": target.last_capture_id,
                    "etag": target.etag, "last_modified": target.last_modified}
            if conn.execute(FS_ROW, {"url": item.url}).first() is None:
                conn.execute(_INSERT_FS, dict(url=item.url, portal_profile=self.context.profile, role=target.role,
                                              first_fetched_at=target.last_fetched_at, fetch_count=1, **same))
            else:
                conn.execute(_REFETCHED, {"key": item.url, **same})

    # ------------------------------------------------------------------ evidence
    def _observations(self, item: ListObservationsItem) -> None:
        with self._kept.transaction() as conn:
            fs = conn.execute(FS_ROW, {"url": item.list_url}).first()
            capture_id = fs.last_capture_id if fs else None
            # The observation belongs to the fetch it was read from: stamp it with that fetch's time, not
            # the moment the spider parsed the page (a few ms later), so no capture of the fetch that showed
            # a link can count as "before" it.
            observed_at = fs.last_fetched_at if fs is not None and fs.last_fetched_at else item.observed_at
            rows = [{"crawl_run_id": self.context.run_id, "list_capture_id": capture_id, "list_url": item.list_url,
                     "observed_at": observed_at, "document_url": url, "listed_title": title, "listed_date": date,
                     "listed_publisher": publisher} for url, title, date, publisher in map(_entry, item.entries)]
            if rows:
                conn.execute(_INSERT_OBSERVATION, rows)
            if item.column_url:
                record_entries(conn, self.context.portal_id, self.context.run_id, item.column_url, self._tallies,
                               [(e[0], e[2]) for e in item.entries], observed_at)

    def _unit(self, item: UnitItem) -> None:
        from archive.unitmatch import generate_aliases  # its tables cost 40 ms to build: only units need them

        portal_id = self.context.portal_id
        with Session(bind=self._kept.connection()) as s, s.begin():
            unit = s.execute(select(Unit).where(Unit.portal_id == portal_id, Unit.name == item.name)).scalar()
            spec = self.context.unit_spec(item.name)
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
