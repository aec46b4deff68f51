"""HTML, XML and JSON templates of the 白河县 portal families (strings in, strings out; no routing, no state).

Each template follows what dialects.md says the family's pages look like (docs/replica.md, "白河县").
"""

from __future__ import annotations

import json

from disclosure.replica.pages import ListEntry, PageMeta, _meta_tags, attachment_block, esc


def _head(title: str, extra: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n{extra}'
            f"<title>{esc(title)}</title>\n</head>\n")


def _crumbs(crumbs: list[tuple[str, str]]) -> str:
    return " &gt; ".join(f'<a href="{esc(h)}">{esc(t)}</a>' for h, t in crumbs)


def _li(e: ListEntry, date_class: str = "") -> str:
    span = f'<span class="{date_class}">' if date_class else "<span>"
    return (f'<li><a href="{esc(e.href)}" title="{esc(e.title)}" target="_blank">{esc(e.title)}</a>'
            f"{span}{e.date}</span></li>")


def _ymd(iso: str) -> str:
    return iso[:10]


# ---- home and platform ------------------------------------------------------------------------------------
def home(site_name: str, links: list[tuple[str, str]], latest: list[tuple[str, str]]) -> str:
    """A county home page: top navigation (政府信息公开 …) and the newest documents."""
    nav = "\n".join(f'<li><a href="{esc(h)}">{esc(t)}</a></li>' for h, t in links)
    news = "\n".join(f'<li><a href="{esc(h)}">{esc(t)}</a></li>' for h, t in latest)
    return (_head(site_name) + "<body>\n"
            f'<div class="header"><h1>{esc(site_name)}</h1></div>\n<ul class="nav">\n{nav}\n</ul>\n'
            f'<div class="news"><h2>最新信息</h2><ul>\n{news}\n</ul></div>\n</body>\n</html>\n')


def platform(title: str, own: list[tuple[str, str]], sections: list[tuple[str, list[tuple[str, str]]]]) -> str:
    """The 政府信息公开 platform: the county government's own columns, then the unit directory."""
    def block(name: str, links: list[tuple[str, str]], cls: str) -> str:
        items = "\n".join(f'<li><a href="{esc(h)}" target="_blank">{esc(t)}</a></li>' for h, t in links)
        return f'<div class="{cls}"><h3>{esc(name)}</h3><ul>\n{items}\n</ul></div>\n'

    body = block("本级政府信息公开", own, "xxgk-own")
    body += "".join(block(name, links, "xxgk-units") for name, links in sections)
    return (_head(title) + f'<body>\n<div class="crumbs"><a href="/">首页</a> &gt; 政府信息公开</div>\n'
            f"<h1>{esc(title)}</h1>\n{body}</body>\n</html>\n")


def unit_home(title: str, links: list[tuple[str, str]], back: str) -> str:
    """A unit's own page linking its columns (static_list units, Hanweb platform columns)."""
    items = "\n".join(f'<li><a href="{esc(h)}">{esc(t)}</a></li>' for h, t in links)
    return (_head(title) + f'<body>\n<div class="crumbs"><a href="/">首页</a> &gt; <a href="{esc(back)}">'
            f"政府信息公开</a> &gt; {esc(title)}</div>\n<h1>{esc(title)}</h1>\n<ul class=\"columns\">\n{items}\n"
            "</ul>\n</body>\n</html>\n")


# ---- family 9: the unit's page is the list ----------------------------------------------------------------
def unitlist_list(site_name: str, entries: list[ListEntry], page: int, count: int) -> str:
    """A Hebei-layout unit page (page ``page`` of ``count``, 1-based): every document of the unit, no unit name."""
    def href(n: int) -> str:
        return "index.html" if n == 1 else f"index_{n}.html"
    pager = [f'<a href="{href(1)}">首页</a>']
    if page > 1:
        pager.append(f'<a href="{href(page - 1)}">上一页</a>')
    if page < count:
        pager.append(f'<a href="{href(page + 1)}">下一页</a>')
    pager.append(f'<a href="{href(count)}">尾页</a>')
    pager.append(f"<span>共{count}页</span><span>当前第{page}页</span>")
    items = "\n".join(_li(e, "date") for e in entries)
    return (_head(f"信息公开_{site_name}") + "<body>\n"
            '<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/zfxxgk/index.html">政府信息公开</a>'
            " &gt; 信息公开目录</div>\n"
            f'<div class="list-box"><ul class="list">\n{items}\n</ul></div>\n'
            f'<div class="pages">{" ".join(pager)}</div>\n</body>\n</html>\n')


