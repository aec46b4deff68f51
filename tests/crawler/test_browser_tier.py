"""The browser tier (crawler/browser.py) against the replica's JS challenge and script-rendered lists.

Real crawls in a worker process, Debian's Chromium driven by scrapy-playwright, the replica on loopback. One crawl
with the tier on reads everything; the plain tier alone ends ``blocked``; a challenge no browser passes ends in
``challenge_unsolved`` after a bounded number of visits.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.db import open_database, sqlite_url
from archive.models import Capture, CrawlRun
from archive.rawstore import RawStore
from crawler.browser import ChallengeJar
from crawler.challenge import is_challenge, is_js_shell
from crawler.profiles import ProfileError, parse_profile
from crawler.run import EXIT_BY_STATUS, run_crawl
from crawler.urls import canonical_url
from disclosure.commands.status import _format
from disclosure.config import PolitenessConfig
from disclosure.health import portal_health
from disclosure.replica import browser_only
from disclosure.replica.server import ReplicaServer

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and os.environ.get("CI"):
    raise RuntimeError("Chromium is required for the browser tests in CI (.ci/run installs Debian's chromium)")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")

UNIT = "mzzjj"  # a TRS bureau without planted trouble: 18 reports, 16 notices, two list pages per column
FAST = PolitenessConfig(download_delay=0.0, autothrottle=False, concurrent_requests_per_host=16,
                        concurrent_requests_per_ip=16, retry_times=1, download_timeout=20.0)
PROFILE = browser_only.unit_profile(UNIT)


def _crawl(tmp_path: Path, server: ReplicaServer, profile_text: str, **settings):
    profile = tmp_path / "profile.toml"
    profile.write_text(profile_text, encoding="utf-8")
    db_url = sqlite_url(tmp_path / "archive.sqlite3")
    summary = run_crawl(str(profile), database_url=db_url, warc_dir=tmp_path / "warc", jobs_dir=tmp_path / "jobs",
                        base_url=server.base_url, politeness=FAST, progress=False, settings=settings)
    return summary, db_url


def _captures(db_url: str) -> list[Capture]:
    db = open_database(db_url)
    try:
        with db.session() as s:
            return list(s.execute(select(Capture)).scalars())
    finally:
        db.dispose()


@pytest.mark.browser
@needs_chromium
def test_browser_tier_passes_the_challenge_and_renders_script_lists(replica_site, tmp_path):
    with ReplicaServer(replica_site, challenge=True, js_units=[UNIT]) as server:
        summary, db_url = _crawl(tmp_path, server, PROFILE)
        manifest = server.manifest()
        log = server.request_log
    assert summary.status == "ok", summary.render()
    captures = _captures(db_url)
    ok = {c.url for c in captures if c.status == 200}
    docs = [d for d in manifest.documents if d.unit == UNIT]
    wanted = [d.urls[0] for d in docs] + [a.url for d in docs for a in d.attachments]
    assert len(docs) == 34 and [u for u in wanted if canonical_url(u) not in ok] == []  # 100 % recall
    # One browser visit passed the challenge; its cookie let the plain tier fetch everything else.
    assert [r.path for r in log if r.status == 412] == [f"/zfxxgk/gzzfxxgk/{UNIT}/index.html"] * 2
    assert summary.pages_by_tier["browser"] == 5  # the challenged page, two pages of each script-rendered column
    # Plain pages: the documents and files, plus the body images and the first pages of the columns read for
    # inspection (issues 15 and 20), all on the challenge's cookie.
    body_images = {u for d in docs for u in d.body_images}
    assert len(wanted) + len(body_images) <= summary.pages_by_tier["plain"] <= len(wanted) + len(body_images) + 15
    assert summary.browser_visits == 5
    assert "by tier: plain" in summary.render()
    # What the browser saw: the rendered DOM, marked with the browser, and the JSON its scripts loaded.
    rendered = [c for c in captures if c.rendered_by]
    assert len(rendered) == 5 and all(c.rendered_by.startswith("chromium ") for c in rendered)
    lists = sorted(c.url.rsplit("/", 2)[-2] + "/" + c.url.rsplit("/", 1)[-1] for c in rendered if c.role == "list")
    assert lists == ["ndbg/index.html", "ndbg/index.html?page=2", "tzgg/index.html", "tzgg/index.html?page=2"]
    api = [c for c in captures if "list.json" in c.url]
    assert len(api) == 4 and {c.role for c in api} == {"list"} and not any(c.rendered_by for c in api)
    assert all(c.content_type.startswith("application/json") and c.parent_url for c in api)
    page = RawStore(tmp_path / "warc").read(rendered[0].warc_file, rendered[0].warc_offset)
    assert page.rendered_by == rendered[0].rendered_by and b"<html" in page.body
    report = next(c for c in rendered if c.url.endswith("ndbg/index.html"))
    body = RawStore(tmp_path / "warc").read(report.warc_file, report.warc_offset).body.decode("utf-8")
    assert "正在加载" not in body and body.count('class="date">20') == 15  # rows the script drew
    db = open_database(db_url)
    with db.session() as s:
        stats = s.execute(select(CrawlRun.stats)).scalar()
        health = portal_health(s, f"js-{UNIT}", expected_interval_hours=24)
    db.dispose()
    assert stats["disclosure/tier/browser"] == 5 and stats["disclosure/browser/solved"] == 1
    assert stats["disclosure/browser/peak_rss_bytes"] > 50 * 2**20  # Chromium's memory is measured
    # `disclosure status` counts the pages of each tier.
    plain = summary.pages_by_tier["plain"]
    assert health.pages_by_tier == {"plain": plain, "browser": 5}
    assert f"plain tier {plain}, browser tier 5" in "\n".join(_format(health))


def test_plain_tier_alone_is_blocked_by_the_challenge(replica_site, tmp_path):
    with ReplicaServer(replica_site, challenge=True, js_units=[UNIT]) as server:
        summary, db_url = _crawl(tmp_path, server, PROFILE, DISCLOSURE_BROWSER="never")
        log = server.request_log
    assert summary.status == "blocked" and EXIT_BY_STATUS[summary.status] == 4, summary.render()
    assert summary.errors == {"waf": 1} and _captures(db_url) == []
    assert Counter(r.status for r in log) == {200: 1, 412: 1}  # robots.txt, then the challenge: nothing more


@pytest.mark.browser
@needs_chromium
def test_an_unsolvable_challenge_ends_after_bounded_visits(replica, tmp_path):
    """青山县's WAF page never lets anyone in: one browser visit (one round), then challenge_unsolved, blocked."""
    walled = ('name = "walled"\nbase_url = "http://127.0.0.1"\nallowed_domains = ["127.0.0.1"]\n'
              'start_paths = ["/zfxxgk/fdzdgknr/index.html"]\ndetail_patterns = [\'/t\\d{8}_\\d+\\.html$\']\n'
              'browser = "auto"\n')
    summary, db_url = _crawl(tmp_path, replica, walled, DISCLOSURE_BROWSER_MAX_ROUNDS=1)
    assert summary.status == "blocked" and EXIT_BY_STATUS[summary.status] == 4, summary.render()
    assert summary.errors == {"challenge_unsolved": 1} and _captures(db_url) == []
    assert "could not pass" in summary.message
    hits = [r for r in replica.request_log if r.path.startswith("/zfxxgk/fdzdgknr/")]
    assert 2 <= len(hits) <= 4  # the plain request, then one visit's few reloads: never a storm


