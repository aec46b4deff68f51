"""Evidence packages: the captures that prove a timeliness finding, for a supervisor or a third party.

``write_evidence`` writes into ``out_dir``:

- ``evidence.warc.gz`` — the WARC ``response`` records of the report's captures and of the list pages
  fetched before and after it appeared (or, for a missing report, the unit's list pages after the deadline),
  with their original fetch times: anyone can replay or hash them with standard WARC tools;
- ``payloads/NN-<what>.<ext>`` — the same payloads as plain files;
- ``statement.md`` — what they show, in plain words (names in Chinese as archived);
- ``evidence.json`` — the same facts, machine-readable.

Each payload's sha256 is recomputed and compared with the one recorded at crawl time.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from archive.db import Database
from archive.models import Attachment, Capture, DocumentUrl, ListObservation, Unit, Version
from archive.rawstore import RawStore, RawStoreError, consistent_headers, sha256_hex, warc_uri
from archive.timeliness import (
    BACKDATED,
    DUPLICATE,
    EDITED,
    BackdatingEvidence,
    TimelinessRow,
    row_json,
    unit_year,
)

_EXT = {"text/html": "html", "application/pdf": "pdf", "text/xml": "xml", "application/xml": "xml",
        "application/msword": "doc", "text/plain": "txt",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx"}


@dataclass
class EvidenceItem:
    """One capture in the package and what it shows."""

    what: str  # report | report_edit | attachment | list_before | list_showing | list_after_deadline
    shows: str  # one sentence
    capture_id: int
    url: str
    fetched_at: dt.datetime
    sha256: str  # as recorded at crawl time
    warc_file: str  # where the archive holds it
    warc_offset: int
    file: str | None = None  # payload file inside the package
    verified: bool = False  # the payload read back hashes to ``sha256``
    error: str | None = None


class VerifiedItems:
    """A package's records (``items``) and whether every one read back with its recorded hash."""

    items: list[EvidenceItem]

    @property
    def ok(self) -> bool:
        """True when every record was found and its hash matched."""
        return all(i.verified for i in self.items)


def write_records(rawstore: RawStore, items: list[EvidenceItem], out: Path) -> None:
    """Copy each item's WARC record into ``out/evidence.warc.gz`` and its payload into ``out/payloads/``."""
    (out / "payloads").mkdir(parents=True, exist_ok=True)
    with open(out / "evidence.warc.gz", "wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.1")
        for n, item in enumerate(items, 1):
            _copy_record(rawstore, writer, item, out, n)


def items_json(items: list[EvidenceItem]) -> list[dict]:
    """The items as JSON objects (times in ISO form)."""
    return [{**asdict(i), "fetched_at": i.fetched_at.isoformat()} for i in items]


@dataclass
class EvidencePackage(VerifiedItems):
    """What was written and whether every record was read back intact."""

    out_dir: Path
    unit: str
    year: int
    rows: list[TimelinessRow]
    items: list[EvidenceItem] = field(default_factory=list)


def write_evidence(db: Database, rawstore: RawStore, unit: str, year: int, out_dir: str | Path,
                   *, portal: str | None = None, as_of: dt.datetime | dt.date | None = None) -> EvidencePackage:
    """Write the evidence package of ``unit``'s report for ``year`` into ``out_dir`` (see module doc)."""
    out = Path(out_dir)
    with db.session() as session:
        rows = unit_year(session, unit, year, portal, as_of=as_of)
        items = [item for row in rows for item in _items(session, row)]
    package = EvidencePackage(out, unit, year, rows, _dedupe(items))
    write_records(rawstore, package.items, out)
    (out / "statement.md").write_text(statement(package), encoding="utf-8")
    (out / "evidence.json").write_text(json.dumps(
        {"unit": unit, "year": year, "rows": [row_json(r) for r in rows], "items": items_json(package.items)},
        ensure_ascii=False, indent=1), encoding="utf-8")
    return package


# --------------------------------------------------------------------------------------------- gathering
def _capture_item(session: Session, capture_id: int | None, what: str, shows: str) -> EvidenceItem | None:
    if capture_id is None:
        return None
    cap = session.get(Capture, capture_id)
    if cap is None:
        return None
    return EvidenceItem(what, shows, cap.id, cap.url, cap.fetched_at, cap.sha256, cap.warc_file, cap.warc_offset)


