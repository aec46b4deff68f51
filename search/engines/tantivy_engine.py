"""The default engine: tantivy (Rust, embedded), pre-tokenised 4-gram fields, fast fields for facets."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import tantivy

from search.analysis import GRAM, gram_query
from search.engines.common import (
    FACET_FIELDS,
    TITLE_BOOST,
    PreparedDocument,
    QueryPlan,
    WriterLock,
    build_hit,
    check_marker,
    decode_payload,
    plan,
    prepare,
    read_marker,
    sorted_facet,
    timestamp,
    wildcard_regex,
    write_marker,
)
from search.errors import IndexCorruptError, IndexMissingError
from search.query import And, AndMaybe, Boost, MatchAll, Node, Not, Or, Range, Text, Wildcard
from search.types import FACETS, SearchDocument, SearchQuery, SearchResult

log = logging.getLogger(__name__)

ENGINE = "tantivy"
_MUST, _SHOULD, _MUST_NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot
REST = "rest"
SECTION_FIELDS = tuple(f"section{n}" for n in range(1, 7))
LOOSE_FIELDS = tuple(f"{name}_loose" for name in SECTION_FIELDS)
# The fields whose union is the body's stream.
BODY_PIECES = (REST, *SECTION_FIELDS)
# The writer's memory budget (shared by its threads; a segment is written when it is used up) and
# its indexing threads. One Python thread prepares the documents (~0.27 ms each) and one tantivy
# thread indexes them about as fast: more indexing threads than cores left beside the producer only
# compete with it and make more segments to merge (2 cores, 100,000 documents: 1 thread 3,400
# docs/s, tantivy's default of one per core 2,800; docs/search.md "Indexing speed").
WRITER_HEAP = 256_000_000
# Bounded counting (SearchQuery.total_bound): a query is first evaluated on the newest
# SAMPLE_FACTOR × total_bound documents only (10,000 → 100,000), so a phrase found in every one of a
# million reports is evaluated on a tenth of them (docs/search.md "Bounded totals").
SAMPLE_FACTOR = 10
WRITER_THREADS = min(2, max(1, (os.cpu_count() or 1) - 1))
# A query's trailing run shorter than GRAM is a prefix: up to this many of the field's terms starting
# with it are looked up as terms (BM25, each term's own weight); beyond, one regular expression that
# scores every match alike (a single character in a large archive; docs/search.md "One stream").
EXPANSIONS = 1024
# tantivy refuses a regex phrase query whose regular expressions match more terms than this (its
# default cap, 16,384); a longer expansion is asked as several such queries (see _prefix_patterns).
PHRASE_EXPANSIONS = 16_000


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("document_id", indexed=True, fast=True)
    # Token strings from search.analysis, the GRAM-gram stream of each text: the built-in whitespace
    # tokenizer keeps them as they are, with consecutive positions, which phrase queries need. One
    # stream, not bigrams and 4-grams both: half the tokens to index (docs/search.md "One stream").
    # The body is indexed once, cut into its pieces: the sections that are slices of it (section1–6)
    # and the rest; a body query asks all seven (docs/search.md "Body = rest + sections"). Sections
    # that are not slices of the body have fields of their own, outside the body.
    for name in ("title", REST, *SECTION_FIELDS, *LOOSE_FIELDS, "publisher_names"):
        sb.add_text_field(name, tokenizer_name="whitespace", index_option="position")
    for name in ("publisher", "kind", "portal"):
        sb.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    sb.add_integer_field("year", indexed=True, fast=True)
    sb.add_integer_field("published", indexed=True, fast=True)
    sb.add_bytes_field("payload", stored=True)
    return sb.build()


class TantivyIndex:
    """A tantivy index directory (see search.api.SearchIndex)."""

    engine = ENGINE

    def __init__(self, path: Path, *, create: bool = False, writer: bool = False):
        self.path = path
        self.schema = _schema()
        self._writer: tantivy.IndexWriter | None = None
        self._lock: WriterLock | None = None
        self._meta_mtime = 0.0
        # While the committed index holds no document: the ids added since (see add()); None otherwise.
        self._added_to_empty: set[int] | None = None
        marker = read_marker(path) if path.is_dir() else None
        if marker is None:
            if not create:
                raise IndexMissingError(path)
            path.mkdir(parents=True, exist_ok=True)
        else:
            check_marker(path, ENGINE, marker)
        if writer:
            self._lock = WriterLock(path)
            self._lock.acquire()
        try:
            self.index = tantivy.Index(self.schema, path=str(path), reuse=True)
            if marker is None:
                write_marker(path, ENGINE)
            self.index.reload()
            if writer:
                self._writer = self.index.writer(heap_size=WRITER_HEAP, num_threads=WRITER_THREADS)
                self._track_empty()
        except (OSError, ValueError) as exc:
            self.close()
            raise IndexCorruptError(path, str(exc).splitlines()[0] if str(exc) else type(exc).__name__) \
                from exc
        self._meta_mtime = self._mtime()

    # -- writing -------------------------------------------------------------------------------

    def _need_writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            raise RuntimeError("index opened read-only: open_index(..., writer=True) to change it")
        return self._writer

    def _to_tantivy(self, p: PreparedDocument) -> tantivy.Document:
        d = p.doc
        # One constructor call with every field (half the cost of a call per field).
        fields = {
            "document_id": d.document_id, "title": p.title, REST: p.rest,
            "publisher_names": p.publisher_names, "kind": d.kind, "published": p.published,
            # Stored as it is: tantivy compresses its store in blocks of documents, in its own threads
            # (smaller than zlib per document and a quarter of the CPU; docs/search.md).
            "payload": p.payload.encode("utf-8"),
        }
        for number, tokens in p.sections.items():
            fields[f"section{number}"] = tokens
        for number, tokens in p.loose_sections.items():
            fields[f"section{number}_loose"] = tokens
        if d.publisher:
            fields["publisher"] = d.publisher
        if d.portal:
            fields["portal"] = d.portal
        if d.report_year is not None:
            fields["year"] = d.report_year
        return tantivy.Document(**fields)

    def _track_empty(self) -> None:
        self._added_to_empty = set() if self.index.searcher().num_docs == 0 else None

    def add(self, docs: Iterable[SearchDocument]) -> int:
        writer = self._need_writer()
        fresh = self._added_to_empty
        n = 0
        for d in docs:
            # Replace any entry under this id. Into an empty index (a build or rebuild) only an id
            # already added since can have one: tantivy keeps every delete in its queue until the
            # commit applies it to every segment, which cost a build ~1.2 KB of memory a document
            # (150,000 documents: 705 MB anonymous with a delete each, 524 MB without, flat).
            if fresh is None or d.document_id in fresh:
                writer.delete_documents_by_term("document_id", d.document_id)
            else:
                fresh.add(d.document_id)
            writer.add_document(self._to_tantivy(prepare(d, width=GRAM)))
            n += 1
        return n

    def remove(self, ids: Iterable[int]) -> None:
        writer = self._need_writer()
        for i in ids:
            writer.delete_documents_by_term("document_id", int(i))

    def mark_removed(self, ids: Iterable[int]) -> int:
        docs = []
        for doc in self._stored(ids):
            doc.removed = True
            docs.append(doc)
        return self.add(docs)

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self._writer.wait_merging_threads()
            self._writer = self.index.writer(heap_size=WRITER_HEAP, num_threads=WRITER_THREADS)
        self.index.reload()
        if self._writer is not None:
            self._track_empty()
        self._meta_mtime = self._mtime()

    def close(self) -> None:
        if self._writer is not None:
            self._writer.rollback()
            self._writer = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    # -- reading -------------------------------------------------------------------------------

    def _mtime(self) -> float:
        try:
            return (self.path / "meta.json").stat().st_mtime
        except OSError:
            return 0.0

    def _searcher(self) -> tantivy.Searcher:
        # Another process may have committed: reload when meta.json changed.
        mtime = self._mtime()
        if mtime != self._meta_mtime:
            self.index.reload()
            self._meta_mtime = mtime
        return self.index.searcher()

    def _stored(self, ids: Iterable[int]) -> list[SearchDocument]:
        searcher = self._searcher()
        out = []
        for i in ids:
            hits = searcher.search(tantivy.Query.term_query(self.schema, "document_id", int(i)), 1).hits
            if hits:
                out.append(_load(searcher, hits[0][1]))
        return out

    def get(self, document_id: int) -> SearchDocument | None:
        """The stored document with this id, or None."""
        found = self._stored([document_id])
        return found[0] if found else None

    def count(self) -> int:
        return self._searcher().num_docs

    def document_ids(self) -> set[int]:
        searcher = self._searcher()
        n = searcher.num_docs
        if not n:
            return set()
        hits = searcher.search(tantivy.Query.all_query(), n, count=False).hits
        return set(searcher.fast_field_values("document_id", [a for _, a in hits]))

    def search(self, q: SearchQuery) -> SearchResult:
        p = plan(q)
        searcher = self._searcher()
        offset = (q.page - 1) * q.limit
        n_docs = searcher.num_docs
        if q.total_bound is not None:
            # Bounded counting (docs/search.md "Bounded totals"): first only the newest documents, a
            # window of SAMPLE_FACTOR × the matches needed. Enough matches there: the total is a
            # lower bound, the facets count the window's matches, the hits are the window's best
            # (by date: exactly the newest, the window holding the newest documents by date). Too
            # few: one larger window sized by the density seen, then every document.
            need = max(q.total_bound, offset + q.limit)
            field = "published" if q.sort == "date" else "document_id"
            window = SAMPLE_FACTOR * need
            while window < n_docs // 2:
                hits, facets, matches, base = self._search(searcher, q, p, offset,
                                                           self._window(searcher, field, window))
                if matches >= need:
                    return SearchResult(total=need, facets=facets, hits=hits, total_is_lower_bound=True,
                                        facets_sample=matches if q.facets else None)
                if matches and base is not None and base >= need:
                    # Few matches but a facet filter cut them from many: each facet is counted without
                    # its own filter, over the many (1,000,000 documents: 依申请公开 in one bureau's
                    # annual reports, 24,333 of 780,131). The window's facets stand, flagged; the
                    # total and the hits, which the filters keep cheap, are found exactly.
                    sample = matches
                    hits, _, matches, _ = self._search(searcher, replace(q, facets=False), p, offset, None)
                    return SearchResult(total=matches, facets=facets, hits=hits, facets_sample=sample)
                if not matches or window > SAMPLE_FACTOR * need:
                    break
                # Matches were too sparse: a window expected to hold twice the matches needed.
                window = int(window * 2 * need / matches)
        hits, facets, matches, _ = self._search(searcher, q, p, offset, None)
        return SearchResult(total=matches, facets=facets, hits=hits)

    def _window(self, searcher: tantivy.Searcher, field: str, docs: int) -> tantivy.Query:
        """The newest ``docs`` documents (about: by their share of ``field``'s range of values), as a
        filter: ``field`` at least its value at that rank."""
        lo, hi = _field_range(self.path, self._meta_mtime, searcher, field)
        start = hi - (hi - lo + 1) * docs // max(1, searcher.num_docs) + 1
        return tantivy.Query.range_query(self.schema, field, tantivy.FieldType.Integer, start, None, True, True)

    def _search(self, searcher: tantivy.Searcher, q: SearchQuery, p: QueryPlan, offset: int,
                window: tantivy.Query | None) -> tuple[list, dict[str, list[tuple[str, int]]], int, int | None]:
        """The page of hits, the facets, the number of matches and the number of matches without the
        facet filters (what the facets count over; None when not known), within ``window`` if given."""
        extra = [window] if window is not None else []
        # The facet aggregation runs in another thread while this one finds the page of hits: both
        # evaluate the text query, and tantivy releases the GIL (100,000 documents, 2 cores:
        # 政府信息公开 41 → 25 ms). When it also counts the total, the top-k search need not.
        strings = _facet_strings(p) if q.facets else None
        facets_job = _pool().submit(self._facets, searcher, p, strings, extra) if q.facets else None
        count = strings is None
        query = self._filtered(p.text, list(p.filters.values()), extra)
        if q.sort == "date":
            res = searcher.search(query, q.limit, count=count, order_by_field="published", offset=offset,
                                  order=tantivy.Order.Desc)
            scored = [(0.0, addr) for _, addr in res.hits]
        else:
            res = searcher.search(query, q.limit, count=count, offset=offset)
            scored = res.hits
        hits = []
        for score, addr in scored:
            doc = _load(searcher, addr)
            hits.append(build_hit(doc, score, p.needles))
        facets, total, base = facets_job.result() if facets_job else ({}, None, None)
        return hits, facets, res.count or 0 if total is None else total, base

    def _facets(self, searcher: tantivy.Searcher, p: QueryPlan, strings: dict[str, str] | None,
                extra: list[tantivy.Query] | None = None
                ) -> tuple[dict[str, list[tuple[str, int]]], int | None, int | None]:
        """Facet counts and the total in one aggregation (the text query is evaluated once).

        The aggregation runs over the text and non-facet filters; each facet sits under a ``filter``
        aggregation holding the other facets' filters (``strings``, see :func:`_facet_strings`:
        multi-select), and the total under all of them. Without ``strings`` (filters the
        query-string grammar cannot state) it is one aggregation per facet, and no total. ``extra``:
        filters (tantivy queries) of every count, the bounded count's window. Third: the matches
        without the facet filters (the aggregation's own query), or None.
        """
        if strings is None:
            return self._facets_per_group(searcher, p, extra), None, None
        aggs: dict[str, dict] = {}
        names: dict[str, str] = {}  # conjunction of filters → aggregation name

        def group(exclude: str | None) -> str:
            conj = " AND ".join(f"({v})" for k, v in strings.items() if k != exclude) or "*"
            if conj not in names:
                names[conj] = f"g{len(names)}"
                aggs[names[conj]] = {"filter": conj, "aggs": {}}
            return names[conj]

        where = {facet: group(facet) for facet in FACETS}
        for facet, name in where.items():
            aggs[name]["aggs"][facet] = {"terms": {"field": FACET_FIELDS[facet], "size": 10_000}}
        total = group(None)
        aggs["base"] = {"value_count": {"field": "document_id"}}
        base = [f for name, f in p.filters.items() if name not in FACETS]
        result = searcher.aggregate(self._filtered(p.text, base, extra), aggs)
        return ({facet: _buckets(result[name].get(facet, {})) for facet, name in where.items()},
                int(result[total]["doc_count"]), int(result["base"].get("value") or 0))

    def _facets_per_group(self, searcher: tantivy.Searcher, p: QueryPlan,
                          extra: list[tantivy.Query] | None = None) -> dict[str, list[tuple[str, int]]]:
        out: dict[str, list[tuple[str, int]]] = {}
        for node, names in p.facet_groups():
            aggs = {n: {"terms": {"field": FACET_FIELDS[n], "size": 10_000}} for n in names}
            query = self._translate(node)
            if extra:
                query = _all([query, *[tantivy.Query.const_score_query(x, 0.0) for x in extra]])
            result = searcher.aggregate(query, aggs)
            for n in names:
                out[n] = _buckets(result.get(n, {}))
        return out

    # -- query translation ---------------------------------------------------------------------

    def _filtered(self, text: Node, filters: list[Node], extra: list[tantivy.Query] | None = None) -> tantivy.Query:
        """``text`` restricted to the documents of every filter, the filters pushed down into each
        branch of the text's unions and scoring nothing (relevance is the text's alone).

        Why not ``text AND filters``: tantivy's union scorer, when an intersection seeks into it,
        refills a window of 4,096 documents and evaluates every child there, so a selective filter
        over ``title OR body`` still evaluates the text on every document (1,000,000 documents:
        ``依申请公开`` for one publisher's annual reports 45 → 9 ms). Inside each branch the filter leads
        the intersection and the text is evaluated only on the documents it holds. Without filters the
        union is flat too (title and the body's pieces as one union, not nested: 1,000,000 documents,
        ``公开`` 28 → 20 ms). ``extra``: filters already translated (the bounded count's window).
        """
        return self._push(text, [tantivy.Query.const_score_query(f, 0.0)
                                 for f in [*map(self._translate, filters), *(extra or [])]])

    def _push(self, node: Node, filters: list[tantivy.Query]) -> tantivy.Query:
        """``node AND filters``, the filters inside every union branch (see :meth:`_filtered`)."""
        if isinstance(node, Or):
            return _any([self._push(c, filters) for c in node.children])
        if isinstance(node, AndMaybe):
            return tantivy.Query.boolean_query([(_MUST, self._push(node.required, filters)),
                                                (_SHOULD, self._push(node.optional, filters))])
        if isinstance(node, Boost):
            return tantivy.Query.boost_query(self._push(node.child, filters), node.factor)
        if isinstance(node, Not | And):
            # Excluded documents are looked up in the excluded query as well: within the filters.
            children = node.children if isinstance(node, And) else (node,)
            clauses = [(_MUST_NOT, self._push(c.child, filters)) if isinstance(c, Not)
                       else (_MUST, self._push(c, filters)) for c in children]
            if all(occ == _MUST_NOT for occ, _ in clauses):
                clauses += [(_MUST, f) for f in filters or [tantivy.Query.all_query()]]
            return tantivy.Query.boolean_query(clauses)
        if isinstance(node, MatchAll):
            return _all(filters) if filters else tantivy.Query.all_query()
        branches = self._branches(node)
        if branches is None:
            return _all([self._translate(node), *filters])
        return _any([_all([b, *filters]) for b in branches])

    def _branches(self, node: Node) -> list[tantivy.Query] | None:
        """The union branches of a text or wildcard node (each field or piece it looks in), or None
        when it is not a union."""
        if isinstance(node, Text) and node.field is None:
            title = tantivy.Query.boost_query(self._run("title", node.text), TITLE_BOOST)
            return [title, *self._run_branches("body", node.text)]
        if isinstance(node, Text) and node.field in ("body", *SECTION_FIELDS):
            return self._run_branches(node.field, node.text)
        if isinstance(node, Wildcard) and node.field is None:
            title = tantivy.Query.boost_query(self._regex("title", node.pattern), TITLE_BOOST)
            return [title, *[self._regex(f, node.pattern) for f in BODY_PIECES]]
        if isinstance(node, Wildcard) and node.field == "body":
            return [self._regex(f, node.pattern) for f in BODY_PIECES]
        if isinstance(node, Wildcard) and node.field in SECTION_FIELDS:
            return [self._regex(f, node.pattern) for f in (node.field, f"{node.field}_loose")]
        return None

    def _regex(self, field: str, pattern: str) -> tantivy.Query:
        return tantivy.Query.regex_query(self.schema, field, wildcard_regex(pattern))

    def _run_branches(self, field: str, text: str) -> list[tantivy.Query]:
        """:meth:`_run` of ``field`` as the list of queries whose union it is."""
        if field in SECTION_FIELDS:
            return [self._run(field, text), self._run(f"{field}_loose", text)]
        if field == "body":
            return [self._gram_run(piece, text) for piece in BODY_PIECES]
        return [self._run(field, text)]


    def _translate(self, node: Node) -> tantivy.Query:
        if isinstance(node, MatchAll):
            return tantivy.Query.all_query()
        if isinstance(node, Text):
            return self._text(node)
        if isinstance(node, Range):
            return self._range(node)
        if isinstance(node, Not):
            return tantivy.Query.boolean_query([(_MUST, tantivy.Query.all_query()),
                                                (_MUST_NOT, self._translate(node.child))])
        if isinstance(node, And):
            clauses = [(_MUST_NOT, self._translate(c.child)) if isinstance(c, Not)
                       else (_MUST, self._translate(c)) for c in node.children]
            if all(occ == _MUST_NOT for occ, _ in clauses):
                clauses.append((_MUST, tantivy.Query.all_query()))
            return tantivy.Query.boolean_query(clauses)
        if isinstance(node, Or):
            return tantivy.Query.boolean_query([(_SHOULD, self._translate(c)) for c in node.children])
        if isinstance(node, AndMaybe):
            return tantivy.Query.boolean_query([(_MUST, self._translate(node.required)),
                                                (_SHOULD, self._translate(node.optional))])
        if isinstance(node, Boost):
            return tantivy.Query.boost_query(self._translate(node.child), node.factor)
        if isinstance(node, Wildcard):
            return self._wildcard(node)
        raise TypeError(f"unknown query node {node!r}")

    def _wildcard(self, node: Wildcard) -> tantivy.Query:
        """A Latin word or number pattern: whole tokens of the text fields (Latin tokens are the same
        in every stream), in the fields :meth:`_branches` names for it."""
        branches = self._branches(node)
        return _any(branches) if branches is not None else self._regex(node.field, node.pattern)

    def _text(self, node: Text) -> tantivy.Query:
        if node.field in ("kind", "portal"):
            return tantivy.Query.term_query(self.schema, node.field, node.text)
        if node.field == "publisher":
            return self._run("publisher_names", node.text)
        if node.field is None:
            return tantivy.Query.boolean_query([
                (_SHOULD, tantivy.Query.boost_query(self._run("title", node.text), TITLE_BOOST)),
                (_SHOULD, self._run("body", node.text)),
            ])
        if node.field in SECTION_FIELDS:
            return _any([self._run(node.field, node.text), self._run(f"{node.field}_loose", node.text)])
        return self._run(node.field, node.text)

    def _run(self, field: str, text: str) -> tantivy.Query:
        """Documents whose ``field`` holds ``text`` as a run (see search.analysis; for the body: in
        any of its pieces)."""
        if field == "body":
            return _any(self._run_branches(field, text))
        return self._gram_run(field, text)

    def _gram_run(self, field: str, text: str) -> tantivy.Query:
        """Documents whose GRAM-gram ``field`` holds ``text`` as a run (search.analysis.gram_query)."""
        gq = gram_query(text)
        if gq.empty:
            return tantivy.Query.empty_query()
        if gq.prefix is None:
            if len(gq.terms) == 1:
                return tantivy.Query.term_query(self.schema, field, gq.terms[0][1], index_option="freq")
            return tantivy.Query.phrase_query(self.schema, field, list(gq.terms))
        at, chars = gq.prefix
        if gq.terms:
            # Exact tokens, then any token starting with the run's characters at its offset. Term
            # texts are CJK grams, lower-case words and digit runs: nothing to escape either.
            return _any([tantivy.Query.regex_phrase_query(self.schema, field, [*gq.terms, (at, p)])
                         for p in self._prefix_patterns(field, chars)])
        expansions = self._expansions(field, chars)
        if len(expansions) > EXPANSIONS:
            return tantivy.Query.regex_query(self.schema, field, _prefix_regex(chars))
        return _any([tantivy.Query.term_query(self.schema, field, t, index_option="freq") for t in expansions]) \
            if expansions else tantivy.Query.empty_query()

    def _prefix_patterns(self, field: str, chars: str) -> list[str]:
        return self._cached(("patterns", field, chars, PHRASE_EXPANSIONS),
                            lambda: self._split_prefix(field, chars))

    def _split_prefix(self, field: str, chars: str) -> list[str]:
        """Regular expressions that together match exactly the tokens of ``field`` starting with
        ``chars``, each matching at most PHRASE_EXPANSIONS of its terms: one in nearly every case;
        in a large archive a single character after a number (``2021年``) can start more 4-grams
        than tantivy expands in one phrase, and is then split by the character that follows it."""
        terms = [t for t, _ in self.index.searcher().terms_with_prefix(field, chars)]
        if len(terms) <= PHRASE_EXPANSIONS or len(chars) >= GRAM:
            return [_prefix_regex(chars)]
        groups: dict[str, int] = {}
        for term in terms:
            follower = term[len(chars): len(chars) + 1]
            groups[follower] = groups.get(follower, 0) + 1
        patterns = [chars] if groups.pop("", 0) else []  # the run ends with the characters themselves
        batch: list[str] = []
        count = 0
        for follower, n in sorted(groups.items()):
            if n > PHRASE_EXPANSIONS:
                patterns += self._split_prefix(field, chars + follower)
                continue
            if count + n > PHRASE_EXPANSIONS:
                patterns.append(_prefix_regex(chars, "".join(batch)))
                batch, count = [], 0
            batch.append(follower)
            count += n
        if batch:
            patterns.append(_prefix_regex(chars, "".join(batch)))
        return patterns

    def _expansions(self, field: str, chars: str) -> list[str]:
        """The terms of ``field`` starting with ``chars``, up to EXPANSIONS + 1 of them."""
        return self._cached(("terms", field, chars, EXPANSIONS), lambda: [
            t for t, _ in self.index.searcher().terms_with_prefix(field, chars, limit=EXPANSIONS + 1)])

    def _cached(self, key: tuple, compute: Callable[[], list[str]]) -> list[str]:
        """``compute()`` once per commit of this index (the term dictionary changes only then; the
        index's current reader is the one :meth:`_searcher` reloads)."""
        key = (str(self.path), self._meta_mtime, *key)
        with _EXPANSIONS_LOCK:
            found = _EXPANSION_CACHE.get(key)
        if found is None:
            found = compute()
            with _EXPANSIONS_LOCK:
                if len(_EXPANSION_CACHE) > 4096:
                    _EXPANSION_CACHE.clear()
                _EXPANSION_CACHE[key] = found
        return found

    def _range(self, node: Range) -> tantivy.Query:
        if node.field == "year":
            return tantivy.Query.range_query(self.schema, "year", tantivy.FieldType.Integer, node.lo, node.hi,
                                             node.incl_lo, node.incl_hi)
        lo = timestamp(node.lo) if node.lo is not None else 1
        hi = None
        if node.hi is not None:
            # A bare date as upper bound means the whole of that day.
            hi = timestamp(node.hi) + (0 if hasattr(node.hi, "hour") else 86399)
        return tantivy.Query.range_query(self.schema, "published", tantivy.FieldType.Integer, lo, hi,
                                         node.incl_lo or node.lo is None, node.incl_hi or hi is None)


def _prefix_regex(chars: str, followers: str = "") -> str:
    """A regular expression for the GRAM-gram tokens starting with ``chars`` (then, if given, one of
    the characters ``followers``). CJK characters: nothing to escape."""
    if followers:
        return f"{chars}[{followers}].{{0,{GRAM - len(chars) - 1}}}"
    return f"{chars}.{{0,{GRAM - len(chars)}}}"


def _any(queries: list[tantivy.Query]) -> tantivy.Query:
    """Documents matching any of ``queries`` (scores add up)."""
    return queries[0] if len(queries) == 1 else tantivy.Query.boolean_query([(_SHOULD, q) for q in queries])


def _all(queries: list[tantivy.Query]) -> tantivy.Query:
    """Documents matching every one of ``queries`` (scores add up)."""
    return queries[0] if len(queries) == 1 else tantivy.Query.boolean_query([(_MUST, q) for q in queries])


def _load(searcher: tantivy.Searcher, addr: tantivy.DocAddress) -> SearchDocument:
    """The stored document at ``addr`` (its JSON payload; tantivy's store decompresses the block)."""
    return decode_payload(bytes(searcher.doc(addr)["payload"][0]).decode("utf-8"))


def _buckets(agg: dict) -> list[tuple[str, int]]:
    counts = {}
    for b in agg.get("buckets", []):
        key = b["key"]
        counts[str(int(key)) if isinstance(key, float) else str(key)] = int(b["doc_count"])
    return sorted_facet(counts)


def _facet_strings(p: QueryPlan) -> dict[str, str] | None:
    """The facet filters of ``p`` in tantivy's query-string grammar, or None when one cannot be stated."""
    strings = {name: _filter_string(f) for name, f in p.filters.items() if name in FACETS}
    return None if any(v is None for v in strings.values()) else strings


_EXPANSION_CACHE: dict[tuple, list[str]] = {}
_EXPANSIONS_LOCK = threading.Lock()
_RANGES: dict[tuple[str, float, int, str], tuple[int, int]] = {}
_RANGES_LOCK = threading.Lock()


def _field_range(path: Path, generation: float, searcher: tantivy.Searcher, field: str) -> tuple[int, int]:
    """The least and greatest value of the integer fast field ``field`` in the index, cached per commit
    (the web opens the index for each request; one pass over the field is ~5 ms at 1,000,000)."""
    key = (str(path), generation, searcher.num_docs, field)
    with _RANGES_LOCK:
        if key in _RANGES:
            return _RANGES[key]
    agg = searcher.aggregate(tantivy.Query.all_query(), {"lo": {"min": {"field": field}},
                                                         "hi": {"max": {"field": field}}})
    lo, hi = agg["lo"].get("value"), agg["hi"].get("value")
    found = (int(lo or 0), int(hi or 0))
    with _RANGES_LOCK:
        if len(_RANGES) > 64:
            _RANGES.clear()
        _RANGES[key] = found
    return found


_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    """Threads for facet aggregations, shared by every open index of the process."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="tantivy-facets")
        return _POOL


def _filter_string(node: Node) -> str | None:
    """A facet filter in tantivy's query-string grammar (for a ``filter`` aggregation), or None."""
    if isinstance(node, Or):
        parts = [_filter_string(c) for c in node.children]
        return None if any(x is None for x in parts) else " OR ".join(f"({x})" for x in parts)
    if isinstance(node, Range) and node.field == "year":
        lo = "*" if node.lo is None else str(node.lo)
        hi = "*" if node.hi is None else str(node.hi)
        return f"year:{'[' if node.incl_lo else '{'}{lo} TO {hi}{']' if node.incl_hi else '}'}"
    if isinstance(node, Text) and node.field == "kind":
        return f'kind:"{node.text}"' if node.text.isidentifier() else None
    if isinstance(node, Text) and node.field == "publisher":
        gq = gram_query(node.text, every=True)
        if not gq.terms or gq.prefix is not None:
            return None
        # Tokens are CJK grams, lower-case words and digit runs: nothing to escape.
        return f'publisher_names:"{" ".join(t for _, t in gq.terms)}"'
    return None
