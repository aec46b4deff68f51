"""The planted hostile notice: script injection through a crawled title, body and attachment name.

Real portals publish whatever their editors paste, and an attacker who controls a portal (or a compromised CMS)
can publish anything. One county-government notice (``DOC_ID``, at every seed and scale) carries markup in its
title (escaped in ``<title>``/``<h1>`` as real CMSs do, so it *decodes* to the hostile text), raw ``<script>``,
event-handler and ``javascript:`` markup in its body, and an attachment whose shown file name holds quotes,
``../`` and tags. Everything downstream (parser, index, web interface) must treat it as text.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from disclosure.replica import sources
from disclosure.replica.plan import AttachmentSpec

if TYPE_CHECKING:
    from disclosure.replica.plan import DocSpec

DOC_ID = "n-xzf-2016-1"  # a TRS (UTF-8) county-government notice: exists at every seed, among the first notices
TITLE_MARKUP = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>"
ESCAPED_TEXT = '<script>alert("escaped")</script>'  # shown as text in the body (entity-escaped in the page)
ATTACHMENT_NAME = "附件1 \"报名表\"（终稿）.pdf"  # the URL's last segment (percent-encoded in the href)
ATTACHMENT_SHOWN = "附件1 \"报名表\" ../../etc/passwd <b onmouseover=alert(6)>名单</b>'.pdf"


def add_attachment(docs: list[DocSpec]) -> None:
    """Give the hostile notice its hostile-named attachment (before the site registers its routes)."""
    for doc in docs:
        if doc.id == DOC_ID and not doc.attachments:
            doc.attachments.append(AttachmentSpec(name=ATTACHMENT_NAME, filename=ATTACHMENT_SHOWN, file_kind="pdf"))


def notice(seed: int, county: str, unit_name: str, date: str) -> sources.NoticeContent:
    """The hostile notice's content; its body phrase is the ordinary notice's, so it stays unique."""
    base = sources.generate_notice(seed, county, unit_name, date)
    year, month, day = int(date[:4]), int(date[5:7]), int(date[8:10])
    title = f"{unit_name}关于{TITLE_MARKUP}开展网站安全检查的通知"
    plain = [
        "各乡镇人民政府，县直各部门：",
        "为做好政府网站安全检查工作，现将有关事项通知如下。",
        "详情请点击这里查看，或访问备用链接。",
        f"{ESCAPED_TEXT} 这段文字是代码示例，应原样显示。",
        f"各单位要以“{base.body_phrase}”为抓手，确保工作取得实效。",
        "特此通知。",
        unit_name,
        f"{year}年{month}月{day}日",
    ]
    # Raw markup an attacker would paste; the visible paragraphs carry exactly the text of ``plain``.
    body = "\n".join([
        f"<p>{plain[0]}</p>",
        "<script>alert('x');document.title='pwned'</script>",
        f'<p>{plain[1]}<img src=x onerror="alert(1)"></p>',
        '<p>详情请<a href="javascript:alert(document.cookie)">点击这里查看</a>，或访问'
        '<a href="JaVaScRiPt:alert(2)" onclick="alert(3)">备用链接</a>。</p>',
        f"<p>{html.escape(plain[3], quote=False)}</p>",
        '<svg onload="alert(4)"></svg><iframe src="javascript:alert(5)"></iframe>',
        f"<p>{plain[4]}</p>",
        f"<p>{plain[5]}</p>",
        f'<p style="text-align:right;">{html.escape(unit_name)}</p>',
        f'<p style="text-align:right;">{plain[7]}</p>',
    ])
    return sources.NoticeContent(title=title, body_html=body, text="\n".join(plain), body_phrase=base.body_phrase,
                                 doc_number=None)
