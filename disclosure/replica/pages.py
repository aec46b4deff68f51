"""HTML and XML templates of the replica portal (strings in, strings out; no routing, no state)."""

from __future__ import annotations

import html
from dataclasses import dataclass

from disclosure.replica.units import COUNTY, SITE_ID_CODE

SITE_NAME = f"{COUNTY}人民政府"
PER_PAGE = 15


@dataclass
class ListEntry:
    """One entry of a column list: link, title and the date shown (the claimed date)."""

    href: str
    title: str
    date: str  # YYYY-MM-DD


@dataclass
class PageMeta:
    """What the document page shows about itself."""

    title: str
    column_name: str
    column_type: str
    publisher: str
    source_label: str  # shown after 来源：
    claimed_at: str  # ISO date-time
    index_number: str | None
    doc_number: str | None
    meta_tags: bool
    variant: int  # drives attribute order / name case of meta tags and date formats
    site_name: str = SITE_NAME  # SiteName meta tag and title suffix (the county's portal)
    site_id: str = SITE_ID_CODE


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def _head(title: str, charset: str, extra: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n'
            f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n{extra}'
            f"<title>{esc(title)}</title>\n</head>\n")


def _meta_tags(m: PageMeta, host: str) -> str:
    pairs = [("SiteName", m.site_name), ("SiteDomain", host), ("SiteIDCode", m.site_id),
             ("ColumnName", m.column_name), ("ColumnType", m.column_type), ("ArticleTitle", m.title),
             ("PubDate", m.claimed_at.replace("T", " ")), ("ContentSource", m.publisher),
             ("Keywords", m.column_name)]
    out = []
    for i, (name, content) in enumerate(pairs):
        shown = name if m.variant % 3 == 0 else name.lower() if m.variant % 3 == 1 else name.upper()
        if (m.variant + i) % 2:
            out.append(f'<meta content="{esc(content)}" name="{shown}">')
        else:
            out.append(f'<meta name="{shown}" content="{esc(content)}">')
    return "\n".join(out) + "\n"


def _cn_date(iso: str) -> str:
    return f"{iso[:4]}年{iso[5:7]}月{iso[8:10]}日"


def directory_block(m: PageMeta) -> str:
    """The 政府信息公开目录 header block (索引号, 发布机构, 文号, 发文日期 …)."""
    if not m.index_number:
        return ""
    date = m.claimed_at[:10] if m.variant % 2 else _cn_date(m.claimed_at)
    rows = [("索引号", m.index_number, "主题分类", m.column_name), ("发布机构", m.publisher, "文号", m.doc_number or ""),
            ("发文日期", date, "有效性", "有效"), ("名称", m.title, "关键词", m.column_name)]
    cells = "".join(f"<tr><th>{a}：</th><td>{esc(b)}</td><th>{c}：</th><td>{esc(d)}</td></tr>" for a, b, c, d in rows)
    return f'<div class="xxgk-head"><table class="xxgk-table">{cells}</table></div>\n'


def attachment_block(links: list[tuple[str, str]]) -> str:
    if not links:
        return ""
    items = "".join(f'<li><a href="{esc(href)}" title="{esc(name)}">{esc(name)}</a></li>' for href, name in links)
    return f'<div class="attachments"><p>附件：</p><ul>{items}</ul></div>\n'


def trs_document(m: PageMeta, body_html: str, attachments: list[tuple[str, str]], charset: str, host: str,
                 crumbs: list[tuple[str, str]], wap_href: str | None) -> str:
    """A TRS detail page."""
    extra = _meta_tags(m, host) if m.meta_tags else ""
    nav = " &gt; ".join(f'<a href="{esc(h)}">{esc(t)}</a>' for h, t in crumbs)
    wap = f'<div class="wap"><a href="{esc(wap_href)}">手机版</a></div>\n' if wap_href else ""
    return (_head(f"{m.title}_{m.site_name}", charset, extra) + "<body>\n"
            f'<div class="crumbs">当前位置：{nav}</div>\n' + directory_block(m) +
            f'<div class="article">\n<h1 class="article-title">{esc(m.title)}</h1>\n'
            f'<div class="article-info">发布时间：{m.claimed_at.replace("T", " ")} 来源：{esc(m.source_label)}</div>\n'
            f'<div class="TRS_Editor" id="zoom">{body_html}</div>\n' + attachment_block(attachments) +
            "</div>\n" + wap + "</body>\n</html>\n")


def wap_document(m: PageMeta, body_html: str, attachments: list[tuple[str, str]], charset: str,
                 canonical_href: str) -> str:
    """The mobile twin of a TRS detail page: same document, a leaner template."""
    return (_head(m.title, charset, '<meta name="viewport" content="width=device-width, initial-scale=1">\n') +
            f'<body class="wap">\n<div class="m-title">{esc(m.title)}</div>\n'
            f'<div class="m-info">{m.claimed_at.replace("T", " ")}　{esc(m.source_label)}</div>\n'
            f'<div class="m-content">{body_html}</div>\n' + attachment_block(attachments) +
            f'<div class="m-foot"><a href="{esc(canonical_href)}">电脑版</a></div>\n</body>\n</html>\n')