def unitlist_document(site_name: str, m: PageMeta, body_html: str, attachments: list[tuple[str, str]],
                      list_href: str) -> str:
    """A Hebei-layout detail page: 发布日期 label and value on two lines (divs); no publisher anywhere."""
    return (_head(f"{m.title}_{site_name}") + "<body>\n"
            f'<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="{esc(list_href)}">信息公开目录</a>'
            " &gt; 正文</div>\n"
            f'<div class="detail">\n<div class="detail-title">{esc(m.title)}</div>\n'
            '<div class="detail-attr">\n<div class="attr-item">\n<div class="attr-label">发布日期：</div>\n'
            f'<div class="attr-value">{m.claimed_at.replace("T", " ")}</div>\n</div>\n</div>\n'
            f'<div class="detail-content" id="zoom">{body_html}</div>\n' + attachment_block(attachments) +
            "</div>\n</body>\n</html>\n")


# ---- family 4: Guangdong gkmlpt ---------------------------------------------------------------------------
def gkmlpt_shell(unit_name: str, sid: str, root: str) -> str:
    """The gkmlpt index: a JavaScript application shell; the SID sits in its inline configuration."""
    return (_head(f"{unit_name}政府信息公开", '<link rel="stylesheet" href="/gkmlpt/static/css/app.css">\n') +
            '<body>\n<div id="app"></div>\n<noscript>请开启浏览器的JavaScript功能</noscript>\n'
            "<script>\nwindow.TPL_CONFIG = {\n"
            f"  SID: '{sid}',\n  ROOT: '{root}',\n  SITE_NAME: '{esc(unit_name)}'\n}};\n</script>\n"
            '<script src="/gkmlpt/static/js/app.js"></script>\n</body>\n</html>\n')


def gkmlpt_document(site_name: str, m: PageMeta, category: str, body_html: str,
                    attachments: list[tuple[str, str]], index_href: str) -> str:
    """A gkmlpt detail page with the classic 索引号 / 分类 / 发布机构 / 成文日期 / 名称 / 文号 / 发布日期 table."""
    date = _ymd(m.claimed_at)
    rows = [("索引号：", m.index_number or "", "分类：", category), ("发布机构：", m.publisher, "成文日期：", date),
            ("名称：", m.title, "", ""), ("文号：", m.doc_number or "", "发布日期：", date)]
    cells = "".join(f'<tr><td class="first">{a}</td><td class="second">{esc(b)}</td>'
                    f'<td class="first">{c}</td><td class="second">{esc(d)}</td></tr>' for a, b, c, d in rows)
    return (_head(f"{m.title}_{site_name}") + "<body>\n"
            f'<div class="crumbs"><a href="/">首页</a> &gt; <a href="{esc(index_href)}">政府信息公开</a></div>\n'
            f'<div class="classify"><table>{cells}</table></div>\n'
            f'<div class="content">\n<h1 class="title">{esc(m.title)}</h1>\n'
            f'<div class="article-content" id="zoom">{body_html}</div>\n' + attachment_block(attachments) +
            "</div>\n</body>\n</html>\n")


def gkmlpt_json(total: int, articles: list[dict]) -> str:
    """A page of ``api/all/{category}``."""
    return json.dumps({"total": total, "articles": articles}, ensure_ascii=False)


def gkmlpt_tree(categories: list[tuple[int, str]]) -> str:
    """The catalogue tree of ``api/tree``: one flat level of (id, name) categories."""
    return json.dumps([{"id": cid, "name": name, "parent": 0, "children": []} for cid, name in categories],
                      ensure_ascii=False)


# ---- family 2: Hanweb jpage, first page in the script datastore -------------------------------------------
def datastore_records(entries: list[ListEntry]) -> str:
    return "".join(f"<record><![CDATA[\n{_li(e)}\n]]></record>" for e in entries)


