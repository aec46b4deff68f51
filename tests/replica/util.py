"""Helpers for the replica tests: fetch pages and read lists the way a crawler would (independently of the site code)."""

from __future__ import annotations

import re
import subprocess
import sys
from urllib.parse import urljoin

import httpx
from bs4 import BeautifulSoup


def start_replica(*args: str) -> tuple[subprocess.Popen, list[str], str]:
    """`disclosure replica --port 0 ARGS` in its own process: the process, the lines it printed up to
    ``serving …`` and the base URL it serves (the caller stops the process)."""
    proc = subprocess.Popen([sys.executable, "-m", "disclosure", "replica", "--port", "0", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("serving "):
            break
    found = re.search(r"serving (http://127\.0\.0\.1:\d+)/", lines[-1]) if lines else None
    if found is None:
        proc.kill()
        raise AssertionError("".join(lines) + proc.stderr.read())
    return proc, lines, found.group(1)


PAGER = re.compile(r'createPageHTML\((\d+),\s*(\d+),\s*"index",\s*"html"\)')


def trs_list_links(client: httpx.Client, index_url: str) -> tuple[int, list[tuple[str, str]]]:
    """(page count, [(absolute link, date)]) of a TRS column, following index_N.html as createPageHTML says."""
    first = client.get(index_url)
    assert first.status_code == 200, index_url
    m = PAGER.search(first.text)
    assert m, f"no createPageHTML on {index_url}"
    count = int(m.group(1))
    links = []
    for page in range(count):
        url = index_url if page == 0 else index_url.replace("index.html", f"index_{page}.html")
        r = first if page == 0 else client.get(url)
        assert r.status_code == 200, url
        assert PAGER.search(r.text).group(2) == str(page)
        soup = BeautifulSoup(r.content, "lxml")
        for li in soup.select("ul.list li"):
            links.append((urljoin(url, li.a["href"]), li.span.get_text()))
    return count, links


def hanweb_list_links(client: httpx.Client, base_url: str, column_id: int) -> tuple[int, list[tuple[str, str]]]:
    """(totalrecord, [(absolute link, date)]) of a Hanweb column via POST dataproxy.jsp in groups of 45."""
    links, start, total = [], 1, None
    while total is None or start <= total:
        r = client.post(f"{base_url}/module/web/jpage/dataproxy.jsp?startrecord={start}&endrecord={start + 44}"
                        "&perpage=15", data={"columnid": str(column_id)})
        assert r.status_code == 200
        total = int(re.search(r"<totalrecord>(\d+)</totalrecord>", r.text).group(1))
        for record in re.findall(r"<!\[CDATA\[(.*?)\]\]>", r.text, re.S):
            if "<li>" not in record:
                continue
            li = BeautifulSoup(record, "lxml").li
            links.append((urljoin(base_url + "/", li.a["href"]), li.span.get_text()))
        start += 45
        if total == 0:
            break
    return total, links


def page_text(manifest, doc, url: str, data: bytes) -> str:
    """Decode a served page with the encoding the manifest gives its unit (the central column is UTF-8)."""
    encoding = "utf-8" if "/zfxxgk/zfxxgknb/" in url else manifest.unit(doc.unit).encoding
    return data.decode(encoding)
