"""Read 白河县's lists the way each family's pages say (independently of the site code): every list response
a complete reading fetches, and every (document URL, shown date) it finds."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx
from bs4 import BeautifulSoup

from .util import PAGER

CHINA = dt.timezone(dt.timedelta(hours=8))


@dataclass
class Listing:
    """What reading one unit's lists gave."""

    fetched: list[str] = field(default_factory=list)  # every list response read (absolute URLs)
    entries: list[tuple[str, str]] = field(default_factory=list)  # (absolute document URL, shown date)
    per_list: list[list[str]] = field(default_factory=list)  # dates of each list, in order shown
    articles: list[dict] = field(default_factory=list)  # gkmlpt JSON records


def norm(url: str) -> tuple[str, tuple]:
    """A URL with its query parameters as a sorted tuple (parameter order does not matter)."""
    s = urlsplit(url)
    return s.path, tuple(sorted(parse_qsl(s.query)))


def _get(client: httpx.Client, url: str, listing: Listing) -> httpx.Response:
    r = client.get(url)
    assert r.status_code == 200, url
    listing.fetched.append(url)
    return r


def read_next_links(client: httpx.Client, url: str) -> Listing:
    """unitlist / static_list: follow 下一页 from the first page; rows are <li> or <tr> with a link and a date."""
    out, dates, page_count = Listing(), [], None
    while url:
        r = _get(client, url, out)
        soup = BeautifulSoup(r.text, "lxml")
        for row in soup.select("ul.list li, table.newslist tr"):
            date = row.select_one(".date").get_text()
            out.entries.append((urljoin(url, row.a["href"]), date))
            dates.append(date)
        m = re.search(r"共(\d+)页", r.text)
        if m:
            page_count = int(m.group(1))
        nxt = soup.find("a", string="下一页")
        url = urljoin(url, nxt["href"]) if nxt else None
    if page_count is not None:
        assert page_count == len(out.fetched)
    out.per_list.append(dates)
    return out


def read_gkmlpt(client: httpx.Client, entry_url: str) -> Listing:
    """gkmlpt: the SID from the shell's JS, then api/all/0?page=N until ``total`` is covered."""
    out = Listing()
    shell = _get(client, entry_url, out)
    assert not re.search(r"<li[ >]", shell.text)  # a shell: no rows
    sid = re.search(r"SID:\s*'(\d+)'", shell.text).group(1)
    root = entry_url[: -len("/index")]
    page, total, dates = 1, None, []
    while total is None or (page - 1) * 10 < total:
        r = _get(client, f"{root}/api/all/0?page={page}&sid={sid}", out)
        assert r.headers["content-type"].startswith("application/json")
        data = r.json()
        total = data["total"]
        for a in data["articles"]:
            date = dt.datetime.fromtimestamp(a["create_time"], CHINA).strftime("%Y-%m-%d")
            out.entries.append((urljoin(entry_url, a["url"]), date))
            out.articles.append(a)
            dates.append(date)
        page += 1
        if total == 0:
            break
    out.per_list.append(dates)
    return out


def _records(xml: str, base: str) -> list[tuple[str, str]]:
    found = []
    for record in re.findall(r"<record><!\[CDATA\[(.*?)\]\]></record>", xml, re.S):
        li = BeautifulSoup(record, "lxml").li
        found.append((urljoin(base, li.a["href"]), li.span.get_text()))
    return found


def read_datastore(client: httpx.Client, base: str, column_url: str) -> Listing:
    """Hanweb jpage: page 1 from the column page's script datastore, the rest from dataproxy.jsp (GET)."""
    out = Listing()
    page = _get(client, column_url, out)
    store = re.search(r'<script type="text/xml">(.*?)</script>', page.text, re.S).group(1)
    outside = page.text.replace(store, "")
    assert "<li>" not in outside  # every row sits in the datastore
    total = int(re.search(r"totalRecord:\s*(\d+)", page.text).group(1))
    per = int(re.search(r"perPage:\s*(\d+)", page.text).group(1))
    col = int(re.search(r"columnid:\s*(\d+)", page.text).group(1))
    rows = _records(store, column_url)
    assert len(rows) == min(per, total)
    for start in range(per + 1, total + 1, per):
        r = _get(client, f"{base}/module/web/jpage/dataproxy.jsp?startrecord={start}&endrecord={start + per - 1}"
                         f"&perpage={per}&columnid={col}", out)
        assert r.headers["content-type"].startswith("text/xml")
        rows += _records(r.text, base + "/")
    assert len(rows) == total
    out.entries, out.per_list = rows, [[d for _, d in rows]]
    return out


