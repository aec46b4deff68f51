"""The table / CSV / JSON view of a timeliness report (shared by the command, the benchmark and the web)."""

from __future__ import annotations

import datetime as dt

from archive.timeliness import TimelinessReport, row_json

COLUMNS = ("portal", "unit", "kind", "year", "status", "days_late", "deadline", "date_used", "date_source",
           "claimed", "claimed_source", "first_seen", "flags", "url")


def _minute(value: dt.datetime | None) -> str | None:
    return value.isoformat(sep=" ", timespec="minutes") if value is not None else None


def report_rows(report: TimelinessReport) -> list[tuple]:
    """One tuple per row, in :data:`COLUMNS` order (the table and CSV view of a report)."""
    out = []
    for row in report.rows:
        rep = row.report
        head = (row.portal, row.unit_name, row.unit_kind, row.report_year, row.status, row.days_late,
                row.deadline.isoformat())
        if rep is None:
            out.append((*head, None, None, None, None, None, row.flags, None))
            continue
        out.append((*head, _minute(rep.judged_at), rep.judged_source, _minute(rep.claimed_at), rep.claimed_source,
                    _minute(rep.first_seen_at), row.flags, rep.url))
    return out


def report_payload(report: TimelinessReport) -> dict:
    """The JSON view: as-of, summary and every row with its full evidence."""
    s = report.summary
    return {"year": report.year, "portal": report.portal, "as_of": report.as_of.isoformat(),
            "summary": {"counts": s.counts, "flags": s.flag_counts, "due": s.due, "on_time_rate": s.on_time_rate},
            "rows": [row_json(r) for r in report.rows]}
