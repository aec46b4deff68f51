"""The replica's report content: ground truth agrees with what is served, in HTML and in every file kind.

The checks here are written independently of the generator: tables are re-read from the served HTML with
lxml (spans expanded), figures located by hand-written row/column labels from the domain reference §3,
the consistency rules re-implemented from docs/architecture.md, PDFs read with pdfplumber, DOCX with
python-docx, DOC with a small olefile piece-table reader, XLS with xlrd.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from dataclasses import asdict

import docx
import lxml.html
import olefile
import pdfplumber
import pytest
import xlrd

from disclosure.replica.content import ReportSpec, generate_notice, generate_report
from disclosure.replica.render_files import render_doc, render_docx, render_pdf, render_xls

COLS = ("natural_person", "business", "research", "public_interest", "legal_service", "other_org")
ALL_COLS = (*COLS, "total")
BLANKS = {"", "/", "—", "——", "-", "无"}
FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def spec(fmt: str = "2021", seed: int = 1, **kw) -> ReportSpec:
    unit = kw.pop("unit", "青山县教育局")
    year = kw.pop("year", 2021 if fmt != "pre2019" else 2016)
    return ReportSpec("青山县", unit, "县教育局", year, fmt, seed, **kw)


def all_specs() -> list[ReportSpec]:
    """Many seeds x formats x variants (cheap: generation is sub-millisecond)."""
    out = []
    for fmt in ("2021", "2019", "pre2019"):
        for seed in range(60):
            out.append(spec(fmt, seed * 7 + 1, heading_variant=seed % 12,
                            missing_section=(seed % 9) if 1 <= seed % 9 <= 6 else None,
                            inconsistent=seed % 4 == 1, tables_as_images=seed % 11 == 5,
                            edit_no=1 if seed % 5 == 3 else 0,
                            unit="青山县人民政府" if seed % 6 == 0 else "青山县教育局"))
    return out


# --- independent readers -------------------------------------------------------------------------

def cell_text(td) -> str:
    return "".join(td.itertext()).replace("\xa0", "").strip()


def grid(table) -> list[list[str]]:
    """Expand rowspan/colspan: every covered position repeats its cell's text."""
    out: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(table.xpath("./tbody/tr|./tr")):
        c = 0
        for td in tr.xpath("./td|./th"):
            while (r, c) in out:
                c += 1
            rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
            for dr in range(rs):
                for dc in range(cs):
                    out[(r + dr, c + dc)] = cell_text(td)
            c += cs
    n_rows = max(r for r, _ in out) + 1
    n_cols = max(c for _, c in out) + 1
    return [[out.get((r, c), "") for c in range(n_cols)] for r in range(n_rows)]


def tables_of(body_html: str) -> dict[str, list[list[str]]]:
    """The statistics tables of a page by what they say (heading-only tables skipped)."""
    found = {}
    for t in lxml.html.fromstring(f"<div>{body_html}</div>").xpath("//table"):
        g = grid(t)
        flat = "".join("".join(r) for r in g)
        if "第二十条" in flat:
            found["A"] = g
        elif "勾稽关系" in flat:
            found["B"] = g
        elif "行政复议" in flat and len(g[0]) == 15:
            found["C"] = g
        elif "统计指标" in flat:
            found["local"] = g
    return found


def value_of(raw: str) -> float | None:
    text = raw.translate(FULLWIDTH).replace(",", "").replace("元", "").strip()
    return None if text in BLANKS else float(text)


