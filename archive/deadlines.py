"""Legal deadlines of the annual report (政府信息公开工作年度报告), as ONE table with the source of each rule.

A rule change (a new regulation, a provincial rule for townships) is a one-line change to ``RULES``.
The first matching rule wins, so specific rules (townships) come before general ones.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

# Unit kinds (architecture.md, "Document kinds and units"). "other" (bureau sub-units) follows the
# bureau rule: art. 49 speaks of 县级以上人民政府部门 and their offices publish on the same schedule.
COUNTY_GOVERNMENT = "county_government"
BUREAU = "bureau"
TOWNSHIP = "township"
OTHER = "other"
ALL_KINDS = (COUNTY_GOVERNMENT, BUREAU, TOWNSHIP, OTHER)


@dataclass(frozen=True)
class DeadlineRule:
    """Reports of years ``first_year``..``last_year`` by ``kinds`` are due on ``month``/``day`` of year Y+1."""

    first_year: int
    last_year: int | None  # None: still in force
    kinds: tuple[str, ...]
    month: int
    day: int
    source: str

    def applies(self, kind: str, year: int) -> bool:
        """Whether this rule governs a report of ``year`` by a unit of ``kind``."""
        in_years = self.first_year <= year and (self.last_year is None or year <= self.last_year)
        return in_years and kind in self.kinds


RULES: tuple[DeadlineRule, ...] = (
    DeadlineRule(2008, None, (TOWNSHIP,), 3, 31,
                 "no national rule for townships; 31 March of Y+1 unless the site profile says otherwise"),
    DeadlineRule(2008, 2018, ALL_KINDS, 3, 31, "2008 Regulations (State Council Decree 492), art. 31"),
    DeadlineRule(2019, None, (BUREAU, OTHER), 1, 31, "2019 Regulations (State Council Decree 711), art. 49"),
    DeadlineRule(2019, None, (COUNTY_GOVERNMENT,), 3, 31,
                 "2019 Regulations (State Council Decree 711), art. 49 (本级人民政府)"),
)


@dataclass(frozen=True)
class Deadline:
    """The last day a report may be published on, and the rule it comes from."""

    date: dt.date
    rule: str


class NoDeadlineRule(ValueError):
    """No rule covers this unit kind and year (e.g. a report year before 2008)."""


def parse_month_day(text: str) -> tuple[int, int]:
    """``"03-31"`` → (3, 31); the format site profiles use for a township deadline."""
    try:
        month, day = (int(p) for p in text.strip().split("-"))
        dt.date(2001, month, day)  # validates (a non-leap year: 02-29 is refused on purpose)
    except ValueError as exc:
        raise ValueError(f"bad month-day {text!r}; expected MM-DD") from exc
    return month, day


@functools.lru_cache(maxsize=4096)
def deadline_for(kind: str, year: int, township_deadline: tuple[int, int] | None = None) -> Deadline:
    """The deadline of ``kind``'s report for ``year``; ``township_deadline`` (month, day) overrides townships."""
    if kind == TOWNSHIP and township_deadline is not None:
        month, day = township_deadline
        return Deadline(dt.date(year + 1, month, day), "site profile: township deadline")
    rule_kind = kind if kind in ALL_KINDS else OTHER
    for rule in RULES:
        if rule.applies(rule_kind, year):
            return Deadline(dt.date(year + 1, rule.month, rule.day), rule.source)
    raise NoDeadlineRule(f"no deadline rule for a {kind} report of {year}")
