"""OFD (GB/T 33190): the reader's geometry, every replica report rendered as OFD, and hostile OFD packages."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from archive.parse import ParseError, parse_document
from disclosure.replica.render_files import render_ofd

from .builders import COLS
from .replica_compare import Tally, compare_figures, compare_sections

NS = "http://www.ofdspec.org/2016"
TITLE = "青山县教育局2021年政府信息公开工作年度报告"


def package(pages: list[str], *, doc_root: str = "Doc_0/Document.xml", page_locs: list[str] | None = None,
            extra: dict[str, bytes] | None = None, compression: int = zipfile.ZIP_DEFLATED, doctype: str = "") -> bytes:
    """An OFD zip whose pages hold the given Layer contents (members written in reverse page order); ``doctype``
    goes before each page's root element."""
    locs = page_locs or [f"Pages/Page_{i}/Content.xml" for i in range(len(pages))]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        zf.writestr("OFD.xml", f'<ofd:OFD xmlns:ofd="{NS}"><ofd:DocBody><ofd:DocRoot>{doc_root}</ofd:DocRoot>'
                               "</ofd:DocBody></ofd:OFD>")
        refs = "".join(f'<ofd:Page ID="{i + 1}" BaseLoc="{loc}"/>' for i, loc in enumerate(locs))
        zf.writestr("Doc_0/Document.xml", f'<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:PageArea>'
                                          "<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
                                          f"</ofd:CommonData><ofd:Pages>{refs}</ofd:Pages></ofd:Document>")
        for loc, body in reversed(list(zip(locs, pages, strict=True))):
            name = loc.lstrip("/") if loc.startswith("/") else f"Doc_0/{loc}"
            zf.writestr(name, f'{doctype}<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="9">{body}'
                              "</ofd:Layer></ofd:Content></ofd:Page>")
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def text_object(text: str, x: float, y: float, size: float = 3.7, *, ctm: str | None = None,
                delta: str | None = None) -> str:
    attrs = f' CTM="{ctm}"' if ctm else ""
    dx = f' DeltaX="{delta}"' if delta else ""
    return (f'<ofd:TextObject ID="1" Boundary="{x} {y} 150 10" Font="2" Size="{size}"{attrs}>'
            f'<ofd:TextCode X="0" Y="{size}"{dx}>{text}</ofd:TextCode></ofd:TextObject>')


def test_page_order_positions_and_transforms():
    """Pages come in Document.xml order (not zip order); DeltaX with ``g``, CTM scaling and absolute BaseLoc."""
    first = (text_object(TITLE, 20, 20, 5.6, delta=f"g {len(TITLE) - 1} 5.6")
             # drawn at size 1 and scaled ×3.7 by the CTM: one line of its own, below the title
             + text_object("一、总体情况", 20, 40, 1.0, ctm="3.7 0 0 3.7 0 0")
             # two runs on one baseline, the second further right: one line "本年度 收到申请3件。"
             + text_object("收到申请3件。", 60, 60) + text_object("本年度", 20, 60))
    second = text_object("六、其他需要报告的事项", 20, 20) + text_object("无。", 20, 30)
    data = package([first, second], page_locs=["Pages/Page_0/Content.xml", "/Doc_0/Pages/P1.xml"])
    doc = parse_document(data, filename="报告.ofd")
    assert doc.source_kind == "ofd" and doc.title == TITLE and doc.year == 2021
    assert [(s.number, s.heading) for s in doc.sections] == [(1, "一、总体情况"), (6, "六、其他需要报告的事项")]
    assert doc.sections[0].text == "本年度 收到申请3件。" and doc.sections[1].text == "无。"