# Table B row keys -> words of its label (group + leaf), domain reference §3.
B_LABELS = {
    "new": ("本年新收",), "carried_in": ("上年结转",), "result.disclosed": ("予以公开",),
    "result.partly_disclosed": ("部分公开",), "result.withheld.state_secret": ("不予公开", "国家秘密"),
    "result.withheld.prohibited_by_law": ("不予公开", "其他法律行政"),
    "result.withheld.security_stability": ("三安全一稳定",), "result.withheld.third_party": ("第三方",),
    "result.withheld.internal_affairs": ("内部事务",), "result.withheld.process_info": ("过程性",),
    "result.withheld.enforcement_file": ("执法案卷",), "result.withheld.query_matter": ("查询事项",),
    "result.unavailable.not_held": ("不掌握",), "result.unavailable.needs_creation": ("另行制作",),
    "result.unavailable.unclear": ("仍不明确",), "result.not_processed.petition": ("信访举报",),
    "result.not_processed.repeated": ("不予处理", "2.重复申请"), "result.not_processed.publication": ("出版物",),
    "result.not_processed.mass_repeated": ("大量反复",), "result.not_processed.confirmation": ("重新出具",),
    "result.other.no_correction": ("逾期不补正",), "result.other.unpaid_fee": ("缴纳费用",),
    "result.other.other": ("其他处理", "3.其他"), "result.other": ("其他处理",),
    "result.total": ("（七）总计",), "carried_out": ("结转下年度",),
}
A_LABELS = {
    "rules": "规章", "normative_docs": ("行政规范性文件", "规范性文件"), "licensing": "行政许可",
    "other_services": "其他对外管理服务事项", "penalty": "行政处罚", "coercion": "行政强制",
    "fees": "行政事业性收费", "procurement": "政府集中采购",
}
A_COLUMNS = {
    "issued": "本年制发件数", "repealed": "本年废止件数", "in_force": "现行有效件数",
    "decisions": ("本年处理决定数量", "处理决定数量"), "amount": ("本年收费金额（单位：万元）", "采购总金额"),
    "made": "本年新制作数量", "published": "本年新公开数量", "total_published": "对外公开总数量",
    "prev_items": "上一年项目数量", "change": "本年增/减", "projects": "采购项目数量",
}
C_OUTCOMES = {"结果维持": "upheld", "结果纠正": "corrected", "其他结果": "other", "尚未审结": "pending", "总计": "total"}
LOCAL_LABELS = {
    "主动公开政府信息数": "local.active.total", "其中：通过政府网站公开": "local.active.via_website",
    "收到政府信息公开申请数": "local.requests.received", "其中：已答复": "local.requests.answered",
    "其中：同意公开": "local.requests.disclosed", "收取费用": "local.fees.amount",
    "因政府信息公开申请行政复议数": "local.review.total", "因政府信息公开提起行政诉讼数": "local.litigation.total",
}


def _as_tuple(x) -> tuple[str, ...]:
    return x if isinstance(x, tuple) else (x,)


def read_b(g: list[list[str]]) -> dict[str, str]:
    """Table B cells by key: the row found by its label words, the last 7 grid columns in column order."""
    out = {}
    split_other = any("3.其他" in "".join(r[:-7]) for r in g)
    for key, words in B_LABELS.items():
        if key == "result.other" and split_other or key.startswith("result.other.") and not split_other:
            continue
        rows = [r for r in g if all(w in "".join(r[:-7]) for w in words)]
        if key == "result.not_processed.repeated":
            rows = [r for r in rows if "大量反复" not in "".join(r[:-7])]
        assert len(rows) == 1, (key, len(rows))
        for col, text in zip(ALL_COLS, rows[0][-7:], strict=True):
            out[f"requests.{key}.{col}"] = text
    return out


def read_a(g: list[list[str]]) -> dict[str, str]:
    """Table A cells by key: row label, then the column of the nearest 信息内容 header above."""
    out = {}
    header: list[str] = []
    for row in g:
        if row[0] == "信息内容":
            header = row
            continue
        group = next((k for k, v in A_LABELS.items() if row[0] in _as_tuple(v)), None)
        if group is None:
            continue
        for col, names in A_COLUMNS.items():
            for c, name in enumerate(header):
                if c and name in _as_tuple(names):
                    out.setdefault(f"active.{group}.{col}", row[c])
    return out


