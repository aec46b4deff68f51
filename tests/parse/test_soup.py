"""The lean tree builder (archive/parse/soup.py) builds the tree BeautifulSoup's own lxml builder builds."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup, Tag

from archive.parse.content import gone, index_page
from archive.parse.soup import make_soup

from .builders import page
from .test_html_traps import report_body

PAGES = {
    "report": page(report_body()),
    "namespaces": '<html xmlns:o="urn:schemas-microsoft-com:office:office"><body><o:p>甲</o:p>'
                  '<svg xmlns="http://www.w3.org/2000/svg" xml:lang="zh"><rect width="1"/></svg>'
                  '<p lang="zh" class="a  b" xml:space="preserve">乙</p></body></html>',
    "broken": "<table><tr><td>1<td rowspan=2>2<tr><td>3</table><p><b>粗<p>未闭合<!-- 注释 --><![CDATA[x]]>",
    "attributes": '<div id=zoom class="TRS_Editor  x" data-x="&lt;1&gt;"><a href=a.pdf rel="nofollow noopener">'
                  '附件</a><td headers="h1 h2">3</td></div>',
    "empty": "",
}


def _shape(soup: BeautifulSoup) -> list[tuple[str, str, object]]:
    out: list[tuple[str, str, object]] = []
    for node in soup.descendants:
        if isinstance(node, Tag):
            out.append(("tag", f"{node.prefix}:{node.name}", sorted(node.attrs.items())))
        else:
            out.append((type(node).__name__, str(node), None))
    return out


@pytest.mark.parametrize("name", sorted(PAGES))
def test_same_tree_as_beautifulsoup_lxml(name: str) -> None:
    markup = PAGES[name]
    standard, lean = BeautifulSoup(markup, "lxml"), make_soup(markup)
    assert _shape(lean) == _shape(standard)
    assert str(lean) == str(standard)


def test_index_skips_decomposed_and_gone_is_cheap() -> None:
    soup = make_soup('<body><noscript><div class="TRS_Editor"><a href="x.pdf">x</a></div></noscript>'
                     '<div id="zoom"><p>正文</p><a href="y.pdf">y</a></div></body>')
    index = index_page(soup)
    for tag in index.doomed:
        tag.decompose()
    assert [gone(a) for a in index.links] == [True, False]
    assert [t.get("id") for _, t in index.containers if not gone(t)] == ["zoom"]
