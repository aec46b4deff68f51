"""Portal pages only a browser reads: a JavaScript challenge in front of the host, lists rendered by script.

Two options of :class:`~disclosure.replica.server.ReplicaServer`, both off by default (青山县 serves as always):

- ``challenge=True``: every request without the clearance cookie (``robots.txt`` excepted) is answered HTTP 412
  with a short script, as 瑞数/加速乐 do (dialects.md, "Blocking"): it computes the cookie, sets it and reloads.
  With the cookie (valid for ``CLEARANCE_MAX_AGE`` seconds) the portal answers as usual.
- ``js_units=("mzzjj", …)``: those TRS units' two column lists are Vue-style pages whose rows a script fetches
  from ``list.json?page=N`` in the column's folder (families 10 and 13 of dialects.md). The 年报 column is a tiny
  shell (a loading text and a script); the 通知公告 column has the portal's full navigation around an empty box, so
  only a profile that names it (``browser_paths``) sends it to a browser. Pager links (``index.html?page=N``)
  exist only in the rendered page.
"""

from __future__ import annotations

import json
import posixpath
from http.cookies import CookieError, SimpleCookie
from typing import TYPE_CHECKING

from disclosure.replica import pages

if TYPE_CHECKING:
    from disclosure.replica.site import Request, Response, Site

CLEARANCE_COOKIE = "__jsl_clearance_s"
CLEARANCE_MAX_AGE = 3600
_NONCE = "qingshan-clearance"
_MODULUS = 1000003


def clearance_value(nonce: str = _NONCE) -> str:
    """The cookie value the challenge script computes (the server checks it; a plain client cannot guess it)."""
    value = 0
    for ch in nonce:
        value = (value * 31 + ord(ch)) % _MODULUS
    return f"{value}.{len(nonce)}"


def challenge_body(nonce: str = _NONCE) -> bytes:
    """The 412 page: a ``$_ts`` marker and a script that computes the clearance cookie and reloads (~600 bytes)."""
    codes = ",".join(str(ord(ch)) for ch in nonce)
    script = (f"var $_ts=window['$_ts'];if(!$_ts)$_ts=window['$_ts']={{}};$_ts.nsd={len(nonce)};"
              f"(function(){{var a=[{codes}],v=0;for(var i=0;i<a.length;i++){{v=(v*31+a[i])%{_MODULUS};}}"
              f"document.cookie='{CLEARANCE_COOKIE}='+v+'.'+a.length+'; path=/; max-age={CLEARANCE_MAX_AGE}';"
              "location.reload();})();")
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Pragma" content="no-cache">'
            f"</head><body><script>{script}</script></body></html>").encode()


def has_clearance(req: Request) -> bool:
    """True when the request carries the clearance cookie with the right value."""
    raw = req.headers.get("cookie", "")
    try:
        jar = SimpleCookie(raw)
    except CookieError:
        return False
    morsel = jar.get(CLEARANCE_COOKIE)
    return morsel is not None and morsel.value == clearance_value()


def challenge_gate(req: Request, path: str) -> Response | None:
    """The 412 challenge for a request without clearance; None when it may pass."""
    from disclosure.replica.site import Response

    if path == "/robots.txt" or has_clearance(req):
        return None
    return Response(412, challenge_body(), "text/html; charset=utf-8",
                    [("Set-Cookie", "__jsluid_s=6b3e1f0c2a; path=/; HttpOnly"), ("Cache-Control", "no-store")])


_SCRIPT = """(function(){
var m=/[?&]page=(\\d+)/.exec(location.search),p=m?m[1]:'1';
function esc(s){return String(s).replace(/&/g,'&amp;').replace(/</g,'&lt;').replace(/>/g,'&gt;').replace(/"/g,'&quot;');}
var x=new XMLHttpRequest();x.open('GET','list.json?page='+p);
x.onload=function(){var d=JSON.parse(x.responseText),h='<ul class="xxgk-list">';
for(var i=0;i<d.rows.length;i++){var r=d.rows[i];
h+='<li><a href="'+esc(r.url)+'" title="'+esc(r.title)+'">'+esc(r.title)+'</a><span class="date">'+r.date+'</span></li>';}
h+='</ul><div class="pager">';
if(d.page>1)h+='<a href="index.html?page='+(d.page-1)+'">上一页</a> ';
if(d.page<d.pages)h+='<a href="index.html?page='+(d.page+1)+'">下一页</a> <a href="index.html?page='+d.pages+'">尾页</a> ';
h+='<span>共'+d.pages+'页</span></div>';document.getElementById('rows').innerHTML=h;};
x.send();})();"""


