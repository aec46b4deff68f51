"""The crawler under faults and outside tools (issue 17): two crawls on a new data directory, a kill between
the WARC write and the captures row, WARC files read by `warcio check` and a strict reader."""

from __future__ import annotations

import gzip
import signal
import subprocess
import sys
import urllib.request
from collections import Counter
from pathlib import Path

from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from archive.models import Capture
from archive.rawstore import RawStore
from tests.run.helpers import clean_env

REPO = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    env = clean_env()
    return env


# ---------------------------------------------------------------------------------------------- item 5

def test_two_crawls_on_a_new_data_dir_one_crawls_the_other_exits_5(tmp_path, replica):
    data = tmp_path / "data"
    cmd = [sys.executable, "-m", "disclosure", "--data-dir", str(data), "crawl", "replica", "--base-url",
           replica.base_url]
    procs = [subprocess.Popen(cmd, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              cwd=tmp_path) for _ in range(2)]
    results = [(p.wait(timeout=600), *p.communicate()) for p in procs]
    assert sorted(code for code, _o, _e in results) == [0, 5], results
    loser = next(err for code, _o, err in results if code == 5)
    assert "another crawl of portal 'replica' is running" in loser
    assert all("Traceback" not in err for _c, _o, err in results), results


# ---------------------------------------------------------------------------------------------- item 7

# Writes one response into the raw store, as the pipeline does, then dies by SIGKILL before a captures
# row could be inserted: the WARC record and the payload index entry exist, no capture owns them.
_WRITE_THEN_DIE = """
import datetime as dt, os, signal, sys
from archive.rawstore import RawResponse, RawStore
body = open(sys.argv[3], "rb").read()
store = RawStore(sys.argv[1])
store.write(RawResponse(url=sys.argv[2], status=200, headers=[("Content-Type", "text/html")], body=body,
                        fetched_at=dt.datetime.now(dt.UTC)))
os.kill(os.getpid(), signal.SIGKILL)
"""


def _payload_owner_violations(archive) -> list[str]:
    """Revisit captures whose payload record is not a (non-revisit) capture's own record."""
    db = archive.db()
    with db.session() as s:
        caps = list(s.scalars(select(Capture)))
    owned = {(c.warc_file, c.warc_offset): c.id for c in caps if not c.is_revisit}
    bad = []
    for c in caps:
        if not c.is_revisit:
            continue
        with open(archive.warc_dir / c.warc_file, "rb") as fh:
            fh.seek(c.warc_offset)
            rec = next(iter(ArchiveIterator(fh)))
        where = (rec.rec_headers.get_header("X-Payload-Warc-File"),
                 int(rec.rec_headers.get_header("X-Payload-Warc-Offset")))
        if owned.get(where) is None or owned[where] != c.payload_capture_id:
            bad.append(f"{c.url} -> {where} (payload_capture_id {c.payload_capture_id})")
    return bad


def test_a_kill_between_warc_write_and_captures_row_leaves_no_revisit_of_an_orphan(archive, replica, tmp_path):
    manifest = replica.manifest()
    url = manifest.documents[0].urls[0]
    with urllib.request.urlopen(url) as resp:  # noqa: S310 - the replica on loopback
        body = resp.read()
    (tmp_path / "body").write_bytes(body)
    died = subprocess.run([sys.executable, "-c", _WRITE_THEN_DIE, str(archive.warc_dir), url + "?old",
                           str(tmp_path / "body")], env=_env(), cwd=REPO)
    assert died.returncode == -signal.SIGKILL
    summary = archive.crawl(replica)
    assert summary.status == "ok", summary.render()
    assert _payload_owner_violations(archive) == []
    db = archive.db()
    with db.session() as s:
        cap = s.scalars(select(Capture).where(Capture.url == url)).one()
    assert RawStore(archive.warc_dir).read(cap.warc_file, cap.warc_offset, sha256=cap.sha256,
                                           size=cap.size).body == body


# ---------------------------------------------------------------------------------------------- item 16

def _records(path: Path):
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh, check_digests=True):
            body = rec.content_stream().read()
            yield rec, body


