"""The numpy token string must equal the regex token stream it replaces, character for character."""

from __future__ import annotations

import pytest

from search import vectorized
from search.analysis import MAX_WORD, document_token_strings, normalize, token_string, tokens

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


def test_sections_sliced_from_the_body_match_tokenising_them():
    corpus = make_corpus()
    odd = {1: "复议", 2: "政复", 3: "not in the body at all 行政", 4: "议"}  # mid-run slices and absent text
    body = "行政复议。" * 40 + "12345号 abc"
    for doc_body, sections in [(d.body, d.sections) for d in corpus.docs] + [(body, odd)]:
        whole, parts = document_token_strings(doc_body, sections)
        assert whole == " ".join(tokens(doc_body))
        assert parts == {n: " ".join(tokens(t)) for n, t in sections.items() if t}