def read_c(g: list[list[str]]) -> dict[str, str]:
    out = {}
    for c in range(15):
        group = "review" if g[0][c] == "行政复议" else (
            "litigation.direct" if g[1][c] == "未经复议直接起诉" else "litigation.after_review")
        outcome = C_OUTCOMES[(g[1][c] if group == "review" else g[2][c]).replace("\n", "")]
        out[f"{group}.{outcome}"] = g[-1][c]
    return out


def read_local(g: list[list[str]]) -> dict[str, str]:
    return {LOCAL_LABELS[r[0]]: r[2] for r in g[1:]}


def read_figures(body_html: str) -> dict[str, str]:
    readers = {"A": read_a, "B": read_b, "C": read_c, "local": read_local}
    out: dict[str, str] = {}
    for name, g in tables_of(body_html).items():
        out.update(readers[name](g))
    return out


def broken_rules(fig: dict[str, float | None], text: str) -> set[str]:
    """docs/architecture.md consistency rules, judged only when all their figures are numbers."""
    fails = set()

    def judge(rule: str, left: list[str], right: list[str]) -> None:
        if all(k in fig and fig[k] is not None for k in left + right):
            if sum(fig[k] for k in left) != sum(fig[k] for k in right):
                fails.add(rule)

    rows = sorted({k[len("requests."):k.rindex(".")] for k in fig if k.startswith("requests.")})
    for col in ALL_COLS:
        judge(f"B.column_balance.{col}", [f"requests.new.{col}", f"requests.carried_in.{col}"],
              [f"requests.result.total.{col}", f"requests.carried_out.{col}"])
        leaves = [r for r in rows if r.startswith("result.") and r != "result.total"]
        judge(f"B.result_total.{col}", [f"requests.result.total.{col}"], [f"requests.{r}.{col}" for r in leaves])
    for row in rows:
        judge(f"B.row_total.{row}", [f"requests.{row}.total"], [f"requests.{row}.{c}" for c in COLS])
    for g in ("review", "litigation.direct", "litigation.after_review"):
        judge(f"C.{g}.total", [f"{g}.total"], [f"{g}.{o}" for o in ("upheld", "corrected", "other", "pending")])
    table_new = fig.get("requests.new.total")
    for stated in re.findall(r"(?:收到|受理)政府信息公开申请(\d+)件", text):
        if table_new is not None and float(stated) != table_new:
            fails.add("text.requests.new.total")
    return fails


# --- generation ---------------------------------------------------------------------------------

def test_figures_served_as_stated_and_rules_hold_unless_planted():
    planted_seen = set()
    for s in all_specs():
        c = generate_report(s)
        served = read_figures(c.body_html)
        if s.tables_as_images:
            assert c.figures == {} and c.raw == {} and served == {}
            continue
        assert set(served) == set(c.raw), s
        for key, raw in c.raw.items():
            assert c.figures[key] is None or type(c.figures[key]) is float, (s, key)
            assert served[key] == raw.replace("\n", ""), (s, key)
            assert value_of(raw) == c.figures[key], (s, key, raw)
        fails = broken_rules(c.figures, c.text)
        assert fails == set(c.planted_inconsistencies), (s, fails, c.planted_inconsistencies)
        if s.inconsistent and s.format != "pre2019":
            assert c.planted_inconsistencies, s
        planted_seen.update(c.planted_inconsistencies)
    for rule in ("B.column_balance.total", "B.row_total.new", "B.result_total.total", "C.review.total",
                 "text.requests.new.total"):
        assert rule in planted_seen, rule


def test_formats_print_their_own_labels():
    c21 = generate_report(spec("2021", 3))
    c19 = generate_report(spec("2019", 3))
    assert "本年制发件数" in c21.body_html and "本年新制作数量" not in c21.body_html
    assert "本年新制作数量" in c19.body_html and "政府集中采购" in c19.body_html
    assert "requests.result.other.total" in c19.figures
    keys_2021 = {k for s in range(40) for k in generate_report(spec("2021", s)).figures}
    assert "requests.result.other.no_correction.total" in keys_2021  # 2021: three sub-rows
    assert "requests.result.other.total" in keys_2021  # some 2021 reports print （六） as one row
    pre = generate_report(spec("pre2019", 3))
    assert set(pre.figures) == set(LOCAL_LABELS.values())