def test_warc_files_pass_warcio_check_and_a_strict_reader(crawled):
    arch, summary, _log = crawled
    assert summary.status == "ok"
    files = sorted(arch.warc_dir.glob("*.warc.gz"))
    assert files
    check = subprocess.run([str(Path(sys.executable).parent / "warcio"), "check", "-v", *map(str, files)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout[-3000:] + check.stderr[-3000:]

    once = ("WARC-Type", "WARC-Record-ID", "WARC-Date", "WARC-Target-URI", "WARC-Payload-Digest",
            "WARC-Block-Digest", "WARC-Refers-To", "WARC-Concurrent-To", "Content-Length", "Content-Type",
            "WARC-Profile", "WARC-Refers-To-Target-URI", "WARC-Refers-To-Date")
    responses: dict[str, tuple[str, str]] = {}  # record id -> (uri, type)
    requests: dict[str, tuple[str, bytes, object]] = {}  # concurrent-to -> (uri, body, http headers)
    for path in files:
        # Every gzip member is complete and the file holds nothing else (a strict, non-warcio reader).
        raw = path.read_bytes()
        assert gzip.decompress(raw).startswith(b"WARC/1.1\r\n")
        for rec, body in _records(path):
            names = Counter(name.lower() for name, _v in rec.rec_headers.headers)
            assert all(names[n.lower()] <= 1 for n in once), (rec.rec_type, rec.rec_headers.headers)
            assert rec.rec_headers.protocol == "WARC/1.1"
            rid = rec.rec_headers.get_header("WARC-Record-ID")
            if rec.rec_type in ("response", "revisit"):
                status = rec.http_headers.statusline
                code, _, phrase = status.partition(" ")
                assert code.isdigit() and phrase, status  # "200 OK", never a bare code
                if rec.rec_type == "response":
                    assert int(rec.http_headers.get_header("Content-Length")) == len(body)
                responses[rid] = (rec.rec_headers.get_header("WARC-Target-URI"), rec.rec_type)
            elif rec.rec_type == "request":
                assert rec.http_headers.protocol in ("GET", "POST"), rec.http_headers.protocol
                assert rec.rec_headers.get_header("Content-Type") == "application/http; msgtype=request"
                requests[rec.rec_headers.get_header("WARC-Concurrent-To")] = (
                    rec.rec_headers.get_header("WARC-Target-URI"), body, rec.http_headers)
            else:
                assert rec.rec_type == "warcinfo", rec.rec_type
    # One request record per response or revisit, for the same URI.
    assert set(requests) == set(responses)
    for rid, (uri, _kind) in responses.items():
        assert requests[rid][0] == uri
    # The POSTs of the Hanweb list API carry their form body; GETs carry none.
    posts = [(uri, body, http) for uri, body, http in requests.values() if http.protocol == "POST"]
    assert posts, "the replica's Hanweb columns are read by POST"
    for uri, body, http in posts:
        assert "dataproxy.jsp" in uri and b"columnid=" in body
        assert http.get_header("Content-Type", "").startswith("application/x-www-form-urlencoded")
    for _uri, body, http in requests.values():
        if http.protocol == "GET":
            assert body == b""
        assert http.get_header("User-Agent")


def test_stored_headers_keep_the_servers_order(crawled, module_replica):
    arch, _summary, _log = crawled
    db = arch.db()
    with db.session() as s:
        cap = s.scalars(select(Capture).where(Capture.role == "document", Capture.status == 200)
                        .order_by(Capture.id).limit(1)).one()
    # The server's own header order, as a raw HTTP client sees it.
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(cap.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
    served = [name.lower() for name, _v in conn.getresponse().getheaders()]
    conn.close()
    stored = [name.lower() for name, _v in RawStore(arch.warc_dir).read(cap.warc_file, cap.warc_offset).headers]
    # What Scrapy passes on: every header but the connection-level ones, in the server's order; Twisted
    # takes Content-Length out and Scrapy puts it first (docs/crawler.md).
    hop = {"connection", "transfer-encoding", "keep-alive", "content-length"}
    assert [n for n in stored if n in served and n not in hop] == [n for n in served if n not in hop]
    assert stored[0] == "content-length" and stored.count("content-length") == 1
