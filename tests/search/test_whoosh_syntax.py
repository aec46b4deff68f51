"""The query language says "Whoosh syntax": each construct Whoosh's own ``QueryParser`` reads is either read the
same way by both engines (the same documents, the same effect of a boost) or refused with a clear error, never
given another meaning.

The reference is a plain Whoosh index of the same documents, analysed Whoosh's way (words split at spaces and
punctuation), queried through ``whoosh.qparser.MultifieldParser`` over title and body (our default fields).
The corpus has words that never occur inside other words, so "a word" means the same thing to both.
"""

from __future__ import annotations

import pytest
from whoosh import index as whoosh_index
from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.fields import ID, NUMERIC, TEXT, Schema
from whoosh.qparser import MultifieldParser

from search.api import ENGINES, SearchDocument, SearchQuery
from search.errors import QuerySyntaxError
from search.query import parse_query

from .conftest import small_index

DOCS = [
    # id, title, body, year
    (1, "通知", "行政复议 2021 report", 2021),
    (2, "公告", "行政诉讼 2022 review", 2022),
    (3, "其他", "行政复议 行政诉讼 2019 reports", 2019),
    (4, "通知 公告", "年报 2031 resort", 2020),
    (5, "年报", "通知 其他 2021 report", 2023),
    (6, "其他", "公告 行政复议 1999", 2018),
]

SAME = [
    "title:通知^2", "通知^2.5 公告", "(通知 OR 公告)^3", '"行政复议"^2',  # boosts
    "202*", "body:19*", "rep*", "re?ort", "re*t", "body:r*",  # prefix and wildcard
    "通知 ANDNOT 公告", "通知 OR 公告 ANDNOT 2021", "行政复议 ANDNOT 行政诉讼 ANDNOT 1999",  # ANDNOT
    "通知 ANDMAYBE 公告", "其他 ANDMAYBE 行政复议 ANDNOT 1999", "NOT 通知 ANDMAYBE 公告",  # ANDMAYBE
    "*", "* ANDNOT 通知",  # every document
    "year:[2019 to 2021]", "year:[2020 to]", "year:{2019 to 2021]",  # ranges with lower-case to
    "通知 公告 OR 行政复议", "通知 OR 公告 行政复议", "NOT 通知 公告", "其他 OR 通知 行政复议 ANDNOT 2019",  # precedence
]

REFUSED = {
    '"行政复议 行政诉讼"~5': "proximity", "通知~": "fuzzy", "report~2": "fuzzy", "行政*": "Latin words",
    "title:*": "every document", "通知 REQUIRE 公告": "REQUIRE", "通知^x": "boost", "year:20*": "text fields",
}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """Whoosh itself: a plain index of DOCS and its stock multi-field parser."""
    analyzer = RegexTokenizer() | LowercaseFilter()
    schema = Schema(id=ID(stored=True), title=TEXT(analyzer=analyzer), body=TEXT(analyzer=analyzer),
                    year=NUMERIC(stored=True))
    ix = whoosh_index.create_in(str(tmp_path_factory.mktemp("whoosh-ref")), schema)
    with ix.writer() as w:
        for doc_id, title, body, year in DOCS:
            w.add_document(id=str(doc_id), title=title, body=body, year=year)
    parser = MultifieldParser(["title", "body"], schema)

    def run(text: str) -> list[int]:
        with ix.searcher() as s:
            return [int(hit["id"]) for hit in s.search(parser.parse(text), limit=None)]
    return run


@pytest.fixture(scope="module", params=ENGINES)
def ours(request, tmp_path_factory):
    docs = [SearchDocument(document_id=i, title=t, body=b, report_year=y) for i, t, b, y in DOCS]
    index = small_index(tmp_path_factory.mktemp(f"syntax-{request.param}"), request.param, docs)
    yield lambda text: [h.document_id for h in index.search(SearchQuery(text, limit=100, facets=False)).hits]
    index.close()


@pytest.mark.parametrize("text", SAME)
def test_each_construct_finds_what_whoosh_finds(reference, ours, text):
    want = set(reference(text))
    assert want, f"{text}: the reference finds nothing, the case tests nothing"
    assert set(ours(text)) == want, text


@pytest.mark.parametrize(("text", "top"), [
    ("title:通知^10 OR body:公告", {1, 4}), ("title:通知 OR body:公告^10", {6}),
    ("其他 ANDMAYBE 行政复议", {3, 6}), ("通知 ANDMAYBE 行政复议", {1}),
])
def test_boost_and_andmaybe_order_the_hits_as_whoosh_does(reference, ours, text, top):
    """A boost and an ANDMAYBE change the ranking only: the best hits are the ones Whoosh ranks first."""
    assert set(reference(text)[:len(top)]) == top, text
    assert set(ours(text)[:len(top)]) == top, text


@pytest.mark.parametrize(("text", "words"), REFUSED.items())
def test_what_is_not_implemented_is_refused(reference, text, words):
    with pytest.raises(QuerySyntaxError, match=words):
        parse_query(text)
