"""A relative ``--data-dir`` means one directory for every part of a crawl (issue 14 item 6, issue 17 item 10).

The crawl's worker process runs in another working directory; before paths were resolved up front, a
relative data dir put the WARC files and the lock under the source tree and the database under the
command's directory, and the next ingest failed every capture while exiting 0.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from crawler.profiles import PROFILES_DIR
from disclosure.config import load_config

from .helpers import REPO, run_cli

QUICK = "[politeness]\ndownload_delay = 0\nautothrottle = false\ndownload_timeout = 10\nretry_times = 1\n"


def test_relative_data_dir_from_another_directory(tmp_path: Path, replica) -> None:
    work = tmp_path / "elsewhere"
    work.mkdir()
    (work / "disclosure.toml").write_text(QUICK, encoding="utf-8")  # found as ./disclosure.toml
    repo_before = {p.name for p in REPO.iterdir()}

    crawl = run_cli(["--data-dir", "rel-data", "crawl", "replica", "--base-url", replica.base_url,
                     "--max-pages", "40"], cwd=work)
    assert crawl.code == 0, crawl.stderr
    data = work / "rel-data"
    assert list((data / "warc").glob("*.warc.gz")), "WARC files are not under the data dir"
    assert (data / "jobs" / "replica.lock").exists(), "the crawl lock is not under the data dir"
    assert (data / "archive.sqlite3").is_file()
    assert {p.name for p in REPO.iterdir()} == repo_before, "the crawl wrote into the source tree"

    ingest = run_cli(["--data-dir", "rel-data", "ingest"], cwd=work)
    assert ingest.code == 0, ingest.stderr
    parsed = int(ingest.stdout.split(" parsed", 1)[0].replace(",", ""))
    assert parsed > 0 and " 0 failed" in ingest.stdout, ingest.stdout


def test_relative_profile_file(tmp_path: Path, replica) -> None:
    """A profile file named relative to the command's directory is found by the worker too."""
    (tmp_path / "disclosure.toml").write_text(QUICK, encoding="utf-8")
    shutil.copy(PROFILES_DIR / "replica.toml", tmp_path / "mine.toml")
    crawl = run_cli(["--data-dir", "d", "crawl", "mine.toml", "--base-url", replica.base_url, "--max-pages", "5"],
                    cwd=tmp_path)
    assert crawl.code == 0, (crawl.stdout, crawl.stderr)
    assert list((tmp_path / "d" / "warc").glob("*.warc.gz"))


def test_ingest_fails_when_nothing_can_be_read(tmp_path: Path, replica) -> None:
    data = tmp_path / "data"
    (tmp_path / "disclosure.toml").write_text(QUICK, encoding="utf-8")
    crawl = run_cli(["--data-dir", str(data), "crawl", "replica", "--base-url", replica.base_url,
                     "--max-pages", "25"], cwd=tmp_path)
    assert crawl.code == 0, crawl.stderr
    shutil.rmtree(data / "warc")  # every capture's record is gone

    ingest = run_cli(["--data-dir", str(data), "ingest"], cwd=tmp_path)
    assert ingest.code == 1, (ingest.stdout, ingest.stderr)
    last = ingest.stderr.strip().splitlines()[-1]
    assert last.startswith("ingest failed: all ") and "nothing could be read" in last, ingest.stderr


def test_every_configured_path_is_absolute(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    cfg = load_config(None, {"data_dir": Path("d"), "warc_dir": Path("w"), "index_dir": Path("i"),
                             "log_file": Path("l.log"), "database_url": "sqlite:///db/a.sqlite3"}, environ={})
    assert cfg.data_dir == tmp_path.resolve() / "d"
    assert cfg.warc_dir == tmp_path.resolve() / "w" and cfg.index_dir == tmp_path.resolve() / "i"
    assert cfg.log_file == tmp_path.resolve() / "l.log"
    assert cfg.database_url == f"sqlite:///{tmp_path.resolve() / 'db' / 'a.sqlite3'}"
    assert cfg.jobs_dir.is_absolute()
    # other databases and in-memory SQLite are left as they are
    for url in ("sqlite://", "sqlite:///:memory:", "postgresql://u:p@h/db"):
        assert load_config(None, {"database_url": url}, environ={}).database_url == url