def test_messy_html_variants_occur():
    html_all = "".join(generate_report(spec(f, s)).body_html for f in ("2021", "2019") for s in range(80))
    raws = [r for f in ("2021", "2019") for s in range(80) for r in generate_report(spec(f, s)).raw.values()]
    assert "&nbsp;" in html_all and "<br>" in html_all and "<span" in html_all
    assert 'class="MsoNormalTable"' in html_all and "<o:p></o:p>" in html_all and "<colgroup>" in html_all
    assert any(ch in "".join(raws) for ch in "０１２３４５６７８９")
    assert any(r in ("/", "——") for r in raws)
    assert any(re.fullmatch(r"[0-9０-９]+元", r) for r in raws)
    big = [generate_report(spec("2021", s, unit="青山县人民政府")) for s in range(20)]
    assert any(re.search(r"\d,\d{3}", r) for c in big for r in c.raw.values())
    assert max(v or 0 for c in big for v in c.figures.values()) >= 100


def body_text_without_tables(body_html: str) -> str:
    root = lxml.html.fromstring(f"<div>{body_html}</div>")
    for t in root.xpath("//table"):
        if len(t.xpath(".//td")) > 1:
            t.getparent().remove(t)
    return re.sub(r"\s+", "", root.text_content())


def test_sections_match_the_page():
    numbering = (r"[一二三四五六]、", r"（[一二三四五六]）", r"\([一二三四五六]\)", r"[1-6]\.")
    for s in all_specs():
        c = generate_report(s)
        present = [n for n in range(1, 7) if n != s.missing_section]
        assert [x.number for x in c.sections] == present
        page = body_text_without_tables(c.body_html)
        positions = []
        for sec in c.sections:
            assert re.match(numbering[s.heading_variant % 4], sec.heading), sec.heading
            assert re.sub(r"\s+", "", sec.text) in page, (s, sec.number)
            positions.append(page.index(re.sub(r"\s+", "", sec.heading)))
        assert positions == sorted(positions)
        markup = s.heading_variant // 4
        assert (f"<h3>{c.sections[0].heading}</h3>" in c.body_html) == (markup == 1)
        assert (f"<td><strong>{c.sections[0].heading}" in c.body_html) == (markup == 2)
    # a report with a missing section renumbers the rest, as real "五个部分" reports do
    c = generate_report(spec("2021", 5, missing_section=5))
    assert c.sections[-1].number == 6 and c.sections[-1].heading.startswith("五、")


def test_body_phrase_unique_and_present():
    phrases = {}
    for s in all_specs():
        for edit in (0, 1):
            s.edit_no = edit
            c = generate_report(s)
            assert 8 <= len(c.body_phrase) <= 14
            assert c.text.count(c.body_phrase) == 1 and c.body_phrase in c.body_html
            phrases[(s.format, s.seed, edit)] = c.body_phrase
    notices = {generate_notice(seed, "青山县", "青山县教育局", "2022-03-05").body_phrase for seed in range(200)}
    assert len(set(phrases.values())) == len({(seed, e) for _, seed, e in phrases})
    assert not notices & set(phrases.values()) and len(notices) == 200


def test_edited_version_changes_text_and_a_figure():
    for seed in range(20):
        for fmt in ("2021", "2019", "pre2019"):
            a, b = generate_report(spec(fmt, seed)), generate_report(spec(fmt, seed, edit_no=1))
            assert a.body_phrase != b.body_phrase and a.title == b.title
            assert any(a.figures[k] != b.figures.get(k) for k in a.figures)
            assert a.sections[4].text != b.sections[4].text
            assert broken_rules(b.figures, b.text) == set()


