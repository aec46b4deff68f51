"""``disclosure bench search``: index build speed, size, query latency and 2-character recall for
tantivy, Whoosh and SQLite FTS5 (trigram) on the same generated corpus, in the same run.

Corpus: annual-report-like documents built from ``generate_report`` text (sentences of real-shaped
reports recombined, so every document shares the same vocabulary, as real reports do), ~2,000
characters each, six sections, publishers, years, kinds, dates, and one unique 8-character phrase
each (recall of phrases). ``--scale N`` uses the replica site's documents instead.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import re
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import click

from search.analysis import normalize
from search.api import SearchDocument, SearchQuery, open_index

HEADINGS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
UNITS = ["教育局", "民政局", "财政局", "人力资源和社会保障局", "自然资源局", "住房和城乡建设局", "交通运输局",
         "水务局", "农业农村局", "商务局", "文化和旅游局", "卫生健康委员会", "应急管理局", "审计局", "统计局",
         "市场监督管理局", "医疗保障局", "林业和草原局", "民族宗教事务局", "司法局", "公安局", "生态环境局"]
COUNTIES = ["青山县", "高台县", "临泽县", "卢氏县", "泰顺县", "佳县", "固阳县", "太湖县"]
_PHRASE_CHARS = "星峪渚梅塬屏湾岚桦枫岙堰泓溪潭涧岭峦崖滩洲汀渡沐澜漪琅璞瑶琨"

# (category, query text, extra filters); every query asks for facets and 20 hits with snippets.
QUERIES: list[tuple[str, str, dict]] = [
    ("word", "依申请公开", {}),
    ("word", "行政复议", {}),
    ("word", "政府信息公开", {}),
    ("2-char", "复议", {}),
    ("2-char", "网上", {}),
    ("2-char", "审批", {}),
    ("2-char", "公开", {}),
    ("phrase", '"主动公开政府信息"', {}),
    ("phrase", '"政务服务"', {}),
    ("boolean", "政务公开 AND 宗教", {}),
    ("filter", "行政复议", {"year_from": 2019, "year_to": 2021}),
    ("filter", "依申请公开", {"kind": "annual_report", "publisher": "县教育局"}),
    ("filter", "year:[2019 TO 2021] 行政复议", {}),
    ("sort-date", "行政复议", {"sort": "date"}),
]
TWO_CHAR_TERMS = ["复议", "网上", "审批", "诉讼", "宗教", "预算", "清单", "督查"]


class Corpus:
    """A corpus streamed in batches (a million documents never sit in memory at once).

    Iterating it again regenerates the same documents. The first full pass also counts, outside any
    timed section, what recall is checked against: the documents holding each 2-character term and
    the unique phrase of each sampled document.
    """

    def __init__(self, size: int, make: Callable[[], Iterator[tuple[SearchDocument, str]]],
                 sample: Sequence[int] = ()):
        self.size = size
        self._make = make
        self.sample = sorted(sample)  # positions whose phrase recall is checked
        self.sample_docs: dict[int, tuple[int, str]] = {}  # position → (document_id, phrase)
        self.expected: dict[str, int] | None = None

    def batches(self, size: int = 2_000) -> Iterator[list[SearchDocument]]:
        """The documents in lists of ``size``; the first complete pass records expected counts."""
        counting = self.expected is None
        counts = dict.fromkeys(TWO_CHAR_TERMS, 0)
        wanted = set(self.sample)
        batch: list[SearchDocument] = []
        for position, (doc, phrase) in enumerate(self._make()):
            if counting:
                text = normalize(doc.title) + "\n" + normalize(doc.body)
                for term in TWO_CHAR_TERMS:
                    counts[term] += term in text
                if position in wanted:
                    self.sample_docs[position] = (doc.document_id, phrase)
            batch.append(doc)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch
        if counting:
            self.expected = counts

    def iter_docs(self) -> Iterator[SearchDocument]:
        """Every document, one at a time."""
        for batch in self.batches():
            yield from batch

    def mean_chars(self, n: int = 2_000) -> float:
        """Mean body length of the first ``n`` documents."""
        docs = next(self.batches(n), [])
        return sum(len(d.body) for d in docs) / max(1, len(docs))


def _sentence_pool(n_reports: int, seed: int) -> list[str]:
    try:
        from disclosure.replica.content import ReportSpec, generate_report
    except ImportError:  # replica content not available: a small fixed pool
        return ["本机关全年主动公开政府信息149条。", "全年共收到政府信息公开申请15件，已全部按期办结。",
                "本年度未发生政府信息公开行政复议、行政诉讼案件。", "推进“互联网+政务服务”，优化审批服务流程。"]
    rnd = random.Random(seed)
    pool: set[str] = set()
    for i in range(n_reports):
        unit = rnd.choice(UNITS)
        fmt = rnd.choice(["2021", "2019", "pre2019"])
        year = rnd.randint(2008, 2018) if fmt == "pre2019" else rnd.randint(2019, 2023)
        report = generate_report(ReportSpec(rnd.choice(COUNTIES), f"青山县{unit}", f"县{unit}", year, fmt,
                                            seed + i))
        pool.update(s.strip() for s in re.split(r"(?<=[。；])", report.text) if len(s.strip()) >= 10)
    return sorted(pool)


def generated_corpus(n: int, seed: int = 1) -> Corpus:
    """``n`` documents built from a pool of generated report sentences (fast: no per-doc generation)."""
    pool = _sentence_pool(min(300, max(30, n // 10)), seed)
    return Corpus(n, lambda: _generate(n, seed, pool), _sample(n, seed))


def _sample(n: int, seed: int) -> list[int]:
    return random.Random(seed).sample(range(n), min(50, n))


def _generate(n: int, seed: int, pool: list[str]) -> Iterator[tuple[SearchDocument, str]]:
    rnd = random.Random(seed)
    for i in range(1, n + 1):
        county, unit = rnd.choice(COUNTIES), rnd.choice(UNITS)
        publisher = f"{county}{unit}"
        kind = rnd.choices(["annual_report", "notice", "document"], weights=[7, 2, 1])[0]
        year = rnd.randint(2012, 2023)
        phrase = "".join(rnd.choice(_PHRASE_CHARS) for _ in range(8))
        sections: dict[int, str] = {}
        parts = []
        for number in range(1, 7):
            chosen = rnd.sample(pool, rnd.randint(1, 3))
            if number == 1:
                chosen.insert(rnd.randint(0, len(chosen)), f"{phrase}。")
            sections[number] = "".join(chosen)
            parts.append(f"{HEADINGS[number - 1]}\n{sections[number]}")
        title = f"{publisher}{year}年政府信息公开工作年度报告" if kind == "annual_report" else \
            f"{publisher}关于{rnd.choice(['政务公开', '依申请公开', '行政复议', '信息公开指南'])}工作的通知"
        yield SearchDocument(
            document_id=i, title=title, body="\n".join(parts), sections=sections, publisher=publisher,
            publisher_aliases=[f"县{unit}"], report_year=year if kind == "annual_report" else None, kind=kind,
            published_at=dt.datetime(year + 1, 1, 1) + dt.timedelta(minutes=rnd.randint(0, 200_000)),
            portal=county, url=f"http://127.0.0.1/{i}.html", version_id=i, capture_id=i), phrase


def replica_corpus(scale: int, seed: int = 1) -> Corpus:
    """The replica site's documents (latest version each), with their manifest body phrases."""
    from disclosure.replica.manifest_build import build_manifest
    from disclosure.replica.site import build_site

    manifest = build_manifest(build_site(seed=seed, scale=scale), "http://127.0.0.1:1", None)
    docs, phrases = [], []
    for i, d in enumerate(manifest.documents, 1):
        v = d.versions[-1]
        sections = {s.number: s.text for s in v.sections}
        body = "\n".join(f"{s.heading}\n{s.text}" for s in v.sections) or v.body_phrase
        docs.append(SearchDocument(
            document_id=i, title=v.title, body=body, sections=sections, publisher=d.publisher,
            publisher_aliases=manifest.unit(d.unit).aliases, report_year=d.report_year, kind=d.kind,
            published_at=dt.datetime.fromisoformat(v.claimed_published_at), portal="replica", url=d.urls[0]))
        phrases.append(v.body_phrase)
    return Corpus(docs, phrases)