def _items(session: Session, row: TimelinessRow) -> list[EvidenceItem]:
    items: list[EvidenceItem | None] = []
    if not row.reports:
        items += _column_after_deadline(session, row)
    for rep in row.reports:
        for i, ver in enumerate(rep.versions):
            version = session.get(Version, ver.version_id)
            what, shows = (("report", f"the report as first captured; it claims publication on "
                                      f"{_when(rep.claimed_at)} ({rep.claimed_source or 'no stated date'})")
                           if i == 0 else
                           ("report_edit", f"a later content of the same report, first seen {_when(ver.first_seen_at)}"))
            items.append(_capture_item(session, version.capture_id if version else None, what, shows))
        for att_capture in session.scalars(select(Attachment.capture_id).where(
                Attachment.document_id == rep.document_id, Attachment.is_report_body.is_(True))):
            items.append(_capture_item(session, att_capture, "attachment", "the file holding the report's text"))
        items += _list_pages(session, rep.document_id, rep.url, rep.first_seen_at, rep.backdating)
    return [i for i in items if i is not None]


def _list_pages(session: Session, doc_id: int, doc_url: str, first_seen: dt.datetime,
                backdating: BackdatingEvidence | None) -> list[EvidenceItem | None]:
    """The first list fetch that showed the report and the last fetch of that list before it did."""
    urls = [doc_url, *session.scalars(select(DocumentUrl.url).where(DocumentUrl.document_id == doc_id))]
    first = session.execute(select(ListObservation.list_capture_id, ListObservation.list_url,
                                   ListObservation.observed_at)
                            .where(ListObservation.document_url.in_(urls))
                            .order_by(ListObservation.observed_at).limit(1)).first()
    if first is None:
        return []
    before_id = backdating.not_listed_capture_id if backdating else _fetch_before(session, first, first_seen)
    before = _capture_item(session, before_id, "list_before",
                           "the list page that later showed the report, fetched before it appeared: no link to it")
    if before is not None and backdating is not None and before.fetched_at != backdating.not_listed_at:
        before.shows += f" (fetched again {_when(backdating.not_listed_at)} with these same bytes)"
    return [
        before,
        _capture_item(session, first.list_capture_id, "list_showing",
                      f"the first fetch of a list page showing the report ({_when(first.observed_at)})"),
    ]


def _fetch_before(session: Session, first, first_seen: dt.datetime) -> int | None:
    """The last capture of the list page made before the fetch that first showed the report.

    The observation belongs to its capture whatever the clocks say (an observation stamped a few ms after its
    capture must not make that capture "before"): a capture counts only if it precedes the showing capture
    itself and holds other bytes (a byte-identical earlier capture showed the same links).
    """
    cond = [Capture.url == first.list_url, Capture.status == 200, Capture.fetched_at < first_seen]
    showing = session.get(Capture, first.list_capture_id) if first.list_capture_id else None
    if showing is not None:
        cond += [Capture.id != showing.id, Capture.fetched_at < showing.fetched_at, Capture.sha256 != showing.sha256]
    return session.scalar(select(Capture.id).where(*cond).order_by(Capture.fetched_at.desc()).limit(1))


def _column_after_deadline(session: Session, row: TimelinessRow) -> list[EvidenceItem | None]:
    """For a missing report: the unit's list pages as last fetched (they show no report for the year)."""
    unit = session.get(Unit, row.unit_id)
    if unit is None:
        return []
    cond = Capture.unit_hint == unit.name
    if unit.column_url:
        cond = cond | (Capture.url == unit.column_url)
    latest = session.scalars(select(Capture).where(Capture.role == "list", Capture.status == 200, cond)
                             .order_by(Capture.fetched_at.desc()).limit(3)).all()
    return [EvidenceItem("list_after_deadline" if c.fetched_at.date() > row.deadline else "list_before_deadline",
                         f"{unit.name}'s list page fetched {_when(c.fetched_at)}: no {row.report_year} annual report "
                         f"listed", c.id, c.url, c.fetched_at, c.sha256, c.warc_file, c.warc_offset) for c in latest]


def _dedupe(items: list[EvidenceItem]) -> list[EvidenceItem]:
    seen: set[int] = set()
    out = []
    for item in items:
        if item.capture_id not in seen:
            seen.add(item.capture_id)
            out.append(item)
    return out


