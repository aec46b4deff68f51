"""Table B rows whose labels OCR garbled (seen on the replica's table pictures: 逾期 read as 道期, 补 lost) are
placed by the printed label they resemble, only for OCR'd rows and only when one printed label stands out."""

from __future__ import annotations

from archive.parse.figures import Row, b_row_fuzzy, extract_figures

VALUES = ["1", "0", "0", "0", "0", "1", "2"]


def _rows(label: str) -> list[Row]:
    header = Row(cells=["申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"])
    group = Row(cells=["（六）其他处理", label, *VALUES])
    return [header, group]


def test_garbled_labels_find_their_printed_label():
    assert b_row_fuzzy("1.日请人无正当理由道期不正、行机关不再理具：正信息公开申请") == "result.other.no_correction"
    assert b_row_fuzzy("2.由请人逾期未接收费通知文纳费月、几不再理于信息么开申精") == "result.other.unpaid_fee"
    assert b_row_fuzzy("4.无正当理由大量反复申请") == "result.not_processed.mass_repeated"


def test_short_or_unlike_labels_are_not_guessed():
    assert b_row_fuzzy("3.其他") is None  # too short to tell
    assert b_row_fuzzy("本单位年度工作人员培训次数") is None  # like no printed label
    assert b_row_fuzzy("申请人行政机关不再处理其政府信息公开申请") is None  # both 其他处理 rows end so: no margin


def test_only_ocr_rows_are_matched_loosely():
    garbled = "1.日请人无正当理由道期不正、行机关不再理具：正信息公开申请"
    loose = {f.key: f.value for f in extract_figures(_rows(garbled), fuzzy_labels=True).figures}
    assert loose["requests.result.other.no_correction.total"] == 2.0
    assert "requests.result.other.total" not in loose
    strict = {f.key: f.value for f in extract_figures(_rows(garbled)).figures}
    assert "requests.result.other.no_correction.total" not in strict  # a text layer's label is taken as printed


def _other_group(first: str, second: str) -> list[Row]:
    header = Row(cells=["申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"])
    return [header, Row(cells=["5.要求行政机关确认或重新出具已获取信息", *["0"] * 7]),
            Row(cells=["（六）其他处理", first, "1", "0", "0", "0", "0", "0", "1"]),
            Row(cells=[second, "0", "0", "0", "0", "0", "2", "2"]),
            Row(cells=["3.其他", *["0"] * 7])]


def test_labels_garbled_beyond_resemblance_take_the_forms_next_row():
    # a red seal over the first two rows of （六）其他处理 (seen on the replica's sealed scan): no printed label
    # stands out, so each is the row the national form prints after the one read before it
    rows = _other_group("日人不行关言限开申谐", "人天内费、行不政信息公开申请")
    got = {f.key: f.value for f in extract_figures(rows, fuzzy_labels=True).figures}
    assert got["requests.result.other.no_correction.total"] == 1.0
    assert got["requests.result.other.unpaid_fee.total"] == 2.0
    assert got["requests.result.other.other.total"] == 0.0
    assert "requests.result.other.total" not in got
    assert "requests.result.other.unpaid_fee.total" not in {f.key for f in extract_figures(rows).figures}


def test_ocr_zero_lookalikes_in_cells_are_zero():
    from archive.parse.attachments import table_rows

    table = [["7.属于行政执法案卷", "0", "0", "0", "0", "。", "0", "0"]]
    assert table_rows(table, ocr=True)[0].cells[5] == "0"
    assert table_rows(table)[0].cells[5] == "。"  # a text layer's cell is what it says
