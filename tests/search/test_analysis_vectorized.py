"""The numpy token string must equal the regex token stream it replaces, character for character."""

from __future__ import annotations

import pytest

from search import vectorized
from search.analysis import (
    _GRAM_TOKEN,
    GRAM,
    MAX_WORD,
    SEPARATOR,
    document_token_strings,
    document_tokens,
    normalize,
    token_string,
    tokens,
)

from .corpus import make_corpus

pytestmark = pytest.mark.skipif(not vectorized.AVAILABLE, reason="numpy not installed")

EDGE_CASES = [
    "行", "a", "7", "行政", "a行b", "行政。复议 政务服务", "12345号", "号12345", "ＡＢＣ２０２１年①Ⅻ",
    "abc" * 30 + " tail", "1" * 45 + "a" * 41, "𠀀𠀁 好的", "Straße İstanbul 行政复议", "\n\t  ", "x行y政z",
    "（一）主动公开政府信息情况：2021年共公开1,234条。", "政府信息公开工作年度报告" * 20, "a\ud800行政\udfff1",
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_match_the_regex(text):
    assert vectorized.token_string(normalize(text), MAX_WORD) == " ".join(tokens(text))
    assert vectorized.gram_string(normalize(text), MAX_WORD, GRAM) == " ".join(_GRAM_TOKEN.findall(normalize(text)))


def test_corpus_matches_the_regex():
    corpus = make_corpus()
    texts = [t for d in corpus.docs for t in (d.title, d.body, *d.sections.values())]
    assert len(texts) > 50
    for text in texts:
        assert vectorized.token_string(normalize(text), MAX_WORD) == " ".join(tokens(text)), text[:60]


def test_token_string_uses_it_for_long_text():
    text = "依申请公开" * (vectorized.MIN_LENGTH // 5 + 1) + " ab12"
    assert token_string(text) == " ".join(tokens(text))
    assert token_string(text).endswith("开 ab 12")


@pytest.mark.parametrize("use_numpy", [True, False], ids=["numpy", "regex"])
def test_body_pieces_are_the_body_cut_at_its_sections(use_numpy, monkeypatch):
    monkeypatch.setattr(vectorized, "AVAILABLE", use_numpy)
    corpus = make_corpus()
    odd = {1: "复议", 2: "政复", 3: "not in the body at all 行政", 4: "议"}  # mid-run slices and absent text
    body = "行政复议。" * 40 + "12345号 abc"
    short = "一、总体情况\n本机关推进政务公开。\n二、主动公开\n全年公开文件十件。\n附：联系电话"
    cases = [(d.body, d.sections) for d in corpus.docs] + [
        (body, odd), (short, {1: "本机关推进政务公开。", 2: "全年公开文件十件。", 3: "不在正文"})]
    sliced_somewhere = False
    for doc_body, sections in cases:
        t = document_tokens(doc_body, sections)
        g = document_tokens(doc_body, sections, width=GRAM)
        bigrams, grams = t.body.split(), g.body.split()
        # Without its separators the body is the token stream of the whole text, in both streams,
        # and the separators stand at the same places.
        assert [x for x in bigrams if x != SEPARATOR] == tokens(doc_body)
        assert [x for x in grams if x != SEPARATOR] == _GRAM_TOKEN.findall(normalize(doc_body))
        assert [i for i, x in enumerate(bigrams) if x == SEPARATOR] == \
            [i for i, x in enumerate(grams) if x == SEPARATOR]
        # Every section is searchable as itself, sliced or loose, never both.
        assert {**t.sections, **t.loose} == {n: " ".join(tokens(x)) for n, x in sections.items() if x}
        assert {**g.sections, **g.loose} == {n: " ".join(_GRAM_TOKEN.findall(normalize(x)))
                                             for n, x in sections.items() if x}
        assert g.sections.keys() == t.sections.keys()
        assert not t.sections.keys() & t.loose.keys()
        # The body is the rest plus the sliced sections, piece for piece.
        pieces = [x for x in t.body.split(f" {SEPARATOR} ")]
        rest = [x for x in t.rest.split(f" {SEPARATOR} ") if x]
        assert sorted(pieces) == sorted(rest + list(t.sections.values()))
        assert set(t.loose) >= ({1, 2, 3, 4} if sections is odd else set())
        sliced_somewhere |= bool(t.sections)
        assert document_token_strings(doc_body, sections) == (t.body, {**t.sections, **t.loose})
    assert sliced_somewhere
