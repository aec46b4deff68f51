"""Attachment names from the link text of the page, for files served without a Content-Disposition."""

from __future__ import annotations

from archive.attachments_meta import filename_from_label, link_labels

PAGE = """<html><head><meta charset="gbk"><title>通知</title></head><body>
<div class="attachments"><p>附件：</p><ul>
<li><a href="W020220120143607001.pdf">附件1：2021年度报告.pdf</a></li>
<li><a href="./W020220120143607002.docx">
    报名表 （填写说明）</a></li>
<li><a href="/files/W020220120143607003.xls">下载</a></li>
<li><a href="javascript:void(0)">打印</a></li>
<li><a href="W020220120143607004.pdf" title="工作要点.pdf"><img src="pdf.gif"></a></li>
</ul></div></body></html>"""
BASE = "http://zfxxgk.example.gov.cn/xxgk/202201/t20220120_1.html"


def test_link_labels_read_the_page_in_its_own_encoding():
    labels = link_labels(PAGE.encode("gbk"), "text/html", BASE)
    assert labels["http://zfxxgk.example.gov.cn/xxgk/202201/W020220120143607001.pdf"] == "附件1：2021年度报告.pdf"
    # Line breaks and indentation inside the link are what a browser shows as one space.
    assert labels["http://zfxxgk.example.gov.cn/xxgk/202201/W020220120143607002.docx"] == "报名表 （填写说明）"
    assert labels["http://zfxxgk.example.gov.cn/files/W020220120143607003.xls"] == "下载"
    # An image link is named by its title; script links are no files.
    assert labels["http://zfxxgk.example.gov.cn/xxgk/202201/W020220120143607004.pdf"] == "工作要点.pdf"
    assert not any(url.startswith("javascript") for url in labels)


def test_filename_from_label():
    url = "http://zfxxgk.example.gov.cn/xxgk/202201/W020220120143607002.docx"
    assert filename_from_label("附件1：2021年度报告.pdf", url.replace(".docx", ".pdf")) == "附件1：2021年度报告.pdf"
    assert filename_from_label("报名表 （填写说明）", url) == "报名表 （填写说明）.docx"  # the URL gives the kind
    assert filename_from_label("工作安排.pdf", url) == "工作安排.pdf.docx"  # the text names another kind
    assert filename_from_label("下载", url) is None and filename_from_label("点击下载", url) is None
    assert filename_from_label("附件：", url) is None and filename_from_label("", url) is None
    assert filename_from_label("../../etc/passwd", url) == "passwd.docx"  # never a path
    # A download script without a file name in its URL: the text cannot say what kind of file it is.
    assert filename_from_label("2021年度报告", "http://x.gov.cn/module/download/downfile.jsp?id=7") is None


def test_broken_page_gives_no_labels():
    assert link_labels(b"", "text/html", BASE) == {}
    assert link_labels(b"\x00\xff\xfe garbage <a", None, BASE) == {}