def test_ruled_table_cells_become_rows():
    """A table drawn with PathObject rules: blank cells stay blank, numbers go to their columns."""
    rows = [["", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
            ["一、本年新收政府信息公开申请数量", "2", "", "0", "0", "0", "0", "2"]]
    widths = [50] + [16] * 7
    objects = [text_object(TITLE, 20, 10), text_object("三、收到和处理政府信息公开申请情况", 20, 20)]
    for r, row in enumerate(rows):
        x = 20.0
        for w, text in zip(widths, row, strict=True):
            top = 30 + r * 12
            objects.append(f'<ofd:PathObject ID="2" Boundary="{x} {top} {w} 12"><ofd:AbbreviatedData>'
                           f"M 0 0 L {w} 0 L {w} 12 L 0 12 C</ofd:AbbreviatedData></ofd:PathObject>")
            if text:
                objects.append(f'<ofd:TextObject ID="3" Boundary="{x + 1} {top + 4} {w - 2} 5" Size="2.8">'
                               f'<ofd:TextCode X="0" Y="2.5">{text}</ofd:TextCode></ofd:TextObject>')
            x += w
    doc = parse_document(package(["".join(objects)]), filename="a.ofd")
    assert [doc.figure(f"requests.new.{c}").value for c in COLS] == [2, None, 0, 0, 0, 0, 2]


def _content_of_every_report(site):
    for d in site.docs:
        if d.kind == "annual_report" and d.delivery != "html_image_tables":
            yield d, site.content(d, d.versions[-1].edit_no)


@pytest.mark.slow
@pytest.mark.parametrize("county", ["default", "mixed"])
def test_every_replica_report_as_ofd(county, replica_site, mixed_site):
    """Each report of the replica rendered as OFD parses to its ground truth: sections, every figure, format and
    exactly the planted failing checks (the same truth its HTML, PDF, DOCX and DOC versions are held to)."""
    site = replica_site if county == "default" else mixed_site
    t = Tally()
    pages = 0
    start = time.perf_counter()
    for d, c in _content_of_every_report(site):
        data = render_ofd(c)
        doc = parse_document(data, filename=f"{d.id}.ofd")
        pages += sum(1 for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.endswith("Content.xml"))
        where = f"[{d.id} {d.format}]"
        t.record("kind", doc.kind == "annual_report", f"{where} {doc.kind}")
        t.record("format", doc.format == d.format, f"{where} {doc.format} vs {d.format}")
        t.record("year", doc.year == d.report_year, f"{where} {doc.year} vs {d.report_year}")
        compare_sections(t, doc, c.sections, where)
        compare_figures(t, doc, c.figures, c.raw, where)
        failed = sorted(x.rule for x in doc.checks if not x.ok)
        t.record("checks", failed == sorted(c.planted_inconsistencies), f"{where} failed {failed}")
    elapsed = time.perf_counter() - start
    print(f"\nOFD ({county}): {t.total['kind']} reports, {pages} pages, {elapsed:.1f} s\n{t.report()}")
    assert t.total["figures"] > 1000
    assert t.perfect(), "\n".join(t.misses[:30])


# ---------------------------------------------------------------- hostile packages
def _fails_fast(data: bytes, match: str) -> None:
    # CPU time of this process, not wall time: a shared CI machine's load must not fail a bounded parse
    start = time.process_time()
    with pytest.raises(ParseError, match=match):
        parse_document(data, filename="a.ofd")
    assert time.process_time() - start < 5


def test_broken_and_hostile_ofd():
    good = text_object(TITLE, 20, 20)
    _fails_fast(package([good + "<ofd:TextObject"]), "broken OFD XML")  # truncated XML
    _fails_fast(package([good], doc_root="Doc_0/Missing.xml"), "OFD part missing")
    _fails_fast(package([]), "no pages")
    _fails_fast(package([good])[:400], "corrupt|zip")  # truncated zip
    # a billion-laughs entity bomb and an external entity: neither is expanded nor fetched
    laughs = ('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
              '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
              '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
              '<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>')
    xxe = '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    for doctype, entity, leak in ((laughs, "&h;", "haha"), (xxe, "&x;", "root:")):
        start = time.process_time()
        try:
            doc = parse_document(package([text_object(entity, 20, 20)], doctype=doctype), filename="a.ofd")
        except ParseError:
            pass
        else:
            assert leak not in doc.body_text
        assert time.process_time() - start < 5


def test_ofd_deep_nesting_zip_bomb_and_object_flood():
    deep = "<ofd:PageBlock>" * 100_000 + text_object(TITLE, 20, 20) + "</ofd:PageBlock>" * 100_000
    # stored, not deflated: these compress so well that the zip-bomb check would stop them first
    _fails_fast(package([deep], compression=zipfile.ZIP_STORED), "broken OFD XML")
    flood = text_object("一", 1, 1) * 60_000
    _fails_fast(package([flood], compression=zipfile.ZIP_STORED), "more than")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("OFD.xml", f'<ofd:OFD xmlns:ofd="{NS}"/>')
        with zf.open("Doc_0/Document.xml", "w") as member:
            for _ in range(20):  # 20 MB of spaces, a few dozen KB compressed
                member.write(b" " * (1 << 20))
    _fails_fast(buf.getvalue(), "zip bomb")
