"""The incremental policy and the archive lookups it needs (fetch state, earlier list observations).

A list page is always re-read. A detail page or file is fetched when it was never fetched, when its list
entry changed since the last crawl saw it, when its last fetch is older than the revalidation age, or when
its last capture was made by a crawl that never finished (its attachments may be missing); all but the
first and the last are conditional requests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, Row, bindparam, func, select
from sqlalchemy.exc import IntegrityError

from archive.db import Database, KeptConnection
from archive.models import Capture, CrawlRun, FetchState, ListObservation, Portal
from crawler.clock import CrawlClock
from crawler.profiles import SiteProfile, UnitSpec

FS = FetchState.__table__
LO = ListObservation.__table__
# A URL's fetch state row (the spider's lookups and the capture store's writes share it).
FS_ROW = select(FS).where(FS.c.url == bindparam("url"))
_CAPTURE_RUN = (select(CrawlRun.id, CrawlRun.status, CrawlRun.started_at)
                .join(Capture, Capture.crawl_run_id == CrawlRun.id).where(Capture.id == bindparam("capture_id")))


@dataclass(frozen=True)
class FetchDecision:
    """Whether to request a URL, and whether as a conditional request."""

    fetch: bool
    conditional: bool
    reason: str  # new | listing_changed | revalidate | unfinished_run | fresh


def decide(fs: FetchState | Row | None, *, listing_changed: bool, unfinished: bool, now: dt.datetime,
           revalidate_after_days: int) -> FetchDecision:
    """The incremental policy for one detail page or file (pure: tests drive it directly)."""
    if fs is None:
        return FetchDecision(True, False, "new")
    if unfinished:
        return FetchDecision(True, False, "unfinished_run")
    if listing_changed:
        return FetchDecision(True, True, "listing_changed")
    if now - fs.last_fetched_at >= dt.timedelta(days=revalidate_after_days):
        return FetchDecision(True, True, "revalidate")
    return FetchDecision(False, False, "fresh")


class CrawlState:
    """Read-only archive lookups for one crawl (one short transaction per lookup; nothing cached in RAM)."""

    def __init__(self, db: Database, profile: SiteProfile, clock: CrawlClock | None = None):
        self.db = db
        self.clock = clock or CrawlClock()
        self.site = profile
        self.profile = profile.name
        self.revalidate_after_days = profile.revalidate_after_days
        self.run_id: int | None = None
        self.portal_id: int | None = None
        self._kept = KeptConnection(db.engine)  # one short read transaction per lookup

    def unit_spec(self, name: str) -> UnitSpec | None:
        """What the profile says about a unit the portal lists (created / abolished year, kind)."""
        return next((u for u in self.site.units if u.name == name), None)

    # ------------------------------------------------------------------ the crawl_runs row
    def _portal_row(self, now: dt.datetime) -> int:
        """The portal row's id, created on first use. Crawler processes sharing one frontier start at
        the same moment: when another one inserted the row first, read theirs."""
        for attempt in (1, 2):
            try:
                with self.db.session() as s:
                    portal = s.execute(select(Portal).where(Portal.profile == self.profile)).scalar()
                    if portal is None:
                        portal = Portal(profile=self.profile, name=self.site.title, base_url=self.site.base_url,
                                        created_at=now)
                        s.add(portal)
                    portal.base_url = self.site.base_url
                    s.flush()
                    return portal.id
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def begin_run(self, run_id: int | None = None, *, shared_frontier: bool = False) -> int:
        """Create (or adopt) this crawl's ``crawl_runs`` row and the portal row. Earlier rows of this profile
        still marked running belong to crawls that died (we hold the lock): mark them interrupted — except
        with a shared frontier, where they are the other workers of this very crawl."""
        now = self.clock.now()
        portal_id = self._portal_row(now)
        with self.db.session() as s:
            if not shared_frontier:
                for stale in s.execute(select(CrawlRun).where(CrawlRun.profile == self.profile,
                                                              CrawlRun.status == "running")).scalars():
                    if stale.id != run_id:
                        stale.status, stale.finish_reason = "interrupted", stale.finish_reason or "killed"
            run = s.get(CrawlRun, run_id) if run_id else None
            if run is None:
                run = CrawlRun(profile=self.profile, started_at=now, status="running", errors={}, stats={})
                s.add(run)
            run.portal_id = portal_id
            s.flush()
            self.run_id, self.portal_id = run.id, portal_id
        return self.run_id

    def finish_run(self, status: str, reason: str, counts: dict[str, int], errors: dict[str, int],
                   stats: dict[str, object]) -> None:
        """Close this crawl's row with its outcome and counts."""
        with self.db.session() as s:
            run = s.get(CrawlRun, self.run_id)
            run.finished_at = self.clock.now()
            run.status, run.finish_reason = status, reason
            for key, value in counts.items():
                setattr(run, key, value)
            run.documents_seen = s.execute(select(func.count(func.distinct(ListObservation.document_url)))
                                           .where(ListObservation.crawl_run_id == self.run_id)).scalar() or 0
            run.errors, run.stats = errors, stats

    def fetch_state(self, url: str) -> Row | None:
        """The URL's fetch state row (its ``FetchState`` columns), or None when never fetched."""
        with self._reading() as conn:
            return conn.execute(FS_ROW, {"url": url}).first()

    def _reading(self):
        """A short read transaction on the crawl's kept connection (the spider asks for every listed URL)."""
        return self._kept.transaction()

    def close(self) -> None:
        """Give the kept connection back."""
        self._kept.close()

    def _listing_changed(self, conn: Connection, list_url: str, doc_url: str, title: str | None,
                         date: str | None) -> bool:
        q = (select(LO.c.listed_title, LO.c.listed_date)
             .where(LO.c.document_url == doc_url, LO.c.list_url == list_url))
        if self.run_id is not None:
            q = q.where(LO.c.crawl_run_id != self.run_id)
        prev = conn.execute(q.order_by(LO.c.id.desc()).limit(1)).first()
        # Never observed in this list before (e.g. moved to another page of it): not a change by itself.
        return prev is not None and (prev.listed_title != title or prev.listed_date != date)

    def _unfinished(self, conn: Connection, fs: Row) -> bool:
        """Last captured by a crawl that never finished or failed, and no crawl of this portal ended ok since."""
        if fs.last_capture_id is None:
            return False
        run = conn.execute(_CAPTURE_RUN, {"capture_id": fs.last_capture_id}).first()
        # A failed run (the portal went away, storage failed) may have captured pages without their files.
        if run is None or run.id == self.run_id or run.status not in ("running", "interrupted", "failed"):
            return False
        later_ok = conn.execute(select(CrawlRun.id).where(
            CrawlRun.profile == self.profile, CrawlRun.status == "ok", CrawlRun.started_at > run.started_at
        ).limit(1)).first()
        return later_ok is None

    def decide_listed(self, list_url: str, entries: list[tuple[str, str | None, str | None]]
                      | list[tuple[str, str | None, str | None, str | None]],
                      now: dt.datetime | None = None) -> dict[str, FetchDecision]:
        """Decisions for every (url, title, date[, publisher]) entry of one list page, in three queries in all."""
        now = now or self.clock.now()
        urls = list(dict.fromkeys(u for u, *_rest in entries))
        out: dict[str, FetchDecision] = {}
        with self._reading() as conn:
            states = {fs.url: fs for fs in conn.execute(select(FS).where(FS.c.url.in_(urls)))}
            q = (select(LO.c.document_url, LO.c.listed_title, LO.c.listed_date)
                 .where(LO.c.list_url == list_url, LO.c.document_url.in_(list(states)))
                 .order_by(LO.c.id))
            if self.run_id is not None:
                q = q.where(LO.c.crawl_run_id != self.run_id)
            previous = {row.document_url: (row.listed_title, row.listed_date) for row in conn.execute(q)}
            for url, title, date, *_publisher in entries:
                fs = states.get(url)
                if fs is None:
                    out[url] = decide(None, listing_changed=False, unfinished=False, now=now,
                                      revalidate_after_days=self.revalidate_after_days)
                    continue
                changed = url in previous and previous[url] != (title, date)
                out[url] = decide(fs, listing_changed=changed, unfinished=self._unfinished(conn, fs), now=now,
                                  revalidate_after_days=self.revalidate_after_days)
        return out

    def decide_detail(self, url: str, *, list_url: str | None = None, title: str | None = None,
                      date: str | None = None, now: dt.datetime | None = None) -> FetchDecision:
        """Whether a listed document (or a file of a re-fetched document) is to be requested."""
        now = now or self.clock.now()
        with self._reading() as conn:
            fs = conn.execute(FS_ROW, {"url": url}).first()
            if fs is None:
                return decide(None, listing_changed=False, unfinished=False, now=now,
                              revalidate_after_days=self.revalidate_after_days)
            changed = list_url is not None and self._listing_changed(conn, list_url, url, title, date)
            return decide(fs, listing_changed=changed, unfinished=self._unfinished(conn, fs), now=now,
                          revalidate_after_days=self.revalidate_after_days)
