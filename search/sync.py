"""Keep a search index in step with the archive database, incrementally.

``search_index_state`` records, per engine, which version of each document the index holds and
whether it was indexed as removed. A sync (re)indexes only documents that are new, have a new
current version or changed their removed mark; ``rebuild=True`` builds a fresh index from the
database alone beside the old one and swaps it in, so readers keep working throughout. One writer
at a time: the index's writer lock (IndexLockedError otherwise).
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select

from archive.db import Database
from archive.models import Attachment, Document, Portal, SearchIndexState, Section, Unit, Version
from search.api import SearchDocument, SearchIndex, index_exists, open_index
from search.engines.common import SCHEMA_VERSIONS, WriterLock, read_marker

log = logging.getLogger(__name__)

BATCH = 500


@dataclass
class SyncReport:
    """What one sync did: documents added, updated (new version or removed mark), marked removed
    (a subset of added/updated), deleted (gone from the database), unchanged."""

    engine: str
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    deleted: int = 0
    total: int = 0  # documents in the index afterwards
    rebuilt: bool = False
    seconds: float = 0.0

    def __str__(self) -> str:
        how = "rebuilt" if self.rebuilt else "synced"
        return (f"{self.engine} index {how}: {self.added} added, {self.updated} updated, {self.removed} "
                f"marked removed, {self.deleted} deleted, {self.unchanged} unchanged; {self.total} "
                f"documents in {self.seconds:.1f}s")


@dataclass(frozen=True)
class _Current:
    version_id: int
    removed: bool


def _current(db: Database) -> dict[int, _Current]:
    with db.session() as s:
        rows = s.execute(select(Document.id, Document.current_version_id, Document.removed_at)
                         .where(Document.current_version_id.is_not(None)))
        return {r[0]: _Current(r[1], r[2] is not None) for r in rows}


def _state(db: Database, engine: str) -> dict[int, _Current]:
    with db.session() as s:
        rows = s.execute(select(SearchIndexState.document_id, SearchIndexState.version_id,
                                SearchIndexState.removed).where(SearchIndexState.engine == engine))
        return {r[0]: _Current(r[1], bool(r[2])) for r in rows}


def load_documents(db: Database, ids: Sequence[int]) -> list[SearchDocument]:
    """The search documents of these document ids, from their current versions (missing ids skipped)."""
    out: list[SearchDocument] = []
    with db.session() as s:
        rows = s.execute(
            select(Document, Version, Unit, Portal)
            .join(Version, Version.id == Document.current_version_id)
            .outerjoin(Unit, Unit.id == Document.unit_id)
            .outerjoin(Portal, Portal.id == Document.portal_id)
            .where(Document.id.in_(list(ids)))
        ).all()
        version_ids = [r[1].id for r in rows]
        sections: dict[int, dict[int, str]] = {}
        for sec in s.scalars(select(Section).where(Section.version_id.in_(version_ids))):
            sections.setdefault(sec.version_id, {})[sec.number] = sec.text
        extra: dict[int, list[str]] = {}
        for att in s.scalars(select(Attachment).where(Attachment.document_id.in_(list(ids)),
                                                      Attachment.is_report_body.is_(False),
                                                      Attachment.text.is_not(None))):
            extra.setdefault(att.document_id, []).append(att.text or "")
        for doc, version, unit, portal in rows:
            publisher = doc.publisher or (unit.name if unit else None)
            aliases = list(unit.aliases or []) if unit else []
            if unit and unit.name != publisher:
                aliases.append(unit.name)
            body = "\n".join([version.body_text or "", *extra.get(doc.id, [])]).strip()
            out.append(SearchDocument(
                document_id=doc.id, title=version.title or doc.title or "", body=body,
                sections=sections.get(version.id, {}), publisher=publisher, publisher_aliases=aliases,
                report_year=doc.report_year, kind=doc.kind,
                published_at=doc.claimed_published_at or version.claimed_published_at,
                portal=portal.profile if portal else None, url=doc.canonical_url, version_id=version.id,
                capture_id=version.capture_id, removed=doc.removed_at is not None,
            ))
    return out


def _batches(ids: Sequence[int], size: int = BATCH) -> Iterator[Sequence[int]]:
    for i in range(0, len(ids), size):
        yield ids[i: i + size]


def _index_ids(db: Database, index: SearchIndex, ids: list[int]) -> int:
    n = 0
    for batch in _batches(ids):
        n += index.add(load_documents(db, batch))
    return n


def _record(db: Database, engine: str, current: dict[int, _Current], ids: list[int], deleted: list[int],
            replace_all: bool) -> None:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with db.session() as s:
        if replace_all:
            s.execute(delete(SearchIndexState).where(SearchIndexState.engine == engine))
        elif deleted or ids:
            for batch in _batches([*deleted, *ids]):
                s.execute(delete(SearchIndexState).where(SearchIndexState.engine == engine,
                                                         SearchIndexState.document_id.in_(list(batch))))
        s.add_all(SearchIndexState(engine=engine, document_id=i, version_id=current[i].version_id,
                                   removed=current[i].removed, indexed_at=now) for i in ids)


def sync_index(db: Database, index_dir: str | Path, engine: str = "tantivy", *,
               rebuild: bool = False) -> SyncReport:
    """Bring the index at ``index_dir`` up to date with the database (see module docstring)."""
    started = time.monotonic()
    path = Path(index_dir)
    if not rebuild and _older_schema(path, engine):
        # An index built by an earlier release of this engine (a changed schema): build it afresh
        # rather than fail every scheduled run until someone passes --rebuild.
        log.warning("%s index at %s was built with an older schema: rebuilding it", engine, path)
        rebuild = True
    if rebuild:
        report = _rebuild(db, path, engine)
    else:
        report = _incremental(db, path, engine)
    report.seconds = time.monotonic() - started
    log.info("%s", report)
    return report


def _older_schema(path: Path, engine: str) -> bool:
    marker = read_marker(path) if path.is_dir() else None
    return bool(marker) and marker.get("engine") == engine and \
        marker.get("schema_version") != SCHEMA_VERSIONS[engine]


def _incremental(db: Database, path: Path, engine: str) -> SyncReport:
    report = SyncReport(engine)
    fresh = not index_exists(path)
    index = open_index(path, engine, create=True, writer=True)
    try:
        current = _current(db)
        state = {} if fresh else _state(db, engine)
        if not fresh and index.count() != len(state):
            # The index and its record disagree (restored backup, interrupted run): re-add everything.
            log.warning("%s index holds %d documents but the database records %d: re-indexing all",
                        engine, index.count(), len(state))
            state = {}
            fresh = True
        todo: list[int] = []
        for doc_id, cur in current.items():
            old = state.get(doc_id)
            if old == cur:
                report.unchanged += 1
                continue
            todo.append(doc_id)
            if old is None:
                report.added += 1
            else:
                report.updated += 1
            if cur.removed and (old is None or not old.removed):
                report.removed += 1
        deleted = [i for i in state if i not in current]
        report.deleted = len(deleted)
        if deleted:
            index.remove(deleted)
        _index_ids(db, index, sorted(todo))
        index.commit()
        _record(db, engine, current, sorted(todo), deleted, replace_all=fresh)
        report.total = index.count()
    finally:
        index.close()
    return report


def _rebuild(db: Database, path: Path, engine: str) -> SyncReport:
    report = SyncReport(engine, rebuilt=True)
    lock = WriterLock(path)
    lock.acquire()
    staging = path.with_name(path.name + ".rebuild")
    try:
        shutil.rmtree(staging, ignore_errors=True)
        current = _current(db)
        index = open_index(staging, engine, create=True, writer=True)
        try:
            report.added = _index_ids(db, index, sorted(current))
            report.removed = sum(1 for c in current.values() if c.removed)
            index.commit()
            report.total = index.count()
        finally:
            index.close()
        # Swap: readers that opened the old directory keep their open files until they reopen.
        old = path.with_name(path.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if path.exists():
            path.rename(old)
        staging.rename(path)
        shutil.rmtree(old, ignore_errors=True)
        _record(db, engine, current, sorted(current), [], replace_all=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        lock.release()
    return report