def _column(site: Site, js_units: frozenset[str], path: str) -> tuple[str, str] | None:
    """(unit code, column) when ``path`` is in a script-rendered column folder."""
    key = site.trs_dirs.get(posixpath.dirname(path) + "/")
    return key if key is not None and key[0] in js_units else None


def js_list(site: Site, js_units: frozenset[str], path: str, query: dict[str, list[str]], as_of: str,
            host: str) -> Response | None:
    """A script-rendered column page or its JSON; None for any other path."""
    from disclosure.replica.site import COLUMN_NAMES, Response

    key = _column(site, js_units, path)
    if key is None:
        return None
    name = posixpath.basename(path)
    unit = site.unit_by_code[key[0]]
    if name == "list.json":
        return _rows(site, key, query, as_of, host)
    if name != "index.html":
        return None if not name.startswith("index_") else Response(404, b"<html><body>404</body></html>")
    title = f"{unit.name}{COLUMN_NAMES[key[1]][0]}"
    script = f'<script type="text/javascript">{_SCRIPT}</script>'
    if key[1] == "ndbg":  # the bare shell: nothing but a loading text and the script
        html = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{pages.esc(title)}</title></head>'
                f'<body><div id="rows">正在加载…</div>{script}</body></html>')
    else:  # the portal's navigation around an empty box
        nav = [("/", "首页"), ("/zfxxgk/index.html", "政府信息公开"), ("../index.html", unit.name),
               ("../ndbg/index.html", "政府信息公开年报")]
        links = "".join(f'<li><a href="{pages.esc(h)}">{pages.esc(t)}</a></li>' for h, t in nav)
        html = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{pages.esc(title)}</title></head><body>'
                f'<div class="header"><h1>{pages.esc(site.preset.site_name)}</h1><ul class="nav">{links}</ul></div>'
                f'<div class="main"><h2>{pages.esc(title)}</h2><div id="rows"></div></div>'
                f'<div class="footer"><p>主办：{pages.esc(site.preset.site_name)}办公室</p></div>{script}</body></html>')
    return Response(200, html.encode("utf-8"), "text/html; charset=utf-8", [("Cache-Control", "no-cache")])


def _rows(site: Site, key: tuple[str, str], query: dict[str, list[str]], as_of: str, host: str) -> Response:
    from disclosure.replica.site import Response

    directory = f"{site.unit_dir(site.unit_by_code[key[0]])}{key[1]}/"
    entries = site.entries(key, as_of, host)
    count = max(1, -(-len(entries) // pages.PER_PAGE))
    try:
        page = min(max(1, int(query.get("page", ["1"])[0])), count)
    except ValueError:
        page = 1
    rows = [{"title": e.title, "date": e.date,
             "url": directory + e.href[2:] if e.href.startswith("./") else e.href}
            for e in entries[(page - 1) * pages.PER_PAGE:page * pages.PER_PAGE]]
    body = json.dumps({"page": page, "pages": count, "total": len(entries), "rows": rows}, ensure_ascii=False)
    return Response(200, body.encode("utf-8"), "application/json; charset=utf-8", [("Cache-Control", "no-cache")])


def unit_profile(unit: str, browser: str = "auto") -> str:
    """A site profile (TOML) that crawls one TRS unit of the replica from its platform page: its two columns, their
    documents and files. ``browser_paths`` names the notices column, which no shell detection would catch
    (tests and ``disclosure bench crawl`` crawl a ``js_units`` unit with it; ``--base-url`` sets the port)."""
    return f"""name = "js-{unit}"
base_url = "http://127.0.0.1"
allowed_domains = ["127.0.0.1"]
start_paths = ["/zfxxgk/gzzfxxgk/{unit}/index.html"]
detail_patterns = ['/t\\d{{8}}_\\d+\\.html$']
browser = "{browser}"
# The notices column shows the portal's navigation around an empty box: only this rule sends it to the browser.
browser_paths = ['/tzgg/index\\.html']

[[columns]]
kind = "annual_report"
url_patterns = ['/ndbg/index\\.html$']

[[columns]]
kind = "notice"
url_patterns = ['/tzgg/index\\.html$']
"""
