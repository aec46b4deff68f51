"""Column kinds from names and URLs, and a profile's override (pure: no crawl)."""

from __future__ import annotations

import pytest

from archive.columns import column_kind, column_url, looks_like_column
from crawler.profiles import ProfileError, parse_profile


@pytest.mark.parametrize(("name", "url", "kind"), [
    ("工作动态", "http://x/a/gzdt/index.html", "news"),
    ("青山要闻", "http://x/xwzx/qsyw/", "news"),
    ("通知公告", "http://x/tzgg/index.html", "notice"),
    ("政策文件", "http://x/zcwj/index.html", "notice"),
    ("人事信息", "http://x/rsxx/index.html", "personnel_planning"),
    ("规划计划", "http://x/ghjh/index.html", "personnel_planning"),
    ("政府信息公开年报", "http://x/ndbg/index.html", "annual_report"),
    ("建议提案办理", "http://x/jyta/index.html", "other"),
    (None, "http://x/col/col1/gzdt/index.html", "news"),  # no name: the URL's slug
])
def test_kind_from_name_then_url(name, url, kind):
    assert column_kind(name, url)[0] == kind


def test_column_words_and_paged_urls():
    assert looks_like_column("部门动态") and looks_like_column("财政预决算")
    assert not looks_like_column("首页") and not looks_like_column("关于开展2024年度安全生产大检查工作的通知公告全文")
    assert column_url("http://x/a/tzgg/index_3.html") == "http://x/a/tzgg/index.html"


def test_profile_overrides_a_kind():
    base = {"name": "p", "base_url": "http://x", "detail_patterns": ["/t\\d+\\.html$"]}
    profile = parse_profile({**base, "inspection_kinds": [
        {"kind": "news", "link_text": ["信息公开"], "url_patterns": ["/xxgk/"]}]})
    assert profile.inspection_kind("http://x/xxgk/index.html", "政府信息") == ("news", "profile")
    assert profile.inspection_kind("http://x/tzgg/index.html", "通知公告") == ("notice", "name")
    with pytest.raises(ProfileError, match="unknown inspection kinds"):
        parse_profile({**base, "inspection_kinds": [{"kind": "weekly"}]})
