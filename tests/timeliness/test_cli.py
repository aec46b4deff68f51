"""The report commands end to end: a real data directory (SQLite + WARC store) and the real click CLI."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from archive.db import open_database, sqlite_url
from archive.rawstore import RawStore
from disclosure.cli import main

from .builder import ArchiveBuilder

LIST = "http://127.0.0.1:1/zfxxgk/gzzfxxgk/jtj/ndbg/index.html"
DOC = "http://127.0.0.1:1/zfxxgk/gzzfxxgk/jtj/ndbg/202201/t20220125_501.html"


@pytest.fixture
def data_dir(tmp_path, db_path):
    """A data directory with three bureaus: one backdated, one edited with a failed check, one missing."""
    assert db_path == tmp_path / "archive.sqlite3"  # where the CLI looks for it under --data-dir
    db = open_database(sqlite_url(db_path), migrate=False)
    store = RawStore(tmp_path / "warc")
    with db.session() as s:
        b = ArchiveBuilder(s, store=store)
        jtj = b.unit("青山县交通运输局", aliases=["县交通局"])
        edu = b.unit("青山县教育局")
        b.unit("青山县科学技术局")
        b.list_fetch(LIST, b.crawl("2022-01-15 08:00"), shows=[], body=b"<ul></ul>")
        b.list_fetch(LIST, b.crawl("2022-02-10 08:00"), shows=[], body="<ul><li>通知</li></ul>".encode())
        b.list_fetch(LIST, b.crawl("2022-04-01 08:00"), shows=[DOC], body=f"<ul><li>{DOC}</li></ul>".encode())
        b.report(jtj, 2021, claimed="2022-01-25 10:00", first_seen="2022-04-01 08:02", url=DOC,
                 figures={"requests.new.total": 7.0})
        b.report(edu, 2021, claimed="2022-01-20 10:00", first_seen="2022-01-21 08:00", edits=["2022-03-05 09:00"],
                 figures={"requests.new.total": 12.0}, checks={"B.column_balance.total": False})
    store.close()
    db.dispose()
    return tmp_path


def run(data_dir, *args):
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), *args], catch_exceptions=False)
    return result


def test_timeliness_table_csv_json(data_dir):
    table = run(data_dir, "timeliness", "--year", "2021")
    assert table.exit_code == 0, table.output
    assert "青山县交通运输局" in table.output
    assert "on_time 1, late 1, missing 1, pending 0, early_suspicious 0" in table.output
    assert "on-time rate 33.3% of 3 due" in table.output
    rows = list(csv.DictReader(io.StringIO(run(data_dir, "timeliness", "--year", "2021", "--format", "csv").output)))
    by_unit = {r["unit"]: r for r in rows}
    assert (by_unit["青山县交通运输局"]["status"], by_unit["青山县交通运输局"]["days_late"]) == ("late", "60")
    assert by_unit["青山县交通运输局"]["flags"] == "backdated"
    assert by_unit["青山县交通运输局"]["date_source"] == "first_seen"
    assert by_unit["青山县教育局"]["flags"] == "edited_after_publication"
    assert by_unit["青山县科学技术局"]["status"] == "missing"
    payload = json.loads(run(data_dir, "timeliness", "--year", "2021", "--format", "json").output)
    jtj = next(r for r in payload["rows"] if r["unit"] == "青山县交通运输局")
    assert jtj["reports"][0]["backdating"]["not_listed_at"] == "2022-02-10T08:01:00"
    assert payload["summary"]["counts"]["late"] == 1
    pending = run(data_dir, "timeliness", "--year", "2021", "--as-of", "2022-01-25", "--format", "csv").output
    assert {r["status"] for r in csv.DictReader(io.StringIO(pending))} == {"pending", "on_time"}


def test_timeliness_history_and_errors(data_dir):
    history = run(data_dir, "timeliness", "--unit", "县交通局", "--format", "csv")
    assert history.exit_code == 0
    assert [r["year"] for r in csv.DictReader(io.StringIO(history.output))] == ["2021"]
    unknown = run(data_dir, "timeliness", "--unit", "不存在的局")
    assert unknown.exit_code == 1 and "no unit named" in unknown.output
    assert run(data_dir, "timeliness").exit_code == 2
    assert run(data_dir, "timeliness", "--year", "2005").exit_code == 2
    assert run(data_dir, "timeliness", "--year", "2021", "--portal", "nowhere").exit_code == 1


def test_figures_checks_export(data_dir, tmp_path):
    wide = run(data_dir, "figures", "--key", "requests.new.total", "--year", "2019-2023", "--wide",
               "--format", "csv")
    assert list(csv.reader(io.StringIO(wide.output))) == [
        ["unit", "key", "2021"], ["青山县交通运输局", "requests.new.total", "7"],
        ["青山县教育局", "requests.new.total", "12"]]
    one = run(data_dir, "figures", "--key", "requests.new.total", "--publisher", "县交通局", "--format", "json")
    assert [r["value"] for r in json.loads(one.output)] == [7.0]
    assert run(data_dir, "figures", "--key", "x", "--year", "20x1").exit_code == 2
    checks = run(data_dir, "checks", "--year", "2021")
    assert "B.column_balance.total" in checks.output and "1 failed checks in 1 reports" in checks.output
    export = run(data_dir, "export", "--format", "parquet", "--out", str(tmp_path / "out"))
    assert export.exit_code == 0 and (tmp_path / "out" / "figures.parquet").is_file()
    assert "| `key` | string |" in (tmp_path / "out" / "README.md").read_text(encoding="utf-8")


def test_evidence_package_for_a_backdated_report(data_dir, tmp_path):
    out = tmp_path / "ev"
    result = run(data_dir, "evidence", "县交通局", "2021", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "late (60 days late); flags: backdated" in result.output
    with open(out / "evidence.warc.gz", "rb") as fh:
        records = [(r.rec_headers.get_header("WARC-Target-URI"), r.rec_headers.get_header("WARC-Date"),
                    r.content_stream().read()) for r in ArchiveIterator(fh)]
    assert [(u, d) for u, d, _ in records] == [
        (DOC, "2022-04-01T08:02:00Z"), (LIST, "2022-02-10T08:01:00Z"),
        (LIST, "2022-04-01T08:01:00Z")]
    assert DOC.encode() in records[2][2] and DOC.encode() not in records[1][2]
    manifest = json.loads((out / "evidence.json").read_text(encoding="utf-8"))
    for item, (_, _, body) in zip(manifest["items"], records, strict=True):
        assert item["verified"] and item["sha256"] == hashlib.sha256(body).hexdigest()
        assert (out / item["file"]).read_bytes() == body
    statement = (out / "statement.md").read_text(encoding="utf-8")
    assert "青山县交通运输局" in statement and "backdated" in statement
    assert "2022-02-10 08:01 did not link to it" in statement


def test_evidence_for_a_missing_report_and_a_damaged_store(data_dir, tmp_path):
    result = run(data_dir, "evidence", "青山县科学技术局", "2021", "--out", str(tmp_path / "m"))
    assert result.exit_code == 0 and "missing" in result.output
    assert "No 2021 annual report of 青山县科学技术局" in (tmp_path / "m" / "statement.md").read_text(encoding="utf-8")
    for warc in (data_dir / "warc").glob("*.warc.gz"):
        warc.write_bytes(b"")  # the raw store lost its files: the package says so and the command fails
    broken = run(data_dir, "evidence", "青山县交通运输局", "2021", "--out", str(tmp_path / "b"))
    assert broken.exit_code == 1 and "error: capture" in broken.output
    assert "NO: " in (tmp_path / "b" / "statement.md").read_text(encoding="utf-8")


def test_csv_on_stdout_is_safe_to_open_in_a_spreadsheet(tmp_path, db_path):
    """CSV printed by a report command neutralises formula-like text as `export` does; numbers stay numbers."""
    db = open_database(sqlite_url(db_path), migrate=False)
    with db.session() as s:
        b = ArchiveBuilder(s, store=None)
        unit = b.unit('=HYPERLINK("http://example.org/","点击")')
        b.report(unit, 2021, claimed="2022-01-20 10:00", first_seen="2022-01-21 08:00",
                 figures={"requests.new.total": -3.0})
    db.dispose()
    result = run(tmp_path, "figures", "--key", "requests.new.total", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows, result.output
    assert rows[0]["unit"] == '\'=HYPERLINK("http://example.org/","点击")'
    assert rows[0]["value"] in ("-3", "-3.0")
