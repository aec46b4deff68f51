"""The same behaviour from both engines, checked against brute force over the corpus."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from search.api import (
    IndexCorruptError,
    IndexLockedError,
    IndexMissingError,
    QuerySyntaxError,
    SearchDocument,
    SearchQuery,
    open_index,
)

from .conftest import ids, small_index
from .corpus import sample_terms


def test_every_two_character_term_is_found_exactly_where_it_occurs(built, corpus):
    terms = sample_terms(corpus, 2, 60)
    for term in terms:
        assert ids(built, term) == corpus.containing(term), term


def test_longer_words_match_their_exact_run(built, corpus):
    for length in (3, 4, 6):
        for term in sample_terms(corpus, length, 15, seed=length):
            assert ids(built, term) == corpus.containing(term), term
            assert ids(built, f'"{term}"') == corpus.containing(term), term


def test_single_character_terms(built, corpus):
    for ch in ("复", "局", "县", "务"):
        assert ids(built, ch) == corpus.containing(ch), ch


def test_part_of_a_longer_word_and_phrase_order(tmp_path, engine):
    index = small_index(tmp_path, engine, [
        SearchDocument(1, "甲", "本年度发生行政复议案件2件。", kind="annual_report"),
        SearchDocument(2, "乙", "推进服务政务公开。", kind="notice"),
        SearchDocument(3, "丙", "推进政务服务事项清单。", kind="notice"),
        SearchDocument(4, "丁", "政务，服务", kind="notice"),
    ])
    assert ids(index, "复议") == {1}
    assert ids(index, "行政复议") == {1}
    assert ids(index, '"政务服务"') == {3}
    assert ids(index, "政务服务") == {3}
    assert ids(index, '"服务政务"') == {2}
    assert ids(index, "务服") == {3}
    # A space inside a phrase stands for a break (space or punctuation) in the text.
    assert ids(index, '"政务 服务"') == {4}
    assert ids(index, "复议案件2件") == {1}
    index.close()


def test_latin_words_and_numbers(tmp_path, engine):
    index = small_index(tmp_path, engine, [
        SearchDocument(1, "青政发〔2021〕12345号", "详见 http://www.gaotai.gov.cn/ 下载", kind="document"),
        SearchDocument(2, "２０２１年度报告", "电话：0936-6668341", kind="annual_report"),
        SearchDocument(3, "其他", "编号123456号", kind="document"),
    ])
    assert ids(index, "12345号") == {1}
    assert ids(index, "2021") == {1, 2}
    assert ids(index, "2021年") == {2}
    assert ids(index, "gaotai") == {1}
    assert ids(index, "GAOTAI") == {1}
    assert ids(index, "6668341") == {2}
    index.close()


def test_boolean_operators_and_fields(built, corpus):
    a, b = "行政复议", "宗教"
    ca, cb = corpus.containing(a), corpus.containing(b)
    assert ids(built, f"{a} AND {b}") == ca & cb
    assert ids(built, f"{a} {b}") == ca & cb
    assert ids(built, f"{a} OR {b}") == ca | cb
    assert ids(built, f"{a} NOT {b}") == ca - cb
    assert ids(built, f"NOT {b}") == {d.document_id for d in corpus.docs} - cb
    assert ids(built, f"({a} OR {b}) AND kind:notice") == {
        d.document_id for d in corpus.docs if d.kind == "notice"} & (ca | cb)
    assert ids(built, "title:年度报告") == corpus.containing("年度报告", "title")


def test_filters_agree_with_brute_force(built, corpus):
    docs = corpus.docs
    assert ids(built, year_from=2019, year_to=2021) == {
        d.document_id for d in docs if d.report_year and 2019 <= d.report_year <= 2021}
    assert ids(built, "year:[2019 TO 2021]") == ids(built, year_from=2019, year_to=2021)
    assert ids(built, "year:{2019 TO 2021]") == {
        d.document_id for d in docs if d.report_year and 2019 < d.report_year <= 2021}
    assert ids(built, kind="notice") == {d.document_id for d in docs if d.kind == "notice"}
    assert ids(built, kind=["notice", "document"]) == {d.document_id for d in docs if d.kind != "annual_report"}
    assert ids(built, portal="gaotai") == {d.document_id for d in docs if d.portal == "gaotai"}
    lo, hi = dt.date(2020, 3, 1), dt.date(2021, 2, 28)
    assert ids(built, date_from=lo, date_to=hi) == {
        d.document_id for d in docs if lo <= d.published_at.date() <= hi}
    assert ids(built, "date:[2020-03-01 TO 2021-02-28]") == ids(built, date_from=lo, date_to=hi)
    term = "政务公开"
    assert ids(built, term, year_from=2020, kind="annual_report") == corpus.containing(term) & {
        d.document_id for d in docs if d.kind == "annual_report" and d.report_year >= 2020}


def test_publisher_filter_matches_aliases(built, corpus):
    religion = {d.document_id for d in corpus.docs if d.publisher == "高台县民族宗教事务局"}
    assert religion
    assert ids(built, publisher="县民宗局") == religion
    assert ids(built, publisher="高台县民族宗教事务局") == religion
    assert ids(built, "publisher:县民宗局") == religion
    edu = {d.document_id for d in corpus.docs if d.publisher == "青山县教育局"}
    assert ids(built, publisher=["县民宗局", "县教育局"]) == religion | edu


def test_section_restricted_queries(built, corpus):
    for term in ("行政复议", "政务公开", "依申请公开"):
        expected = corpus.containing(term, "section4")
        assert ids(built, term, section=4) == expected, term
        assert ids(built, f"section4:{term}") == expected, term


def test_section_query_excludes_other_sections(tmp_path, engine):
    index = small_index(tmp_path, engine, [
        SearchDocument(1, "报告一", "一、总体情况 开展行政复议培训", {1: "开展行政复议培训", 4: "无案件。"}),
        SearchDocument(2, "报告二", "四、行政复议情况 行政复议案件1件", {1: "概述。", 4: "行政复议案件1件"}),
    ])
    assert ids(index, "行政复议") == {1, 2}
    assert ids(index, "行政复议", section=4) == {2}
    assert ids(index, "复", section=1) == {1}
    index.close()


def test_sort_by_date_and_paging(built, corpus):
    term = "政务"
    expected = corpus.containing(term)
    result = built.search(SearchQuery(term, sort="date", limit=1000, facets=False))
    dates = [h.published_at for h in result.hits]
    assert dates == sorted(dates, reverse=True) and len(dates) == len(expected)
    pages, page = [], 1
    while True:
        r = built.search(SearchQuery(term, limit=7, page=page, facets=False))
        assert r.total == len(expected)
        if not r.hits:
            break
        assert len(r.hits) <= 7
        pages.extend(h.document_id for h in r.hits)
        page += 1
    assert len(pages) == len(set(pages)) and set(pages) == expected
    by_date = [h.document_id for p in (1, 2) for h in built.search(
        SearchQuery(term, sort="date", limit=5, page=p, facets=False)).hits]
    assert by_date == [h.document_id for h in result.hits[:10]]


def _brute_facets(docs, name):
    values = {"year": lambda d: str(d.report_year) if d.report_year else None,
              "publisher": lambda d: d.publisher, "kind": lambda d: d.kind}[name]
    return Counter(v for d in docs if (v := values(d)) is not None)


def test_facets_match_brute_force_counts(built, corpus):
    term = "公开"
    matching = [corpus.by_id(i) for i in corpus.containing(term)]
    result = built.search(SearchQuery(term, limit=1))
    assert result.total == len(matching)
    for name in ("year", "publisher", "kind"):
        assert dict(result.facets[name]) == _brute_facets(matching, name), name
        counts = [n for _, n in result.facets[name]]
        assert counts == sorted(counts, reverse=True)


def test_multi_select_facets_ignore_their_own_filter(built, corpus):
    term = "公开"
    base = [corpus.by_id(i) for i in corpus.containing(term)]
    result = built.search(SearchQuery(term, kind="notice", year_from=None, limit=1))
    notices = [d for d in base if d.kind == "notice"]
    assert result.total == len(notices)
    # The kind facet counts every kind under the other filters (none here): widening stays possible.
    assert dict(result.facets["kind"]) == _brute_facets(base, "kind")
    assert dict(result.facets["publisher"]) == _brute_facets(notices, "publisher")
    result = built.search(SearchQuery(term, kind="annual_report", year_from=2020, year_to=2021,
                                      publisher="县民宗局", limit=1))
    in_years = [d for d in base if d.report_year and 2020 <= d.report_year <= 2021]
    religion = [d for d in base if d.publisher == "高台县民族宗教事务局"]
    reports = [d for d in base if d.kind == "annual_report"]
    assert dict(result.facets["kind"]) == _brute_facets([d for d in in_years if d in religion], "kind")
    assert dict(result.facets["year"]) == _brute_facets([d for d in reports if d in religion], "year")
    assert dict(result.facets["publisher"]) == _brute_facets([d for d in reports if d in in_years], "publisher")


def test_hits_carry_what_readers_need_and_escaped_snippets(tmp_path, engine):
    index = open_index(tmp_path / "ix", engine, create=True, writer=True)
    when = dt.datetime(2022, 2, 15, 14, 52)
    index.add([SearchDocument(
        9, "<script>alert(1)</script>通知", "前文<b>粗体</b> & 依申请公开 <img src=x onerror=alert(1)> 后文",
        publisher="卢氏县民政局", report_year=2021, kind="notice", published_at=when,
        url="http://x/t20220215_1.html", version_id=91, capture_id=92)])
    index.commit()
    hit = index.search(SearchQuery("依申请公开")).hits[0]
    assert (hit.document_id, hit.title, hit.publisher, hit.year, hit.published_at, hit.url) == (
        9, "<script>alert(1)</script>通知", "卢氏县民政局", 2021, when, "http://x/t20220215_1.html")
    assert (hit.version_id, hit.capture_id, hit.removed) == (91, 92, False)
    assert "<b>依申请公开</b>" in hit.snippet
    assert "&lt;b&gt;粗体&lt;/b&gt;" in hit.snippet and "&lt;img" in hit.snippet and "&amp;" in hit.snippet
    assert hit.snippet.replace("<b>依申请公开</b>", "").count("<") == 0
    title_hit = index.search(SearchQuery("script")).hits[0]
    assert "<script" not in title_hit.snippet
    index.close()


def test_removed_documents_stay_searchable_and_marked(tmp_path, engine, corpus):
    index = open_index(tmp_path / "ix", engine, create=True, writer=True)
    index.add(corpus.docs[:10])
    index.commit()
    target = corpus.docs[3]
    assert index.mark_removed([target.document_id]) == 1
    index.commit()
    assert index.count() == 10
    hits = index.search(SearchQuery(f'"{target.title}"', limit=50)).hits
    flags = {h.document_id: h.removed for h in hits}
    assert flags[target.document_id] is True
    assert not any(v for k, v in flags.items() if k != target.document_id)
    index.close()


def test_incremental_update_replaces_the_old_entry(tmp_path, engine):
    index = small_index(tmp_path, engine, [SearchDocument(1, "报告", "旧版本提到宗教事务条例。"),
                                           SearchDocument(2, "其他", "无关内容。")])
    index.add([SearchDocument(1, "报告（修订）", "新版本提到政务服务事项。", version_id=2)])
    index.commit()
    assert index.count() == 2
    assert ids(index, "宗教事务") == set()
    assert ids(index, "政务服务事项") == {1}
    assert index.search(SearchQuery("政务服务事项")).hits[0].version_id == 2
    index.remove([2])
    index.commit()
    assert index.count() == 1 and index.document_ids() == {1}
    index.close()


def test_an_id_added_twice_before_the_first_commit_is_one_document(tmp_path, engine):
    index = open_index(tmp_path / engine, engine, create=True, writer=True)
    index.add([SearchDocument(1, "报告", "旧版本提到宗教事务条例。"), SearchDocument(2, "其他", "无关内容。")])
    index.add([SearchDocument(1, "报告（修订）", "新版本提到政务服务事项。", version_id=2)])
    index.commit()
    assert index.count() == 2
    assert ids(index, "宗教事务") == set() and ids(index, "政务服务事项") == {1}
    index.add([SearchDocument(2, "其他（修订）", "仍然无关。")])
    index.commit()
    assert index.count() == 2 and ids(index, "无关内容") == set()
    index.close()


@pytest.mark.parametrize("text", ['"政务服务', "(行政复议 OR 宗教", "行政复议 AND", "OR 宗教", "行政复议)",
                                  "foo:bar", "year:20x1", "year:[2019 2021]", "kind:report", "，。",
                                  "date:[2021-13-01 TO]", "title:", "NOT"])
def test_malformed_queries_raise_query_syntax_error(built, text):
    with pytest.raises(QuerySyntaxError) as err:
        built.search(SearchQuery(text))
    assert "position" in str(err.value) and 0 <= err.value.position <= len(text)


def test_missing_locked_and_corrupt_indexes(tmp_path, engine):
    with pytest.raises(IndexMissingError, match="disclosure index"):
        open_index(tmp_path / "none", engine)
    path = tmp_path / "ix"
    writer = open_index(path, engine, create=True, writer=True)
    writer.add([SearchDocument(1, "标题", "正文内容")])
    writer.commit()
    with pytest.raises(IndexLockedError, match="another process"):
        open_index(path, engine, writer=True)
    reader = open_index(path, engine)  # readers never wait for the writer
    assert reader.count() == 1
    reader.close()
    writer.close()
    open_index(path, engine, writer=True).close()  # the lock is free again
    # Damage the engine's table of contents.
    toc = [p for p in path.iterdir() if p.name == "meta.json" or p.name.endswith(".toc")]
    assert toc
    for p in toc:
        p.write_bytes(b"\x00garbage{")
    with pytest.raises(IndexCorruptError, match="disclosure index --rebuild"):
        open_index(path, engine)
    other = "whoosh" if engine == "tantivy" else "tantivy"
    (tmp_path / "mixed").mkdir()
    open_index(tmp_path / "mixed" / "ix", engine, create=True, writer=True).close()
    with pytest.raises(IndexCorruptError, match="rebuild"):
        open_index(tmp_path / "mixed" / "ix", other)


def test_readers_see_commits_of_a_running_writer(tmp_path, engine):
    path = tmp_path / "ix"
    writer = open_index(path, engine, create=True, writer=True)
    writer.add([SearchDocument(1, "一", "第一份文件")])
    writer.commit()
    reader = open_index(path, engine)
    assert ids(reader, "文件") == {1}
    writer.add([SearchDocument(2, "二", "第二份文件")])
    assert ids(reader, "文件") == {1}  # uncommitted work is invisible
    writer.commit()
    assert ids(reader, "文件") == {1, 2}
    reader.close()
    writer.close()