# --------------------------------------------------------------------------------------------- writing
def _copy_record(rawstore: RawStore, writer: WARCWriter, item: EvidenceItem, out: Path, n: int) -> None:
    """Read the capture back from the raw store, write it to the package WARC and as a payload file."""
    try:
        resp = rawstore.read(item.warc_file, item.warc_offset)
    except RawStoreError as exc:
        item.error = str(exc)
        return
    item.verified = sha256_hex(resp.body) == item.sha256
    if not item.verified:
        item.error = f"payload hash {sha256_hex(resp.body)} differs from the recorded {item.sha256}"
    ctype = (resp.content_type or "").split(";")[0].strip().lower()
    name = f"{n:02d}-{item.what}.{_EXT.get(ctype, 'bin')}"
    (out / "payloads" / name).write_bytes(resp.body)
    item.file = f"payloads/{name}"
    http = StatusAndHeaders(f"{resp.status} {resp.reason}".strip(), consistent_headers(resp.headers, len(resp.body)),
                            protocol=resp.protocol)
    record = writer.create_warc_record(warc_uri(resp.url or item.url), "response", payload=io.BytesIO(resp.body),
                                       length=len(resp.body), http_headers=http, warc_headers_dict={
                                           "WARC-Date": datetime_to_iso_date(item.fetched_at, use_micros=True)})
    writer.write_record(record)


def _when(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


# --------------------------------------------------------------------------------------------- statement
def statement(package: EvidencePackage) -> str:
    """The human-readable statement: the finding, the dates and what each record shows."""
    lines = [f"# Evidence: {package.unit}, annual report for {package.year}", ""]
    if not package.rows:
        lines += [f"{package.unit} owed no report for {package.year} (not listed on the platform that year, "
                  "or created / abolished outside it).", ""]
    for row in package.rows:
        lines += [f"## {row.unit_name} ({row.portal}): **{row.status}**"
                  + (f", {row.days_late} days late" if row.status == "late" else ""), "",
                  f"- Deadline: {row.deadline.isoformat()} ({row.rule}).",
                  f"- Flags: {', '.join(row.flags) if row.flags else 'none'}."]
        if not row.reports:
            lines.append(f"- No {row.report_year} annual report of {row.unit_name} was found by the archive.")
        for rep in row.reports:
            lines += ["", f"### {rep.title or rep.url}", "", f"- URL: {rep.url}",
                      f"- Claimed publication date: {_when(rep.claimed_at)} (source: {rep.claimed_source or '—'}).",
                      f"- First seen by the archive's crawler: {_when(rep.first_seen_at)}; first seen on a list "
                      f"page: {_when(rep.first_listed_at)}.",
                      f"- Date used: {_when(rep.judged_at)} ({'the claimed date' if rep.judged_source == 'claimed' else 'first seen by the crawler'})"
                      f" → {rep.status}" + (f", {rep.days_late} days late" if rep.status == "late" else "") + "."]
            if rep.backdating:
                b = rep.backdating
                lines.append(f"- {BACKDATED}: the page claims {_when(b.claimed_at)}, but the list page {b.not_listed_url} "
                             f"fetched {_when(b.not_listed_at)} did not link to it; it was first listed "
                             f"{_when(b.first_listed_at)} on {b.first_listed_url}.")
            if EDITED in rep.flags:
                lines.append(f"- {EDITED}: " + "; ".join(
                    f"content {i + 1} first seen {_when(v.first_seen_at)} (sha256 of text {v.content_hash[:12]}…)"
                    for i, v in enumerate(rep.versions)) + ".")
            if DUPLICATE in rep.flags:
                lines.append(f"- {DUPLICATE}: another, different report for the same unit and year exists "
                             "(listed in this statement).")
            if rep.removed_at:
                lines.append(f"- Removed from the portal: found gone {_when(rep.removed_at)}.")
        lines.append("")
    lines += records_table(package.items, "no archived record bears on this finding")
    return "\n".join(lines) + "\n"


def records_table(items: list[EvidenceItem], none_text: str) -> list[str]:
    """The "Records" section of a statement: each record, its hash, file, check and what it shows."""
    lines = ["## Records", "", "Fetch times are the crawler's (UTC). `sha256` is of the payload as fetched; "
             "recompute it from the file or the WARC record to verify.", "",
             "| # | what | fetched | URL | sha256 | file | verified | shows |", "|---|---|---|---|---|---|---|---|"]
    for n, item in enumerate(items, 1):
        verified = "yes" if item.verified else f"NO: {item.error}"
        lines.append(f"| {n} | {item.what} | {_when(item.fetched_at)} | {item.url} | `{item.sha256}` | "
                     f"{item.file or '—'} | {verified} | {item.shows} |")
    if not items:
        lines.append(f"| — | {none_text} | | | | | | |")
    return lines
