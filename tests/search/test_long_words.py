"""Long words and phrases: tantivy answers them on the 4-gram stream, with the bigram stream's exact
semantics (order, run ends, a run going on after the query). Both engines must agree."""

from __future__ import annotations

import pytest

from search import vectorized
from search.analysis import (
    _GRAM_TOKEN,
    GRAM,
    SEPARATOR,
    GramQuery,
    document_tokens,
    gram_query,
    gram_string,
    normalize,
)

from .conftest import ids, small_index
from .corpus import make_corpus

DOCS = [
    (1, "本机关依申请公开工作稳步推进。"),
    (2, "依申请公布结果，申请公开的事项。"),  # every 4-gram of 依申请公开 but not the run
    (3, "公开申请依据。"),  # reversed order
    (4, "主动公开政府信息149条，政府信息公开"),  # the run ends the text
    (5, "2021年度报告；2021年的度报告"),
    (6, "政务，服务工作情况"),
    (7, "政务服务工作情况"),
    (8, "行政复议"),
]
TITLED = [(9, "关于公开申请依据的通知"), (10, "县局政府信息公开工作年度报告")]  # (id, title), body 无


@pytest.fixture()
def index(tmp_path, engine):
    from search.api import SearchDocument

    ix = small_index(tmp_path, engine, [SearchDocument(i, "标题", body) for i, body in DOCS]
                     + [SearchDocument(i, title, "无") for i, title in TITLED])
    yield ix
    ix.close()


@pytest.mark.parametrize(("query", "expected"), [
    ("依申请公开", {1}),
    ('"依申请公开工作"', {1}),
    ("申请公开", {1, 2}),
    ("公开申请依据", {3, 9}),
    ("title:公开申请依据", {9}),
    ("title:依据公开申请", set()),
    ("政府信息公开", {4, 10}),
    ("title:政府信息公开工作", {10}),
    ("title:政府信息公开工作年度报", {10}),
    ('"主动公开政府信息149条"', {4}),
    ("2021年度报告", {5}),
    ('"政务 服务工作情况"', {6}),
    ("政务服务工作情况", {7}),
    ("服务工作情况", {6, 7}),
    ("行政复议", {8}),
    ("行政复议案", set()),
    ("body:依申请公开", {1}),
    ("body:政府信息公开", {4}),
])
def test_long_runs_match_exactly(index, query, expected):
    assert ids(index, query) == expected


def test_long_words_found_exactly_where_they_occur(built, corpus):
    # Words of 4–9 characters cut from the corpus: brute force is the reference.
    for length in (5, 7, 9):
        for doc in corpus.docs[:: max(1, len(corpus.docs) // 8)]:
            run = next((r for r in _runs(doc.body) if len(r) >= length), None)
            if run:
                term = run[:length]
                assert ids(built, term) == corpus.containing(term), term


def _runs(text: str) -> list[str]:
    import re

    from search.analysis import CJK
    return re.findall(rf"[{CJK}]+", normalize(text))


def test_gram_query_covers_every_character():
    assert gram_query("行政复议") == GramQuery(((0, "行政复议"),))
    assert gram_query("政府信息公开") == GramQuery(((0, "政府信息"), (2, "信息公开")))
    assert gram_query("政务 服务工作") == GramQuery(((0, "政务"), (1, "务"), (2, "服务工作")))
    # A short trailing run may go on in the document: a prefix at its offset.
    assert gram_query("复议") == GramQuery((), (0, "复议"))
    assert gram_query("行政复议 公开") == GramQuery(((0, "行政复议"), (3, "议")), (4, "公开"))
    assert gram_query("2021年") == GramQuery(((0, "2021"),), (1, "年"))
    assert gram_query("，。").empty
    # Every offset, consecutive (for the query-string grammar, which cannot state gaps).
    assert gram_query("青山县教育局", every=True) == GramQuery(
        ((0, "青山县教"), (1, "山县教育"), (2, "县教育局")))


@pytest.mark.skipif(not vectorized.AVAILABLE, reason="numpy not installed")
def test_numpy_grams_match_the_regex():
    for doc in make_corpus().docs:
        for text in (doc.body, doc.title):
            expected = " ".join(_GRAM_TOKEN.findall(normalize(text)))
            assert vectorized.gram_string(normalize(text), 40, GRAM) == expected
        grams = document_tokens(doc.body, doc.sections, width=GRAM)
        bigrams = document_tokens(doc.body, doc.sections)
        # The body's stream with its pieces apart; position for position the same stream as the bigrams.
        assert [t for t in grams.body.split() if t != SEPARATOR] == gram_string(doc.body).split()
        assert len(grams.body.split()) == len(bigrams.body.split())
        assert grams.sections.keys() == bigrams.sections.keys()


def test_short_runs_are_exact_when_a_prefix_has_more_terms_than_are_looked_up(corpus, tmp_path, monkeypatch):
    # tantivy: a trailing run of 1–3 characters is a prefix of the 4-grams. Up to EXPANSIONS of the
    # field's terms are looked up one by one; beyond, one regular expression. Both must find exactly
    # the documents holding the run (brute force), and so must the phrase with a prefix at its end.
    from search.api import open_index
    from search.engines import tantivy_engine

    index = open_index(tmp_path / "ix", "tantivy", create=True, writer=True)
    index.add(corpus.docs)
    index.commit()
    queries = ["公", "复议", "政务公", "2021年", "年度", "12345热线"]
    looked_up = {q: ids(index, q) for q in queries}
    assert all(looked_up[q] for q in ("公", "复议", "2021年")), looked_up
    monkeypatch.setattr(tantivy_engine, "EXPANSIONS", 1)
    # A phrase's prefix is split into several regular expressions of at most this many terms each.
    monkeypatch.setattr(tantivy_engine, "PHRASE_EXPANSIONS", 3)
    for q in queries:
        assert looked_up[q] == corpus.containing(q), q
        assert ids(index, q) == corpus.containing(q), q
    assert len(index._expansions("rest", "公")) > tantivy_engine.EXPANSIONS
    assert len(index._prefix_patterns("rest", "年")) > 1
    index.close()
