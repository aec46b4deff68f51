"""The crawler as plain Scrapy and under Scrapyd, as docs/scheduling.md documents them.

- ``scrapy crawl portal -a profile=replica -a base_url=…`` applies the profile's politeness (as ``disclosure
  crawl`` does) and ``-O items.jsonl`` exports every item;
- the documented deployment for real: scrapyd on loopback, ``scrapyd-deploy -p disclosure`` from a copy of the
  project (its scrapy.cfg pointed at the test's port), a crawl of the replica scheduled over HTTP, captures in
  the archive.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import func, select

from archive.db import open_database, sqlite_url
from archive.models import Capture

from .helpers import REPO

BIN = Path(sys.executable).parent
PAGES = "150"  # enough to see the crawl work, quick under Scrapyd


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _captures(db_path: Path) -> int:
    db = open_database(sqlite_url(db_path), migrate=False)
    try:
        with db.session() as s:
            return s.scalar(select(func.count(Capture.id)))
    finally:
        db.dispose()


def test_plain_scrapy_crawl_uses_the_profile_politeness_and_exports_items(replica, tmp_path):
    items = tmp_path / "items.jsonl"
    proc = subprocess.run(
        [str(BIN / "scrapy"), "crawl", "portal", "-a", "profile=replica", "-a", f"base_url={replica.base_url}",
         "-O", str(items), "-s", f"DISCLOSURE_DATABASE_URL={sqlite_url(tmp_path / 'a.sqlite3')}",
         "-s", f"DISCLOSURE_WARC_DIR={tmp_path / 'warc'}", "-s", f"CLOSESPIDER_PAGECOUNT={PAGES}"],
        cwd=REPO, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr and "Error serializing" not in proc.stderr, proc.stderr[-3000:]
    # the replica profile's [politeness] (16 per host, no autothrottle, no delay) replaced the polite defaults
    overridden = proc.stderr[proc.stderr.index("Overridden settings"):]
    overridden = overridden[:overridden.index("}")]
    assert "'CONCURRENT_REQUESTS_PER_DOMAIN': 16" in overridden, overridden
    assert "AUTOTHROTTLE_ENABLED" not in overridden and "DOWNLOAD_DELAY" not in overridden, overridden
    rows = [json.loads(line) for line in items.read_text(encoding="utf-8").splitlines()]
    captures = [r for r in rows if "body" in r]
    assert len(captures) >= _captures(tmp_path / "a.sqlite3") > 50
    assert all(set(r["body"]) == {"size", "sha256"} for r in captures)


def test_scrapyd_deploy_and_schedule_as_documented(replica, tmp_path):
    port = _free_port()
    project = tmp_path / "project"
    project.mkdir()
    for name in ("crawler", "archive", "search", "disclosure"):
        shutil.copytree(REPO / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, project / name)
    cfg = (REPO / "scrapy.cfg").read_text(encoding="utf-8")
    assert "url = http://127.0.0.1:6800/" in cfg and "project = disclosure" in cfg
    (project / "scrapy.cfg").write_text(cfg.replace(":6800/", f":{port}/"), encoding="utf-8")
    home = tmp_path / "scrapyd"
    home.mkdir()
    (home / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\npoll_interval = 0.5\n"
        f"eggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\ndbs_dir = {home / 'dbs'}\n", encoding="utf-8")
    server = subprocess.Popen([str(BIN / "scrapyd"), "--nodaemon", "--pidfile="], cwd=home,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/daemonstatus.json", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        deploy = subprocess.run([str(BIN / "scrapyd-deploy"), "-p", "disclosure"], cwd=project,
                                capture_output=True, text=True, timeout=120)
        assert deploy.returncode == 0, deploy.stdout + deploy.stderr
        assert json.loads(deploy.stdout)["status"] == "ok", deploy.stdout
        assert httpx.get(f"{base}/listspiders.json", params={"project": "disclosure"}).json()["spiders"] == ["portal"]
        db_path = tmp_path / "archive.sqlite3"
        job = httpx.post(f"{base}/schedule.json", data={
            "project": "disclosure", "spider": "portal", "profile": "replica", "base_url": replica.base_url,
            "setting": [f"DISCLOSURE_DATABASE_URL={sqlite_url(db_path)}", f"DISCLOSURE_WARC_DIR={tmp_path / 'warc'}",
                        f"CLOSESPIDER_PAGECOUNT={PAGES}"]}).json()
        assert job["status"] == "ok", job
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            jobs = httpx.get(f"{base}/listjobs.json", params={"project": "disclosure"}).json()
            if any(j["id"] == job["jobid"] for j in jobs["finished"]):
                break
            time.sleep(0.5)
        else:
            raise AssertionError(f"the scheduled crawl did not finish: {jobs}")
        log = next((home / "logs").rglob(f"{job['jobid']}.log")).read_text(encoding="utf-8")
        assert "Traceback" not in log and "'finish_reason': 'closespider_pagecount'" in log, log[-3000:]
        assert _captures(db_path) > 50
    finally:
        server.terminate()
        server.wait(timeout=20)
