"""``disclosure search``: full-text search of the archive (query language: docs/search.md)."""

from __future__ import annotations

import html
import json
import re
import sys

import click

from disclosure.cli import EXIT_FAILED, EXIT_USAGE, AppContext, pass_app
from search.api import (
    ENGINES,
    QuerySyntaxError,
    SearchError,
    SearchQuery,
    SearchResult,
    open_index,
)

_TAG = re.compile(r"</?b>")


def _years(value: str | None) -> tuple[int | None, int | None]:
    if not value:
        return None, None
    m = re.fullmatch(r"\s*(\d{4})?\s*(-)?\s*(\d{4})?\s*", value)
    if not m or not (m.group(1) or m.group(3)):
        raise click.BadParameter("use YEAR or FROM-TO, e.g. 2021 or 2019-2021", param_hint="--year")
    lo = int(m.group(1)) if m.group(1) else None
    hi = int(m.group(3)) if m.group(3) else (lo if not m.group(2) else None)
    return lo, hi


def bound_of(setting: int) -> int | None:
    """``SearchQuery.total_bound`` from a setting where 0 means "count every match"."""
    return setting or None


def total_text(result: SearchResult) -> str:
    """The total as a reader should take it: ``10,000+`` when counting stopped at the bound."""
    return f"{result.total:,}+" if result.total_is_lower_bound else f"{result.total:,}"


def _as_json(result: SearchResult) -> str:
    return json.dumps({
        "total": result.total,
        # "gte": at least ``total`` documents match (counting stopped at the bound); "eq": exactly.
        "total_relation": result.total_relation,
        "total_is_lower_bound": result.total_is_lower_bound,
        # How many matches the facets counted when they are a sample (null: all of them).
        "facets_sample": result.facets_sample,
        "facets": {k: [[v, n] for v, n in values] for k, values in result.facets.items()},
        "hits": [{
            "document_id": h.document_id, "title": h.title, "publisher": h.publisher, "year": h.year,
            "published_at": h.published_at.isoformat() if h.published_at else None, "url": h.url,
            "snippet": h.snippet, "score": round(h.score, 4), "removed": h.removed,
            "version_id": h.version_id, "capture_id": h.capture_id,
        } for h in result.hits],
    }, ensure_ascii=False, indent=1)


def _as_text(result: SearchResult, q: SearchQuery) -> None:
    first = (q.page - 1) * q.limit + 1
    last = first + len(result.hits) - 1
    total = total_text(result)
    shown = f"{first}–{last} of {total}" if result.hits else f"none of {total}"
    if result.total_is_lower_bound:
        # What the bound changed (docs/search.md "Bounded totals"): by date the page is exact; by
        # relevance the hits are the best of the newest matches only.
        how = "newest first, exact" if q.sort == "date" else (
            f"ranked among the newest {result.facets_sample:,} matches" if result.facets_sample
            else "ranked among the newest matches")
        click.echo(f"{total} documents match (counted up to {result.total:,}; {how}); showing {shown}")
    else:
        click.echo(f"{total} documents match; showing {shown}")
    for i, h in enumerate(result.hits, first):
        date = h.published_at.strftime("%Y-%m-%d") if h.published_at else "----------"
        flag = "  [removed from portal]" if h.removed else ""
        click.echo(f"\n{i:>3}. {h.title}{flag}")
        click.echo(f"     {h.publisher or '?'} · {h.year or '-'} · {date} · document {h.document_id}")
        click.echo(f"     {h.url}")
        # Terminal: highlights as 【…】, HTML entities back to characters.
        click.echo(f"     {html.unescape(_TAG.sub(lambda m: '【' if m.group() == '<b>' else '】', h.snippet))}")
    if result.facets:
        click.echo("")
        if result.facets_sample is not None:
            click.echo(f"facets counted over a sample: the newest {result.facets_sample:,} matches")
        for name, values in result.facets.items():
            click.echo(f"{name}: " + ", ".join(f"{v} ({n})" for v, n in values[:12]))


@click.command("search")
@click.argument("query", required=False, default="")
@click.option("--year", "years", metavar="FROM-TO", help="Report year or range, e.g. 2021 or 2019-2021.")
@click.option("--publisher", multiple=True, help="Publisher name or alias (repeat for several).")
@click.option("--kind", multiple=True, type=click.Choice(["annual_report", "notice", "document"]),
              help="Document kind (repeat for several).")
@click.option("--portal", multiple=True, help="Portal profile (repeat for several).")
@click.option("--section", type=click.IntRange(1, 6), default=None, help="Search only section N (1–6).")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance")
@click.option("--limit", type=click.IntRange(1, 1000), default=20)
@click.option("--page", type=click.IntRange(1), default=1)
@click.option("--engine", type=click.Choice(ENGINES), default=None,
              help="Search engine (default: config search_engine).")
@click.option("--total-bound", type=click.IntRange(0), default=None, metavar="N",
              help="Count matches exactly up to N, then report N+ (default: config search total_bound, "
                   "10,000; 0 counts every match).")
@click.option("--json", "as_json", is_flag=True, help="Print {total, facets, hits} as JSON.")
@pass_app
def command(app: AppContext, query: str, years: str | None, publisher: tuple[str, ...],
            kind: tuple[str, ...], portal: tuple[str, ...], section: int | None, sort: str, limit: int,
            page: int, engine: str | None, total_bound: int | None, as_json: bool) -> None:
    """Search archived documents: words, "phrases", AND/OR/NOT, field:value, year:[2019 TO 2021]."""
    year_from, year_to = _years(years)
    engine = engine or app.config.search_engine
    path = app.config.index_dir / engine
    q = SearchQuery(text=query, year_from=year_from, year_to=year_to, publisher=list(publisher) or None,
                    kind=list(kind) or None, portal=list(portal) or None, section=section, sort=sort,
                    limit=limit, page=page, total_bound=bound_of(
                        app.config.search_total_bound if total_bound is None else total_bound))
    try:
        index = open_index(path, engine)
        try:
            result = index.search(q)
        finally:
            index.close()
    except QuerySyntaxError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except SearchError as exc:  # missing (names `disclosure index`), locked or corrupt index
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_FAILED)
    if as_json:
        click.echo(_as_json(result))
    else:
        _as_text(result, q)
