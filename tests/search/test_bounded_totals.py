"""Bounded totals (SearchQuery.total_bound, docs/search.md "Bounded totals"): beyond the bound the total is a
lower bound, flagged; the facets count a sample, flagged; below it everything is exact. Both engines keep the
contract (Whoosh counts every match, so its flag stays off); tantivy answers from a window of the newest
documents, which a small bound makes a small corpus exceed."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from search.api import SearchDocument, SearchQuery

from .conftest import small_index

N = 60


def _published(i: int) -> dt.datetime:
    """Dates in another order than ids (37 is prime to N): the newest by date are not the newest by id."""
    return dt.datetime(2015, 1, 1) + dt.timedelta(days=30 * ((i * 37) % N))


def _publisher(i: int) -> str:
    """Odd ids 教育局; even ids 民政局, but for four 审计局 documents, one of them among the newest."""
    if i in AUDIT:
        return "青山县审计局"
    return "青山县教育局" if i % 2 else "青山县民政局"


AUDIT = {10, 20, 30, 50}


def _docs() -> list[SearchDocument]:
    """N documents: 行政复议 in all, 依申请公开 in every sixth, 督查 in the
    five oldest only, 网上 in two."""
    out = []
    for i in range(1, N + 1):
        body = "本年度政府信息公开行政复议情况。"
        if i % 6 == 0:
            body += "依申请公开政府信息。"
        if i <= 5:
            body += "开展督查工作。"
        if i in (7, 40):
            body += "推进网上办理。"
        out.append(SearchDocument(
            document_id=i, title=f"文件{i}", body=body, publisher=_publisher(i),
            report_year=2010 + i % 12, kind="annual_report" if i % 3 else "notice",
            published_at=_published(i), url=f"https://example.org/{i}"))
    return out


@pytest.fixture(scope="module")
def index(engine, tmp_path_factory):
    ix = small_index(tmp_path_factory.mktemp(f"bounded-{engine}"), engine, _docs())
    yield ix
    ix.close()


def _exact(index, text: str, **kw) -> tuple[int, set[int]]:
    result = index.search(SearchQuery(text, limit=N, total_bound=None, **kw))
    assert not result.total_is_lower_bound and result.facets_sample is None
    return result.total, {h.document_id for h in result.hits}


@pytest.mark.parametrize("text", ["行政复议", "依申请公开", "督查", "网上", '"政府信息公开"'])
@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_the_flag_tells_an_exact_total_from_a_lower_bound(index, text, sort):
    exact, matching = _exact(index, text, sort=sort)
    result = index.search(SearchQuery(text, limit=1, total_bound=2, sort=sort))
    if result.total_is_lower_bound:
        assert result.total_relation == "gte"
        assert 2 <= result.total <= exact
        assert result.facets_sample is not None and result.total <= result.facets_sample <= exact
        # The facets count the sample: each document has one kind.
        assert sum(n for _, n in result.facets["kind"]) == result.facets_sample
    else:
        assert result.total_relation == "eq" and result.total == exact and result.facets_sample is None
    assert {h.document_id for h in result.hits} <= matching and len(result.hits) == min(1, exact)


def test_tantivy_stops_counting_beyond_the_bound(index, engine):
    result = index.search(SearchQuery("行政复议", limit=1, total_bound=2))
    if engine == "whoosh":  # Whoosh scores every match anyway: it counts them all
        assert (result.total, result.total_is_lower_bound, result.facets_sample) == (N, False, None)
        return
    assert (result.total, result.total_is_lower_bound) == (2, True)
    # The sample is the newest documents (by id): fewer than all, at least the bound.
    assert 2 <= result.facets_sample < N
    assert result.hits[0].document_id > N - result.facets_sample
    # Without a bound, or with one above the matches, the same query is exact.
    assert index.search(SearchQuery("行政复议", limit=1, total_bound=None)).total == N
    assert index.search(SearchQuery("行政复议", limit=1, total_bound=N)).total_is_lower_bound is False
    assert index.search(SearchQuery("行政复议", limit=1)).total == N  # the default bound, 10,000


def test_a_sparse_or_old_match_set_is_counted_exactly(index):
    # 督查 is only in the five oldest documents: the window of newest documents finds none, the
    # whole index is searched. 网上 is in two: fewer than the bound.
    for text, expected in (("督查", {1, 2, 3, 4, 5}), ("网上", {7, 40})):
        result = index.search(SearchQuery(text, limit=10, total_bound=3))
        assert (result.total, result.total_is_lower_bound) == (len(expected), False)
        assert {h.document_id for h in result.hits} == expected


def test_date_sort_is_exact_within_the_bound(index, engine):
    """Sorted by date the window holds the newest documents by date: the page is the exact one."""
    for page in (1, 2, 3):
        bounded = index.search(SearchQuery("行政复议", sort="date", limit=2, page=page, total_bound=2))
        exact = index.search(SearchQuery("行政复议", sort="date", limit=2, page=page, total_bound=None))
        newest = sorted(range(1, N + 1), key=_published, reverse=True)
        assert [h.document_id for h in bounded.hits] == [h.document_id for h in exact.hits] == newest[
            2 * (page - 1): 2 * page]
        # Only page 1 needs few enough matches (2) for a window of 20 of the 60 documents.
        assert bounded.total_is_lower_bound is (engine == "tantivy" and page == 1)
        # A page past the bound widens what is counted: the total covers the page.
        assert bounded.total >= 2 * page


def test_cli_shows_a_lower_bound_as_n_plus(tmp_path, engine):
    from disclosure.cli import main

    index = small_index(tmp_path / "index", engine, _docs(), name=engine)
    index.close()
    runner = CliRunner()
    env = {"DISCLOSURE_CONFIG": None, "DISCLOSURE_SEARCH_ENGINE": None, "DISCLOSURE_INDEX_DIR": None}
    base = ["--data-dir", str(tmp_path)]
    out = runner.invoke(main, [*base, "search", "行政复议", "--engine", engine, "--limit", "1",
                               "--total-bound", "2", "--json"], env=env)
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    text = runner.invoke(main, [*base, "search", "行政复议", "--engine", engine, "--limit", "1",
                                "--total-bound", "2"], env=env)
    assert text.exit_code == 0, text.output
    if engine == "whoosh":
        assert (data["total"], data["total_relation"], data["total_is_lower_bound"]) == (N, "eq", False)
        assert text.output.startswith(f"{N} documents match;")
        return
    assert (data["total"], data["total_relation"], data["total_is_lower_bound"]) == (2, "gte", True)
    assert 2 <= data["facets_sample"] < N
    assert text.output.startswith("2+ documents match (counted up to 2;")
    assert f"facets counted over a sample: the newest {data['facets_sample']} matches" in text.output
    exact = json.loads(runner.invoke(main, [*base, "search", "行政复议", "--engine", engine, "--limit", "1",
                                            "--total-bound", "0", "--json"], env=env).output)
    assert (exact["total"], exact["total_relation"]) == (N, "eq")


@pytest.mark.parametrize("publisher", ["县教育局", "教"])  # one aggregation; one per facet group (fallback)
def test_a_filtered_sample_counts_the_facets_of_its_own_matches(index, engine, publisher):
    exact, matching = _exact(index, "行政复议", publisher=publisher)
    assert exact == N // 2
    result = index.search(SearchQuery("行政复议", publisher=publisher, limit=1, total_bound=2))
    assert {h.document_id for h in result.hits} <= matching
    assert result.total_is_lower_bound is (engine == "tantivy")
    if result.total_is_lower_bound:
        assert 2 <= result.facets_sample < exact
        # kind is not filtered: its counts add up to the sample's matches.
        assert sum(n for _, n in result.facets["kind"]) == result.facets_sample
    else:
        assert result.total == exact


def test_few_matches_cut_from_many_are_exact_with_sampled_facets(index, engine):
    """A facet filter that cuts the matches below the bound: each facet is still counted without its own
    filter, over every 行政复议 document. tantivy counts the facets in the window only (flagged) and finds
    the total and the hits exactly."""
    result = index.search(SearchQuery("行政复议", publisher="县审计局", limit=1, total_bound=2))
    assert (result.total, result.total_is_lower_bound) == (len(AUDIT), False)
    assert result.hits[0].document_id in AUDIT
    if engine == "whoosh":
        assert result.facets_sample is None
        assert dict(result.facets["publisher"])["青山县审计局"] == len(AUDIT)
        return
    # One of the four is among the 20 newest documents (the window); the facets counted there.
    assert result.facets_sample == 1
    publishers = dict(result.facets["publisher"])
    assert publishers["青山县审计局"] == 1 and sum(publishers.values()) == 20
    exact = index.search(SearchQuery("行政复议", publisher="县审计局", limit=1, total_bound=None))
    assert dict(exact.facets["publisher"])["青山县审计局"] == len(AUDIT) and exact.facets_sample is None
