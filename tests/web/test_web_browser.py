"""The web interface in a real browser: Debian's Chromium driven by Playwright (no browser download).

Screenshots of every page visited are saved under test-output/screenshots/ for a reviewer to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import AS_OF_SECOND, CHROMIUM

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"

if CHROMIUM is None and os.environ.get("CI"):
    raise RuntimeError("Chromium is required for the browser tests in CI (.ci/run installs Debian's chromium)")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)")]


@pytest.fixture
def page(browser, live_web):
    context = browser.new_context(base_url=live_web.base_url, accept_downloads=True, locale="zh-CN",
                                  viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, errors


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_search_with_filters_then_open_a_document(page, live_web):
    manifest = live_web.archive.replica.site.manifest(live_web.archive.replica.base_url, as_of=AS_OF_SECOND)
    page.goto("/search")
    page.fill("input[name=q]", "行政复议")
    page.select_option("select[name=sort]", "date")
    page.click("button[type=submit]")
    total_all = int(page.inner_text("#total").replace(",", ""))
    assert total_all > 0
    # Narrow with the kind facet, then the year facet: the URL keeps the whole query.
    page.click("section[data-facet=kind] a:has-text('年度报告')")
    page.click("section[data-facet=year] a:has-text('2020')")
    assert "kind=annual_report" in page.url and "year_from=2020" in page.url and "sort=date" in page.url
    narrowed = int(page.inner_text("#total").replace(",", ""))
    expected = sum(1 for d in manifest.documents if d.kind == "annual_report" and d.report_year == 2020)
    assert 0 < narrowed <= total_all and narrowed == expected
    assert page.locator(".snippet b").count() > 0
    _shot(page, "01-search-filtered")
    page.click(".hit a.title >> nth=0")
    assert page.url.rsplit("/", 2)[-2] == "doc"
    assert page.locator("#doc-title").inner_text().strip()
    assert page.locator("#sections article.section").count() >= 5
    _shot(page, "02-document")


def test_timeliness_grid_and_csv_download(page):
    page.goto("/timeliness?from=2015&to=2021")
    cells = page.locator("#timeliness-grid td[data-status]")
    assert cells.count() > 100
    statuses = set(cells.evaluate_all("els => els.map(e => e.dataset.status)"))
    assert {"on_time", "late"} <= statuses
    _shot(page, "03-timeliness")
    with page.expect_download() as info:
        page.click("a[href='/timeliness.csv?year=2021']")
    path = info.value.path()
    text = Path(path).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("portal,unit,unit_kind,report_year,status")
    cells.first.locator("a").click()
    assert page.locator("#status").inner_text().strip()
    _shot(page, "04-evidence")


def test_figures_and_status_pages(page):
    page.goto("/figures?key=requests.new.total")
    assert page.locator("#figures-table tr").count() > 5
    assert page.locator("figure.chart svg polyline, figure.chart svg circle").count() > 0
    _shot(page, "05-figures")
    page.goto("/status")
    assert page.locator("section.portal[data-portal=replica]").count() == 1
    _shot(page, "06-status")


# Elements the hostile notice tries to plant; none may exist in our own pages' DOM.
INJECTED = ("img[src=x], [onerror], [onload], [onclick], [onmouseover], svg, body iframe:not([sandbox='']), "
            "a[href^='javascript' i]")


def test_hostile_notice_cannot_run_script(page, live_web):
    manifest = live_web.archive.replica.site.manifest(live_web.archive.replica.base_url, as_of=AS_OF_SECOND)
    case = next(s for s in manifest.special_cases if s.kind == "hostile_content")
    doc = next(d for d in manifest.documents if d.urls[0] == case.url)
    title = doc.versions[-1].title
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    def our_dom_is_clean() -> None:
        assert page.locator(INJECTED).count() == 0
        scripts = page.locator("script").evaluate_all("els => els.map(e => e.getAttribute('src') || 'inline')")
        assert all(s.startswith("/static/") for s in scripts), scripts

    page.goto("/search?q=" + "网站安全检查")
    assert page.locator(".hit a.title", has_text="<script>alert('x')</script>").count() == 1
    our_dom_is_clean()
    _shot(page, "07-hostile-search")
    page.goto("/search?q=" + f'"{doc.versions[-1].body_phrase}"')
    page.click(".hit a.title >> nth=0")
    assert page.locator("#doc-title").inner_text().strip() == title
    assert '<script>alert("escaped")</script>' in page.locator("#body").inner_text()
    # Whatever name the archive kept for the hostile attachment is shown as text, markup characters and all.
    api = page.request.get("/api/documents/" + page.url.rsplit("/", 1)[-1]).json()
    names = [a["filename"] for a in api["attachments"]]
    assert names and all(n in page.locator("#attachments").inner_text() for n in names), names
    our_dom_is_clean()
    frame_el = page.locator("iframe.archived")
    assert frame_el.get_attribute("sandbox") == ""
    src = frame_el.get_attribute("src")
    frame = next(f for f in page.frames if f.url.endswith(src))
    frame.wait_for_load_state()
    assert title in frame.locator("h1").inner_text()  # the archived copy renders, its scripts do not run
    _shot(page, "08-hostile-document")
    response = page.goto(src)
    assert response.headers["content-security-policy"].startswith("sandbox")
    assert page.locator("h1").inner_text().strip() == title
    page.wait_for_timeout(300)  # give onerror/onload handlers their chance to fire
    assert page.evaluate("document.title") != "pwned"
    _shot(page, "09-hostile-archived-copy")
    assert not dialogs, dialogs