# -- engines under test ----------------------------------------------------------------------------

@dataclass
class Run:
    engine: str
    docs: int
    build_s: float = 0.0
    build_cpu_s: float = 0.0  # CPU of every thread of the process while building
    build_main_cpu_s: float = 0.0  # CPU of the Python thread that feeds the engine
    size_mb: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    recall_2char: float = 0.0
    phrase_recall: float = 0.0
    update_s: float = 0.0  # adding 1,000 documents to the built index and committing
    rss_mb: float = 0.0  # the process's resident memory after the queries
    anon_mb: float = 0.0  # of which anonymous (heap): the rest is the index's mapped files, reclaimable
    peak_mb: float = 0.0  # the most resident memory the process had (VmHWM), mapped files included
    bounded: int = 0  # timed queries answered with a lower-bound total ("10,000+")
    timed: int = 0  # timed queries in all
    query_cpu_ms: float = 0.0  # CPU of the whole process per timed query (every thread)
    note: str = ""

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.build_s if self.build_s else 0.0

    def cpu_per_doc(self) -> str:
        """"process / main thread" CPU milliseconds per indexed document: where indexing time goes."""
        if not self.docs or not self.build_cpu_s:
            return "-"
        return f"{self.build_cpu_s / self.docs * 1000:.2f}/{self.build_main_cpu_s / self.docs * 1000:.2f}"