def read_dataproxy(client: httpx.Client, base: str, column_url: str) -> Listing:
    """Hanweb (the 青山县 layout): the column page names the column; every row comes from dataproxy.jsp."""
    out = Listing()
    page = _get(client, column_url, out)
    col = int(re.search(r"columnid: (\d+)", page.text).group(1))
    start, total, rows = 1, None, []
    while total is None or start <= max(total, 1):
        r = _get(client, f"{base}/module/web/jpage/dataproxy.jsp?startrecord={start}&endrecord={start + 44}"
                         f"&perpage=15&columnid={col}", out)
        total = int(re.search(r"<totalrecord>(\d+)</totalrecord>", r.text).group(1))
        rows += _records(r.text, base + "/")
        start += 45
    out.entries, out.per_list = rows, [[d for _, d in rows]]
    return out


def read_anhui(client: httpx.Client, base: str, shell_url: str) -> Listing:
    """Anhui: the shell's inline JS parameters, then /site/label/8888 pageIndex=1..pageCount."""
    out = Listing()
    shell = _get(client, shell_url, out)
    assert not re.search(r"<li[ >]", shell.text)  # a shell: no rows
    params = dict(re.findall(r"(\w+): '?([^',}]+)'?", re.search(r"var param = \{(.*?)\};", shell.text).group(1)))
    page, count, dates = 1, None, []
    while count is None or page <= count:
        query = "&".join(f"{k}={v}" for k, v in {**params, "pageIndex": page}.items())
        r = _get(client, f"{base}/site/label/8888?{query}", out)
        assert r.headers["content-type"].startswith("text/html")
        count = int(re.search(r"pageCount:\s*(\d+)", r.text).group(1))
        for li in BeautifulSoup(r.text, "lxml").select("li"):
            out.entries.append((urljoin(base + "/", li.a["href"]), li.span.get_text()))
            dates.append(li.span.get_text())
        page += 1
    out.per_list.append(dates)
    return out


def read_trs(client: httpx.Client, index_url: str) -> Listing:
    """TRS: index.html, then index_N.html as createPageHTML says."""
    out = Listing()
    first = _get(client, index_url, out)
    count = int(PAGER.search(first.text).group(1))
    dates = []
    for page in range(count):
        url = index_url if page == 0 else index_url.replace("index.html", f"index_{page}.html")
        r = first if page == 0 else _get(client, url, out)
        for li in BeautifulSoup(r.content, "lxml").select("ul.list li"):
            out.entries.append((urljoin(url, li.a["href"]), li.span.get_text()))
            dates.append(li.span.get_text())
    out.per_list.append(dates)
    return out


def read_unit(client: httpx.Client, base: str, unit) -> Listing:
    """Every list of one manifest unit, read as its family says."""
    total = Listing()
    if unit.dialect in ("unitlist", "gkmlpt"):
        parts = [read_next_links(client, unit.platform_url) if unit.dialect == "unitlist"
                 else read_gkmlpt(client, unit.platform_url)]
    else:
        reader = {"static_list": lambda u: read_next_links(client, u),
                  "hanweb_datastore": lambda u: read_datastore(client, base, u),
                  "hanweb": lambda u: read_dataproxy(client, base, u),
                  "anhui": lambda u: read_anhui(client, base, u),
                  "trs": lambda u: read_trs(client, u)}[unit.dialect]
        parts = [reader(unit.annual_report_column_url), reader(unit.notice_column_url)]
    for part in parts:
        total.fetched += part.fetched
        total.entries += part.entries
        total.per_list += part.per_list
        total.articles += part.articles
    return total


def pages_for(count: int, per: int) -> int:
    return max(1, math.ceil(count / per))
