"""The raw capture store: every HTTP response byte-exact in standard WARC/1.1 files (warcio).

Layout of ``warc_dir``:

- ``disclosure-{YYYYMMDD}-{serial}.warc.gz`` — gzip-per-record WARC files, each starting with a
  ``warcinfo`` record, rotated by size. Every writer (one per process) claims a fresh file, so two
  processes never append to the same file.
- ``rawstore-index.sqlite3`` — the payload index: sha256 of each stored payload → where its full
  ``response`` record lives (so identical payloads are written once; later ones become ``revisit``
  records of the identical-payload-digest profile), plus how far each file is known to be complete
  (a writer killed mid-record leaves a torn tail that the next writer cuts off).

The crawler hands over *decoded* bodies (Scrapy undoes Content-Encoding), so the stored headers are made
consistent with the stored body: ``Content-Encoding`` / ``Transfer-Encoding`` are renamed to
``X-Original-…`` in place and ``Content-Length`` is set to the body length where it stood (the original
kept as ``X-Original-Content-Length`` right after it when it differed). Readers therefore see a plain,
replayable response. Each response (or revisit) may be followed by the ``request`` record that fetched it
(``WARC-Concurrent-To``), as Heritrix and Browsertrix write them.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import http
import io
import os
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from filelock import FileLock, Timeout
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date, iso_date_to_datetime
from warcio.warcwriter import WARCWriter

INDEX_NAME = "rawstore-index.sqlite3"
DEFAULT_MAX_FILE_SIZE = 1024 * 1024 * 1024
SOFTWARE = "county-disclosure-archive/0.1 (warcio)"

# Header names rewritten because the stored body is the decoded one (compared lower-case).
_ENCODING_HEADERS = ("content-encoding", "transfer-encoding")
_LOCATION_FILE = "X-Payload-Warc-File"
_LOCATION_OFFSET = "X-Payload-Warc-Offset"
RENDERED_BY = "X-Rendered-By"
# Characters left alone when percent-encoding a URL for WARC-Target-URI (RFC 3986 reserved + '%').
_URI_SAFE = ":/?#[]@!$&'()*+,;=%~"


class RawStoreError(Exception):
    """A record cannot be written or read (missing file, bad offset, not a response)."""


@dataclass
class RawResponse:
    """One HTTP response as fetched: the body is the exact bytes the reader would see."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    fetched_at: dt.datetime
    content_type: str | None = None
    reason: str = ""
    protocol: str = "HTTP/1.1"
    # A browser's rendering (the DOM after scripts ran), not the bytes received: the browser and its version,
    # written as the record's ``X-Rendered-By`` WARC field.
    rendered_by: str | None = None

    def header(self, name: str) -> str | None:
        """The first value of a header (case-insensitive), or None."""
        lname = name.lower()
        return next((v for k, v in self.headers if k.lower() == lname), None)


@dataclass
class RawRequest:
    """The HTTP request that fetched a response: method, URL, the headers sent, the body (POST forms)."""

    method: str
    url: str
    headers: list[tuple[str, str]]
    body: bytes = b""
    protocol: str = "HTTP/1.1"


@dataclass
class StoredRecord:
    """Where a response went: its own record, and the record that holds its payload."""

    warc_file: str
    offset: int
    length: int
    sha256: str
    is_revisit: bool
    payload_warc_file: str
    payload_offset: int
    record_id: str = field(default="", compare=False)


def sha256_hex(data: bytes) -> str:
    """Hex sha256 of ``data`` (the hash the ``captures`` table and the index use)."""
    return hashlib.sha256(data).hexdigest()


def warc_uri(url: str) -> str:
    """``url`` with non-ASCII characters and spaces percent-encoded (WARC-Target-URI must be ASCII)."""
    return quote(url, safe=_URI_SAFE)


def _payload_digest(sha_hex: str) -> str:
    return "sha256:" + base64.b32encode(bytes.fromhex(sha_hex)).decode("ascii")