def test_images_instead_of_tables_are_valid_pngs():
    for fmt in ("2021", "2019", "pre2019"):
        c = generate_report(spec(fmt, 9, tables_as_images=True))
        assert c.images and c.figures == {}
        # the pictures show the tables: their figures are the truth OCR is held to
        assert c.image_figures and set(c.image_figures) == set(c.image_raw)
        assert "勾稽关系" not in c.body_html and "统计指标" not in c.body_html
        for name, data in c.images:
            assert f'src="{name}"' in c.body_html
            assert data[:8] == b"\x89PNG\r\n\x1a\n"
            pos, chunks = 8, {}
            while pos < len(data):
                length, kind = struct.unpack(">I4s", data[pos:pos + 8])
                body = data[pos + 8:pos + 8 + length]
                assert struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0] == zlib.crc32(kind + body)
                chunks[kind] = chunks.get(kind, b"") + body  # image data may come in several IDAT chunks
                pos += 12 + length
            w, h = struct.unpack(">II", chunks[b"IHDR"][:8])
            assert chunks[b"IHDR"][8:10] == b"\x08\x00"  # 8-bit greyscale
            assert len(zlib.decompress(chunks[b"IDAT"])) == h * (w + 1) and b"IEND" in chunks


def test_deterministic():
    for s in all_specs()[::17]:
        assert asdict(generate_report(s)) == asdict(generate_report(s))
    c = generate_report(spec("2021", 0))
    assert render_pdf(c) == render_pdf(c)
    assert render_docx(c) == render_docx(c)
    assert render_doc(c) == render_doc(c)


def test_notices():
    numbers = []
    for seed in range(40):
        n = generate_notice(seed, "青山县", "青山县教育局", "2022-03-05")
        assert n.title.startswith("青山县教育局关于") and n.title.endswith("通知")
        assert n.body_phrase in n.text and n.body_phrase in n.body_html and "2022年3月5日" in n.text
        if n.doc_number:
            assert re.fullmatch(r"青教发〔2022〕\d+号", n.doc_number) and n.doc_number in n.text
            numbers.append(n.doc_number)
    assert 5 < len(numbers) < 40
    assert re.fullmatch(r"青政办发〔2021〕\d+号",
                        next(n.doc_number for s in range(20) if (n := generate_notice(
                            s, "青山县", "青山县人民政府办公室", "2021-01-02")).doc_number))


# --- files --------------------------------------------------------------------------------------

def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("fmt,seed", [("2021", 0), ("2021", 4), ("2019", 6), ("pre2019", 2)])
def test_pdf_has_headings_text_and_tables(fmt, seed):
    c = generate_report(spec(fmt, seed, heading_variant=seed, unit="青山县人民政府" if seed == 0 else "青山县教育局"))
    with pdfplumber.open(io.BytesIO(render_pdf(c))) as pdf:
        pages_text = [p.extract_text() or "" for p in pdf.pages]
        tables = [(i, t) for i, p in enumerate(pdf.pages) for t in p.extract_tables()]
    text = _squash("".join(pages_text))
    for sec in c.sections:
        assert _squash(sec.heading) in text and _squash(sec.text) in text
    assert c.body_phrase in text
    rows = [[(x or "").replace("\n", "") for x in row] for _, t in tables for row in t]
    if fmt == "pre2019":
        got = {r[0]: r[2] for r in rows if r[0] in LOCAL_LABELS}
        assert {LOCAL_LABELS[k]: v for k, v in got.items()} == c.raw
        return
    carried = next(r for r in rows if "结转下年度" in r[0])
    assert carried[-7:] == [c.raw[f"requests.carried_out.{col}"] for col in ALL_COLS]
    review = next(r for r in rows if len(r) == 15 and all(x != "" for x in r) and "结果维持" not in r)
    assert review == [c.raw[f"{g}.{o}"] for g in ("review", "litigation.direct", "litigation.after_review")
                      for o in ("upheld", "corrected", "other", "pending", "total")]
    b_pages = {i for i, t in tables for row in t if any(x and ("勾稽" in x or "结转下年度" in x) for x in row)}
    assert (len(b_pages) == 2) == c.break_table_b
    if c.break_table_b:
        assert any(r[1] == "（四）无" for r in rows) and any(r[1] == "法提供" for r in rows)