def test_challenge_and_shell_detection():
    challenge = browser_only.challenge_body()
    assert is_challenge(412, challenge) and is_challenge(200, challenge)  # 412, or the $_ts script anywhere
    assert is_challenge(521, b"<script>document.cookie='__jsl_clearance=1';location.reload()</script>")
    assert not is_challenge(412, b"<html><body>Precondition failed</body></html>")
    assert not is_challenge(404, b"<html><body><script>var a=1;</script><a href='/'>home</a></body></html>")
    assert not is_challenge(200, b"<html><script>document.cookie='x=1'</script>" + b"<p>text</p>" * 2000)
    shell = b'<html><head><title>t</title></head><body><div id="app">loading</div><script>h="<a href=x>"</script>'
    assert is_js_shell(200, "text/html; charset=utf-8", shell)
    assert not is_js_shell(200, "application/json", shell) and not is_js_shell(404, None, shell)
    assert not is_js_shell(200, None, shell.replace(b"loading", b'<a href="/x">x</a>'))
    assert not is_js_shell(200, None, shell.replace(b"loading", "正文内容".encode() * 60))


def test_challenge_jar_keeps_live_cookies_per_host():
    jar = ChallengeJar()
    jar.store("gov.example.cn", [{"name": "a", "value": "1", "domain": ".example.cn", "expires": 100.0},
                                 {"name": "b", "value": "2", "domain": "gov.example.cn", "expires": -1},
                                 {"name": "c", "value": "3", "domain": "other.cn", "expires": -1}])
    assert jar.header("gov.example.cn", now=50.0) == "a=1; b=2"
    assert jar.header("gov.example.cn", now=150.0) == "b=2"  # an expired cookie is not sent
    assert jar.header("other.cn") is None
    jar.drop("gov.example.cn")
    assert jar.header("gov.example.cn") is None


