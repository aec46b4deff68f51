"""The pure-Python engine: Whoosh (whoosh-reloaded), same token streams and query AST as tantivy.

Slower by orders of magnitude on large archives (docs/search.md), kept for environments without
compiled wheels. Facets use Whoosh's grouping; snippets and filters come from search.engines.common.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import sorting
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from search.analysis import query_tokens
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
    write_marker,
)
from search.errors import IndexCorruptError, IndexMissingError
from search.query import TEXT_FIELDS, And, AndMaybe, Boost, MatchAll, Node, Not, Or, Range, Text, Wildcard
from search.types import SearchDocument, SearchQuery, SearchResult

log = logging.getLogger(__name__)

ENGINE = "whoosh"


def _schema() -> Schema:
    ws = SpaceSeparatedTokenizer()
    fields = {name: TEXT(analyzer=ws, phrase=True) for name in (*TEXT_FIELDS, "publisher_names")}
    return Schema(
        document_id=ID(unique=True, stored=True),
        publisher=ID(sortable=True),
        kind=ID(sortable=True),
        portal=ID(sortable=True),
        year=NUMERIC(int, bits=32, signed=True, sortable=True),
        published=NUMERIC(int, bits=64, signed=True, sortable=True),
        payload=STORED,
        **fields,
    )


class WhooshIndex:
    """A Whoosh index directory (see search.api.SearchIndex)."""

    engine = ENGINE

    def __init__(self, path: Path, *, create: bool = False, writer: bool = False):
        self.path = path
        self._writer = None
        self._pending: set[int] = set()  # ids added by the current writer, not committed yet
        self._lock: WriterLock | None = None
        self._searcher = None
        marker = read_marker(path) if path.is_dir() else None
        if marker is None and not create:
            raise IndexMissingError(path)
        if marker is not None:
            check_marker(path, ENGINE, marker)
        path.mkdir(parents=True, exist_ok=True)
        self._writable = writer
        if writer:
            self._lock = WriterLock(path)
            self._lock.acquire()
        try:
            if marker is None:
                self.ix = whoosh_index.create_in(str(path), _schema())
                write_marker(path, ENGINE)
            else:
                self.ix = whoosh_index.open_dir(str(path))
            self._searcher = self.ix.searcher()
        except whoosh_index.EmptyIndexError as exc:
            self.close()
            raise IndexCorruptError(path, "the marker is there but no Whoosh table of contents") from exc
        except Exception as exc:  # noqa: BLE001 - Whoosh raises anything from pickle/struct on damage
            self.close()
            raise IndexCorruptError(path, f"{type(exc).__name__}: {exc}") from exc

    # -- writing -------------------------------------------------------------------------------

    def _need_writer(self):
        if not self._writable:
            raise RuntimeError("index opened read-only: open_index(..., writer=True) to change it")
        if self._writer is None:
            self._writer = self.ix.writer(limitmb=256)
        return self._writer

    @staticmethod
    def _fields(p: PreparedDocument) -> dict:
        d = p.doc
        fields = {
            "document_id": str(d.document_id), "title": p.title, "body": p.body,
            "publisher_names": p.publisher_names, "kind": d.kind, "published": p.published,
            "payload": p.payload,
        }
        fields.update({f"section{n}": tokens for n, tokens in (p.sections | p.loose_sections).items()})
        if d.publisher:
            fields["publisher"] = d.publisher
        if d.portal:
            fields["portal"] = d.portal
        if d.report_year is not None:
            fields["year"] = d.report_year
        return fields

    def add(self, docs: Iterable[SearchDocument]) -> int:
        writer = self._need_writer()
        n = 0
        for d in docs:
            if d.document_id in self._pending:
                # Whoosh's update deletes only committed documents: an id added twice by one writer
                # would be two documents. Commit what came before (rare: one id twice in one batch
                # of changes) so this update replaces it.
                self.commit()
                writer = self._need_writer()
            self._pending.add(d.document_id)
            writer.update_document(**self._fields(prepare(d)))
            n += 1
        return n

    def remove(self, ids: Iterable[int]) -> None:
        writer = self._need_writer()
        for i in ids:
            writer.delete_by_term("document_id", str(int(i)))

    def mark_removed(self, ids: Iterable[int]) -> int:
        docs = []
        for doc in self._stored(ids):
            doc.removed = True
            docs.append(doc)
        return self.add(docs)

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self._writer = None
        self._pending.clear()
        self._refresh()

    def close(self) -> None:
        if self._writer is not None:
            self._writer.cancel()
            self._writer = None
        self._pending.clear()
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    # -- reading -------------------------------------------------------------------------------

    def _refresh(self):
        try:
            if not self._searcher.up_to_date():
                # A fresh searcher, not refresh(): Whoosh's refresh fails when the old reader was empty.
                self._searcher.close()
                self._searcher = self.ix.searcher()
        except Exception as exc:  # noqa: BLE001
            raise IndexCorruptError(self.path, f"{type(exc).__name__}: {exc}") from exc
        return self._searcher

    def _stored(self, ids: Iterable[int]) -> list[SearchDocument]:
        searcher = self._refresh()
        out = []
        for i in ids:
            fields = searcher.document(document_id=str(int(i)))
            if fields:
                out.append(decode_payload(fields["payload"]))
        return out

    def get(self, document_id: int) -> SearchDocument | None:
        """The stored document with this id, or None."""
        found = self._stored([document_id])
        return found[0] if found else None

    def count(self) -> int:
        return self._refresh().doc_count()

    def document_ids(self) -> set[int]:
        searcher = self._refresh()
        return {int(f["document_id"]) for f in searcher.all_stored_fields()}

    def search(self, q: SearchQuery) -> SearchResult:
        p = plan(q)
        searcher = self._refresh()
        query = self._translate(p.main())
        upto = q.page * q.limit
        if q.sort == "date":
            results = searcher.search(query, limit=upto, sortedby="published", reverse=True)
        else:
            results = searcher.search(query, limit=upto)
        start = (q.page - 1) * q.limit
        hits = []
        for hit in list(results)[start:upto]:
            doc = decode_payload(hit["payload"])
            score = hit.score if q.sort != "date" and hit.score is not None else 0.0
            hits.append(build_hit(doc, score, p.needles))
        facets = self._facets(searcher, p) if q.facets else {}
        return SearchResult(total=len(results), facets=facets, hits=hits)

    def _facets(self, searcher, p: QueryPlan) -> dict[str, list[tuple[str, int]]]:
        out: dict[str, list[tuple[str, int]]] = {}
        for node, names in p.facet_groups():
            groups = {n: sorting.FieldFacet(FACET_FIELDS[n]) for n in names}
            results = searcher.search(self._translate(node), limit=1, groupedby=groups,
                                      maptype=sorting.Count, scored=False)
            for n in names:
                counts: dict[str, int] = {}
                for key, count in results.groups(n).items():
                    # Absent values come back as the column default ("", or 2**31-1 for a year).
                    if key in (None, "", b"") or (n == "year" and not 0 < int(key) < 10_000):
                        continue
                    counts[key.decode() if isinstance(key, bytes) else str(key)] = int(count)
                out[n] = sorted_facet(counts)
        return out

    # -- query translation ---------------------------------------------------------------------

    def _translate(self, node: Node) -> wq.Query:
        if isinstance(node, MatchAll):
            return wq.Every()
        if isinstance(node, Text):
            return self._text(node)
        if isinstance(node, Range):
            return self._range(node)
        if isinstance(node, Not):
            return wq.And([wq.Every(), wq.Not(self._translate(node.child))])
        if isinstance(node, And):
            children = [wq.Not(self._translate(c.child)) if isinstance(c, Not) else self._translate(c)
                        for c in node.children]
            if all(isinstance(c, Not) for c in node.children):
                children.insert(0, wq.Every())
            return wq.And(children)
        if isinstance(node, Or):
            return wq.Or([self._translate(c) for c in node.children])
        if isinstance(node, AndMaybe):
            return wq.AndMaybe(self._translate(node.required), self._translate(node.optional))
        if isinstance(node, Boost):
            query = copy.copy(self._translate(node.child))
            query.boost = getattr(query, "boost", 1.0) * node.factor
            return query
        if isinstance(node, Wildcard):
            if node.field is None:
                return wq.Or([wq.Wildcard("title", node.pattern, boost=TITLE_BOOST), wq.Wildcard("body", node.pattern)])
            return wq.Wildcard(node.field, node.pattern)
        raise TypeError(f"unknown query node {node!r}")

    def _text(self, node: Text) -> wq.Query:
        if node.field in ("kind", "portal"):
            return wq.Term(node.field, node.text)
        if node.field == "publisher":
            return self._run("publisher_names", node.text)
        if node.field is None:
            return wq.Or([self._run("title", node.text, TITLE_BOOST), self._run("body", node.text)])
        return self._run(node.field, node.text)

    @staticmethod
    def _run(field: str, text: str, boost: float = 1.0) -> wq.Query:
        """Documents whose ``field`` holds ``text`` as a run (see search.analysis)."""
        qt = query_tokens(text)
        words = list(qt.tokens)
        if not words:
            return wq.NullQuery
        if qt.prefix:
            # The last character may start a longer bigram in the document: match it as a prefix.
            last = wq.Prefix(field, words[-1], boost=boost)
            if len(words) == 1:
                return last
            return wq.Sequence([wq.Term(field, w) for w in words[:-1]] + [last], boost=boost)
        if len(words) == 1:
            return wq.Term(field, words[0], boost=boost)
        return wq.Phrase(field, words, boost=boost)

    @staticmethod
    def _range(node: Range) -> wq.Query:
        if node.field == "year":
            return wq.NumericRange("year", node.lo, node.hi, startexcl=not node.incl_lo,
                                   endexcl=not node.incl_hi)
        lo = timestamp(node.lo) if node.lo is not None else 1
        hi = None
        if node.hi is not None:
            hi = timestamp(node.hi) + (0 if hasattr(node.hi, "hour") else 86399)
        return wq.NumericRange("published", lo, hi, startexcl=not node.incl_lo and node.lo is not None,
                               endexcl=not node.incl_hi and hi is not None)
