"""Shared fixtures: the replica county portal (see docs/replica.md).

- ``replica_site``: the generated site (seed 1, scale 1), built once per test session.
- ``replica``: a running :class:`~disclosure.replica.server.ReplicaServer` on 127.0.0.1 (ephemeral port),
  as of "today" (every document published); fresh per test (request log, one-shot 500 page), stopped after.
  Move it in time with ``replica.set_as_of("2022-03-01")``.
- ``replica_manifest``: the ground truth for that server (absolute URLs with its base URL).
- ``mixed_site`` / ``mixed_replica`` / ``mixed_manifest``: the same for 白河县 (``build_site(county="mixed")``), the
  county whose units speak the portal families of dialects.md.
"""

from __future__ import annotations

import os

import pytest

from disclosure.replica.manifest import Manifest
from disclosure.replica.server import ReplicaServer
from disclosure.replica.site import Site, build_site


@pytest.fixture(scope="session")
def replica_site() -> Site:
    """The replica portal's site, seed 1, scale 1 (content and files are cached inside, so share it)."""
    return build_site(seed=1, scale=1)


@pytest.fixture
def replica(replica_site: Site):
    """A running replica server (as_of=None: everything published); stopped after the test."""
    server = ReplicaServer(replica_site).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def replica_manifest(replica: ReplicaServer) -> Manifest:
    """The manifest of the running ``replica`` server (all documents)."""
    return replica.manifest()


@pytest.fixture(scope="session")
def mixed_site() -> Site:
    """白河县, the county of the portal families (seed 1), shared like ``replica_site``."""
    return build_site(seed=1, scale=1, county="mixed")


@pytest.fixture
def mixed_replica(mixed_site: Site):
    """A running server of 白河县 (as_of=None: everything published); stopped after the test."""
    server = ReplicaServer(mixed_site).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mixed_manifest(mixed_replica: ReplicaServer) -> Manifest:
    """The manifest of the running ``mixed_replica`` server (all documents)."""
    return mixed_replica.manifest()


@pytest.fixture(scope="session", autouse=True)
def _no_body_image_ocr():
    """Ingests in tests read pages without OCR of their table pictures (the slow step: about 15 s a report on
    2 cores), except where body images are the subject: those fixtures set the variable to 1 around their ingest
    (tests/archive/test_mixed_families.py)."""
    before = os.environ.get("DISCLOSURE_OCR_BODY_IMAGES")
    os.environ["DISCLOSURE_OCR_BODY_IMAGES"] = "0"
    yield
    if before is None:
        os.environ.pop("DISCLOSURE_OCR_BODY_IMAGES", None)
    else:
        os.environ["DISCLOSURE_OCR_BODY_IMAGES"] = before


# The slowest test files (their shared fixtures crawl and ingest whole replicas; measured with --durations on the
# 2-core CI machine), run first: pytest-xdist hands out files in collection order, so a slow file collected
# last would run alone at the end while the other process idles.
SLOW_FILES_FIRST = (
    "tests/timeliness/test_replica_timeline.py", "tests/archive/test_ingest_faults.py",
    "tests/archive/test_mixed_families.py", "tests/archive/test_ocr_scans.py", "tests/web/test_web_people.py",
    "tests/search/test_replica_search.py", "tests/crawler/test_crawl_faults.py", "tests/web/test_web_errors.py",
    "tests/web/test_web_http.py", "tests/run/test_run_cycle.py", "tests/inspection/test_inspection_replica.py",
    "tests/crawler/test_zero_config.py", "tests/archive/test_versions.py", "tests/parse/test_ofd.py",
    "tests/archive/test_replica_accuracy.py", "tests/crawler/test_crawl_incremental.py",
    "tests/parse/test_generated_reports.py", "tests/web/test_web_browser.py",
)


def pytest_collection_modifyitems(session, config, items):
    """Slow files first (:data:`SLOW_FILES_FIRST`), every other file after them in its usual order."""
    rank = {path: i for i, path in enumerate(SLOW_FILES_FIRST)}
    root = config.rootpath
    order = {id(item): (rank.get(item.path.relative_to(root).as_posix(), len(rank)), n)
             for n, item in enumerate(items)}
    items.sort(key=lambda item: order[id(item)])
