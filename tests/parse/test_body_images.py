"""Which images of a page are its content (fetched, read by OCR), and what a page of table pictures gives
when OCR is switched off."""

from __future__ import annotations

from archive.parse import parse_document
from archive.parse.body_images import find_body_images, is_decoration
from archive.parse.image_tables import OCR_UNAVAILABLE

BASE = "http://gov.example/zfxxgk/ndbg/202201/t20220110_1.html"
PAGE = """<html><head><title>2021年政府信息公开工作年度报告</title></head><body>
<div class="header"><img src="/images/logo.png"><img src="/images/sy_01.jpg"></div>
<div class="nav"><a href="/">首页</a></div>
<div id="zoom">
<p>一、总体情况</p><p>本年度公开工作稳步推进，各项任务落实到位。</p>
<p>二、主动公开政府信息情况</p><p><img src="W020220110001.png" border="0"></p>
<p>三、收到和处理政府信息公开申请情况</p><p><img src="./W020220110002.jpg"></p>
<p><img src="W020220110001.png"></p>
<p>四、政府信息公开行政复议、行政诉讼情况</p><p><img src="W020220110003.png" style="width:900px"></p>
<p><img src="/zfxxgk/images/fj16.png" width="16" height="16"><img src="data:image/png;base64,AAAA">
<img src="x"><img src="/skin/default/bullet.gif"><img src="/upload/print.png"></p>
<div class="share"><img src="/upload/weixin_qr.png"></div>
<p>五、存在的主要问题及改进情况</p><p>加强培训。</p>
</div>
<div class="footer"><img src="/images/foot_line.png"><img src="/upload/zt_ndbg.png"></div>
</body></html>"""


def test_content_pictures_in_page_order_without_decoration():
    found = find_body_images(PAGE, BASE)
    assert [i.url.rsplit("/", 1)[1] for i in found] == ["W020220110001.png", "W020220110002.jpg",
                                                         "W020220110003.png"]
    assert [i.position for i in found] == [0, 1, 2]
    assert found[1].url == "http://gov.example/zfxxgk/ndbg/202201/W020220110002.jpg"


def test_decoration_by_address_and_declared_size():
    assert is_decoration("http://h/images/logo.png")
    assert is_decoration("http://h/templates/red/banner2.jpg")
    assert is_decoration("http://h/a/x")  # no image extension
    assert is_decoration("data:image/png;base64,AAAA")
    assert not is_decoration("http://h/zfxxgk/ndbg/W020220110001.png")
    assert not is_decoration("http://h/picture/0/2201101530123.jpg")


def test_picture_tables_without_ocr_keep_the_flag_and_say_why(monkeypatch):
    """OCR switched off (or not installed): the page is what it was (tables_as_images, no figures), with a
    warning that names the reason; the pictures are not even asked for."""
    monkeypatch.setenv("DISCLOSURE_OCR", "0")
    asked: list[str] = []

    def source(url: str) -> bytes | None:
        asked.append(url)
        return None

    doc = parse_document(PAGE.encode("utf-8"), url=BASE, content_type="text/html; charset=utf-8",
                         body_images=source)
    assert doc.tables_as_images and not [f for f in doc.figures if f.table in ("A", "B", "C")]
    assert OCR_UNAVAILABLE in doc.warnings and asked == []
