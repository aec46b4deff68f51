"""The manifest's figures agree with the tables on the served pages (cells read independently here)."""

from __future__ import annotations

import httpx
from bs4 import BeautifulSoup

from .util import page_text

COLS = ["natural_person", "business", "research", "public_interest", "legal_service", "other_org", "total"]
OUTCOMES = ["upheld", "corrected", "other", "pending", "total"]


def _cells(row) -> list[str]:
    return [td.get_text("", strip=True) for td in row.find_all(["td", "th"])]


def _row(soup, label: str):
    for tr in soup.find_all("tr"):
        if label in tr.get_text():
            return _cells(tr)
    raise AssertionError(f"no row {label}")


def test_table_cells_match_manifest_raw(replica, replica_manifest):
    m = replica_manifest
    docs = [d for d in m.documents if d.delivery == "html" and d.format in ("2021", "2019")
            and not d.versions[-1].planted_inconsistencies]
    picked = docs[::max(1, len(docs) // 25)]
    assert len(picked) >= 20
    with httpx.Client(timeout=10) as client:
        for doc in picked:
            version = doc.versions[-1]
            soup = BeautifulSoup(page_text(m, doc, doc.urls[0], client.get(doc.urls[0]).content), "lxml")
            for row_label, key in (("本年新收政府信息公开申请数量", "new"), ("上年结转政府信息公开申请数量", "carried_in"),
                                   ("结转下年度继续办理", "carried_out")):
                assert _row(soup, row_label)[-7:] == [version.raw[f"requests.{key}.{c}"] for c in COLS], doc.id
            review_table = next(t for t in soup.find_all("table") if "行政复议" in t.get_text())
            last = _cells(review_table.find_all("tr")[-1])
            expected = [version.raw[f"{g}.{o}"] for g in ("review", "litigation.direct", "litigation.after_review")
                        for o in OUTCOMES]
            assert last[-15:] == expected, doc.id
            for raw, value in ((version.raw[k], version.figures[k]) for k in version.raw if k.startswith("requests.")):
                digits = raw.translate(str.maketrans("０１２３４５６７８９", "0123456789")).replace(",", "")
                assert value == (float(digits) if digits.isdigit() else None)


def test_image_table_reports_serve_their_images(replica, replica_manifest):
    m = replica_manifest
    docs = [d for d in m.documents if d.delivery == "html_image_tables"]
    assert docs
    with httpx.Client(timeout=10) as client:
        for doc in docs[:5]:
            html = page_text(m, doc, doc.urls[0], client.get(doc.urls[0]).content)
            images = BeautifulSoup(html, "lxml").select("#zoom img")
            assert images and not doc.versions[-1].figures.get("requests.new.total")
            for img in images:
                r = client.get(httpx.URL(doc.urls[0]).join(img["src"]))
                assert r.status_code == 200 and r.content.startswith(b"\x89PNG")
