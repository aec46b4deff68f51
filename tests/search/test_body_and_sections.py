"""Body and section queries on sections that are slices of the body, absent from it, or cut inside a
run (the cases search.analysis slices or re-tokenises), on both engines."""

from __future__ import annotations

from search.api import SearchDocument

from .conftest import ids, small_index

BODY = "一、总体情况\n本机关推进政务公开。\n二、主动公开\n全年公开文件十件。\n附：联系电话"
DOCS = [
    SearchDocument(1, "甲", BODY, sections={1: "本机关推进政务公开。", 2: "全年公开文件十件。"}),
    # Section 3 is not in the body; section 4 is cut inside a run (机关推进 starts mid-word).
    SearchDocument(2, "乙", BODY, sections={1: "本机关推进政务公开。", 3: "另有审计整改报告。", 4: "机关推进"}),
    SearchDocument(3, "丙", BODY),  # the same text, no sections
]


def test_body_and_section_queries(tmp_path, engine):
    index = small_index(tmp_path, engine, DOCS)
    assert ids(index, "body:政务公开") == {1, 2, 3}
    assert ids(index, "section1:政务公开") == {1, 2}
    assert ids(index, "body:审计整改") == set()  # only in a section that is not part of the body
    assert ids(index, "section3:审计整改") == {2}
    assert ids(index, "section4:机关推进") == {2}
    assert ids(index, "body:联系电话") == {1, 2, 3}  # after the last section
    assert ids(index, '"总体情况"') == {1, 2, 3}
    assert ids(index, '"情况本机关"') == set()  # a heading and its section are not one run
    assert ids(index, '"一 总体情况"') == {1, 2, 3}  # a phrase of several runs within one piece
    # A phrase does not run from a section into the next heading (bigram and 4-gram queries alike);
    # without sections the text is one piece.
    assert ids(index, '"政务公开 二"') == {3}
    assert ids(index, '"政务公开 二、主动公开"') == {3}
    assert ids(index, '"政务公开。二、主动"') == {3}
    assert ids(index, "十件", section=2) == {1}
    index.close()
