"""Tidy tables for researchers: units, documents, sections, figures, checks, timeliness as CSV / Parquet / JSON.

Every table is declared once (:data:`TABLES`: columns with pandas dtype, Arrow type and meaning); the
writers, ``schema.json`` and the README data dictionary are all generated from that declaration, so the
documentation cannot drift from the files. Rows are streamed in batches: an archive of any size exports in
bounded memory. Sections, figures and checks are those of each document's current version.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from archive.csvcell import CSV_FORMULA_NOTE, formula_safe
from archive.models import (
    CheckResult,
    Document,
    Figure,
    Portal,
    Section,
    TimelinessSnapshot,
    Unit,
    Version,
)

EXPORT_FORMATS = ("csv", "parquet", "json")
_BATCH = 5000

# pandas dtype → Arrow type (nullable integers and strings keep their nulls in every format)
_ARROW = {"Int64": pa.int64(), "float64": pa.float64(), "string": pa.string(), "boolean": pa.bool_(),
          "datetime64[ns]": pa.timestamp("us"), "date": pa.date32()}


@dataclass(frozen=True)
class ExportColumn:
    """One column: its name, pandas dtype (``Int64`` … ``datetime64[ns]``, or ``date``) and meaning."""

    name: str
    dtype: str
    meaning: str


@dataclass(frozen=True)
class ExportTable:
    """A table: its columns and the query producing its rows in column order."""

    name: str
    description: str
    columns: tuple[ExportColumn, ...]
    query: Callable[[], Select]
    convert: Callable[[tuple], tuple] = field(default=lambda row: tuple(row))


def _c(name: str, dtype: str, meaning: str) -> ExportColumn:
    return ExportColumn(name, dtype, meaning)


def _current_version_count() -> Any:
    return (select(func.count(Version.id)).where(Version.document_id == Document.id)
            .correlate(Document).scalar_subquery())


TABLES: tuple[ExportTable, ...] = (
    ExportTable("units", "Publishers on each portal (county government, bureaus, townships).", (
        _c("unit_id", "Int64", "unit identifier (joins documents.unit_id)"),
        _c("portal", "string", "site profile of the portal"),
        _c("name", "string", "full name, e.g. 青山县教育局"),
        _c("kind", "string", "county_government | bureau | township | other"),
        _c("aliases", "string", "short names, separated by |"),
        _c("created_year", "Int64", "first report year it owes (null: always existed)"),
        _c("abolished_year", "Int64", "last report year it owes (null: still exists)"),
        _c("first_listed_at", "datetime64[ns]", "first crawl that saw it on the platform's unit list (UTC)"),
        _c("last_listed_at", "datetime64[ns]", "last crawl that saw it on the unit list (UTC)"),
        _c("predecessor_id", "Int64", "unit_id of the unit it replaced"),
    ), lambda: select(Unit.id, Portal.profile, Unit.name, Unit.kind, Unit.aliases, Unit.created_year,
                      Unit.abolished_year, Unit.first_listed_at, Unit.last_listed_at, Unit.predecessor_id)
        .join(Portal, Portal.id == Unit.portal_id).order_by(Unit.id),
        lambda r: (r[0], r[1], r[2], r[3], "|".join(r[4] or []), *r[5:])),
    ExportTable("documents", "Every archived document (annual reports, notices, other documents).", (
        _c("document_id", "Int64", "document identifier"),
        _c("portal", "string", "site profile of the portal"),
        _c("kind", "string", "annual_report | notice | document"),
        _c("unit_id", "Int64", "publishing unit (joins units.unit_id); null when unmatched"),
        _c("unit", "string", "publishing unit's full name"),
        _c("publisher", "string", "publisher as stated on the page"),
        _c("report_year", "Int64", "year an annual report covers"),
        _c("title", "string", "title"),
        _c("index_number", "string", "索引号"),
        _c("doc_number", "string", "文号"),
        _c("claimed_published_at", "datetime64[ns]", "publication date the page claims (China time)"),
        _c("claimed_date_source", "string", "where that date came from: meta_tag | visible_line | url | list_page …"),
        _c("url", "string", "canonical URL"),
        _c("first_seen_at", "datetime64[ns]", "first capture by the crawler (UTC)"),
        _c("last_seen_at", "datetime64[ns]", "last capture by the crawler (UTC)"),
        _c("removed_at", "datetime64[ns]", "when the crawler found it gone (null: still online)"),
        _c("versions", "Int64", "number of distinct contents seen (more than 1: edited)"),
        _c("format", "string", "statistics format: 2021 | 2019 | pre2019 (current version)"),
        _c("source_kind", "string", "html | pdf | docx | doc | xls | xlsx | txt (current version)"),
        _c("tables_as_images", "boolean", "the statistics tables are published only as images"),
        _c("ocr", "boolean", "the current version's text (and figures) was read by OCR from a scan"),
    ), lambda: select(Document.id, Portal.profile, Document.kind, Document.unit_id, Unit.name, Document.publisher,
                      Document.report_year, Document.title, Document.index_number, Document.doc_number,
                      Document.claimed_published_at, Document.claimed_date_source, Document.canonical_url,
                      Document.first_seen_at, Document.last_seen_at, Document.removed_at,
                      _current_version_count(), Version.format, Version.source_kind, Version.tables_as_images,
                      Version.ocr)
        .outerjoin(Portal, Portal.id == Document.portal_id).outerjoin(Unit, Unit.id == Document.unit_id)
        .outerjoin(Version, Version.id == Document.current_version_id).order_by(Document.id)),
    ExportTable("sections", "The six sections of each annual report (current version), heading as written.", (
        _c("document_id", "Int64", "joins documents.document_id"),
        _c("version_id", "Int64", "version the text comes from"),
        _c("number", "Int64", "canonical section number 1–6"),
        _c("heading", "string", "heading as written"),
        _c("text", "string", "section text (tables excluded)"),
    ), lambda: select(Document.id, Section.version_id, Section.number, Section.heading, Section.text)
        .join(Section, Section.version_id == Document.current_version_id).order_by(Document.id, Section.number)),
    ExportTable("figures", "Statistics figures under canonical keys (current version), one per row.", (
        _c("document_id", "Int64", "joins documents.document_id"),
        _c("version_id", "Int64", "version the figure comes from"),
        _c("unit_id", "Int64", "joins units.unit_id"),
        _c("unit", "string", "unit's full name"),
        _c("report_year", "Int64", "year the report covers"),
        _c("key", "string", "canonical key, e.g. requests.new.total (docs: domain reference §3)"),
        _c("value", "float64", "the number; null when the cell was blank, / or —"),
        _c("raw", "string", "the cell text as published"),
        _c("measure", "string", "unit of measure (万元, 元); null for counts"),
        _c("table", "string", "A | B | C | text | local"),
    ), lambda: select(Document.id, Figure.version_id, Document.unit_id, Unit.name, Document.report_year,
                      Figure.key, Figure.value, Figure.raw, Figure.unit, Figure.table)
        .join(Figure, Figure.version_id == Document.current_version_id)
        .outerjoin(Unit, Unit.id == Document.unit_id).order_by(Document.id, Figure.key)),
    ExportTable("checks", "Consistency checks of each report (current version); ok false = failed.", (
        _c("document_id", "Int64", "joins documents.document_id"),
        _c("version_id", "Int64", "version checked"),
        _c("unit_id", "Int64", "joins units.unit_id"),
        _c("unit", "string", "unit's full name"),
        _c("report_year", "Int64", "year the report covers"),
        _c("rule", "string", "rule name, e.g. B.column_balance.total (docs/architecture.md)"),
        _c("ok", "boolean", "true when the figures agree"),
        _c("detail", "string", "what disagreed"),
    ), lambda: select(Document.id, CheckResult.version_id, Document.unit_id, Unit.name, Document.report_year,
                      CheckResult.rule, CheckResult.ok, CheckResult.detail)
        .join(CheckResult, CheckResult.version_id == Document.current_version_id)
        .outerjoin(Unit, Unit.id == Document.unit_id).order_by(Document.id, CheckResult.rule)),
    ExportTable("timeliness", "Last computed timeliness status per unit and report year (docs/timeliness.md).", (
        _c("unit_id", "Int64", "joins units.unit_id"),
        _c("unit", "string", "unit's full name"),
        _c("report_year", "Int64", "year the report covers"),
        _c("status", "string", "on_time | late | missing | pending | early_suspicious"),
        _c("deadline", "date", "legal deadline"),
        _c("days_late", "Int64", "days after the deadline (late only; 0 when on time)"),
        _c("flags", "string", "edited_after_publication | backdated | duplicate, separated by |"),
        _c("document_id", "Int64", "the report judged (joins documents.document_id)"),
        _c("computed_at", "datetime64[ns]", "when the status was computed (UTC)"),
    ), lambda: select(TimelinessSnapshot.unit_id, Unit.name, TimelinessSnapshot.report_year,
                      TimelinessSnapshot.status, TimelinessSnapshot.deadline, TimelinessSnapshot.days_late,
                      TimelinessSnapshot.flags, TimelinessSnapshot.document_id, TimelinessSnapshot.computed_at)
        .join(Unit, Unit.id == TimelinessSnapshot.unit_id)
        .order_by(TimelinessSnapshot.report_year, TimelinessSnapshot.unit_id),
        lambda r: (*r[:6], "|".join(r[6] or []), *r[7:])),
)

# The loader the README documents; tests run exactly this text.
LOADER_SNIPPET = '''\
import json
from pathlib import Path

import pandas as pd


def load(export_dir, table, fmt="csv"):
    """Load one exported table with its documented dtypes."""
    export_dir = Path(export_dir)
    dtypes = json.loads((export_dir / "schema.json").read_text(encoding="utf-8"))["tables"][table]
    times = [c for c, t in dtypes.items() if t in ("datetime64[ns]", "date")]
    other = {c: t for c, t in dtypes.items() if c not in times}
    if fmt == "csv":
        df = pd.read_csv(export_dir / f"{table}.csv", dtype=other, keep_default_na=False, na_values=[""],
                         encoding="utf-8-sig")
        for c, t in other.items():  # undo the apostrophe that keeps spreadsheets from running =, +, -, @ cells
            if t == "string":
                df[c] = df[c].str.replace(r"^'", "", regex=True)
    elif fmt == "parquet":
        df = pd.read_parquet(export_dir / f"{table}.parquet")
    else:
        df = pd.DataFrame(json.loads((export_dir / f"{table}.json").read_text(encoding="utf-8")),
                          columns=list(dtypes))
    df = df.astype(other)
    for c in times:
        df[c] = pd.to_datetime(df[c]).astype("datetime64[ns]")
    return df
'''


@dataclass
class ExportResult:
    """What an export wrote: files and row counts per table."""

    out_dir: Path
    fmt: str
    rows: dict[str, int]
    files: list[Path]


def export_all(session: Session, out_dir: str | Path, fmt: str = "csv",
               tables: Iterable[str] | None = None) -> ExportResult:
    """Write every table (or ``tables``) as ``fmt`` into ``out_dir``, plus schema.json and README.md."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(EXPORT_FORMATS)})")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    chosen = [t for t in TABLES if tables is None or t.name in set(tables)]
    counts: dict[str, int] = {}
    files: list[Path] = []
    for table in chosen:
        path = out / f"{table.name}.{fmt}"
        batches = _batches(session, table)
        counts[table.name] = {"csv": _write_csv, "parquet": _write_parquet, "json": _write_json}[fmt](
            path, table, batches)
        files.append(path)
    schema = {"format": fmt, "exported_at": dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds"),
              "tables": {t.name: {c.name: c.dtype for c in t.columns} for t in chosen}, "rows": counts}
    (out / "schema.json").write_text(json.dumps(schema, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "README.md").write_text(data_dictionary(chosen, fmt, counts), encoding="utf-8")
    files += [out / "schema.json", out / "README.md"]
    return ExportResult(out, fmt, counts, files)


def data_dictionary(tables: Iterable[ExportTable] = TABLES, fmt: str = "csv",
                    counts: dict[str, int] | None = None) -> str:
    """The README of an export: every table's columns with dtype and meaning, and how to load them."""
    lines = ["# County disclosure archive: data export", "",
             f"Format: {fmt}. One file per table; `schema.json` holds the pandas dtype of every column.",
             "Times are naive: crawl times (first_seen_at, …) are UTC; dates claimed by a page are China time.",
             "Empty CSV fields are nulls. Sections, figures and checks are those of each document's current",
             "version. Join tables on the *_id columns.", ""]
    if fmt == "csv":
        lines += [f"Encoding: {CSV_ENCODING_NOTE}", "", f"Spreadsheet safety: {CSV_FORMULA_NOTE}", ""]
    else:
        lines += ["Encoding: UTF-8.", ""]
    for table in tables:
        rows = f" ({counts[table.name]} rows)" if counts and table.name in counts else ""
        lines += [f"## {table.name}.{fmt}{rows}", "", table.description, "",
                  "| column | dtype | meaning |", "|---|---|---|"]
        lines += [f"| `{_md(c.name)}` | {_md(c.dtype)} | {_md(c.meaning)} |" for c in table.columns]
        lines.append("")
    lines += ["## Loading with pandas", "", "```python", LOADER_SNIPPET.rstrip(), "",
              'figures = load(".", "figures", "' + fmt + '")', "```", ""]
    return "\n".join(lines)


def _md(text: str) -> str:
    """A Markdown table cell: ``|`` escaped, no line breaks."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


# --------------------------------------------------------------------------------------------- writers
# Excel (a Chinese-locale one reads BOM-less CSV as GBK) needs the byte-order mark to see UTF-8; pandas,
# DuckDB and Python's csv module (encoding="utf-8-sig") read it too.
CSV_ENCODING = "utf-8-sig"
CSV_ENCODING_NOTE = ("CSV files are UTF-8 with a byte-order mark (BOM), so Excel, in a Chinese locale too, "
                     "opens them without mojibake; read them as `utf-8-sig` (pandas and DuckDB skip the BOM).")
def _batches(session: Session, table: ExportTable) -> Iterator[list[tuple]]:
    result = session.execute(table.query().execution_options(yield_per=_BATCH))
    for part in result.partitions(_BATCH):
        yield [table.convert(tuple(r)) for r in part]


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _json_value(value)


def _csv_text(value: Any) -> Any:
    """A text cell as written to CSV: one ``'`` in front of what a spreadsheet would run as a formula."""
    if isinstance(value, str):
        return formula_safe(value)
    return _csv_value(value)


def _write_csv(path: Path, table: ExportTable, batches: Iterable[list[tuple]]) -> int:
    n = 0
    writers = [_csv_text if c.dtype == "string" else _csv_value for c in table.columns]
    with open(path, "w", encoding=CSV_ENCODING, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.name for c in table.columns])
        for batch in batches:
            writer.writerows([w(v) for w, v in zip(writers, row, strict=True)] for row in batch)
            n += len(batch)
    return n


def _write_json(path: Path, table: ExportTable, batches: Iterable[list[tuple]]) -> int:
    names = [c.name for c in table.columns]
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("[")
        for batch in batches:
            for row in batch:
                fh.write(("," if n else "") + "\n" + json.dumps(
                    {k: _json_value(v) for k, v in zip(names, row, strict=True)}, ensure_ascii=False))
                n += 1
        fh.write("\n]\n")
    return n


def _write_parquet(path: Path, table: ExportTable, batches: Iterable[list[tuple]]) -> int:
    schema = pa.schema([(c.name, _ARROW[c.dtype]) for c in table.columns])
    n = 0
    with pq.ParquetWriter(path, schema) as writer:
        for batch in batches:
            columns = list(zip(*batch, strict=True)) if batch else [[] for _ in table.columns]
            writer.write_table(pa.table([pa.array(list(col), type=f.type) for col, f in zip(columns, schema,
                                                                                            strict=True)],
                                        schema=schema))
            n += len(batch)
        if n == 0:
            writer.write_table(schema.empty_table())
    return n
