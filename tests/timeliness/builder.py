"""Insert archive rows through the models, the way the crawler and the ingest would leave them."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

from sqlalchemy.orm import Session

from archive.models import (
    Capture,
    CheckResult,
    CrawlRun,
    Document,
    DocumentUrl,
    Figure,
    ListObservation,
    Portal,
    Section,
    Unit,
    Version,
)
from archive.rawstore import RawResponse, RawStore

T0 = dt.datetime(2021, 6, 1)
_serial = itertools.count(1)


def at(text: str) -> dt.datetime:
    """``"2022-01-31 10:00"`` or ``"2022-01-31"`` → datetime."""
    return dt.datetime.fromisoformat(text)


class ArchiveBuilder:
    """Small helpers: a portal with units, crawl runs with list captures, reports with versions."""

    def __init__(self, session: Session, profile: str = "qingshan", name: str = "青山县人民政府",
                 store: RawStore | None = None):
        self.s = session
        self.store = store  # when set, every capture's body is really written to this WARC store
        self.portal = Portal(profile=profile, name=name, base_url="http://127.0.0.1:1/", created_at=T0)
        session.add(self.portal)
        session.flush()

    def unit(self, name: str, kind: str = "bureau", *, created: int | None = None, abolished: int | None = None,
             listed: bool = True, aliases: list[str] | None = None) -> Unit:
        unit = Unit(portal_id=self.portal.id, name=name, kind=kind, aliases=aliases or [],
                    first_listed_at=T0 if listed else None, last_listed_at=T0 if listed else None,
                    created_year=created, abolished_year=abolished)
        self.s.add(unit)
        self.s.flush()
        return unit

    def crawl(self, when: str) -> CrawlRun:
        run = CrawlRun(portal_id=self.portal.id, profile=self.portal.profile, started_at=at(when),
                       finished_at=at(when) + dt.timedelta(minutes=5), status="ok")
        self.s.add(run)
        self.s.flush()
        return run

    def capture(self, url: str, when: str | dt.datetime, role: str = "document", run: CrawlRun | None = None,
                body: bytes | None = None, warc: tuple[str, int] = ("none.warc.gz", 0)) -> Capture:
        fetched = at(when) if isinstance(when, str) else when
        body = body if body is not None else f"<html>{url} {fetched}</html>".encode()
        if self.store is not None:
            rec = self.store.write(RawResponse(url=url, status=200, headers=[("Content-Type", "text/html")],
                                               body=body, fetched_at=fetched, content_type="text/html"))
            warc = (rec.warc_file, rec.offset)
        cap = Capture(crawl_run_id=run.id if run else None, url=url, fetched_at=fetched, status=200,
                      content_type="text/html", sha256=hashlib.sha256(body).hexdigest(), size=len(body),
                      warc_file=warc[0], warc_offset=warc[1], warc_length=1, role=role)
        self.s.add(cap)
        self.s.flush()
        return cap

    def list_fetch(self, list_url: str, run: CrawlRun, shows: list[str], **kw) -> Capture:
        """A list page fetched during ``run`` that showed links to the document URLs ``shows``."""
        cap = self.capture(list_url, run.started_at + dt.timedelta(minutes=1), role="list", run=run, **kw)
        for doc_url in shows:
            self.s.add(ListObservation(crawl_run_id=run.id, list_capture_id=cap.id, list_url=list_url,
                                       observed_at=cap.fetched_at, document_url=doc_url))
        self.s.flush()
        return cap

    def report(self, unit: Unit, year: int, *, claimed: str | None, first_seen: str, url: str | None = None,
               source: str | None = "meta_tag", edits: list[str] = (), figures: dict[str, float | None] = None,
               checks: dict[str, bool] = None, removed: str | None = None, content: str | None = None) -> Document:
        """An annual report first captured at ``first_seen``; each of ``edits`` adds a later version."""
        n = next(_serial)
        url = url or f"http://127.0.0.1:1/zfxxgk/{unit.id}/ndbg/t{n}.html"
        seen = at(first_seen)
        doc = Document(portal_id=self.portal.id, kind="annual_report", unit_id=unit.id, publisher=unit.name,
                       report_year=year, title=f"{unit.name}{year}年政府信息公开工作年度报告",
                       claimed_published_at=at(claimed) if claimed else None,
                       claimed_date_source=source if claimed else None, canonical_url=url, first_seen_at=seen,
                       last_seen_at=seen, removed_at=at(removed) if removed else None)
        self.s.add(doc)
        self.s.flush()
        self.s.add(DocumentUrl(document_id=doc.id, url=url, first_seen_at=seen, last_seen_at=seen))
        for i, when in enumerate([first_seen, *edits]):
            cap = self.capture(url, when)
            text = content or f"report {n}"
            ver = Version(document_id=doc.id, capture_id=cap.id,
                          content_hash=hashlib.sha256(f"{text} edit {i}".encode()).hexdigest(),
                          first_seen_at=at(when), last_seen_at=at(when), title=doc.title,
                          claimed_published_at=doc.claimed_published_at, body_text=f"{text} edit {i}",
                          format="2021")
            self.s.add(ver)
            self.s.flush()
            doc.current_version_id = ver.id
            self.s.add(Section(version_id=ver.id, number=1, heading="一、总体情况", text="总体情况"))
            for key, value in (figures or {}).items():
                self.s.add(Figure(version_id=ver.id, key=key, value=value,
                                  raw="" if value is None else str(int(value)), table="B"))
            for rule, ok in (checks or {}).items():
                self.s.add(CheckResult(version_id=ver.id, rule=rule, ok=ok, detail="" if ok else "planted"))
        self.s.flush()
        return doc
