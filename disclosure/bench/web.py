"""``disclosure bench web``: latency of the search page through the real web application.

Builds a tantivy index of N generated documents through ``search.api`` (the corpus of ``bench search``) next to
an empty but migrated SQLite archive, serves ``create_app`` with uvicorn on 127.0.0.1 and times ``GET /search``
(full HTML page: query parsing, index open, search, facets, snippets, template) with httpx for a fixed set of
queries. In the same run it times the bare ``index.search()`` of the same queries on an open index, so the
share of the web layer is visible whatever the machine's load.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import click
import httpx

from disclosure.bench.search import QUERIES, generated_corpus
from disclosure.bench.web_load import LoadResult, concurrent_load, seed_figures
from disclosure.web.background import BackgroundServer, serve_in_thread
from search.api import SearchQuery, open_index

# Beyond bench search's queries: what a user clicks on the search page (facets widen or narrow, paging).
EXTRA_QUERIES: list[tuple[str, str, dict]] = [
    ("facet", "政府信息公开", {"kind": "notice"}),
    ("facet", "行政复议", {"publisher": ["青山县教育局", "高台县审计局"]}),
    ("page", "公开", {"page": 3}),
]
TARGET_P95_MS = 200.0


@dataclass
class Timings:
    """Milliseconds per query category."""

    by_category: dict[str, list[float]] = field(default_factory=dict)

    def add(self, category: str, ms: float) -> None:
        self.by_category.setdefault(category, []).append(ms)

    def all(self) -> list[float]:
        return [v for values in self.by_category.values() for v in values]


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def _query(text: str, extra: dict) -> SearchQuery:
    extra = dict(extra)
    for key in ("publisher", "kind"):
        if isinstance(extra.get(key), str):
            extra[key] = [extra[key]]
    return SearchQuery(text, limit=20, facets=True, **extra)


def _serve(data_dir: Path) -> BackgroundServer:
    """The app over ``data_dir`` served on loopback (create_app migrates the empty SQLite archive)."""
    from disclosure.config import load_config
    from disclosure.web.app import create_app

    return serve_in_thread(create_app(load_config(None, overrides={"data_dir": data_dir}, environ={})))


@dataclass
class LoadRun:
    """The concurrent part: figures seeded, search clients and figure-hungry clients."""

    figures: int
    clients: int
    heavy_clients: int
    seconds: float
    search: LoadResult
    heavy: LoadResult


def run_bench(docs: int, repeat: int, workdir: Path, *, clients: int = 0, heavy_clients: int = 0,
              seconds: float = 10.0, units: int = 100) -> tuple[Timings, Timings, float, LoadRun | None]:
    """(page timings, bare index timings, index build seconds, concurrent load) for ``docs`` generated documents.

    With ``clients``, the archive is first seeded with ``units`` × 10 years of figures, then ``clients`` threads
    load the search page for ``seconds`` while ``heavy_clients`` ask ``/api/figures`` for every figure.
    """
    corpus = generated_corpus(docs)
    index_path = workdir / "index" / "tantivy"
    start = time.perf_counter()
    index = open_index(index_path, "tantivy", create=True, writer=True)
    index.add(corpus.iter_docs())
    index.commit()
    index.close()
    build_s = time.perf_counter() - start
    queries = QUERIES + EXTRA_QUERIES
    page, bare = Timings(), Timings()
    served = _serve(workdir)
    try:
        reader = open_index(index_path, "tantivy")
        with httpx.Client(base_url=served.base_url, timeout=60) as client:
            client.get("/search", params={"q": "行政复议"}).raise_for_status()  # warm-up both paths
            reader.search(_query("行政复议", {}))
            for _ in range(repeat):
                for category, text, extra in queries:
                    t0 = time.perf_counter()
                    reader.search(_query(text, extra))
                    bare.add(category, (time.perf_counter() - t0) * 1000)
                    t0 = time.perf_counter()
                    response = client.get("/search", params={"q": text, **extra})
                    page.add(category, (time.perf_counter() - t0) * 1000)
                    if response.status_code != 200 or 'id="total"' not in response.text:
                        raise click.ClickException(f"/search failed for {text!r} {extra}: {response.status_code}")
        reader.close()
        load = None
        if clients:
            from archive.db import open_database

            figures = seed_figures(open_database(f"sqlite:///{workdir / 'archive.sqlite3'}"), units, 10)
            paths = [str(httpx.URL("/search", params={"q": text, **extra})) for _c, text, extra in queries]
            search, heavy = concurrent_load(served.base_url, paths, clients=clients, heavy_clients=heavy_clients,
                                            seconds=seconds)
            load = LoadRun(figures, clients, heavy_clients, seconds, search, heavy)
    finally:
        served.stop()
    return page, bare, build_s, load


@click.command("web")
@click.option("--docs", default=2000, show_default=True, help="Generated documents in the index.")
@click.option("--repeat", default=3, show_default=True, help="Rounds over the fixed query set.")
@click.option("--clients", default=20, show_default=True, help="Concurrent search clients afterwards (0: none).")
@click.option("--heavy", default=4, show_default=True, help="Concurrent clients asking /api/figures for everything.")
@click.option("--seconds", default=10.0, show_default=True, help="Length of the concurrent run.")
@click.option("--units", default=100, show_default=True, help="Units × 10 years of figures seeded for it.")
def command(docs: int, repeat: int, clients: int, heavy: int, seconds: float, units: int) -> None:
    """Search page latency (uvicorn on loopback + httpx) beside bare index.search(), same queries, same run;
    then the search page under concurrent clients while others ask for every figure."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-web-"))
    try:
        page, bare, build_s, load = run_bench(docs, repeat, workdir, clients=clients, heavy_clients=heavy,
                                              seconds=seconds, units=units)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    click.echo(f"{docs} documents, index built in {build_s:.0f} s; {repeat} rounds of "
               f"{len(QUERIES) + len(EXTRA_QUERIES)} queries (facets, 20 hits, snippets)")
    click.echo(f"{'category':<10} {'page p50':>9} {'page p95':>9} {'index p50':>10} {'index p95':>10}  (ms)")
    for category in page.by_category:
        p, b = page.by_category[category], bare.by_category[category]
        click.echo(f"{category:<10} {percentile(p, .5):9.1f} {percentile(p, .95):9.1f} "
                   f"{percentile(b, .5):10.1f} {percentile(b, .95):10.1f}")
    p95 = percentile(page.all(), .95)
    click.echo(f"{'all':<10} {percentile(page.all(), .5):9.1f} {p95:9.1f} {percentile(bare.all(), .5):10.1f} "
               f"{percentile(bare.all(), .95):10.1f}")
    verdict = "met" if p95 < TARGET_P95_MS else "NOT met"
    click.echo(f"target: search page p95 < {TARGET_P95_MS:.0f} ms: {verdict} ({p95:.1f} ms)")
    if load is not None:
        s, h = load.search, load.heavy
        click.echo(f"concurrent: {load.clients} search clients + {load.heavy_clients} asking /api/figures for "
                   f"everything ({load.figures} figures archived), {load.seconds:g} s")
        click.echo(f"  search page: {len(s.latencies)} requests ({len(s.latencies) / load.seconds:.0f}/s), "
                   f"p50 {percentile(s.latencies, .5):.1f} ms, p95 {percentile(s.latencies, .95):.1f} ms, "
                   f"errors {s.errors}")
        click.echo(f"  /api/figures: {len(h.latencies)} requests, p50 {percentile(h.latencies, .5):.1f} ms, "
                   f"p95 {percentile(h.latencies, .95):.1f} ms, answers {dict(sorted(h.outcomes.items()))}")
