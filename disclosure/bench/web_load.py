"""The load half of ``disclosure bench web``: the search page under concurrent clients, beside clients asking
``/api/figures`` for everything (issue 18: the unbounded request that used to starve the search page).

``seed_figures`` fills the bench's empty archive with a county's worth of annual-report figures (units × years ×
every table-two cell), so a broad key pattern has something to be broad over.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx
from sqlalchemy import insert

from archive.db import Database
from archive.models import Capture, Document, Figure, Portal, Unit, Version
from disclosure.web.report_tables import REQUEST_COLUMNS, REQUEST_ROWS_2021

# What the figure-hungry clients send: every key at once (refused by the cap), then one key paged (allowed).
HEAVY_REQUESTS = ("/api/figures?key=requests.*", "/api/figures?key=requests.new.total&limit=1000")


def seed_figures(db: Database, units: int, years: int, first_year: int = 2014) -> int:
    """Insert ``units`` × ``years`` annual reports with every table-two figure; returns the figures inserted."""
    now = dt.datetime(2026, 1, 1)
    keys = [f"requests.{row}.{col}" for row, _ in REQUEST_ROWS_2021 for col, _ in REQUEST_COLUMNS]
    with db.session() as session:
        portal = Portal(profile="bench", name="基准县", base_url="http://bench.invalid/", created_at=now)
        session.add(portal)
        session.flush()
        capture = Capture(url="http://bench.invalid/", fetched_at=now, status=200, content_type="text/html",
                          sha256="0" * 64, size=0, warc_file="none", warc_offset=0, warc_length=0)
        session.add(capture)
        session.flush()
        total = 0
        for u in range(units):
            unit = Unit(portal_id=portal.id, name=f"基准县第{u}局", kind="bureau", aliases=[])
            session.add(unit)
            session.flush()
            for year in range(first_year, first_year + years):
                doc = Document(portal_id=portal.id, kind="annual_report", unit_id=unit.id, publisher=unit.name,
                               report_year=year, title=f"{unit.name}{year}年度报告",
                               canonical_url=f"http://bench.invalid/{u}/{year}.html", first_seen_at=now,
                               last_seen_at=now)
                session.add(doc)
                session.flush()
                version = Version(document_id=doc.id, capture_id=capture.id, content_hash=f"{u}-{year}",
                                  first_seen_at=now, last_seen_at=now, body_text="")
                session.add(version)
                session.flush()
                doc.current_version_id = version.id
                session.execute(insert(Figure), [{"version_id": version.id, "key": key, "value": float(n % 7),
                                                  "raw": str(n % 7)} for n, key in enumerate(keys)])
                total += len(keys)
    return total


@dataclass
class LoadResult:
    """Latencies (ms) and outcomes of one kind of client over the run."""

    latencies: list[float] = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)

    @property
    def errors(self) -> int:
        """Requests that failed outright or answered 5xx."""
        return sum(n for outcome, n in self.outcomes.items() if outcome == "error" or outcome.startswith("5"))


def _client_loop(base_url: str, paths: list[str], until: float, result: LoadResult, lock: threading.Lock) -> None:
    with httpx.Client(base_url=base_url, timeout=60) as client:
        n = 0
        while time.perf_counter() < until:
            path = paths[n % len(paths)]
            n += 1
            t0 = time.perf_counter()
            try:
                outcome = str(client.get(path).status_code)
            except httpx.HTTPError:
                outcome = "error"
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                result.latencies.append(ms)
                result.outcomes[outcome] += 1


def concurrent_load(base_url: str, search_paths: list[str], *, clients: int, heavy_clients: int,
                    seconds: float) -> tuple[LoadResult, LoadResult]:
    """``clients`` threads cycling over ``search_paths`` while ``heavy_clients`` ask for every figure."""
    search, heavy = LoadResult(), LoadResult()
    lock = threading.Lock()
    until = time.perf_counter() + seconds
    threads = [threading.Thread(target=_client_loop, args=(base_url, search_paths[i:] + search_paths[:i], until,
                                                           search, lock)) for i in range(clients)]
    threads += [threading.Thread(target=_client_loop, args=(base_url, list(HEAVY_REQUESTS), until, heavy, lock))
                for _ in range(heavy_clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return search, heavy
