"""A real crawl of the replica portal (Scrapy, loopback HTTP, SQLite, WARC files) against its manifest."""

from __future__ import annotations

import re
import urllib.request
from urllib.parse import unquote, urlsplit

from sqlalchemy import delete, select
from warcio.archiveiterator import ArchiveIterator

from archive.models import Capture, CrawlRun, FetchState, ListObservation, Unit
from archive.rawstore import RawStore
from crawler.urls import canonical_url
from disclosure.replica.site import CONTENT_ICON, DECORATION


def _path(url: str) -> str:
    parts = urlsplit(url)
    return unquote(parts.path) + (f"?{parts.query}" if parts.query else "")


def _captures(arch) -> list[Capture]:
    db = arch.db()
    with db.session() as s:
        return list(s.execute(select(Capture)).scalars())


def test_full_recall_of_documents_attachments_and_lists(crawled, module_replica):
    arch, summary, _log = crawled
    manifest = module_replica.manifest()
    assert summary.status == "ok", summary.render()
    captured = {c.url for c in _captures(arch)}
    docs = [d.urls[0] for d in manifest.documents]
    second = [u for d in manifest.documents for u in d.urls[1:]]
    files = [a.url for d in manifest.documents for a in d.attachments]
    assert docs and files and manifest.list_urls
    assert [u for u in docs if canonical_url(u) not in captured] == []
    assert [u for u in second if canonical_url(u) not in captured] == []
    assert [u for u in files if canonical_url(u) not in captured] == []
    assert [u for u in manifest.list_urls if canonical_url(u) not in captured] == []


def test_body_images_archived_with_their_page_and_decoration_left_alone(crawled, module_replica):
    """The pictures inside a report's content (its tables) are archived, linked to their page; the site's logo,
    footer line, side picture and the 16 px icon inside the content are never requested."""
    arch, _summary, log = crawled
    manifest = module_replica.manifest()
    by_url = {c.url: c for c in _captures(arch)}
    pictured = [d for d in manifest.documents if d.body_images]
    assert len(pictured) >= 5
    for d in pictured:
        caps = [by_url.get(canonical_url(u)) for u in d.body_images]
        assert all(c is not None and c.role == "body_image" and c.status == 200 for c in caps), d.id
        assert {c.parent_url for c in caps} == {canonical_url(d.urls[0])}, d.id
        assert {c.processing_status for c in caps} == {"skipped"}  # read with their page, not on their own
    images = {canonical_url(u) for d in manifest.documents for u in d.body_images}
    assert {u for u, c in by_url.items() if c.role == "body_image"} == images
    paths = {r.path for r in log}
    assert not paths & {*DECORATION, CONTENT_ICON}


def test_roles_hints_and_processing_status(crawled, module_replica):
    arch, _summary, _log = crawled
    manifest = module_replica.manifest()
    by_url = {c.url: c for c in _captures(arch)}
    for doc in manifest.documents:
        cap = by_url[canonical_url(doc.urls[0])]
        assert cap.role == "document" and cap.processing_status == "pending"
        for att in doc.attachments:
            file_cap = by_url[canonical_url(att.url)]
            assert file_cap.role == "attachment" and file_cap.processing_status == "pending"
            assert file_cap.sha256 == att.sha256  # the bytes the server serves, unchanged
    lists = [by_url[canonical_url(u)] for u in manifest.list_urls]
    assert {c.role for c in lists} == {"list"} and {c.processing_status for c in lists} == {"skipped"}
    # Column and unit hints: a bureau report listed in its own annual-report column.
    unit = next(u for u in manifest.units if u.kind == "bureau" and u.dialect == "trs")
    own = [d for d in manifest.documents if d.unit == unit.code and d.kind == "annual_report"]
    hinted = [by_url[canonical_url(d.urls[0])] for d in own]
    assert {c.column_kind for c in hinted} == {"annual_report"}
    assert {c.unit_hint for c in hinted} == {unit.name}


def test_units_observations_and_run_row(crawled, module_replica):
    arch, summary, _log = crawled
    manifest = module_replica.manifest()
    db = arch.db()
    with db.session() as s:
        names = set(s.execute(select(Unit.name)).scalars())
        run = s.get(CrawlRun, summary.run_id)
        observed = set(s.execute(select(ListObservation.document_url)).scalars())
        states = s.execute(select(FetchState).where(FetchState.role == "document")).scalars().all()
    assert {u.name for u in manifest.units} <= names
    assert run.status == "ok" and run.finished_at is not None and run.new_captures == summary.new_captures
    assert run.documents_seen == summary.documents_seen >= len(manifest.documents)
    assert {canonical_url(d.urls[0]) for d in manifest.documents} <= observed
    assert len(states) >= len(manifest.documents)