def hanweb_document(m: PageMeta, body_html: str, attachments: list[tuple[str, str]], charset: str,
                    host: str, column_href: str) -> str:
    """A Hanweb (大汉) detail page."""
    extra = _meta_tags(m, host) if m.meta_tags else ""
    return (_head(m.title, charset, extra) + "<body>\n"
            f'<div class="bt-position">您的位置：<a href="/">首页</a> &gt; <a href="{esc(column_href)}">'
            f"{esc(m.column_name)}</a></div>\n" + directory_block(m) +
            f'<div class="main-txt">\n<div class="title"><h2>{esc(m.title)}</h2></div>\n'
            f'<div class="info">发布日期：{m.claimed_at.replace("T", " ")}　信息来源：{esc(m.source_label)}</div>\n'
            f'<div id="zoom" class="bt-content">{body_html}</div>\n' + attachment_block(attachments) +
            "</div>\n</body>\n</html>\n")


def trs_list(title: str, entries: list[ListEntry], page_count: int, current: int, charset: str,
             crumbs: list[tuple[str, str]], site_name: str = SITE_NAME) -> str:
    """A TRS column list page; the page count appears only in the createPageHTML call."""
    nav = " &gt; ".join(f'<a href="{esc(h)}">{esc(t)}</a>' for h, t in crumbs)
    items = "\n".join(f'<li><a href="{esc(e.href)}" title="{esc(e.title)}" target="_blank">{esc(e.title)}</a>'
                      f"<span>{e.date}</span></li>" for e in entries)
    return (_head(f"{title}_{site_name}", charset) + "<body>\n"
            f'<div class="crumbs">当前位置：{nav}</div>\n<h2 class="column-title">{esc(title)}</h2>\n'
            f'<ul class="list">\n{items}\n</ul>\n'
            f'<div class="page"><script type="text/javascript">createPageHTML({page_count}, {current}, '
            '"index", "html");</script></div>\n'
            '<script type="text/javascript" src="/js/page.js"></script>\n</body>\n</html>\n')


def hanweb_column(title: str, column_id: int, unit_id: str, site_name: str = SITE_NAME) -> str:
    """A Hanweb column page: no list entries; a script fetches them from dataproxy.jsp."""
    return (_head(f"{title}_{site_name}", "utf-8") + "<body>\n"
            f'<div class="bt-position">您的位置：<a href="/">首页</a> &gt; {esc(title)}</div>\n'
            f'<div id="{unit_id}" class="default_pgContainer"></div>\n'
            '<script type="text/javascript" src="/module/web/jpage/jpage.js"></script>\n'
            '<script type="text/javascript">\n'
            f"$(function(){{ $('#{unit_id}').jpage({{dataStore: null, perPage: 15, proxyUrl: "
            "'/module/web/jpage/dataproxy.jsp', groupSize: 3, "
            f"ajaxParam: {{col: 1, appid: 1, webid: 1, path: '/', columnid: {column_id}, sourceContentType: 1, "
            f"unitid: '{unit_id}', webname: '{site_name}', permissiontype: 0}}}}); }});\n"
            "</script>\n</body>\n</html>\n")


def dataproxy_xml(entries: list[ListEntry], total: int, per_page: int, column_id: int, unit_id: str,
                  site_name: str = SITE_NAME) -> str:
    """The XML a Hanweb dataproxy.jsp answers: CDATA <li> snippets plus the total record count."""
    records = "".join(f'<record><![CDATA[\n<li><a href="{esc(e.href)}" title="{esc(e.title)}" target="_blank">'
                      f"{esc(e.title)}</a><span>{e.date}</span></li>\n]]></record>" for e in entries)
    pages = max(1, -(-total // per_page))
    nextgroup = (f'<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&path=/&columnid={column_id}'
                 f'&unitid={unit_id}&webname={site_name}&permissiontype=0"></a>')
    return (f'<?xml version="1.0" encoding="utf-8"?><datastore><nextgroup><![CDATA[{nextgroup}]]></nextgroup>'
            f"<recordset>{records}</recordset><totalrecord>{total}</totalrecord>"
            f"<totalpage>{pages}</totalpage></datastore>")


def simple_page(title: str, links: list[tuple[str, str]], charset: str = "utf-8", intro: str = "") -> str:
    """A plain navigation page (home, platform, unit platform pages)."""
    items = "\n".join(f'<li><a href="{esc(h)}">{esc(t)}</a></li>' for h, t in links)
    para = f"<p>{esc(intro)}</p>\n" if intro else ""
    return (_head(title, charset) + f"<body>\n<h1>{esc(title)}</h1>\n{para}<ul>\n{items}\n</ul>\n</body>\n</html>\n")
