"""The numpy token string must equal the regex token stream it replaces, character for character."""

from __future__ import annotations

import pytest

from search import vectorized
from search.analysis import MAX_WORD, normalize, token_string, tokens

from .corpus import make_corpus

pytestmark = pytest.mark.skipif(not vectorized.AVAILABLE, reason="numpy not installed")

EDGE_CASES = [
    "行", "a", "7", "行政", "a行b", "行政。复议 政务服务", "12345号", "号12345", "ＡＢＣ２０２１年①Ⅻ",
    "abc" * 30 + " tail", "1" * 45 + "a" * 41, "𠀀𠀁 好的", "Straße İstanbul 行政复议", "\n\t  ", "x行y政z",
    "（一）主动公开政府信息情况：2021年共公开1,234条。", "政府信息公开工作年度报告" * 20,
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