def hanweb_datastore_column(site_name: str, title: str, platform_href: str, column_id: int, unit_id: str,
                            first: list[ListEntry], total: int, per_page: int) -> str:
    """A Hanweb column page whose first page of records sits in ``<script type="text/xml">``; jpage fetches the rest."""
    nextgroup = (f'<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&path=/&columnid={column_id}'
                 f'&unitid={unit_id}&webname={site_name}&permissiontype=0"></a>')
    return (_head(f"{title}_{site_name}") + "<body>\n"
            f'<div class="bt-position">您的位置：<a href="/">首页</a> &gt; <a href="{esc(platform_href)}">'
            f"信息公开</a> &gt; {esc(title)}</div>\n"
            f'<div id="{unit_id}"><script type="text/xml"><datastore><nextgroup><![CDATA[{nextgroup}]]></nextgroup>'
            f"<recordset>{datastore_records(first)}</recordset></datastore></script></div>\n"
            '<script language="javascript" src="/module/web/jpage/jpage.js"></script>\n'
            '<script type="text/javascript">\n'
            f"$(function(){{ $('#{unit_id}').jpage({{dataStore: null, totalRecord: {total}, perPage: {per_page}, "
            "groupSize: 1, proxyUrl: '/module/web/jpage/dataproxy.jsp', "
            f"ajaxParam: {{col: 1, appid: 1, webid: 1, path: '/', columnid: {column_id}, sourceContentType: 1, "
            f"unitid: '{unit_id}', webname: '{site_name}', permissiontype: 0}}}}); }});\n"
            "</script>\n</body>\n</html>\n")


def hanweb_datastore_document(site_name: str, m: PageMeta, body_html: str, attachments: list[tuple[str, str]],
                              host: str, column_href: str) -> str:
    """A Hanweb detail page whose metadata is a ``<ul>`` of ``label：value`` items."""
    extra = _meta_tags(m, host) if m.meta_tags else ""
    items = [("索引号", m.index_number or ""), ("发布机构", m.publisher), ("发布日期", _ymd(m.claimed_at)),
             ("文号", m.doc_number or ""), ("主题分类", m.column_name)]
    lis = "".join(f"<li><span>{a}：</span>{esc(b)}</li>" for a, b in items)
    return (_head(f"{m.title}_{site_name}", extra) + "<body>\n"
            f'<div class="bt-position">您的位置：<a href="/">首页</a> &gt; <a href="{esc(column_href)}">'
            f"{esc(m.column_name)}</a></div>\n"
            f'<div class="xxgk-info"><ul>{lis}</ul></div>\n'
            f'<div class="main-txt">\n<div class="title"><h2>{esc(m.title)}</h2></div>\n'
            f'<div id="zoom" class="bt-content">{body_html}</div>\n' + attachment_block(attachments) +
            "</div>\n</body>\n</html>\n")


# ---- family 5: Anhui platform -----------------------------------------------------------------------------
def anhui_catalogue(unit_name: str, columns: list[tuple[str, str]]) -> str:
    """A unit's 信息公开 page on the Anhui platform: its catalogue of columns (catIds)."""
    items = "\n".join(f'<li><a href="{esc(h)}">{esc(t)}</a></li>' for h, t in columns)
    return (_head(f"{unit_name}_政府信息公开") + "<body>\n"
            '<div class="crumbs"><a href="/">首页</a> &gt; <a href="/zfxxgk/index.html">政府信息公开</a></div>\n'
            f'<h1 class="organ-name">{esc(unit_name)}</h1>\n<ul class="xxgk_nav">\n{items}\n</ul>\n</body>\n</html>\n')


def anhui_shell(unit_name: str, column: str, catalogue_href: str, site_id: int, organ_id: int, cat_id: int,
                file: str) -> str:
    """An Anhui column shell: no rows; the inline JavaScript holds the /site/label/8888 parameters."""
    return (_head(f"{column}_{unit_name}_政府信息公开") + "<body>\n"
            f'<div class="crumbs"><a href="/">首页</a> &gt; <a href="{esc(catalogue_href)}">{esc(unit_name)}</a>'
            f" &gt; {esc(column)}</div>\n"
            f'<h2 class="xxgk_title">{esc(column)}</h2>\n<div id="xxgk_lmcon" class="xxgk_lmcon"></div>\n'
            '<script type="text/javascript">\n'
            f"var param = {{IsAjax: 1, dataType: 'html', labelName: 'publicInfoList', siteId: '{site_id}', "
            f"organId: '{organ_id}', catId: '{cat_id}', pageSize: 15, file: '{file}'}};\n"
            "function loadList(pageIndex) {\n"
            "  $.get('/site/label/8888', $.extend({pageIndex: pageIndex}, param), function (html) {\n"
            "    $('#xxgk_lmcon').html(html);\n  });\n}\n$(function () { loadList(1); });\n"
            "</script>\n</body>\n</html>\n")


