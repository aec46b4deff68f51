"""The crawl clock: the wall clock by default, a replayed date with DISCLOSURE_CLOCK."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from crawler.clock import CrawlClock


def test_wall_clock_by_default():
    clock = CrawlClock.from_setting(None)
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert not clock.replayed and before <= clock.now() <= before + dt.timedelta(seconds=5)


def test_replayed_clock_starts_at_the_setting_and_moves_on():
    clock = CrawlClock.from_setting("2023-01-15T12:00")
    first = clock.now()
    time.sleep(0.02)
    second = clock.now()
    assert clock.replayed and first >= dt.datetime(2023, 1, 15, 12) and second > first
    assert second - dt.datetime(2023, 1, 15, 12) < dt.timedelta(seconds=5)


def test_a_bad_setting_is_refused_with_its_name():
    with pytest.raises(ValueError, match="DISCLOSURE_CLOCK"):
        CrawlClock.from_setting("15 January")