class _BuildClock:
    """Wall, process and thread CPU time of an index build, written into a Run.

    Entered once per batch: only the time the engine takes counts, not making the next batch."""

    def __init__(self, run: Run):
        self.run = run

    def __enter__(self) -> _BuildClock:
        self.wall, self.cpu, self.main = time.perf_counter(), time.process_time(), time.thread_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.run.build_s += time.perf_counter() - self.wall
        self.run.build_cpu_s += time.process_time() - self.cpu
        self.run.build_main_cpu_s += time.thread_time() - self.main


def _size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else 0.0


def _time_queries(run: Run, query: Callable[[str, dict], int], repeat: int) -> None:
    for _ in range(repeat):
        for category, text, extra in QUERIES:
            start = time.perf_counter()
            query(text, extra)
            run.latencies.setdefault(category, []).append((time.perf_counter() - start) * 1000)


def _rss_mb() -> float:
    """The process's resident memory now (Linux), in MB."""
    return _status_mb("VmRSS")


def _status_mb(key: str) -> float:
    """A memory figure of /proc/self/status (Linux), in MB; 0 elsewhere."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024 / 1e6
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def _update_docs(corpus: Corpus, n: int) -> list[SearchDocument]:
    """``n`` documents not in the corpus yet (ids after it): an incremental update."""
    extra = generated_corpus(n, seed=corpus.size + 17)
    docs = next(extra.batches(n), [])
    for i, d in enumerate(docs, 1):
        d.document_id = d.version_id = d.capture_id = corpus.size + i
    return docs


def bench_search_index(corpus: Corpus, engine: str, workdir: Path, repeat: int,
                       total_bound: int | None = 10_000) -> Run:
    run = Run(engine, corpus.size)
    path = workdir / engine
    clock = _BuildClock(run)
    with clock:
        index = open_index(path, engine, create=True, writer=True)
    for batch in corpus.batches():
        with clock:
            index.add(batch)
    with clock:
        index.commit()
    run.size_mb = _size_mb(path)
    expected = corpus.expected or {}
    # An incremental update: 1,000 new documents added and committed to the full index.
    update = _update_docs(corpus, min(1_000, max(1, corpus.size // 10)))
    started = time.perf_counter()
    index.add(update)
    index.commit()
    run.update_s = time.perf_counter() - started

    def query(text: str, extra: dict) -> int:
        result = index.search(SearchQuery(text, limit=20, facets=True, total_bound=total_bound, **extra))
        run.bounded += result.total_is_lower_bound
        run.timed += 1
        return result.total

    query("行政复议", {})  # warm-up: open readers, page in
    run.bounded = run.timed = 0
    cpu = time.process_time()
    _time_queries(run, query, repeat)
    run.query_cpu_ms = (time.process_time() - cpu) / max(1, run.timed) * 1000
    # Recall needs every match counted: no bound (the timed queries above have the default one).
    found = {t: index.search(SearchQuery(t, limit=1, facets=False, total_bound=None)).total for t in expected}
    run.recall_2char = _recall(found, expected)
    hits = sum(1 for doc_id, phrase in corpus.sample_docs.values() if doc_id in {
        h.document_id for h in index.search(SearchQuery(f'"{phrase}"', limit=5, facets=False)).hits})
    run.phrase_recall = hits / len(corpus.sample_docs) if corpus.sample_docs else 0.0
    run.rss_mb = _rss_mb()
    run.anon_mb = _status_mb("RssAnon")
    run.peak_mb = _status_mb("VmHWM")
    index.close()
    return run


def _recall(found: dict[str, int], expected: dict[str, int]) -> float:
    total = sum(expected.values())
    # Counts equal term by term means nothing missed and nothing extra (sets are compared in tests).
    return sum(min(found[t], expected[t]) for t in expected) / total if total else 1.0


def bench_fts5(corpus: Corpus, workdir: Path, repeat: int) -> Run:
    """The baseline a user tries first: SQLite FTS5 with the trigram tokenizer, facets by GROUP BY."""
    run = Run("fts5-trigram", corpus.size)
    path = workdir / "fts5.sqlite3"
    clock = _BuildClock(run)
    with clock:
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE meta(id INTEGER PRIMARY KEY, publisher TEXT, aliases TEXT, year INT, kind TEXT, "
                    "published INT)")
        con.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='trigram')")
    for batch in corpus.batches():
        with clock, con:
            for d in batch:
                con.execute("INSERT INTO docs(rowid, title, body) VALUES (?, ?, ?)", (d.document_id, d.title, d.body))
                con.execute("INSERT INTO meta VALUES (?, ?, ?, ?, ?, ?)", (
                    d.document_id, d.publisher, " ".join(d.publisher_aliases), d.report_year, d.kind,
                    int(d.published_at.timestamp()) if d.published_at else 0))
    run.size_mb = path.stat().st_size / 1e6

    def where(text: str, extra: dict) -> tuple[str, list]:
        m = re.fullmatch(r"year:\[(\d{4}) TO (\d{4})\] (.+)", text)
        if m:
            extra = {**extra, "year_from": int(m.group(1)), "year_to": int(m.group(2))}
            text = m.group(3)
        terms = [t.strip('"') for t in re.split(r"\s+AND\s+|\s+", text) if t]
        match = " AND ".join(f'"{t}"' for t in terms)
        sql, args = "docs MATCH ?", [match]
        if "year_from" in extra:
            sql += " AND meta.year BETWEEN ? AND ?"
            args += [extra["year_from"], extra["year_to"]]
        if "kind" in extra:
            sql += " AND meta.kind = ?"
            args.append(extra["kind"])
        if "publisher" in extra:
            sql += " AND (meta.publisher = ? OR instr(meta.aliases, ?) > 0)"
            args += [extra["publisher"], extra["publisher"]]
        return sql, args

    def query(text: str, extra: dict) -> int:
        sql, args = where(text, extra)
        order = "meta.published DESC" if extra.get("sort") == "date" else "rank"
        con.execute(f"SELECT docs.rowid, snippet(docs, 1, '<b>', '</b>', '…', 20) FROM docs JOIN meta ON "
                    f"meta.id = docs.rowid WHERE {sql} ORDER BY {order} LIMIT 20", args).fetchall()
        for col in ("year", "publisher", "kind"):
            con.execute(f"SELECT meta.{col}, count(*) FROM docs JOIN meta ON meta.id = docs.rowid WHERE {sql} "
                        f"GROUP BY meta.{col}", args).fetchall()
        return con.execute(f"SELECT count(*) FROM docs JOIN meta ON meta.id = docs.rowid WHERE {sql}",
                           args).fetchone()[0]

    _time_queries(run, query, repeat)
    expected = corpus.expected or {}
    run.recall_2char = _recall({t: query(t, {}) for t in expected}, expected)
    hits = sum(1 for doc_id, phrase in corpus.sample_docs.values() if con.execute(
        "SELECT 1 FROM docs WHERE docs MATCH ? AND rowid = ?", (f'"{phrase}"', doc_id)).fetchone())
    run.phrase_recall = hits / len(corpus.sample_docs) if corpus.sample_docs else 0.0
    con.close()
    return run


def bench_tantivy_bare(corpus: Corpus, workdir: Path, repeat: int) -> Run:
    """The floor to compare with: tantivy alone, its built-in ngram(2,2) tokenizer on title and body,
    nothing stored, no sections, facets in one aggregation, no snippets, query strings parsed by tantivy.

    Its 2-character lookups are exact; its phrases are not (the ngram tokenizer gives every gram
    position 0), which the phrase-recall column shows.
    """
    import tantivy

    run = Run("tantivy-bare", corpus.size, note="")
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("document_id", indexed=True, fast=True)
    for name in ("title", "body"):
        sb.add_text_field(name, tokenizer_name="bigram", index_option="position")
    for name in ("publisher", "kind", "alias"):
        sb.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    sb.add_integer_field("year", indexed=True, fast=True)
    sb.add_integer_field("published", indexed=True, fast=True)
    schema = sb.build()
    path = workdir / "tantivy-bare"
    path.mkdir()
    clock = _BuildClock(run)
    with clock:
        index = tantivy.Index(schema, path=str(path))
        index.register_tokenizer("bigram", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.ngram(2, 2))
                                 .filter(tantivy.Filter.lowercase()).build())
        writer = index.writer(heap_size=256_000_000)
    for d in corpus.iter_docs():
        with clock:
            doc = tantivy.Document(document_id=d.document_id, title=d.title, body=d.body, kind=d.kind,
                                   published=int(d.published_at.timestamp()) if d.published_at else 0)
            if d.publisher:
                doc.add_text("publisher", d.publisher)
            for alias in d.publisher_aliases:
                doc.add_text("alias", alias)
            if d.report_year is not None:
                doc.add_integer("year", d.report_year)
            writer.add_document(doc)
    with clock:
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
    run.size_mb = _size_mb(path)
    searcher = index.searcher()
    must = tantivy.Occur.Must

    def query(text: str, extra: dict) -> int:
        clauses = [(must, index.parse_query(text, ["title", "body"]))]
        if "year_from" in extra:
            clauses.append((must, tantivy.Query.range_query(schema, "year", tantivy.FieldType.Integer,
                                                             extra["year_from"], extra["year_to"])))
        if "kind" in extra:
            clauses.append((must, tantivy.Query.term_query(schema, "kind", extra["kind"])))
        if "publisher" in extra:
            clauses.append((must, tantivy.Query.term_query(schema, "alias", extra["publisher"])))
        q = tantivy.Query.boolean_query(clauses)
        if extra.get("sort") == "date":
            searcher.search(q, 20, count=False, order_by_field="published")
        else:
            searcher.search(q, 20, count=False)
        aggs = {n: {"terms": {"field": n, "size": 10_000}} for n in ("year", "publisher", "kind")}
        aggs["total"] = {"value_count": {"field": "document_id"}}
        return int(searcher.aggregate(q, aggs)["total"]["value"])

    _time_queries(run, query, repeat)
    expected = corpus.expected or {}
    run.recall_2char = _recall({t: query(t, {}) for t in expected}, expected)
    hits = 0
    for doc_id, phrase in corpus.sample_docs.values():
        found = searcher.search(index.parse_query(f'"{phrase}"', ["body"]), 100).hits
        hits += doc_id in set(searcher.fast_field_values("document_id", [a for _, a in found]))
    run.phrase_recall = hits / len(corpus.sample_docs) if corpus.sample_docs else 0.0
    return run


def _report(runs: list[Run]) -> None:
    cats = list(dict.fromkeys(c for c, _, _ in QUERIES))
    click.echo(f"{'engine':<13} {'docs':>7} {'docs/s':>8} {'size MB':>8} {'2-char recall':>13} "
               f"{'phrase recall':>13} {'CPU ms/doc':>10}  all p50/p95 ms    " + "  ".join(f"{c} p95" for c in cats)
               + "   (update: +1,000 docs and commit)")
    for r in runs:
        if r.note:
            click.echo(f"{r.engine:<13} {r.docs:>7}  {r.note}")
            continue
        every = [x for v in r.latencies.values() for x in v]
        per = "  ".join(f"{_pct(r.latencies[c], 0.95):>{len(c) + 4}.1f}" for c in cats)
        click.echo(f"{r.engine:<13} {r.docs:>7} {r.docs_per_s:>8.0f} {r.size_mb:>8.1f} {r.recall_2char:>13.0%} "
                   f"{r.phrase_recall:>13.0%} {r.cpu_per_doc():>10}  {_pct(every, 0.5):>6.1f} / {_pct(every, 0.95):>7.1f}   {per}"
                   + (f"   update {r.update_s:.2f}s  RSS {r.rss_mb:.0f} MB (anonymous {r.anon_mb:.0f}, peak {r.peak_mb:.0f})" if r.update_s else "")
                   + (f"   queries: {r.query_cpu_ms:.1f} CPU ms each, {r.bounded} of {r.timed} with an N+ total"
                      if r.timed else ""))


@contextlib.contextmanager
def _workdir(keep: str | None) -> Iterator[str]:
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        yield keep
        return
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        yield tmp


@click.command("search")
@click.option("--docs", "sizes", default=None,
              help="Generated corpus size(s), comma-separated (e.g. 1000,5000,20000,100000). "
                   "[default: 2000, or none with --scale]")
@click.option("--scale", type=int, default=None,
              help="Also (or, without --docs, only) the replica site's documents at this scale.")
@click.option("--engines", default="tantivy,whoosh,fts5", show_default=True,
              help="Any of tantivy, whoosh, fts5, tantivy-bare (tantivy alone with its ngram tokenizer).")
@click.option("--whoosh-max", type=int, default=20_000, show_default=True,
              help="Skip Whoosh above this many documents (it builds at ~100 docs/s).")
@click.option("--repeat", type=int, default=5, show_default=True, help="Runs of the query set.")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--keep", type=click.Path(file_okay=False), default=None,
              help="Build the indexes in this directory and keep them (default: a temporary one).")
@click.option("--total-bound", type=click.IntRange(0), default=10_000, show_default=True,
              help="SearchQuery.total_bound of the timed queries (0: count every match). 1,000 at 100,000 "
                   "documents samples as 10,000 does at 1,000,000.")
def command(sizes: str | None, scale: int | None, engines: str, whoosh_max: int, repeat: int, seed: int,
            keep: str | None, total_bound: int) -> None:
    """Index and query benchmark: tantivy vs Whoosh vs SQLite FTS5 trigram (docs/performance.md).

    Every engine runs on each corpus in turn: the replica's documents (``--scale``) and generated
    corpora (``--docs``), e.g. ``--scale 10 --docs 100000`` for the province-scale figures.
    """
    chosen = [e.strip() for e in engines.split(",") if e.strip()]
    corpora: list[tuple[str, Callable[[], Corpus]]] = []
    if scale is not None:
        corpora.append((f"replica scale {scale}", lambda: replica_corpus(scale, seed)))
    if sizes is None and scale is None:
        sizes = "2000"
    for n in (sizes or "").split(","):
        if n.strip():
            corpora.append((f"{int(n)} generated docs", lambda n=int(n): generated_corpus(n, seed)))
    runs: list[Run] = []
    for label, make in corpora:
        started = time.perf_counter()
        corpus = make()
        click.echo(f"corpus: {label}, {corpus.size} documents, mean {corpus.mean_chars():.0f} characters, "
                   "streamed in batches "
                   f"(sentence pool made in {time.perf_counter() - started:.1f}s)")
        with _workdir(keep) as tmp:
            for engine in chosen:
                if engine == "whoosh" and corpus.size > whoosh_max:
                    runs.append(Run(engine, corpus.size, note=f"skipped (more than --whoosh-max {whoosh_max})"))
                    continue
                if engine == "fts5":
                    runs.append(bench_fts5(corpus, Path(tmp), repeat))
                elif engine == "tantivy-bare":
                    runs.append(bench_tantivy_bare(corpus, Path(tmp), repeat))
                else:
                    runs.append(bench_search_index(corpus, engine, Path(tmp), repeat, total_bound or None))
                if not keep:
                    shutil.rmtree(Path(tmp) / engine, ignore_errors=True)
    _report(runs)
