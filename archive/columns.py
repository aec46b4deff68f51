"""Column kinds for website inspection, decided from a column's name and URL (docs/inspection.md).

The national inspection rules (shared/domain/README.md §7) give each kind of column its own period:
动态/要闻 (``news``) two weeks, 通知公告/政策文件 (``notice``) six months, 人事/规划计划 (``personnel_planning``)
longer, set by provinces; annual-report columns (``annual_report``) once a year; everything else (``other``)
is only checked for being empty. A site profile may override the kind of a column (``inspection_kinds``).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

KINDS = ("news", "notice", "personnel_planning", "annual_report", "other")
HOME = "home"  # the site's or a unit's home page, recorded for reachability only

# Name keywords per kind, checked in this order (年度报告 before 报告-like words, 规划计划 before 计划 in 通知).
_NAME_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("annual_report", ("年报", "年度报告")),
    ("personnel_planning", ("人事", "任免", "招录", "招聘", "规划", "计划")),
    ("notice", ("通知", "公告", "公示", "政策", "文件", "法规", "规章", "解读")),
    ("news", ("动态", "要闻", "新闻", "工作进展", "快讯", "简讯", "资讯")),
)
# URL path segments (pinyin initials) per kind.
_URL_SLUGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("annual_report", ("ndbg", "zfxxgknb", "xxgknb", "gknb")),
    ("personnel_planning", ("rsxx", "rsrm", "rmxx", "ghjh", "fzgh", "jhzj", "zkzp")),
    ("notice", ("tzgg", "gsgg", "tzgs", "zcwj", "gfxwj", "zcfg", "zcjd", "wjtz")),
    ("news", ("gzdt", "zwdt", "bmdt", "xzdt", "xwzx", "qsyw", "ywdt", "tpxw", "xwdt", "jryw", "yw", "dt")),
)
# Words that make a short link text read as a column name on a hub page (beyond the kinds above).
_OTHER_WORDS = ("信息", "公开", "财政", "预决算", "预算", "决算", "统计", "数据", "建议", "提案", "采购", "招标",
                "项目", "应急", "督查", "审计", "专题", "专栏", "工作", "服务", "办事", "指南", "目录", "机构",
                "职能", "领导", "标准", "清单", "救助", "扶贫", "振兴", "环保", "安全", "教育", "卫生", "民生")
MAX_NAME = 14  # column names are short; a longer link text is a document title


def column_kind(name: str | None, url: str) -> tuple[str, str]:
    """(kind, what decided it: "name" | "url" | "default") for a column called ``name`` at ``url``."""
    text = name or ""
    for kind, words in _NAME_WORDS:
        if any(w in text for w in words):
            return kind, "name"
    segments = [s.lower() for s in urlsplit(url).path.split("/") if s]
    for kind, slugs in _URL_SLUGS:
        if any(s in slugs for s in segments):
            return kind, "url"
    return "other", "default"


def looks_like_column(name: str | None) -> bool:
    """True when a link text reads like a column's name (short, with a column word)."""
    text = (name or "").strip()
    if not text or len(text) > MAX_NAME:
        return False
    return any(w in text for _k, words in _NAME_WORDS for w in words) or any(w in text for w in _OTHER_WORDS)


_PAGED = re.compile(r"/index_\d+(\.s?html?)$")


def column_url(url: str) -> str:
    """The column a list page belongs to: a numbered page (``index_3.html``) is its column's ``index.html``."""
    return _PAGED.sub(r"/index\1", url)
