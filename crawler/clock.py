"""The time a crawl stamps on what it fetches and sees.

The wall clock (UTC, naive), or, with the ``DISCLOSURE_CLOCK`` setting (an ISO date-time), that instant
plus the time elapsed since the crawl started: a portal replayed "as of" a past date (the replica's time
travel, tests/timeliness) is archived with the dates a crawl on that day would have recorded, so the
timeliness report reads it as it would have then. Real crawls leave it unset.
"""

from __future__ import annotations

import datetime as dt
import time


class CrawlClock:
    """``now()`` for one crawl (see the module docstring)."""

    def __init__(self, start: dt.datetime | None = None):
        self._start = start.replace(tzinfo=None) if start is not None else None
        self._began = time.monotonic()

    @classmethod
    def from_setting(cls, value: str | dt.datetime | None) -> CrawlClock:
        """The clock a ``DISCLOSURE_CLOCK`` setting asks for (empty: the wall clock)."""
        if not value:
            return cls()
        if isinstance(value, dt.datetime):
            return cls(value)
        try:
            return cls(dt.datetime.fromisoformat(str(value).strip()))
        except ValueError:
            raise ValueError(f"DISCLOSURE_CLOCK must be an ISO date-time, not {value!r}") from None

    @property
    def replayed(self) -> bool:
        """True when the crawl runs on a set clock instead of the wall clock."""
        return self._start is not None

    def now(self) -> dt.datetime:
        if self._start is None:
            return dt.datetime.now(dt.UTC).replace(tzinfo=None)
        return self._start + dt.timedelta(seconds=time.monotonic() - self._began)
