"""Both engines return the same documents for the same queries (they cannot drift apart)."""

from __future__ import annotations

from search.api import SearchQuery, open_index

from .corpus import sample_terms

QUERIES = ["行政复议", "复议", '"政务服务事项"', "政务公开 AND 宗教", "依申请公开 OR 行政诉讼", "年度报告 NOT 宗教",
           "year:[2019 TO 2021] 行政复议", "publisher:县民宗局", "title:通知", "section4:行政复议", "复", "2021年",
           "kind:notice 公开", "date:[2020-01-01 TO 2020-12-31]"]


def test_same_ids_and_facets_from_both_engines(corpus, tmp_path):
    indexes = {}
    for engine in ("tantivy", "whoosh"):
        ix = open_index(tmp_path / engine, engine, create=True, writer=True)
        ix.add(corpus.docs)
        ix.commit()
        indexes[engine] = ix
    queries = QUERIES + sample_terms(corpus, 3, 10, seed=11)
    for text in queries:
        results = {e: ix.search(SearchQuery(text, limit=1000)) for e, ix in indexes.items()}
        t, w = results["tantivy"], results["whoosh"]
        assert {h.document_id for h in t.hits} == {h.document_id for h in w.hits}, text
        assert t.total == w.total, text
        assert t.facets == w.facets, text
        snippets_t = {h.document_id: h.snippet for h in t.hits}
        assert all(snippets_t[h.document_id] == h.snippet for h in w.hits), text
    for ix in indexes.values():
        ix.close()
