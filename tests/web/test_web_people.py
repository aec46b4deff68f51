"""The web interface as a researcher and a supervisor use it (issue 18), in Debian's Chromium at 1280 and 390 px:
every page type fits a phone, speaks Chinese (no codes), passes an axe-core scan; search filters, pages and
export; failed checks pointing at their cells; charts; comparisons; the evidence download.

Screenshots of every page at both widths go to test-output/screenshots/ (names ``people-<page>-<width>.png``).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest

from .conftest import AS_OF_FIRST, AS_OF_SECOND, CHROMIUM
from .test_web_browser import SHOTS

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)")]

# What a page must never show a person: rule names, status and source codes, error kinds, raw ISO timestamps,
# English parser messages, Python values.
CODES = re.compile(r"B\.(row_total|column_balance|result_total)|cross_year\.|text\.requests|requests\.[a-z_]+\."
                   r"|(?<![A-Za-z_])(meta_tag|catalog_block|visible_line|list_page|statistics_period|waf|on_time|late|missing|"
                   r"pending|early_suspicious|edited_after_publication|backdated|duplicate|county_government|"
                   r"bureau|township|annual_report|notice|ok|failed|blocked|None|null|True|False)(?![A-Za-z_])"
                   r"|\d{4}-\d\d-\d\dT\d\d:|syntax error|Traceback|expected a term|unclosed|Not Found"
                   r"|No Differences|Empty File|Internal Server Error")


def _context(browser, live_web, width: int):
    # bypass_csp only so that the axe-core script can be injected; the pages themselves never need it.
    return browser.new_context(base_url=live_web.base_url, accept_downloads=True, locale="zh-CN",
                               viewport={"width": width, "height": 900}, bypass_csp=True)


@pytest.fixture(scope="module")
def manifest(live_web):
    return live_web.archive.replica.site.manifest(live_web.archive.replica.base_url, as_of=AS_OF_SECOND)


@pytest.fixture(scope="module")
def pages(live_web, manifest) -> dict[str, str]:
    """One URL of every page type, found through the API."""
    import httpx

    with httpx.Client(base_url=live_web.base_url, timeout=60) as c:
        def doc_id(phrase: str) -> int:
            return c.get("/api/search", params={"q": f'"{phrase}"'}).json()["hits"][0]["document_id"]

        planted = next(d for d in manifest.documents if d.kind == "annual_report" and d.delivery == "html"
                       and d.versions[-1].planted_inconsistencies and d.format in ("2019", "2021"))
        edited = next(d for d in manifest.documents if len(d.versions) > 1 and d.delivery == "html"
                      and d.kind == "annual_report"
                      and d.versions[0].appears_at[:10] <= AS_OF_FIRST < d.versions[1].appears_at[:10])
        planted_id, edited_id = doc_id(planted.versions[-1].body_phrase), doc_id(edited.versions[-1].body_phrase)
        versions = [v["id"] for v in c.get(f"/api/documents/{edited_id}").json()["versions"]]
        grid = c.get("/timeliness", params={"from": 2020, "to": 2020}).text
        unit_id = int(re.search(r'data-status="late"[^>]*>\s*<a href="/timeliness/(\d+)/2020"', grid).group(1))
    return {
        "search": "/search?q=行政复议&kind=annual_report",
        "search-error": "/search?q=%22未闭合",
        "document": f"/doc/{planted_id}",
        "edited": f"/doc/{edited_id}",
        "diff": f"/doc/{edited_id}/diff?a={versions[0]}&b={versions[1]}",
        "timeliness": "/timeliness?from=2015&to=2021",
        "evidence": f"/timeliness/{unit_id}/2020",
        "figures": "/figures?key=requests.new.total",
        "status": "/status",
        "unit": f"/unit/{unit_id}",
        "not-found": "/doc/99999999999999999999",
        "bad-request": "/timeliness.csv?year=2007",
    }


@pytest.mark.parametrize("width", [1280, 390])
def test_every_page_fits_the_screen_and_speaks_chinese(browser, live_web, pages, width):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = _context(browser, live_web, width)
    page = context.new_page()
    problems: list[str] = []
    for name, url in pages.items():
        page.goto(url)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"people-{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth") - width
        if overflow > 0:
            problems.append(f"{name}: {overflow} px wider than the {width} px screen")
        text = page.inner_text("body")
        if m := CODES.search(text):
            problems.append(f"{name}: shows {m.group(0)!r} ({text[max(0, m.start() - 30):m.end() + 30]!r})")
        assert page.locator("header.top nav a[href='/search']").count() == 1, name  # navigation on every page
        if width == 1280:
            serious = [v for v in axe.run(page).response["violations"] if v["impact"] in ("serious", "critical")]
            problems += [f"{name}: axe {v['id']} ({len(v['nodes'])} nodes)" for v in serious]
    context.close()
    assert not problems, problems


def test_phone_layout_folds_facets_scrolls_tables_and_keeps_grid_names_readable(browser, live_web, pages):
    context = _context(browser, live_web, 390)
    page = context.new_page()
    page.goto(pages["search"])
    assert not page.locator("aside.facets").is_visible()
    fold = page.locator("details.facets-fold")
    assert fold.is_visible() and not fold.locator("section[data-facet=kind]").is_visible()
    fold.locator("summary").click()
    assert fold.locator("section[data-facet=kind]").is_visible()
    page.goto(pages["timeliness"])
    label = page.locator("#timeliness-grid th.label").nth(1)
    box = label.bounding_box()
    assert box["width"] > 80, box  # unit names on a few lines, not one character per line
    assert box["height"] < 100, box
    # The grid scrolls in its own box and the unit names stay in view (sticky).
    scroller = page.locator("div.scroll:has(#timeliness-grid)")
    assert scroller.evaluate("e => e.scrollWidth > e.clientWidth")
    scroller.evaluate("e => { e.scrollLeft = 400; }")
    assert abs(label.bounding_box()["x"] - box["x"]) < 2
    page.goto(pages["document"])
    table = page.locator("#table-B div.scroll")
    assert table.evaluate("e => e.scrollWidth > e.clientWidth")  # the report table scrolls, the page does not
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_failed_checks_read_as_a_report_and_point_at_red_cells(browser, live_web, pages):
    context = _context(browser, live_web, 1280)
    page = context.new_page()
    page.goto(pages["document"])
    items = page.locator("#failed-checks li")
    assert items.count() >= 1
    for i in range(items.count()):
        text = items.nth(i).inner_text()
        assert re.search(r"表[二三]|正文所述", text) and re.search(r"\d", text), text
        link = items.nth(i).locator("a")
        if link.count():
            target = link.get_attribute("href")
            cell = page.locator(f"[id='{target[1:]}']")
            assert cell.count() == 1, target
            link.click()
            assert page.evaluate("location.hash") == target
    assert page.locator("td.failed").count() >= 1
    context.close()


def test_search_facets_filters_numbered_pages_and_export(browser, live_web, pages):
    context = _context(browser, live_web, 1280)
    page = context.new_page()
    page.goto("/search?q=年度报告")
    years = page.locator("aside section[data-facet=year] li a").all_inner_texts()
    assert years == sorted(years, reverse=True) and len(years) > 3
    total = int(page.inner_text("#total"))
    numbers = page.locator("nav.pager a.page-number").all_inner_texts()
    assert "2" in numbers and str(min(500, -(-total // 20))) in numbers
    page.click("nav.pager a.page-number:text-is('2')")
    assert "page=2" in page.url and page.locator("nav.pager .current").inner_text() == "2"
    page.click("aside section[data-facet=kind] a:has-text('年度报告')")
    page.click(f"aside section[data-facet=year] a:text-is('{years[1]}')")
    chips = page.locator("#active-filters li")
    assert chips.count() == 4  # query, year, kind, and "clear all"
    narrowed = int(page.inner_text("#total"))
    page.click("#active-filters li:has-text('年度：') a.clear")
    assert "year_from" not in page.url and "kind=annual_report" in page.url
    assert int(page.inner_text("#total")) > narrowed
    with page.expect_download() as info:
        page.click("#search-csv")
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["document_id", "title", "publisher"]
    assert len(rows) - 1 == min(1000, int(page.inner_text("#total")))
    # Snippets come from the prose, not from runs of table cells.
    page.goto("/search?q=行政复议&kind=annual_report")
    for snippet in page.locator(".snippet").all_inner_texts():
        assert not re.search(r"(\d+\s+){5}", snippet), snippet
    context.close()


def test_charts_comparisons_diff_and_evidence_download(browser, live_web, pages):
    context = _context(browser, live_web, 1280)
    page = context.new_page()
    page.goto(pages["timeliness"])
    legend = page.locator("#rate-chart .chart-legend li").all_inner_texts()
    assert "全县" in legend and len(legend) >= 3  # the county and each kind of unit
    assert page.locator("#rate-chart svg polyline").count() >= 3
    page.goto(pages["figures"])
    units = page.locator(".unit-picker input[name=unit]")
    page.click(".unit-picker summary")
    for box in (units.nth(2), units.nth(3)):
        box.check()
    wanted = [units.nth(i).get_attribute("value") for i in (2, 3)]
    page.click(".unit-picker button")
    legend = page.locator("#figures-chart .chart-legend li").all_inner_texts()
    assert set(wanted) <= set(legend) and "全部单位合计" in legend and len(legend) >= 3
    assert page.locator("#figures-total th").inner_text() == "全部单位合计"
    page.goto(pages["edited"])
    assert page.locator("#edited-badge").inner_text().startswith("发布后修改")
    page.goto(pages["diff"])
    assert page.locator("#changed-figures tr").count() >= 2
    assert page.locator("#text-diff table.diff").count() == 1
    page.goto(pages["unit"])
    header = page.locator("#unit-figures-table tr").first.locator("th").all_inner_texts()
    assert len(header) >= 3
    assert page.locator("#unit-figures-table .change").count() >= 1  # year-on-year changes
    assert page.locator("#section-diff details.section-diff").count() >= 3
    page.goto(pages["evidence"])
    with page.expect_download() as info:
        page.click("#evidence-download")
    with zipfile.ZipFile(info.value.path()) as package:
        names = set(package.namelist())
        assert {"statement.md", "evidence.warc.gz", "evidence.json"} <= names
    context.close()


def test_unit_comparison_shows_pre2019_reports_by_their_equivalent_figures(live_web, pages, manifest):
    """A unit's years before 2019 (the 2008 outline's table) are not gaps in the comparison: the equivalent old
    figure (收到申请数 for 本年新收) stands in the line, marked 旧表, with the manifest's value."""
    import html as html_lib

    import httpx

    from disclosure.web.report_tables import key_labels

    page = httpx.get(live_web.base_url + pages["unit"], timeout=60).text
    unit = html_lib.unescape(re.search(r"<h1>(.*?) · ", page).group(1))
    truth = {d.report_year: d.versions[-1].figures.get("local.requests.received") for d in manifest.documents
             if d.kind == "annual_report" and d.publisher == unit and d.format == "pre2019"}
    truth = {y: v for y, v in truth.items() if v is not None}
    assert truth, unit
    years = [int(y) for y in re.findall(r">(\d{4}) 年度</a>", page.split('id="unit-figures-table"')[1].split("</tr>")[0])]
    label = html_lib.escape(key_labels()["requests.new.total"])
    row = re.search(r'<tr><th class="label">' + re.escape(label) + r"</th>(.*?)</tr>", page, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert len(cells) == len(years)
    for year, cell in zip(years, cells, strict=True):
        if year in truth:
            assert "旧表" in cell and cell.startswith(f"{truth[year]:g}"), (year, cell)
        else:
            assert "旧表" not in cell, (year, cell)
    assert "取自 2019 年以前按旧表式填报的报告" in page