def test_replica_challenge_and_script_lists_without_a_browser(replica_site):
    import httpx

    with ReplicaServer(replica_site, challenge=True, js_units=[UNIT]) as server:
        base = server.base_url + f"/zfxxgk/gzzfxxgk/{UNIT}"
        with httpx.Client() as client:
            assert client.get(server.base_url + "/robots.txt").status_code == 200
            gate = client.get(base + "/ndbg/index.html")
            assert gate.status_code == 412 and b"$_ts" in gate.content and len(gate.content) < 1024
        jar = {browser_only.CLEARANCE_COOKIE: browser_only.clearance_value()}
        with httpx.Client(cookies=jar) as client:
            shell = client.get(base + "/ndbg/index.html")
            assert shell.status_code == 200 and is_js_shell(200, shell.headers["content-type"], shell.content)
            rows = [client.get(base + f"/ndbg/list.json?page={n}").json() for n in (1, 2)]
            assert rows[0]["pages"] == 2 and rows[0]["total"] == 18 and len(rows[0]["rows"]) + len(rows[1]["rows"]) == 18
            assert client.get(base + "/ndbg/index_1.html").status_code == 404
    with pytest.raises(ValueError):
        ReplicaServer(replica_site, js_units=["kjj"])  # a Hanweb unit: not a TRS column


def test_profile_browser_fields():
    base = {"name": "x", "base_url": "http://x.cn", "detail_patterns": ["/t"]}
    assert parse_profile(base).browser == "never"
    profile = parse_profile({**base, "browser": "auto", "browser_paths": ["/vue/"]})
    assert profile.renders_in_browser("http://x.cn/vue/list.html") and not profile.renders_in_browser("http://x.cn/a")
    with pytest.raises(ProfileError, match="browser must be one of"):
        parse_profile({**base, "browser": "sometimes"})
    with pytest.raises(ProfileError, match="regular expression"):
        parse_profile({**base, "browser_paths": ["("]})


def test_no_ordinary_replica_page_looks_like_a_challenge_or_a_shell(replica_site, mixed_site):
    """With browser = "auto", pages the plain tier reads never go to the browser: no hub, platform or list page of
    either county is a challenge, and none is a shell the profile's list drivers do not read (gkmlpt and Anhui
    shells are read from their APIs in the plain tier; API answers are never judged)."""
    from crawler.profiles import resolve_profile
    from disclosure.replica.plan import NOW
    from disclosure.replica.site import Request

    for site, name in ((replica_site, "replica"), (mixed_site, "baihe")):
        profile = resolve_profile(name, "http://127.0.0.1:1")
        paths = {"/", "/zfxxgk/index.html", "/zfxxgk/fdzdgknr/index.html", *site.list_paths(NOW), *site.family_pages,
                 *(site.platform_path(u) for u in site.units)}
        judged = []
        for path in sorted(paths):
            r = site.handle(Request("GET", "127.0.0.1:1", path), NOW)
            shell = is_js_shell(r.status, r.content_type, r.body) and not profile.list_apis_for(
                "http://127.0.0.1:1" + path, r.body.decode("utf-8", "replace"))
            judged.append((path, is_challenge(r.status, r.body), shell))
        assert [p for p, challenge, _ in judged if challenge] == ["/zfxxgk/fdzdgknr/index.html"]  # the planted WAF
        assert [p for p, _, shell in judged if shell] == ([] if name == "replica" else ["/site/label/8888"])
