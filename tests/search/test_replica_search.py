"""End to end on the replica: crawl it (real Scrapy crawl), ingest, sync each engine's index, then every
archived manifest document is findable by its body phrase and filters/facets agree with the manifest."""

from __future__ import annotations

import shlex
from collections import Counter
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from archive.db import Database, open_database, sqlite_url
from archive.ingest import process_captures
from archive.models import Document, DocumentUrl, Unit
from archive.rawstore import RawStore
from crawler.run import run_crawl
from disclosure.config import PolitenessConfig
from disclosure.replica.manifest import Manifest, ManifestDocument
from disclosure.replica.server import ReplicaServer
from search.api import ENGINES, SearchQuery, open_index
from search.sync import sync_index
from tests.run.helpers import REPO, run_cli

pytestmark = pytest.mark.slow

FAST = PolitenessConfig(download_delay=0.0, autothrottle=False, concurrent_requests_per_host=16,
                        concurrent_requests_per_ip=16, retry_times=2, download_timeout=20.0)


@dataclass
class Crawled:
    db: Database
    manifest: Manifest
    archived: dict[str, ManifestDocument]  # manifest id -> document, for those the archive holds
    index_root: object


@pytest.fixture(scope="module")
def crawled(replica_site, tmp_path_factory):
    root = tmp_path_factory.mktemp("replica-search")
    server = ReplicaServer(replica_site).start()
    try:
        url = sqlite_url(root / "archive.sqlite3")
        run_crawl("replica", database_url=url, warc_dir=root / "warc", jobs_dir=root / "jobs", politeness=FAST,
                  base_url=server.base_url, progress=False, settings={"RETRY_BACKOFF_BASE": 0.1})
        manifest = server.manifest()
    finally:
        server.stop()
    db = open_database(url)
    store = RawStore(root / "warc")
    process_captures(db, store)
    with db.session() as s:
        known = set(s.scalars(select(DocumentUrl.url))) | set(s.scalars(select(Document.canonical_url)))
    archived = {d.id: d for d in manifest.documents if any(u in known for u in d.urls + d.wap_urls)}
    yield Crawled(db, manifest, archived, root / "index")
    store.close()
    db.dispose()


def test_replica_documents_findable_and_counts_agree(crawled):
    manifest, archived = crawled.manifest, crawled.archived
    # The crawl + ingest keep (nearly) every document; search must then find every one of those.
    assert len(archived) >= 0.95 * len(manifest.documents)
    for engine in ENGINES:
        path = crawled.index_root / engine
        report = sync_index(crawled.db, path, engine)
        assert report.added >= len(archived)
        index = open_index(path, engine)
        missing = []
        for doc in archived.values():
            phrase = doc.versions[-1].body_phrase
            hits = index.search(SearchQuery(f'"{phrase}"', limit=10, facets=False)).hits
            if not any(h.url in doc.urls + doc.wap_urls for h in hits):
                missing.append((doc.id, phrase))
        assert not missing, f"{engine}: {len(missing)} documents not found by their phrase, e.g. {missing[:3]}"

        # Facets count exactly what the archive holds; the archive's kinds may differ from the manifest's
        # for a few documents (ingest classification), which must stay a handful.
        with crawled.db.session() as s:
            rows = s.execute(select(Document.kind, Document.report_year).where(
                Document.current_version_id.is_not(None))).all()
        everything = index.search(SearchQuery("", limit=1))
        assert dict(everything.facets["kind"]) == dict(Counter(k for k, _ in rows)), engine
        manifest_kinds = Counter(d.kind for d in archived.values())
        off = sum(abs(manifest_kinds[k] - n) for k, n in everything.facets["kind"])
        assert off <= 0.02 * len(archived), (engine, everything.facets["kind"], manifest_kinds)
        years = Counter(str(y) for k, y in rows if k == "annual_report" and y)
        reports = index.search(SearchQuery("", kind="annual_report", limit=1))
        assert dict(reports.facets["year"]) == dict(years), engine
        in_range = sum(n for y, n in years.items() if 2019 <= int(y) <= 2021)
        assert index.search(SearchQuery("", kind="annual_report", year_from=2019, year_to=2021,
                                        limit=1, facets=False)).total == in_range, engine
        assert sync_index(crawled.db, path, engine).unchanged == report.added + report.updated
        index.close()


def test_readme_publisher_alias_example(crawled):
    """The README's search example, run as written against the crawled replica: the short name 县民宗局 finds
    the 民族宗教事务局's reports (the crawler stores every unit's generated aliases)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    line = next(ln for ln in readme.splitlines() if ln.startswith("disclosure search ") and "--publisher" in ln)
    args = shlex.split(line.split("#")[0])[1:]
    assert args[args.index("--publisher") + 1] == "县民宗局"
    root = crawled.index_root.parent
    assert run_cli(["--data-dir", str(root), "index"]).code == 0
    with crawled.db.session() as s:
        aliases = {u.name: u.aliases for u in s.scalars(select(Unit))}
    assert all(aliases.values()), [n for n, a in aliases.items() if not a]
    result = run_cli(["--data-dir", str(root), *args])
    assert result.code == 0, result.stderr
    hits = result.json()["hits"]
    assert hits and all("民族宗教事务局" in h["publisher"] for h in hits), hits