def anhui_fragment(entries: list[ListEntry], page: int, page_count: int, total: int) -> str:
    """The HTML fragment /site/label/8888 answers: rows and a pager that carries ``pageCount``."""
    rows = "\n".join(f'<li class="clearfix"><a href="{esc(e.href)}" class="title" target="_blank" '
                     f'title="{esc(e.title)}">{esc(e.title)}</a><span class="date">{e.date}</span></li>'
                     for e in entries)
    return (f'<ul class="clearfix xxgk_nav_list">\n{rows}\n</ul>\n'
            '<div class="pagination" id="page_public_info"></div>\n'
            '<script type="text/javascript">\n'
            f"$('#page_public_info').pager({{pageIndex: {page}, pageCount: {page_count}, total: {total}, "
            "pageSize: 15, callback: loadList});\n</script>\n")


def anhui_document(site_name: str, m: PageMeta, body_html: str, attachments: list[tuple[str, str]],
                   column_href: str) -> str:
    """An Anhui detail page: metadata as a table (索引号, 信息分类, 发布机构, 发布日期, 文号, 名称)."""
    rows = [("索引号：", m.index_number or "", "信息分类：", m.column_name),
            ("发布机构：", m.publisher, "发布日期：", _ymd(m.claimed_at)),
            ("文号：", m.doc_number or "", "名称：", m.title)]
    cells = "".join(f"<tr><th>{a}</th><td>{esc(b)}</td><th>{c}</th><td>{esc(d)}</td></tr>" for a, b, c, d in rows)
    return (_head(f"{m.title}_{site_name}") + "<body>\n"
            f'<div class="crumbs"><a href="/">首页</a> &gt; <a href="{esc(column_href)}">{esc(m.column_name)}</a></div>\n'
            f'<table class="table_suoyin">{cells}</table>\n'
            f'<div class="wzcon">\n<h1 class="newstitle">{esc(m.title)}</h1>\n'
            f'<div class="j-fontContent" id="zoom">{body_html}</div>\n' + attachment_block(attachments) +
            "</div>\n</body>\n</html>\n")


# ---- family 12: a legacy CMS with list-N.html pages -------------------------------------------------------
def static_list(site_name: str, unit_name: str, column: str, entries: list[ListEntry], page: int, count: int,
                unit_href: str) -> str:
    """A legacy list page: plain rows, numbered links and 下一页 only (no page count anywhere)."""
    def href(n: int) -> str:
        return "list.html" if n == 1 else f"list-{n}.html"
    pager = []
    if page > 1:
        pager.append(f'<a href="{href(page - 1)}">上一页</a>')
    pager += [f"<b>{n}</b>" if n == page else f'<a href="{href(n)}">{n}</a>' for n in range(1, count + 1)]
    if page < count:
        pager.append(f'<a href="{href(page + 1)}">下一页</a>')
    rows = "\n".join(f'<tr><td><a href="{esc(e.href)}" target="_blank">{esc(e.title)}</a></td>'
                     f'<td class="date">{e.date}</td></tr>' for e in entries)
    pager_html = f'<div class="pagelist">{" ".join(pager)}</div>\n' if count > 1 else ""
    crumbs = _crumbs([("/", "首页"), ("/zfxxgk/index.html", "政府信息公开"), (unit_href, unit_name)])
    return (_head(f"{column}-{unit_name}-{site_name}") + "<body>\n"
            f'<div class="crumbs">{crumbs} &gt; {esc(column)}</div>\n'
            f'<h2 class="column-title">{esc(column)}</h2>\n'
            f'<table class="newslist">\n{rows}\n</table>\n' + pager_html + "</body>\n</html>\n")


def static_document(site_name: str, m: PageMeta, body_html: str, attachments: list[tuple[str, str]],
                    column_href: str, host: str) -> str:
    """A legacy detail page: gov.cn meta tags and one 发布时间 / 来源 line."""
    return (_head(f"{m.title}-{site_name}", _meta_tags(m, host)) + "<body>\n"
            f'<div class="crumbs"><a href="/">首页</a> &gt; <a href="{esc(column_href)}">{esc(m.column_name)}</a></div>\n'
            f'<h1 class="title">{esc(m.title)}</h1>\n'
            f'<div class="info">发布时间：{m.claimed_at.replace("T", " ")}　来源：{esc(m.source_label)}</div>\n'
            f'<div class="article-content" id="zoom">{body_html}</div>\n' + attachment_block(attachments) +
            "</body>\n</html>\n")
