"""Fixtures: the corpus, and one built index per engine (every engine test runs on both)."""

from __future__ import annotations

import pytest

from search.api import ENGINES, SearchQuery, open_index

from .corpus import Corpus, make_corpus


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return make_corpus()


@pytest.fixture(scope="session", params=ENGINES)
def engine(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def built(engine, corpus, tmp_path_factory):
    """A committed index of the corpus, opened read-only (as the command line opens it)."""
    path = tmp_path_factory.mktemp(f"ix-{engine}") / engine
    writer = open_index(path, engine, create=True, writer=True)
    writer.add(corpus.docs)
    writer.commit()
    writer.close()
    index = open_index(path, engine)
    yield index
    index.close()


def ids(index, text: str = "", **kw) -> set[int]:
    """Every matching document id (one big page, no facets)."""
    result = index.search(SearchQuery(text=text, limit=10_000, facets=False, **kw))
    found = {h.document_id for h in result.hits}
    assert result.total == len(found)
    return found


def small_index(tmp_path, engine: str, docs, name: str = "ix"):
    """A writable index holding ``docs``, committed."""
    index = open_index(tmp_path / name, engine, create=True, writer=True)
    index.add(docs)
    index.commit()
    return index