def _utc_naive(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def consistent_headers(headers: list[tuple[str, str]], body_length: int) -> list[tuple[str, str]]:
    """Headers made true for a decoded body, in their order; originals kept as ``X-Original-…`` headers.

    ``Content-Length`` (the body length) stays where the first one stood, or comes last when there was none.
    """
    out: list[tuple[str, str]] = []
    length_at: int | None = None
    for name, value in headers:
        lname = name.lower()
        if lname in _ENCODING_HEADERS:
            out.append((f"X-Original-{name}", value))
        elif lname == "content-length":
            if length_at is None:
                length_at = len(out)
                out.append((name, str(body_length)))
            if value.strip() != str(body_length):
                out.append(("X-Original-Content-Length", value))
        else:
            out.append((name, value))
    if length_at is None:
        out.append(("Content-Length", str(body_length)))
    return out


def status_line(status: int, reason: str = "") -> str:
    """``200 OK``: the reason phrase as given, else the standard one for the code (never a bare code)."""
    if reason:
        return f"{status} {reason}"
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


class _Index:
    """The payload index and file ledger (SQLite next to the WARC files, nothing kept in RAM)."""

    def __init__(self, path: Path):
        self.conn = sqlite3.connect(path, timeout=60, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a crash can lose the last commits but never corrupts; a lost entry only means
        # a payload is stored in full once more (and the torn-tail ledger errs on the safe side).
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS payloads (sha256 TEXT PRIMARY KEY, warc_file TEXT NOT NULL,"
            " offset INTEGER NOT NULL, uri TEXT NOT NULL, date TEXT NOT NULL, record_id TEXT NOT NULL)"
        )
        self.conn.execute("CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, committed_end INTEGER NOT NULL)")

    def lookup(self, sha: str) -> tuple[str, int, str, str, str] | None:
        row = self.conn.execute(
            "SELECT warc_file, offset, uri, date, record_id FROM payloads WHERE sha256 = ?", (sha,)
        ).fetchone()
        return tuple(row) if row else None  # type: ignore[return-value]

    def commit_record(self, warc_file: str, end: int, payload: tuple[str, int, str, str, str, str] | None) -> None:
        with self.conn:
            self.conn.execute("BEGIN")
            if payload is not None:
                # REPLACE: a payload written in full again (its old record owned by no capture) is found here.
                self.conn.execute("INSERT OR REPLACE INTO payloads VALUES (?, ?, ?, ?, ?, ?)", payload)
            self.conn.execute(
                "INSERT INTO files VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET committed_end = excluded.committed_end",
                (warc_file, end),
            )

    def forget(self, warc_file: str, offset: int) -> None:
        """Drop the payload entries held by a record (damaged: never to be referred to again)."""
        with self.conn:
            self.conn.execute("DELETE FROM payloads WHERE warc_file = ? AND offset = ?", (warc_file, offset))

    def files(self) -> list[tuple[str, int]]:
        return [tuple(r) for r in self.conn.execute("SELECT name, committed_end FROM files")]  # type: ignore[misc]

    def close(self) -> None:
        self.conn.close()


def _request_record(writer: WARCWriter, request: RawRequest, warc_date: str, response_id: str):
    """The ``request`` record of a response: request line, the headers sent, the body (concurrent to it)."""
    parts = urlsplit(request.url)
    target = warc_uri((parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
    http_headers = StatusAndHeaders(f"{request.method.upper()} {target} {request.protocol}", list(request.headers),
                                    is_http_request=True)
    return writer.create_warc_record(
        warc_uri(request.url), "request", payload=io.BytesIO(request.body), length=len(request.body),
        http_headers=http_headers, warc_headers_dict={"WARC-Date": warc_date,
                                                       "WARC-Concurrent-To": response_id})


class RawStore:
    """Append responses to WARC files and read them back by (file, offset).

    One writer per process; writers in different processes use different files. Readers need no lock.
    """

    def __init__(self, warc_dir: str | Path, *, max_file_size: int = DEFAULT_MAX_FILE_SIZE):
        self.warc_dir = Path(warc_dir)
        self.max_file_size = max_file_size
        self._index: _Index | None = None
        self._file: io.BufferedWriter | None = None
        self._file_name: str | None = None
        self._file_lock: FileLock | None = None
        self._repaired = False

    # ----------------------------------------------------------------- writing
    def write(self, response: RawResponse, *, request: RawRequest | None = None,
              owned: Callable[[str, int], bool] | None = None) -> StoredRecord:
        """Store one response; a payload already stored becomes a ``revisit`` record pointing at it.

        ``request``: also write the ``request`` record that fetched it. ``owned(file, offset)`` says whether
        a record is one the archive knows (a capture's own record); a payload whose indexed record is not
        (its writer was killed before the capture row was inserted) is written in full again, so a revisit
        always points at a record a capture owns.
        """
        index = self._open_index()
        body = response.body
        sha = sha256_hex(body)
        fetched = _utc_naive(response.fetched_at)
        warc_date = datetime_to_iso_date(fetched, use_micros=True)
        uri = warc_uri(response.url)
        http_headers = StatusAndHeaders(
            status_line(response.status, response.reason),
            consistent_headers(response.headers, len(body)),
            protocol=response.protocol,
        )
        record_id = f"<urn:uuid:{uuid.uuid4()}>"
        original = index.lookup(sha)
        if original is not None and owned is not None and not owned(original[0], original[1]):
            original = None
        name, out = self._writable()
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        warc_headers = {"WARC-Date": warc_date, "WARC-Record-ID": record_id}
        if response.rendered_by:
            warc_headers[RENDERED_BY] = response.rendered_by
        if original is None:
            warc_headers["WARC-Payload-Digest"] = _payload_digest(sha)
            record = writer.create_warc_record(uri, "response", payload=io.BytesIO(body), length=len(body),
                                               http_headers=http_headers, warc_headers_dict=warc_headers)
        else:
            # create_revisit_record writes WARC-Payload-Digest itself (once).
            o_file, o_offset, o_uri, o_date, o_id = original
            warc_headers["WARC-Refers-To"] = o_id
            warc_headers[_LOCATION_FILE] = o_file
            warc_headers[_LOCATION_OFFSET] = str(o_offset)
            record = writer.create_revisit_record(uri, _payload_digest(sha), o_uri, o_date,
                                                  http_headers=http_headers, warc_headers_dict=warc_headers)
        offset = out.tell()
        writer.write_record(record)
        length = out.tell() - offset  # the response record alone; its request record follows it
        if request is not None:
            writer.write_record(_request_record(writer, request, warc_date, record_id))
        out.flush()
        end = out.tell()
        if original is None:
            index.commit_record(name, end, (sha, name, offset, uri, warc_date, record_id))
            return StoredRecord(name, offset, length, sha, False, name, offset, record_id)
        index.commit_record(name, end, None)
        return StoredRecord(name, offset, length, sha, True, original[0], original[1], record_id)

    def _open_index(self) -> _Index:
        if self._index is None:
            self.warc_dir.mkdir(parents=True, exist_ok=True)
            self._index = _Index(self.warc_dir / INDEX_NAME)
        if not self._repaired:
            self._repair_torn_tails(self._index)
            self._repaired = True
        return self._index

    def _repair_torn_tails(self, index: _Index) -> None:
        """Cut off what a writer killed mid-record left behind (only in files no live writer holds)."""
        for name, committed_end in index.files():
            path = self.warc_dir / name
            if not path.exists() or path.stat().st_size <= committed_end:
                continue
            lock = FileLock(str(path) + ".lock")
            try:
                lock.acquire(timeout=0)
            except Timeout:
                continue  # another process is writing it
            try:
                with open(path, "r+b") as fh:
                    fh.truncate(committed_end)
            finally:
                lock.release()

    def _writable(self) -> tuple[str, io.BufferedWriter]:
        if self._file is not None and self._file.tell() >= self.max_file_size:
            self._close_file()
        if self._file is None:
            self._new_file()
        assert self._file is not None and self._file_name is not None
        return self._file_name, self._file

    def _new_file(self) -> None:
        day = dt.datetime.now(dt.UTC).strftime("%Y%m%d")
        serial = 0
        while True:
            name = f"disclosure-{day}-{serial:05d}.warc.gz"
            path = self.warc_dir / name
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                serial += 1
                continue
            break
        lock = FileLock(str(path) + ".lock")
        lock.acquire(timeout=10)
        fh = os.fdopen(fd, "wb")
        writer = WARCWriter(fh, gzip=True, warc_version="1.1")
        writer.write_record(writer.create_warcinfo_record(name, {
            "software": SOFTWARE,
            "format": "WARC File Format 1.1",
            "conformsTo": "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "isPartOf": "county-disclosure-archive",
        }))
        fh.flush()
        self._file, self._file_name, self._file_lock = fh, name, lock
        assert self._index is not None
        self._index.commit_record(name, fh.tell(), None)

    def _close_file(self) -> None:
        if self._file is not None:
            self._file.close()
        if self._file_lock is not None:
            self._file_lock.release()
        self._file = self._file_name = self._file_lock = None

    def close(self) -> None:
        """Close the current WARC file and the index (the store can be written to again later)."""
        self._close_file()
        if self._index is not None:
            self._index.close()
            self._index = None

    def __enter__(self) -> RawStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- reading
    def read(self, warc_file: str, offset: int, *, sha256: str | None = None, size: int | None = None) -> RawResponse:
        """The response stored at (file, offset); for a revisit, the original payload's body.

        The body is checked against the record's own ``WARC-Payload-Digest`` and, when given, against the
        ``sha256`` and ``size`` the capture recorded: a torn or truncated record raises RawStoreError
        instead of reading back as a shorter body. A payload record that fails the check is dropped from
        the payload index, so no later capture is written as a revisit of it.
        """
        record = self._read_record(warc_file, offset)
        payload_at = (warc_file, offset)
        if record.kind == "revisit":
            payload_at = self._payload_location(record)
            original = self._read_record(*payload_at)
            if original.kind != "response":
                raise RawStoreError(f"revisit at {warc_file}:{offset} refers to a {original.kind} record")
            record.body = original.body
            record.payload_error = original.payload_error
        problem = record.payload_error
        if problem is None and (sha256 is not None or size is not None):
            actual = sha256_hex(record.body)
            if (size is not None and len(record.body) != size) or (sha256 is not None and actual != sha256):
                problem = (f"{len(record.body)} bytes with sha256 {actual[:16]}…, the capture recorded "
                           f"{size} bytes with sha256 {(sha256 or '?')[:16]}…")
        if problem is not None:
            self._open_index().forget(*payload_at)
            raise RawStoreError(f"damaged payload at {payload_at[0]}:{payload_at[1]}: {problem}")
        return record.to_response()

    def _payload_location(self, record: _Record) -> tuple[str, int]:
        file = record.warc_headers.get_header(_LOCATION_FILE)
        off = record.warc_headers.get_header(_LOCATION_OFFSET)
        if file and off is not None:
            return file, int(off)
        # A revisit written by another tool: find the payload through the index by digest.
        digest = record.warc_headers.get_header("WARC-Payload-Digest") or ""
        if digest.startswith("sha256:"):
            sha = base64.b32decode(digest.removeprefix("sha256:")).hex()
            found = self._open_index().lookup(sha)
            if found:
                return found[0], found[1]
        raise RawStoreError(f"cannot locate the payload of revisit {record.url}")

    def _read_record(self, warc_file: str, offset: int) -> _Record:
        path = self.warc_dir / Path(warc_file).name
        if not path.is_file():
            raise RawStoreError(f"WARC file not found: {path}")
        with open(path, "rb") as fh:
            fh.seek(offset)
            try:
                rec = next(iter(ArchiveIterator(fh)))
            except StopIteration as exc:
                raise RawStoreError(f"no WARC record at {warc_file}:{offset}") from exc
            except Exception as exc:  # warcio raises several types on torn or misaligned data
                raise RawStoreError(f"unreadable WARC record at {warc_file}:{offset}: {exc}") from exc
            if rec.rec_type not in ("response", "revisit"):
                raise RawStoreError(f"record at {warc_file}:{offset} is a {rec.rec_type} record")
            # A misaligned offset can still parse as a "record" out of stray bytes: without these it is none.
            if not rec.rec_headers.get_header("WARC-Date") or rec.http_headers is None:
                raise RawStoreError(f"malformed WARC record at {warc_file}:{offset} (no WARC-Date or HTTP headers)")
            try:
                body = rec.content_stream().read() if rec.rec_type == "response" else b""
            except Exception as exc:  # a gzip member cut short, a torn chunk
                raise RawStoreError(f"unreadable WARC record at {warc_file}:{offset}: {exc}") from exc
            record = _Record(rec.rec_type, rec.rec_headers, rec.http_headers, body)
            if rec.rec_type == "response":
                record.payload_error = _digest_mismatch(rec.rec_headers.get_header("WARC-Payload-Digest"), body)
            return record


def _digest_mismatch(digest: str | None, body: bytes) -> str | None:
    """Why ``body`` does not match a ``sha256:`` payload digest, or None (other algorithms: not checked)."""
    if not digest or not digest.startswith("sha256:"):
        return None
    if _payload_digest(sha256_hex(body)) == digest:
        return None
    return f"{len(body)} bytes that do not match the record's WARC-Payload-Digest"


@dataclass
class _Record:
    kind: str
    warc_headers: StatusAndHeaders
    http_headers: StatusAndHeaders | None
    body: bytes
    payload_error: str | None = None

    @property
    def url(self) -> str:
        return self.warc_headers.get_header("WARC-Target-URI") or ""

    def to_response(self) -> RawResponse:
        http = self.http_headers
        status_line = (http.statusline if http else "") or "0"
        code, _, reason = status_line.partition(" ")
        headers = list(http.headers) if http else []
        fetched = iso_date_to_datetime(self.warc_headers.get_header("WARC-Date"))
        content_type = next((v for k, v in headers if k.lower() == "content-type"), None)
        return RawResponse(url=self.url, status=int(code) if code.isdigit() else 0, headers=headers,
                           body=self.body, fetched_at=fetched, content_type=content_type, reason=reason,
                           protocol=(http.protocol if http else "HTTP/1.1") or "HTTP/1.1",
                           rendered_by=self.warc_headers.get_header(RENDERED_BY))
