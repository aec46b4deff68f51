"""Build captures the way the crawler does, from a running replica portal, without Scrapy.

Fetches document pages (every URL of each manifest document, mobile twins included) and their
attachments over real HTTP with urllib, stores the responses through :class:`RawStore` and inserts
``captures`` rows with the crawler's hints (role, column_kind, unit_hint, parent_url). Also writes
the ``portals`` / ``units`` rows the crawler takes from the platform's unit list.
"""

from __future__ import annotations

import datetime as dt
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy import select

from archive.db import Database
from archive.models import Capture, CrawlRun, Portal, Unit
from archive.rawstore import RawResponse, RawStore
from disclosure.replica.manifest import Manifest, ManifestDocument


@dataclass
class Fetch:
    """One URL to fetch and what the crawler would know about it."""

    url: str
    role: str  # document | attachment
    column_kind: str | None
    unit_hint: str | None
    parent_url: str | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def fetch(url: str, timeout: float = 30) -> RawResponse:
    """GET ``url``; HTTP errors come back as responses, like Scrapy hands them to the pipeline."""
    fetched_at = _now()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return RawResponse(url=url, status=resp.status, headers=list(resp.headers.items()), body=resp.read(),
                               fetched_at=fetched_at, content_type=resp.headers.get("Content-Type"),
                               reason=resp.reason or "")
    except urllib.error.HTTPError as err:
        return RawResponse(url=url, status=err.code, headers=list(err.headers.items()), body=err.read(),
                           fetched_at=fetched_at, content_type=err.headers.get("Content-Type"),
                           reason=str(err.reason))


def ensure_portal(db: Database, manifest: Manifest, profile: str = "replica") -> int:
    """The replica's ``portals`` row and one ``units`` row per manifest unit (names as listed)."""
    with db.session() as session:
        portal = session.scalar(select(Portal).where(Portal.profile == profile))
        if portal is None:
            portal = Portal(profile=profile, name=manifest.county, base_url=manifest.base_url, created_at=_now())
            session.add(portal)
            session.flush()
        known = set(session.scalars(select(Unit.name).where(Unit.portal_id == portal.id)))
        for unit in manifest.units:
            if unit.name not in known:
                session.add(Unit(portal_id=portal.id, name=unit.name, kind=unit.kind, aliases=[],
                                 column_url=unit.annual_report_column_url))
        return portal.id


def start_run(db: Database, portal_id: int) -> int:
    """A ``crawl_runs`` row for the captures about to be made."""
    with db.session() as session:
        run = CrawlRun(portal_id=portal_id, profile="replica", started_at=_now())
        session.add(run)
        session.flush()
        return run.id


def fetches_for(manifest: Manifest, docs: list[ManifestDocument]) -> list[Fetch]:
    """Every page and attachment URL of ``docs``, pages before their attachments."""
    names = {u.code: u.name for u in manifest.units}
    out: list[Fetch] = []
    for doc in docs:
        hint = names.get(doc.unit)
        for url in [*doc.urls, *doc.wap_urls]:
            out.append(Fetch(url, "document", doc.kind, hint))
        for att in doc.attachments:
            out.append(Fetch(att.url, "attachment", doc.kind, hint, parent_url=doc.urls[0]))
    return out


def store(db: Database, rawstore: RawStore, response: RawResponse, item: Fetch,
          crawl_run_id: int | None = None) -> int:
    """Write one response through the raw store and record its ``captures`` row; returns its id."""
    stored = rawstore.write(response)
    with db.session() as session:
        capture = Capture(
            crawl_run_id=crawl_run_id, url=response.url, fetched_at=response.fetched_at, status=response.status,
            content_type=response.content_type, sha256=stored.sha256, size=len(response.body),
            etag=response.header("ETag"), last_modified=response.header("Last-Modified"),
            warc_file=stored.warc_file, warc_offset=stored.offset, warc_length=stored.length,
            is_revisit=stored.is_revisit, role=item.role, column_kind=item.column_kind,
            unit_hint=item.unit_hint, parent_url=item.parent_url, processing_status="pending",
        )
        session.add(capture)
        session.flush()
        return capture.id


def capture_documents(db: Database, rawstore: RawStore, manifest: Manifest, docs: list[ManifestDocument],
                      *, crawl_run_id: int | None = None, threads: int = 8) -> list[int]:
    """Fetch and store every URL of ``docs`` (a 5xx answer is stored, then retried once, as a crawler does)."""
    items = fetches_for(manifest, docs)
    pages = [i for i in items if i.role == "document"]
    files = [i for i in items if i.role == "attachment"]
    ids: list[int] = []
    with ThreadPoolExecutor(threads) as pool:
        for group in (pages, files):  # attachments after pages: the crawler finds them on the page
            for item, response in zip(group, pool.map(lambda i: fetch(i.url), group), strict=True):
                ids.append(store(db, rawstore, response, item, crawl_run_id))
                if response.status >= 500:
                    ids.append(store(db, rawstore, fetch(item.url), item, crawl_run_id))
    return ids


def store_bytes(db: Database, rawstore: RawStore, url: str, body: bytes, *, role: str = "document",
                content_type: str = "text/html; charset=utf-8", status: int = 200,
                parent_url: str | None = None, column_kind: str | None = None) -> int:
    """Store a hand-made response (broken files for failure tests) as a pending capture."""
    response = RawResponse(url=url, status=status, headers=[("Content-Type", content_type)], body=body,
                           fetched_at=_now(), content_type=content_type)
    return store(db, rawstore, response, Fetch(url, role, column_kind, None, parent_url))
