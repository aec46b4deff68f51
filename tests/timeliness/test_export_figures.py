"""Figures across units and years, failed checks, and exports that load in pandas with the documented dtypes."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re

import pandas as pd
import pytest

from archive.checks_query import failed_checks
from archive.export import EXPORT_FORMATS, LOADER_SNIPPET, TABLES, export_all
from archive.figures_query import figure_rows, parse_years, wide_table
from archive.timeliness import store_timeliness, timeliness_report

# Hand-written figures of two bureaus over two years (the 2021 one edited: only its current version counts).
FIGURES = {
    ("青山县教育局", 2020): {"requests.new.total": 14.0, "requests.carried_in.total": 2.0, "active.fees.amount": None},
    ("青山县教育局", 2021): {"requests.new.total": 9.0, "requests.carried_in.total": 0.0, "active.fees.amount": 1.5},
    ("青山县民政局", 2021): {"requests.new.total": 31.0, "requests.carried_in.total": 4.0, "active.fees.amount": 0.0},
}


@pytest.fixture
def filled(build, session):
    edu = build.unit("青山县教育局", aliases=["县教育局"])
    civ = build.unit("青山县民政局")
    build.report(edu, 2020, claimed="2021-01-20", first_seen="2021-01-21", figures=FIGURES[("青山县教育局", 2020)],
                 checks={"B.column_balance.total": True})
    build.report(edu, 2021, claimed="2022-01-20", first_seen="2022-01-21", edits=["2022-02-20"],
                 figures=FIGURES[("青山县教育局", 2021)],
                 checks={"B.column_balance.total": False, "C.review.total": True})
    build.report(civ, 2021, claimed="2022-02-03", first_seen="2022-02-04", figures=FIGURES[("青山县民政局", 2021)],
                 checks={"B.row_total.new": False})
    store_timeliness(session, timeliness_report(session, 2021, as_of=dt.date(2022, 3, 1)).rows)
    session.commit()
    return session


def test_figure_rows_tidy_and_wide(filled):
    rows = figure_rows(filled, "requests.new.total")
    assert [(r.unit, r.report_year, r.value) for r in rows] == [
        ("青山县教育局", 2020, 14.0), ("青山县教育局", 2021, 9.0), ("青山县民政局", 2021, 31.0)]
    # an edited report contributes its current version only, once
    assert len({r.version_id for r in rows}) == 3
    only = figure_rows(filled, "requests.*", years=parse_years("2021"), publishers=["县教育局"])
    assert {(r.key, r.value) for r in only} == {("requests.new.total", 9.0), ("requests.carried_in.total", 0.0)}
    wide = wide_table(rows)
    assert wide.years == [2020, 2021]
    assert wide.rows == [("青山县教育局", "requests.new.total", [14.0, 9.0]),
                         ("青山县民政局", "requests.new.total", [None, 31.0])]
    blank = figure_rows(filled, "active.fees.amount", years=(2020, 2020))
    assert [(r.value, r.raw) for r in blank] == [(None, "")]
    with pytest.raises(ValueError):
        parse_years("2023-2019")


def test_failed_checks_per_unit_and_year(filled):
    fails = failed_checks(filled, 2021)
    assert [(c.unit, c.report_year, c.rule) for c in fails] == [
        ("青山县教育局", 2021, "B.column_balance.total"), ("青山县民政局", 2021, "B.row_total.new")]
    assert failed_checks(filled, 2020) == []


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_export_loads_in_pandas_with_documented_dtypes(filled, tmp_path, fmt):
    result = export_all(filled, tmp_path / fmt, fmt)
    assert result.rows["figures"] == 9 and result.rows["documents"] == 3 and result.rows["units"] == 2
    assert result.rows["timeliness"] == 2
    namespace: dict = {}
    exec(LOADER_SNIPPET, namespace)  # the loader printed in the export's README
    readme = (tmp_path / fmt / "README.md").read_text(encoding="utf-8")
    assert LOADER_SNIPPET.strip() in readme
    for table in TABLES:
        df = namespace["load"](tmp_path / fmt, table.name, fmt)
        assert list(df.columns) == [c.name for c in table.columns]
        for col in table.columns:
            expected = "datetime64[ns]" if col.dtype == "date" else col.dtype
            assert str(df[col.name].dtype) == expected, (table.name, col.name, df[col.name].dtype)
            assert f"| `{col.name}` | {col.dtype} |" in readme
    figures = namespace["load"](tmp_path / fmt, "figures", fmt)
    got = {(u, int(y), k): (None if pd.isna(v) else v)
           for u, y, k, v in figures[["unit", "report_year", "key", "value"]].itertuples(index=False)}
    assert got == {(u, y, k): v for (u, y), figs in FIGURES.items() for k, v in figs.items()}
    docs = namespace["load"](tmp_path / fmt, "documents", fmt)
    edited = docs[docs["report_year"] == 2021].sort_values("document_id")
    assert list(edited["versions"]) == [2, 1]
    assert edited["claimed_published_at"].iloc[1] == pd.Timestamp("2022-02-03")
    timeliness = namespace["load"](tmp_path / fmt, "timeliness", fmt).sort_values("unit")
    assert list(timeliness["status"]) == ["on_time", "late"] and list(timeliness["days_late"]) == [0, 3]
    assert list(timeliness["flags"].fillna("")) == ["edited_after_publication", ""]


def test_csv_export_is_safe_to_open_in_a_spreadsheet(build, session, tmp_path):
    """UTF-8 with a BOM (Excel, Chinese locale too), formula-like text cells neutralised (numbers untouched), the
    encoding stated in the data dictionary, whose Markdown tables stay tables (``|`` escaped)."""
    unit = build.unit("@青山县教育局")
    doc = build.report(unit, 2021, claimed="2022-01-20", first_seen="2022-01-21",
                       figures={"requests.new.total": -3.0})
    doc.title = '=HYPERLINK("http://example.org/","点击")'
    session.commit()
    export_all(session, tmp_path, "csv")
    raw = (tmp_path / "documents.csv").read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    text_columns = {t.name: {c.name for c in t.columns if c.dtype == "string"} for t in TABLES}
    for table in ("units", "documents", "figures"):
        with open(tmp_path / f"{table}.csv", encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                for name, cell in row.items():
                    if name in text_columns[table]:
                        assert not cell.startswith(("=", "+", "-", "@")), (table, name, cell)
                    elif name == "value":
                        assert cell == "-3.0"  # a number is written as it is
    namespace: dict = {}
    exec(LOADER_SNIPPET, namespace)
    docs = namespace["load"](tmp_path, "documents", "csv")
    assert list(docs["title"]) == [doc.title] and list(docs["unit"]) == ["@青山县教育局"]
    assert list(namespace["load"](tmp_path, "figures", "csv")["raw"]) == ["-3"]
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "UTF-8 with a byte-order mark" in readme and "utf-8-sig" in readme
    rows = [line for line in readme.splitlines() if line.startswith("| `")]
    assert rows and all(len(re.findall(r"(?<!\\)\|", line)) == 4 for line in rows), rows
