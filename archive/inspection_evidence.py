"""Evidence packages for website-inspection findings, written like the timeliness ones (``archive.evidence``).

For each finding, the list captures that show it: the column's list page as read at the check (its newest entry's
date, or no entry at all) and, for an empty column, its first read too; for a failed page, the error page it
answered when there was one. ``out_dir`` gets ``evidence.warc.gz`` (the WARC records with their original fetch
times), ``payloads/``, ``statement.md`` and ``evidence.json``; every payload's sha256 is checked against the one
recorded at crawl time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from archive.db import Database
from archive.evidence import (
    EvidenceItem,
    VerifiedItems,
    _capture_item,
    _dedupe,
    _when,
    items_json,
    records_table,
    write_records,
)
from archive.inspection import PortalInspection, inspection_json, summary_lines
from archive.inspection_rules import RULE_TEXT


@dataclass
class InspectionEvidence(VerifiedItems):
    """What was written and whether every record read back intact."""

    out_dir: Path
    results: list[PortalInspection]
    items: list[EvidenceItem] = field(default_factory=list)


def write_inspection_evidence(db: Database, rawstore, results: list[PortalInspection], out_dir: str | Path
                              ) -> InspectionEvidence:
    """Write the evidence of every finding of ``results`` into ``out_dir`` (see the module docstring)."""
    out = Path(out_dir)
    with db.session() as session:
        items = [i for r in results for i in _items(session, r)]
    package = InspectionEvidence(out, results, _dedupe(items))
    write_records(rawstore, package.items, out)
    (out / "statement.md").write_text(statement(package), encoding="utf-8")
    (out / "evidence.json").write_text(json.dumps(
        {"portals": [inspection_json(r) for r in results], "items": items_json(package.items)},
        ensure_ascii=False, indent=1), encoding="utf-8")
    return package


def _items(session: Session, r: PortalInspection) -> list[EvidenceItem]:
    out: list[EvidenceItem | None] = []
    for f in r.findings:
        where = f"{f.unit or '(site)'} {f.column or ''} {f.url}"
        for n, capture_id in enumerate(f.capture_ids):
            if f.finding == "empty":
                shows = (f"{where}: no entry on its first read" if n == 0 and len(f.capture_ids) > 1
                         else f"{where}: still no entry at the check ({_when(f.checked_at)})")
            else:
                shows = (f"{where}: newest entry {f.newest_entry}, {f.days_since} days before this read "
                         f"(period {f.period_days} days)")
            out.append(_capture_item(session, capture_id, f.finding, shows))
    for failure in r.failures:
        shows = f"{failure.unit or '(site)'} {failure.url}: {failure.outcome} ({failure.status or failure.error})"
        out.append(_capture_item(session, failure.capture_id, "unreachable", shows))
    return [i for i in out if i is not None]


def statement(package: InspectionEvidence) -> str:
    """The human-readable statement: verdicts, findings and what each record shows."""
    lines = ["# Evidence: website inspection", ""]
    for r in package.results:
        lines += [f"## {r.name} ({r.portal}): **{r.verdict}**", "", *("- " + s.strip() for s in summary_lines(r)), ""]
        for rule in r.failed_rules:
            lines.append(f"- Broken: {RULE_TEXT[rule]}.")
        lines += ["", "| unit | column | finding | newest entry | days | period | checked | URL |",
                  "|---|---|---|---|---|---|---|---|"]
        lines += [f"| {f.unit or '(site)'} | {f.column or ''} | {f.finding} | {f.newest_entry or '—'} | "
                  f"{f.days_since if f.days_since is not None else '—'} | {f.period_days or '—'} | "
                  f"{_when(f.checked_at)} | {f.url} |" for f in r.findings]
        if r.failures:
            lines += ["", "Pages that got no usable answer in the monitoring window:", ""]
            lines += [f"- {_when(x.at)} {x.url}: {x.outcome} ({x.status or x.error})" for x in r.failures]
        lines.append("")
    lines += records_table(package.items, "no archived record bears on these findings")
    return "\n".join(lines) + "\n"
