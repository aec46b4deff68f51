"""Website inspection end to end (issue 20): the replica crawled across its time, findings and verdicts exact.

One crawl series (module scope) feeds every test: 2026-04-20, 2026-06-10 (a bureau's platform is down) and
2026-07-15. The expected findings come from the replica's manifest (each column's newest entry at each date, its
outages), never from the code under test.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from warcio.archiveiterator import ArchiveIterator

from archive.inspection import inspect_portals
from archive.inspection_evidence import write_inspection_evidence
from archive.inspection_rules import Thresholds
from archive.rawstore import RawStore
from disclosure.config import load_config
from disclosure.replica import columns as planted
from disclosure.replica.manifest import Manifest
from disclosure.replica.server import ReplicaServer
from disclosure.web.app import create_app
from tests.crawler.conftest import Archive
from tests.run.helpers import run_cli

RUNS = ("2026-04-20", "2026-06-10", "2026-07-15")
PERIODS = {"news": 14, "notice": 183, "personnel_planning": 365, "annual_report": 456}
FINDING = {"news": "stale_news", "notice": "stale_notice", "personnel_planning": "stale_long",
           "annual_report": "stale_long"}


@dataclass
class Series:
    archive: Archive
    server: ReplicaServer
    manifests: dict[str, Manifest]
    logs: dict[str, list]


@pytest.fixture(scope="module")
def series(replica_site, tmp_path_factory) -> Series:
    server = ReplicaServer(replica_site).start()
    arch = Archive(tmp_path_factory.mktemp("inspection"))
    manifests, logs = {}, {}
    try:
        for day in RUNS:
            server.set_as_of(day)
            server.reset_log()
            # A replayed clock: the archive records the replica's date; no revalidation between the runs.
            arch.crawl(server, settings={"DISCLOSURE_CLOCK": f"{day}T00:00", "DISCLOSURE_REVALIDATE_AFTER_DAYS": 3650})
            manifests[day] = server.manifest(day)
            logs[day] = server.request_log
        yield Series(arch, server, manifests, logs)
    finally:
        server.stop()


def _down(m: Manifest, unit: str | None, day: str) -> bool:
    return any(o.unit == unit and o.start <= day < o.end for o in m.outages)


def expected(s: Series, upto: str) -> tuple[set[tuple[str, str]], int, int, int]:
    """(url, finding) pairs, columns checked, runs and failed runs as of ``upto`` (a run date), from the manifests."""
    days = [d for d in RUNS if d <= upto]
    last = s.manifests[days[-1]]
    findings, checked = set(), 0
    for col in last.columns:
        seen = [(d, next(c for c in s.manifests[d].columns if c.url == col.url)) for d in days
                if not _down(s.manifests[d], col.unit, d) and any(c.url == col.url for c in s.manifests[d].columns)]
        if not seen:
            continue
        checked += 1
        day, state = seen[-1]
        if all(c.newest_entry is None for _d, c in seen):
            findings.add((col.url, "empty"))
            continue
        period = PERIODS.get(col.kind)
        if period and state.newest_entry and (dt.date.fromisoformat(day)
                                              - dt.date.fromisoformat(state.newest_entry)).days > period:
            findings.add((col.url, FINDING[col.kind]))
    failed = sum(1 for d in days if any(_down(s.manifests[d], o.unit, d) for o in s.manifests[d].outages))
    return findings, checked, len(days), failed


@pytest.mark.parametrize("day", RUNS)
def test_findings_and_verdicts_as_planted(series, day):
    with series.archive.db().session() as session:
        [result] = inspect_portals(session, "replica", dt.date.fromisoformat(day))
    want, checked, runs, failed = expected(series, day)
    got = {(f.url, f.finding) for f in result.findings}
    assert got == want
    assert (result.columns, result.runs, result.failed_runs) == (checked, runs, failed)
    # The planted columns, by name: the five bureaus' 工作动态 go stale two weeks after 2026-05-08, 乡镇动态 after
    # 2026-06-20; empty columns open on 2026-04-01 (three) and 2026-07-01 (two more); the platform is down 2026-06-10.
    base = series.server.base_url
    stale_news = {urlsplit(u).path for u, f in got if f == "stale_news"}
    bureaus = {f"/zfxxgk/gzzfxxgk/{c}/gzdt/index.html" for c in planted.STALE_NEWS_UNITS}
    assert stale_news == {"2026-04-20": set(), "2026-06-10": bureaus,
                          "2026-07-15": bureaus | {"/xwzx/xzdt/index.html"}}[day]
    assert len([u for u, f in got if f == "empty"]) == {"2026-04-20": 3, "2026-06-10": 3, "2026-07-15": 5}[day]
    assert (base + "/zfxxgk/zcwj/index.html", "stale_notice") in got
    assert result.failed_rules == {"2026-04-20": ["stale_columns"], "2026-06-10": ["unreachable", "stale_columns"],
                                   "2026-07-15": ["unreachable", "stale_columns", "empty_columns"]}[day]
    assert result.verdict == "不合格" and result.deciding_rule == result.failed_rules[0]
    outage = next(u for u in result.units if u.unit == "青山县应急管理局")
    assert outage.failed_runs == (0 if day == "2026-04-20" else 1)


def test_province_thresholds_change_the_verdict(series):
    lenient = Thresholds(notice_days=4000, annual_report_days=4000, personnel_planning_days=4000)
    with series.archive.db().session() as session:
        [first] = inspect_portals(session, "replica", dt.date(2026, 4, 20), lenient)
        [strict] = inspect_portals(session, "replica", dt.date(2026, 4, 20), Thresholds(empty_columns=3))
    assert first.verdict == "合格" and first.failed_rules == []
    assert "empty_columns" in strict.failed_rules


def test_observed_columns_cost_one_request_each_and_entries_are_not_fetched(series):
    for day in RUNS[1:]:
        paths = [r.path for r in series.logs[day]]
        m = series.manifests[day]
        for col in (c for c in m.columns if c.planted or c.kind == "news"):
            if _down(m, col.unit, day):
                continue
            folder = urlsplit(col.url).path.rsplit("/", 1)[0] + "/"
            assert [p for p in paths if p.startswith(folder)] == [folder + "index.html"], (day, col.url)


def test_evidence_package_shows_each_finding(series, tmp_path):
    with series.archive.db().session() as session:
        results = inspect_portals(session, "replica", dt.date(2026, 7, 15))
    store = RawStore(series.archive.warc_dir)
    try:
        package = write_inspection_evidence(series.archive.db(), store, results, tmp_path / "ev")
    finally:
        store.close()
    assert package.ok and package.items
    bodies = {}
    with open(tmp_path / "ev" / "evidence.warc.gz", "rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type == "response":
                bodies[rec.rec_headers.get_header("WARC-Target-URI")] = rec.content_stream().read().decode("utf-8",
                                                                                                            "replace")
    for f in results[0].findings:
        body = bodies[f.url]
        dates = re.findall(r"<span>(\d{4}-\d{2}-\d{2})</span>", body)
        if f.finding == "empty":
            assert dates == []
        elif f.url.endswith("index.html") and "/col/col" not in f.url:  # a TRS list shows its entries' dates
            assert max(dates) == f.newest_entry.isoformat()
    outage = [i for i in package.items if i.what == "unreachable"]
    assert outage and all("yjglj" in i.url for i in outage)
    data = json.loads((tmp_path / "ev" / "evidence.json").read_text(encoding="utf-8"))
    assert data["portals"][0]["verdict"] == "不合格"
    assert "不合格" in (tmp_path / "ev" / "statement.md").read_text(encoding="utf-8")


def test_cli_config_status_and_web(series, tmp_path):
    data = series.archive.root
    cfg = tmp_path / "disclosure.toml"
    cfg.write_text(f'data_dir = "{data}"\n[inspection]\nnotice_days = 4000\nannual_report_days = 4000\n'
                   "personnel_planning_days = 4000\n", encoding="utf-8")
    ok = run_cli(["--config", str(cfg), "inspect", "--as-of", "2026-04-20", "--format", "json", "--check"])
    assert ok.code == 0, ok.stderr
    assert ok.json()[0]["verdict"] == "合格"
    bad = run_cli(["--config", str(cfg), "inspect", "--portal", "replica", "--check"])  # latest: 2026-07-15, stored
    assert bad.code == 3 and "不合格 (deciding rule: unreachable)" in bad.stdout
    status = run_cli(["--config", str(cfg), "status", "--json"])
    assert status.json()[0]["inspection"]["verdict"] == "不合格"
    assert run_cli(["--config", str(cfg), "inspect", "--portal", "nope"]).code == 1
    broken = tmp_path / "broken.toml"
    broken.write_text("[inspection]\nnews_days = 0\n", encoding="utf-8")
    res = run_cli(["--config", str(broken), "inspect"])
    assert res.code == 6 and "inspection.news_days" in res.stderr and "Traceback" not in res.stderr
    client = TestClient(create_app(load_config(cfg, environ={})))
    page = client.get("/inspection/replica")
    assert page.status_code == 200 and "不合格" in page.text and "2026Q3" in page.text and "2026Q2" in page.text
    csv_rows = client.get("/inspection/replica.csv").text.lstrip("\ufeff").splitlines()
    assert len(csv_rows) > 1 and csv_rows[0].startswith("portal,unit,column")
    assert client.get("/inspection/nope").status_code == 404
