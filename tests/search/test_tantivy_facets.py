"""tantivy counts facets and the total in one aggregation (``filter`` sub-aggregations in tantivy's
query-string grammar); it must agree with one aggregation per facet group, the plain translation."""

from __future__ import annotations

import datetime as dt

import pytest

from search.api import SearchQuery, open_index
from search.engines.common import plan
from search.engines.tantivy_engine import _facet_strings, _filter_string

QUERIES = [
    SearchQuery("公开"),
    SearchQuery("公开", kind="notice"),
    SearchQuery("公开", kind=["notice", "document"], year_from=2019),
    SearchQuery("公开", kind="annual_report", year_from=2020, year_to=2021, publisher="县民宗局"),
    SearchQuery("公开", publisher=["县民宗局", "县教育局"], year_to=2021),
    SearchQuery("", year_from=2019, year_to=2019, portal="replica"),
    SearchQuery("year:{2018 TO 2022} 行政", date_from=dt.date(2019, 1, 1), kind="annual_report"),
    SearchQuery("服务", section=2, publisher="教"),  # one-character run: not a query string, fallback
]


@pytest.fixture(scope="module")
def index(corpus, tmp_path_factory):
    path = tmp_path_factory.mktemp("tantivy-facets") / "tantivy"
    writer = open_index(path, "tantivy", create=True, writer=True)
    writer.add(corpus.docs)
    writer.commit()
    writer.close()
    opened = open_index(path, "tantivy")
    yield opened
    opened.close()


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: f"{q.text}|{q.kind}|{q.publisher}|{q.year_from}")
def test_one_aggregation_equals_one_per_group(index, query):
    p = plan(query)
    searcher = index._searcher()
    facets, total, base = index._facets(searcher, p, _facet_strings(p))
    assert facets == index._facets_per_group(searcher, p)
    if total is not None:
        assert total == index.search(SearchQuery(**{**query.__dict__, "facets": False})).total
        # What the facets count over: the matches without the facet filters (year, publisher, kind).
        unfaceted = {**query.__dict__, "facets": False, "total_bound": None, "year_from": None, "year_to": None,
                     "publisher": None, "kind": None}
        assert base == index.search(SearchQuery(**unfaceted)).total >= total
    else:
        assert base is None
    assert any(counts for counts in facets.values()) or total == 0


def test_single_character_publisher_falls_back():
    p = plan(SearchQuery("公开", publisher="教"))
    assert _filter_string(p.filters["publisher"]) is None
    assert _facet_strings(p) is None
    assert _filter_string(plan(SearchQuery("公开", publisher="县教育局")).filters["publisher"]).startswith(
        'publisher_names:"')


def test_search_counts_and_facets_alike_with_and_without_one_aggregation(index):
    """search() runs the facets beside the top-k search; with a filter the aggregation cannot state
    (one-character publisher) the total comes from the top-k search instead: both paths agree."""
    for query in (SearchQuery("公开", publisher="教", limit=5), SearchQuery("公开", publisher="教育", limit=5)):
        with_facets = index.search(query)
        without = index.search(SearchQuery(**{**query.__dict__, "facets": False}))
        assert with_facets.total == without.total > 0
        assert [h.document_id for h in with_facets.hits] == [h.document_id for h in without.hits]
        p = plan(query)
        assert with_facets.facets == index._facets_per_group(index._searcher(), p)
