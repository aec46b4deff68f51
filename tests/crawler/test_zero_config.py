"""Crawling with no profile at all, drafting a profile from the portal, and checking a profile.

Real crawls of the replica (Scrapy worker, loopback HTTP, SQLite, WARC). ``disclosure crawl URL`` must find every
document, attachment and list page of the manifest with nothing but the URL; ``disclosure profile draft URL``
must write a profile that finds the same; ``disclosure profile check`` must pass a right profile and fail one
that misses units' lists.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from archive.models import Capture
from crawler.run import run_crawl
from crawler.urls import canonical_url
from tests.crawler.conftest import FAST, Archive
from tests.run.helpers import run_cli


def _captures(arch: Archive) -> dict[str, Capture]:
    with arch.db().session() as s:
        return {c.url: c for c in s.execute(select(Capture)).scalars()}


def _crawl(arch: Archive, profile: str, base_url: str | None = None):
    return run_crawl(profile, database_url=arch.database_url, warc_dir=arch.warc_dir, jobs_dir=arch.jobs_dir,
                     politeness=FAST, base_url=base_url, progress=False, settings={"RETRY_BACKOFF_BASE": 0.1})


def _missing(manifest, captured) -> dict[str, list[str]]:
    docs = [u for d in manifest.documents for u in d.urls]
    files = [a.url for d in manifest.documents for a in d.attachments]
    return {"documents": [u for u in docs if canonical_url(u) not in captured],
            "attachments": [u for u in files if canonical_url(u) not in captured],
            "lists": [u for u in manifest.list_urls if canonical_url(u) not in captured]}


@pytest.fixture(scope="module")
def zero_crawl(module_replica, tmp_path_factory):
    """One crawl of the replica with nothing but its URL."""
    arch = Archive(tmp_path_factory.mktemp("zero"))
    summary = _crawl(arch, module_replica.base_url + "/")
    return arch, summary


def test_no_profile_finds_every_document_attachment_and_list(zero_crawl, module_replica):
    arch, summary = zero_crawl
    manifest = module_replica.manifest()
    assert summary.status == "ok", summary.render()
    captured = _captures(arch)
    assert _missing(manifest, captured) == {"documents": [], "attachments": [], "lists": []}
    # Bounded: nothing a profile crawl would not request (the traps of the replica stay closed).
    assert summary.requests <= len(manifest.list_urls) + sum(1 + len(d.attachments) + len(d.urls) - 1
                                                             for d in manifest.documents) + 80
    # Every bureau's and township's documents carry their unit, found on the platform's unit directory.
    units = {u.code: u for u in manifest.units}
    wrong = [(d.urls[0], captured[canonical_url(d.urls[0])].unit_hint) for d in manifest.documents
             if units[d.unit].kind != "county_government"
             and captured[canonical_url(d.urls[0])].unit_hint != units[d.unit].name]
    assert wrong == []


def _config(tmp_path: Path) -> Path:
    cfg = tmp_path / "disclosure.toml"
    cfg.write_text(f'data_dir = "{tmp_path / "data"}"\n[politeness]\ndownload_delay = 0.0\nautothrottle = false\n'
                   "concurrent_requests_per_host = 16\nconcurrent_requests_per_ip = 16\n", encoding="utf-8")
    return cfg


def test_a_drafted_profile_finds_what_zero_configuration_finds(zero_crawl, module_replica, tmp_path):
    arch, _summary = zero_crawl
    cfg = _config(tmp_path)
    draft = tmp_path / "drafted.toml"
    result = run_cli(["--config", str(cfg), "profile", "draft", module_replica.base_url + "/", "--out", str(draft)],
                     cwd=tmp_path)
    assert result.code == 0, result.stderr
    text = draft.read_text(encoding="utf-8")
    assert "families = ['hanweb', 'trs']" in text and "unit_list_paths" in text
    assert "#   hanweb: jpage script" in text  # every choice says what it was inferred from
    drafted = Archive(tmp_path / "drafted")
    summary = _crawl(drafted, str(draft))
    assert summary.status == "ok", summary.render()
    mine = {u for u, c in _captures(drafted).items() if c.role in ("document", "attachment")}
    zero = {u for u, c in _captures(arch).items() if c.role in ("document", "attachment")}
    assert mine == zero and _missing(module_replica.manifest(), mine)["documents"] == []

    check = run_cli(["--config", str(cfg), "profile", "check", str(draft)], cwd=tmp_path)
    assert check.code == 0 and "profile check: ok" in check.stdout, check.stdout + check.stderr


def test_profile_check_fails_a_profile_that_misses_lists(module_replica, tmp_path):
    from crawler.profiles import PROFILES_DIR

    # The replica profile without its notice column rule: every unit's notice list goes unread.
    text = (PROFILES_DIR / "replica.toml").read_text(encoding="utf-8")
    start = text.rindex("[[columns]]", 0, text.index('kind = "notice"'))
    broken = text[:start] + text[text.index("[[columns]]", start + 1):]
    broken = broken.replace('name = "replica"', 'name = "replica-broken"')
    assert "通知公告" not in broken
    profile = tmp_path / "broken.toml"
    profile.write_text(broken, encoding="utf-8")
    cfg = _config(tmp_path)
    check = run_cli(["--config", str(cfg), "profile", "check", str(profile), "--base-url", module_replica.base_url],
                    cwd=tmp_path)
    assert check.code == 1, check.stdout + check.stderr
    assert "fewer first-page entries" in check.stdout and "profile check: FAILED" in check.stdout
