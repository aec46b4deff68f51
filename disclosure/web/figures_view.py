"""The figures page's chart: the units a reader picked, and the total of every unit, year by year."""

from __future__ import annotations

from dataclasses import dataclass

from archive.figures_query import WideTable

COUNTY_TOTAL = "全部单位合计"
DEFAULT_PICKS = 5  # units charted when the reader has not picked any: the largest ones
MAX_PICKS = 10


@dataclass
class FiguresView:
    """Units to offer, units picked, the chart's series (picked units, then the total), the totals row."""

    units: list[str]
    picked: list[str]
    series: list[tuple[str, list[float | None]]]
    totals: list[float | None]


def figures_view(wide: WideTable, picked: list[str]) -> FiguresView:
    """Chart series for ``picked`` units (default: the largest few) plus the sum over every unit per year."""
    units = list(dict.fromkeys(unit for unit, _key, _values in wide.rows))
    chosen = [u for u in dict.fromkeys(picked) if u in units][:MAX_PICKS]
    if not chosen:
        by_size = sorted(wide.rows, key=lambda r: -sum(v for v in r[2] if v is not None))
        chosen = list(dict.fromkeys(unit for unit, _k, _v in by_size))[:DEFAULT_PICKS]
    totals: list[float | None] = []
    for i in range(len(wide.years)):
        column = [values[i] for _unit, _key, values in wide.rows if values[i] is not None]
        totals.append(sum(column) if column else None)
    series = [(unit, values) for unit, _key, values in wide.rows if unit in chosen]
    if wide.rows:
        series.append((COUNTY_TOTAL, totals))
    return FiguresView(units, chosen, series, totals)
