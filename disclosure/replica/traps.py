"""Navigation pages and planted trouble: robots, WAF, traps, redirects, broken links, external hosts.

``plant`` picks (deterministically) which documents carry per-document trouble; ``handle`` answers the
special paths before normal routing; ``navigation_page`` renders home and platform pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote

from disclosure.replica import pages
from disclosure.replica.pages import ListEntry

if TYPE_CHECKING:
    from disclosure.replica.site import Request, Response, Site

ROBOTS = "User-agent: *\nDisallow: /private/\n"
PRIVATE_PATH = "/private/index.html"
WAF_DIR = "/zfxxgk/fdzdgknr/"
WAF_PATH = WAF_DIR + "index.html"
CALENDAR_START = "/calendar/?month=2022-03"
EXTERNAL_PATH = "/external/index.html"
REAL_EXTERNAL = ["http://www.gov.cn/", "https://www.gansu.gov.cn/"]
SLOW_SECONDS = 2.0
WAF_BODY = ("<html><head><meta charset=\"utf-8\"></head><body><script>"
            "var _0x1a=['cookie','challenge'];document.cookie='__jsl_clearance=1700000000.123|0|abc';"
            "setTimeout(function(){location.reload();},1500);</script></body></html>")
BROKEN = {"unit": "mzj", "column": "tzgg", "date": "2020-06-01", "docid": 99999,
          "title": "青山县民政局关于开展2020年度社会组织年检工作的通知"}
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass
class Specials:
    """Which documents carry planted per-document behaviour."""

    redirect_from: str = ""  # old path answering 301
    redirect_doc: str = ""  # doc id it points at
    error_once_doc: str = ""  # canonical URL fails with 500 on the first request
    slow_doc: str = ""  # canonical URL answers after SLOW_SECONDS
    session_docs: list[str] = field(default_factory=list)  # linked with ;jsessionid= and ?sid= from home
    error_once_paths: set[str] = field(default_factory=set)
    slow_paths: dict[str, float] = field(default_factory=dict)

    def broken_path(self, site: Site) -> str:
        unit = site.unit_by_code[BROKEN["unit"]]
        d = BROKEN["date"].replace("-", "")
        return f"{site.unit_dir(unit)}{BROKEN['column']}/{d[:6]}/t{d}_{BROKEN['docid']}.html"


def plant(site: Site) -> Specials:
    """Choose the documents that carry per-document trouble (stable for a seed and scale)."""
    def first(pred) -> str:
        return next(d.id for d in site.docs if pred(d))

    trs = {u.code for u in site.units if u.dialect == "trs" and u.encoding_mode == "utf-8"}
    sp = Specials()
    sp.redirect_doc = first(lambda d: d.unit == "xzf" and d.report_year == 2019)
    sp.redirect_from = f"/old/ndbg/{site.doc_by_id[sp.redirect_doc].docid}.html"
    sp.error_once_doc = first(lambda d: d.report_year == 2021 and d.unit in trs and d.delivery == "html"
                              and not d.in_central and len(d.versions) == 1)
    sp.slow_doc = first(lambda d: d.kind == "notice" and d.unit == "xzf" and d.claimed_at >= "2022")
    sp.session_docs = [first(lambda d, y=y: d.unit == "xzf" and d.report_year == y) for y in (2020, 2021)]
    sp.error_once_paths = {site.doc_path(site.doc_by_id[sp.error_once_doc])}
    sp.slow_paths = {site.doc_path(site.doc_by_id[sp.slow_doc]): SLOW_SECONDS}
    return sp


def not_found(path: str) -> Response:
    from disclosure.replica.site import Response

    body = f"<html><body><h1>404 Not Found</h1><p>{pages.esc(path)}</p></body></html>".encode()
    return Response(404, body)


def add_broken_entries(site: Site, key: tuple[str, str], as_of: str, entries: list[ListEntry]) -> list[ListEntry]:
    """Insert the planted list entry whose link answers 404."""
    if key != (BROKEN["unit"], BROKEN["column"]) or as_of < BROKEN["date"] + "T09:00":
        return entries
    d = BROKEN["date"].replace("-", "")
    entry = ListEntry(href=f"./{d[:6]}/t{d}_{BROKEN['docid']}.html", title=BROKEN["title"], date=BROKEN["date"])
    pos = next((i for i, e in enumerate(entries) if e.date < entry.date), len(entries))
    return entries[:pos] + [entry] + entries[pos:]


def handle(site: Site, req: Request, path: str, query: dict[str, list[str]], host: str, as_of: str
           ) -> Response | None:
    """Answer special paths (robots, WAF, traps, redirect, external); None for everything else."""
    from disclosure.replica.site import Response

    if path == "/robots.txt":
        return Response(200, ROBOTS.encode(), "text/plain; charset=utf-8")
    if host.split(":")[0] == "localhost" or path.startswith("/external/"):
        html = pages.simple_page("外部网站", [("/", "返回")], intro="This host is outside the portal.")
        return Response(200, html.encode(), "text/html; charset=utf-8")
    if path.startswith("/private/"):
        html = pages.simple_page("内部资料（robots.txt 禁止抓取）", [("/", "首页")])
        return Response(200, html.encode(), "text/html; charset=utf-8")
    if path.startswith(WAF_DIR):
        return Response(412, WAF_BODY.encode(), "text/html; charset=utf-8", [("Set-Cookie", "__jsluid_h=1a2b3c")])
    if path == "/calendar/" or path == "/calendar/index.html":
        return _calendar(query)
    if path == site.specials.redirect_from:
        target = site.doc_path(site.doc_by_id[site.specials.redirect_doc])
        return Response(301, b"", "text/html; charset=utf-8", [("Location", f"http://{host}{quote(target)}")])
    return None


def _calendar(query: dict[str, list[str]]) -> Response:
    from disclosure.replica.site import Response

    m = _MONTH.match(query.get("month", [""])[0])
    year, month = (int(m.group(1)), int(m.group(2))) if m and 1 <= int(m.group(2)) <= 12 else (2022, 3)
    prev_y, prev_m = (year - 1, 12) if month == 1 else (year, month - 1)
    next_y, next_m = (year + 1, 1) if month == 12 else (year, month + 1)
    links = [(f"/calendar/?month={prev_y:04d}-{prev_m:02d}", "上一月"), (f"/calendar/?month={next_y:04d}-{next_m:02d}",
                                                                       "下一月")]
    html = pages.simple_page(f"活动日历 {year:04d}年{month:02d}月", links)
    return Response(200, html.encode(), "text/html; charset=utf-8")


def navigation_page(site: Site, path: str, as_of: str, host: str) -> Response | None:
    """Home, the 政府信息公开 platform and TRS unit platform pages; None when ``path`` is none of them."""
    from disclosure.replica import columns as inspection
    from disclosure.replica.site import CENTRAL_DIR, Response, encode_page

    port = host.rsplit(":", 1)[1] if ":" in host else "80"
    if path in ("/", "/index.html"):
        xzf = site.unit_by_code["xzf"]
        links = [("/zfxxgk/index.html", "政府信息公开"), (site.column_path(xzf, "tzgg"), "通知公告"),
                 (CENTRAL_DIR + "index.html", "政府信息公开年报"), (CALENDAR_START, "活动日历"),
                 (PRIVATE_PATH, "内部资料"), (site.specials.redirect_from, "2019年度报告（旧链接）"),
                 (f"http://localhost:{port}{EXTERNAL_PATH}", "友情链接：市政府门户网站"),
                 (CENTRAL_DIR + "index_99.html", "更多年报")]
        links += [(u, "外部链接") for u in REAL_EXTERNAL]
        for i, doc_id in enumerate(site.specials.session_docs):
            doc = site.doc_by_id[doc_id]
            if doc.first_appears_at <= as_of:
                p = site.doc_path(doc)
                links.append((f"{p};jsessionid=3F{doc.docid:X}A9C0E1" if i == 0 else f"{p}?sid={doc.docid * 31:x}",
                              site.title(doc)))
        latest = sorted((d for d in site.docs if d.first_appears_at <= as_of), key=lambda d: d.claimed_at)[-8:]
        links += [(site.doc_path(d), site.title(d, d.version_at(as_of)[1].edit_no)) for d in reversed(latest)]
        links += inspection.links(site, "home", "", as_of)
        html = pages.simple_page(f"{site.county}人民政府", [(h, t) for h, t in links if t])
        return Response(200, html.encode(), "text/html; charset=utf-8", [("Cache-Control", "no-cache")])
    if path in ("/zfxxgk/", "/zfxxgk/index.html"):
        links = [(site.platform_path(u), u.name) for u in site.units]
        links += [(CENTRAL_DIR + "index.html", "政府信息公开年报"), (WAF_PATH, "法定主动公开内容")]
        links += inspection.links(site, "platform", "", as_of)
        html = pages.simple_page("政府信息公开", links, intro=f"{site.county}政府信息公开平台")
        return Response(200, html.encode(), "text/html; charset=utf-8", [("Cache-Control", "no-cache")])
    if path.startswith("/zfxxgk/gzzfxxgk/") and path.endswith("/index.html") and path.count("/") == 4:
        unit = site.unit_by_code.get(path.split("/")[3])
        if unit is None or unit.dialect != "trs":
            return None
        links = [("./ndbg/index.html", "政府信息公开年报"), ("./tzgg/index.html", "通知公告"),
                 ("/zfxxgk/index.html", "返回信息公开平台")]
        links += [("./" + h, t) for h, t in inspection.links(site, "unit", unit.code, as_of, site.unit_dir(unit))]
        html = pages.simple_page(f"{unit.name}信息公开", links).replace(
            'charset=utf-8"', 'charset=gbk"' if unit.encoding_mode == "gbk_declared" else 'charset=utf-8"')
        data, ctype = encode_page(html, unit.encoding_mode)
        return Response(200, data, ctype, [("Cache-Control", "no-cache")])
    if path in ("/js/page.js", "/module/web/jpage/jpage.js"):
        js = ("function createPageHTML(n, cur, name, ext){ /* pager */ }" if path == "/js/page.js" else
              "/* jpage: lists are fetched by POST from dataproxy.jsp */")
        return Response(200, js.encode(), "application/javascript")
    return None