def test_nothing_outside_the_portal_and_traps_bounded(crawled, module_replica):
    arch, summary, log = crawled
    manifest = module_replica.manifest()
    paths = [r.path for r in log]
    assert {r.host.split(":")[0] for r in log} == {"127.0.0.1"}  # never localhost, never a real domain
    assert not [p for p in paths if p.startswith("/private/")]  # robots.txt obeyed
    assert not [p for p in paths if p.startswith("/calendar/")]  # calendar trap denied
    assert not [p for p in paths if "_wap" in p]  # twins recognised, not fetched
    assert not [p for p in paths if re.search(r"jsessionid|[?&](sid|sessionid)=", p)]  # session ids stripped
    # Each canonical document fetched once (the 500-once page twice: the failure and the retry).
    get_paths = [r.path for r in log if r.method == "GET"]
    error_once = {_path(s.url) for s in manifest.special_cases if s.kind == "error_once"}
    dupes = {p for p in get_paths if get_paths.count(p) > 1} - error_once
    assert dupes == set()
    # Bounded: no more requests than the pages the manifest says exist, plus hubs, specials and robots.
    needed = len(manifest.list_urls) + sum(len(d.urls) + len(d.attachments) + len(d.body_images)
                                           for d in manifest.documents)
    hubs = 2 + len(manifest.units)
    assert len(log) <= needed + hubs + len(manifest.special_cases) + 5, len(log)
    assert summary.errors.get("waf") == 1 and summary.errors.get("http_404") == 1


def test_special_pages_behave(crawled, module_replica):
    arch, _summary, log = crawled
    manifest = module_replica.manifest()
    by_url = {c.url: c for c in _captures(arch)}
    cases = {s.kind: s for s in manifest.special_cases}
    assert by_url[canonical_url(cases["error_once"].url)].status == 200  # retried after the 500
    assert by_url[canonical_url(cases["slow"].url)].status == 200
    assert by_url[canonical_url(cases["not_found"].url)].status == 404
    assert by_url[canonical_url(cases["not_found"].url)].processing_status == "skipped"
    redirect = cases["redirect"]
    assert _path(redirect.url) in [r.path for r in log]
    assert not [c for c in by_url.values() if "/fdzdgknr/" in c.url]  # WAF page not stored
    # GBK pages (declared and mis-declared) were read: their units' documents were all found.
    for kind in ("gbk_declared", "gbk_misdeclared"):
        gbk_unit_dir = urlsplit(cases[kind].url).path.rsplit("/", 2)[0] + "/"
        unit_docs = [d for d in manifest.documents if urlsplit(d.urls[0]).path.startswith(gbk_unit_dir)]
        assert unit_docs and all(canonical_url(d.urls[0]) in by_url for d in unit_docs)


def test_warc_bytes_equal_what_the_server_serves(crawled, module_replica):
    arch, _summary, _log = crawled
    manifest = module_replica.manifest()
    store = RawStore(arch.warc_dir)
    by_url = {c.url: c for c in _captures(arch)}
    gbk = next(s for s in manifest.special_cases if s.kind == "gbk_misdeclared")
    doc = next(d for d in manifest.documents if d.attachments)
    samples = [gbk.url, doc.urls[0], doc.attachments[0].url, manifest.list_urls[0]]
    for url in samples:
        cap = by_url[canonical_url(url)]
        with urllib.request.urlopen(cap.url, timeout=10) as resp:
            served = resp.read()
        assert store.read(cap.warc_file, cap.warc_offset).body == served
    # Every file is valid WARC for warcio; every response record's payload matches its row's hash.
    records = 0
    for warc in sorted(arch.warc_dir.glob("*.warc.gz")):
        with open(warc, "rb") as fh:
            for rec in ArchiveIterator(fh):
                records += rec.rec_type in ("response", "revisit")
    assert records == len(by_url) > 0


def test_identical_payloads_stored_once(crawled):
    arch, summary, _log = crawled
    caps = _captures(arch)
    revisits = [c for c in caps if c.is_revisit]
    originals = {c.id: c for c in caps if not c.is_revisit}
    assert len({c.sha256 for c in originals.values()}) == len(originals)  # each payload once
    store = RawStore(arch.warc_dir)
    for rev in revisits:
        orig = originals[rev.payload_capture_id]
        assert orig.sha256 == rev.sha256
        assert store.read(rev.warc_file, rev.warc_offset).body == store.read(orig.warc_file, orig.warc_offset).body
    assert summary.revisits == len(revisits)


def test_unchanged_recrawl_requests_only_lists(crawled, module_replica):
    arch, _summary, _log = crawled
    manifest = module_replica.manifest()
    module_replica.reset_log()
    again = arch.crawl(module_replica)
    assert again.status == "ok", again.render()
    lists = {_path(u) for u in manifest.list_urls}
    detail = {_path(u) for d in manifest.documents for u in d.urls} | {
        _path(a.url) for d in manifest.documents for a in d.attachments} | {
        _path(u) for d in manifest.documents for u in d.body_images}
    paths = [r.path for r in module_replica.request_log]
    assert lists <= set(paths)
    assert [p for p in paths if p in detail] == []
    assert again.new_captures == 0 and again.new_documents == 0


def test_refetched_page_does_not_refetch_its_body_images(crawled, module_replica):
    """Body images are files that do not change under their URL: a page fetched again (here: its fetch state
    forgotten, so it is new to the crawler) does not bring its archived pictures again. Runs last: it changes
    the module's archive."""
    arch, _summary, _log = crawled
    manifest = module_replica.manifest()
    pictured = [d for d in manifest.documents if d.body_images]
    pages = [canonical_url(d.urls[0]) for d in pictured]
    with arch.db().session() as s:
        s.execute(delete(FetchState).where(FetchState.url.in_(pages)))
        s.commit()
    module_replica.reset_log()
    again = arch.crawl(module_replica)
    assert again.status == "ok", again.render()
    requested = {r.path: r.status for r in module_replica.request_log}
    assert all(requested.get(_path(d.urls[0])) == 200 for d in pictured)
    assert not set(requested) & {_path(u) for d in pictured for u in d.body_images}
