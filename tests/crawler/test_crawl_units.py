"""Pure parts of the crawler on small saved pages (URLs, encodings, dialect readers, profiles, policy),
and the WAF-blocked crawl against the real replica."""

from __future__ import annotations

import datetime as dt

import pytest
from parsel import Selector

from archive.db import sqlite_url
from crawler.dialects import hanweb, trs
from crawler.dialects.common import entries_from_html, iso_date
from crawler.encoding import decode_page
from crawler.profiles import ProfileError, available_profiles, parse_profile, resolve_profile
from crawler.run import EXIT_BY_STATUS, explicit_politeness, politeness_settings, politeness_values, run_crawl
from crawler.state import decide
from crawler.urls import canonical_url, is_wap_twin
from disclosure.config import PolitenessConfig, load_config

TRS_LIST = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"></head><body>
<ul class="list">
<li><a href="./202202/t20220215_143001.html" title="青山县民政局2021年政府信息公开工作年度报告">青山县民政局2021年…</a>
<span>2022-02-15</span></li>
<li><a href="./202101/t20210120_142001_wap.html">2020年度报告</a><span>2021年1月20日</span></li>
<li><a href="/calendar/?month=2022-03">日历</a></li>
</ul><script>createPageHTML(4, 0, "index", "html");</script></body></html>"""


def test_canonical_urls():
    assert canonical_url("http://H/a/t20220215_1_wap.html#top") == "http://h/a/t20220215_1.html"
    assert canonical_url("http://h/a/t1.html;jsessionid=3F22DD") == "http://h/a/t1.html"
    assert canonical_url("http://h/d.jsp?classid=0&sid=ab12&filename=x.pdf") == "http://h/d.jsp?classid=0&filename=x.pdf"
    assert is_wap_twin("http://h/a/t1_wap.html") and not is_wap_twin("http://h/a/t1.html")


def test_gbk_declared_and_misdeclared_pages_decode():
    text = "青山县统计局2021年政府信息公开工作年度报告"
    page = f"<html><head><meta charset='gb2312'></head><body>{text}</body></html>".encode("gb18030")
    assert text in decode_page(page, "text/html; charset=gb2312")[0]
    assert decode_page(page, "text/html; charset=gb2312")[1] == "gb18030"
    # Declared UTF-8 in the header, really GBK: still decoded right.
    assert text in decode_page(page, "text/html; charset=utf-8")[0]
    # Declared GBK, really UTF-8.
    utf = f"<html><head><meta charset='gbk'></head><body>{text}</body></html>".encode()
    assert text in decode_page(utf, None)[0]


def test_trs_list_entries_and_paging():
    profile = resolve_profile("replica", "http://127.0.0.1:9")
    base = "http://127.0.0.1:9/zfxxgk/gzzfxxgk/mzj/ndbg/index.html"
    entries = entries_from_html(Selector(text=TRS_LIST), base, lambda u: profile.is_detail(canonical_url(u)))
    assert [(e.title, e.date) for e in entries] == [
        ("青山县民政局2021年政府信息公开工作年度报告", "2022-02-15"), ("2020年度报告", "2021-01-20")]
    assert trs.page_count(TRS_LIST) == (4, 0, "index", "html")
    assert trs.page_urls(base, 4) == [base.replace("index.html", f"index_{n}.html") for n in (1, 2, 3)]
    assert trs.page_urls(base, 1000, limit=5)[-1].endswith("index_4.html")
    assert iso_date("发布时间：2024/4/6 16:40") == "2024-04-06" and iso_date("no date") is None


def test_hanweb_column_form_and_dataproxy():
    page = ("<script>$('#x').jpage({perPage: 15, proxyUrl: '/module/web/jpage/dataproxy.jsp', "
            "ajaxParam: {col: 1, columnid: 10112, unitid: 'ab12cd34', webname: '青山县人民政府'}});</script>")
    form = hanweb.column_form(page, "http://h/col/col10112/index.html")
    assert form["columnid"] == "10112" and form["unitid"] == "ab12cd34"
    assert hanweb.column_form("<p>no script</p>", "http://h/col/col77/index.html") == {"columnid": "77"}
    assert hanweb.dataproxy_url("http://h", "/module/web/jpage/dataproxy.jsp", "77", 46, 15) == (
        "http://h/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15&columnid=77")
    xml = ('<?xml version="1.0" encoding="utf-8"?><datastore><recordset><record><![CDATA[\n<li><a href="/art/2024/1/30/'
           'art_77_5.html" title="通知">通知</a><span>2024-01-30</span></li>\n]]></record></recordset>'
           '<totalrecord>61</totalrecord></datastore>').encode()
    total, snippets = hanweb.parse_dataproxy(xml)
    assert total == 61 and len(snippets) == 1
    entries = entries_from_html(snippets[0], "http://h/col/col77/index.html", lambda u: "/art/" in u)
    assert [(e.url, e.date) for e in entries] == [("http://h/art/2024/1/30/art_77_5.html", "2024-01-30")]


def test_profiles_load_and_validate():
    names = [p.name for p in available_profiles()]
    assert {"replica", "gaotai"} <= set(names)
    gaotai = resolve_profile("gaotai")
    assert gaotai.is_detail("http://www.gaotai.gov.cn/zfxxgk/gzzfxxgk/mzj/ndbg/202201/t20220120_123.html")
    assert gaotai.is_allowed_host("http://www.gaotai.gov.cn/") and not gaotai.is_allowed_host("http://localhost/")
    moved = resolve_profile("replica", "http://127.0.0.1:4321")
    assert moved.allowed_domains == ["127.0.0.1"] and moved.start_urls == ["http://127.0.0.1:4321/"]
    with pytest.raises(ProfileError):
        resolve_profile("no-such-county")
    with pytest.raises(ProfileError):
        parse_profile({"name": "x", "base_url": "http://x", "detail_patterns": ["(unclosed"]})
    with pytest.raises(ProfileError):
        parse_profile({"name": "x", "base_url": "http://x", "detail_patterns": ["t"], "dialect": "wordpress"})


def test_profile_politeness_applies_where_the_configuration_keeps_defaults(tmp_path):
    replica, gaotai = resolve_profile("replica"), resolve_profile("gaotai")
    cfg_file = tmp_path / "disclosure.toml"
    cfg_file.write_text("[politeness]\ndownload_delay = 0.25\n", encoding="utf-8")  # the default, set on purpose
    cfg = load_config(cfg_file, environ={})
    fast = politeness_settings(politeness_values(PolitenessConfig(), replica, explicit=()))
    assert (fast["DOWNLOAD_DELAY"], fast["AUTOTHROTTLE_ENABLED"], fast["CONCURRENT_REQUESTS_PER_DOMAIN"]) == (0.0, False, 16)
    assert fast["CONCURRENT_REQUESTS"] == 16 and fast["RETRY_TIMES"] == PolitenessConfig().retry_times
    mine = politeness_settings(politeness_values(cfg.politeness, replica, explicit_politeness(cfg.sources)))
    assert (mine["DOWNLOAD_DELAY"], mine["AUTOTHROTTLE_ENABLED"]) == (0.25, False)  # the user's key wins
    polite = politeness_settings(politeness_values(PolitenessConfig(), gaotai, explicit=()))
    assert (polite["DOWNLOAD_DELAY"], polite["AUTOTHROTTLE_ENABLED"], polite["CONCURRENT_REQUESTS_PER_DOMAIN"]) == (
        0.25, True, 4)
    # Without the sources, a value differing from the default counts as the user's.
    guessed = politeness_values(PolitenessConfig(download_delay=1.0), replica)
    assert (guessed["download_delay"], guessed["autothrottle"]) == (1.0, False)
    with pytest.raises(ProfileError):
        parse_profile({"name": "x", "base_url": "http://x", "detail_patterns": ["t"], "politeness": {"delay": 0}})


def test_incremental_policy():
    now = dt.datetime(2026, 3, 1)

    class FS:  # the two fields the policy reads
        last_fetched_at = now - dt.timedelta(days=3)

    assert decide(None, listing_changed=False, unfinished=False, now=now, revalidate_after_days=30).reason == "new"
    fresh = decide(FS(), listing_changed=False, unfinished=False, now=now, revalidate_after_days=30)
    assert not fresh.fetch
    changed = decide(FS(), listing_changed=True, unfinished=False, now=now, revalidate_after_days=30)
    assert changed.fetch and changed.conditional
    old = decide(FS(), listing_changed=False, unfinished=False, now=now, revalidate_after_days=2)
    assert old.fetch and old.conditional and old.reason == "revalidate"
    assert decide(FS(), listing_changed=False, unfinished=True, now=now, revalidate_after_days=30).conditional is False


def test_portal_behind_a_waf_ends_blocked(replica, tmp_path):
    profile = tmp_path / "walled.toml"
    profile.write_text('name = "walled"\nbase_url = "http://127.0.0.1"\nallowed_domains = ["127.0.0.1"]\n'
                       'start_paths = ["/zfxxgk/fdzdgknr/index.html"]\ndetail_patterns = [\'/t\\d{8}_\\d+\\.html$\']\n',
                       encoding="utf-8")
    summary = run_crawl(str(profile), database_url=sqlite_url(tmp_path / "a.sqlite3"), warc_dir=tmp_path / "warc",
                        jobs_dir=tmp_path / "jobs", base_url=replica.base_url, progress=False,
                        politeness=PolitenessConfig(download_delay=0.0, autothrottle=False))
    assert summary.status == "blocked" and EXIT_BY_STATUS[summary.status] == 4
    assert summary.errors == {"waf": 1} and summary.new_captures == 0
    assert "WAF" in summary.message