def test_docx_embeds_table_images():
    c = generate_report(spec("2021", 9, tables_as_images=True))
    d = docx.Document(io.BytesIO(render_docx(c)))
    blobs = {p.blob for p in d.part.package.parts if p.partname.endswith(".png")}
    assert blobs == {data for _, data in c.images} and not d.tables


def test_docx_has_headings_and_word_tables():
    c = generate_report(spec("2021", 7))
    d = docx.Document(io.BytesIO(render_docx(c)))
    paras = [p.text for p in d.paragraphs]
    for sec in c.sections:
        assert sec.heading in paras and _squash(sec.text) in _squash("".join(paras))
    assert any(c.body_phrase in p for p in paras)
    assert len(d.tables) == 3
    new_row = next(r for r in d.tables[1].rows if "本年新收" in r.cells[0].text)
    assert [x.text for x in new_row.cells[-7:]] == [c.raw[f"requests.new.{col}"] for col in ALL_COLS]


def read_doc_text(data: bytes) -> str:
    """Text of a Word 97 file through its piece table ([MS-DOC] FIB + Clx), independent of the writer."""
    ole = olefile.OleFileIO(io.BytesIO(data))
    word = ole.openstream("WordDocument").read()
    assert struct.unpack_from("<H", word, 0)[0] == 0xA5EC
    table = ole.openstream("1Table" if struct.unpack_from("<H", word, 0xA)[0] & 0x0200 else "0Table").read()
    fc_clx, lcb_clx = struct.unpack_from("<II", word, 0x1A2)
    clx = table[fc_clx:fc_clx + lcb_clx]
    assert clx[0] == 0x02
    lcb = struct.unpack_from("<I", clx, 1)[0]
    n = (lcb - 4) // 12
    cps = struct.unpack_from(f"<{n + 1}I", clx, 5)
    out = []
    for i in range(n):
        fc = struct.unpack_from("<I", clx, 5 + 4 * (n + 1) + 8 * i + 2)[0]
        count = cps[i + 1] - cps[i]
        if fc & 0x40000000:
            start = (fc & ~0x40000000) // 2
            out.append(word[start:start + count].decode("cp1252"))
        else:
            out.append(word[fc:fc + 2 * count].decode("utf-16-le"))
    return "".join(out)


def test_doc_is_an_ole_word_file_with_the_text():
    c = generate_report(spec("2019", 8))
    data = render_doc(c)
    assert data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    text = read_doc_text(data)
    paragraphs = re.split("[\r\x07]", text)
    assert paragraphs[0] == c.title
    for sec in c.sections:
        assert sec.heading in paragraphs
    # Word's table text: cells end with 0x07, each row with one more 0x07
    raws = [c.raw[f"requests.new.{col}"] for col in ALL_COLS]
    assert "一、本年新收政府信息公开申请数量\x07" + "".join(r + "\x07" for r in raws) + "\x07" in text
    # a vertically merged group label repeats as an empty cell in the rows it covers
    withheld = "\x07\x07\x072.其他法律行政" in text or "\x07\x07\x072.其他法律行政止公开" in text
    assert withheld, "a vertically merged group label repeats as an empty cell"


def test_xls_is_a_biff8_workbook():
    rows = [["单位", "报告年度", "状态"], ["青山县教育局", "2021", "已发布"], ["青山县民政局", "2021", "未发布"]]
    book = xlrd.open_workbook(file_contents=render_xls("2021年度政府信息公开工作年度报告发布情况统计表", rows))
    sheet = book.sheet_by_index(0)
    assert sheet.cell_value(0, 0) == "2021年度政府信息公开工作年度报告发布情况统计表"
    assert sheet.row_values(1) == ["单位", "报告年度", "状态"]
    assert sheet.row_values(2) == ["青山县教育局", 2021.0, "已发布"]
    assert sheet.nrows == 4
