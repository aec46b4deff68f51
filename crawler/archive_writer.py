"""Where a crawl's items are stored: a writer process beside the crawler (default), or the crawler's own process.

Storing is a third of a crawl's CPU on a fast server (the WARC record, its index and the rows), and the crawler's
reactor is single-threaded: in a process of its own the store runs on another core while the crawler fetches
and parses, as warcprox writes WARCs beside the browsers of Brozzler. Items go to the writer in the order the
pipeline receives them and are stored one by one, each in its own transaction (``crawler.capture_store``);
each item's answer (its counters, or why the archive cannot be written) fires the Deferred the pipeline
attached to it. The crawler goes on without waiting for each answer; with more than a window of items not
yet stored it waits for the writer to catch up (memory stays bounded, the crawl no faster than its store).

The writer is ``python -m crawler.archive_writer`` started by the reactor (``spawnProcess``): items go down its
stdin and answers come up its stdout as length-prefixed pickles, both driven by the reactor — no thread in the
crawler's process (a sending thread's GIL hand-overs cost the reactor more than the pickling itself).

``DISCLOSURE_ARCHIVE_WRITER = "inline"`` stores in the crawler's process instead (no second process).

The writer ignores SIGINT/SIGTERM: a Ctrl-C or a stopped job reaches the crawler, which closes gracefully and
then closes the writer after the last item; a writer that dies fails every waiting item and the crawl.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
import struct
import sys
import traceback
from typing import BinaryIO, Protocol

from twisted.internet.defer import Deferred, fail, succeed
from twisted.internet.protocol import ProcessProtocol

from crawler.capture_store import CaptureStore, CrawlContext, StoreOutcome
from crawler.peak_memory import cpu_seconds, peak_rss_bytes

logger = logging.getLogger(__name__)

_LENGTH = struct.Struct(">I")
WINDOW_ITEMS = 256
WINDOW_BYTES = 64 * 1024 * 1024
WRITER_NICENESS = 5


class WriterError(Exception):
    """An item was not stored: the store raised (its traceback in the message)."""


class WriterGone(WriterError):
    """The writer process ended or its pipe broke: nothing more can be stored."""


class ArchiveWriter(Protocol):
    """Stores items in the order submitted."""

    peak_rss_bytes: int  # the writer process's peak memory, known once closed (0: no process of its own)
    cpu_s: float  # the writer process's CPU time, known once closed

    def submit(self, item: object, context: CrawlContext) -> Deferred[StoreOutcome]:
        """Store ``item``; the Deferred fires with its outcome once it is stored."""

    def room(self) -> Deferred[None] | None:
        """None while few items wait to be stored; else a Deferred that fires once the writer caught up."""

    def close(self) -> Deferred[str | None]:
        """Store nothing more and release the archive; fires with a problem closing it, if any."""


class InlineWriter:
    """Stores in the calling process, synchronously."""

    peak_rss_bytes = 0
    cpu_s = 0.0

    def __init__(self, database_url: str, warc_dir: str, max_file_size: int):
        self.store = CaptureStore(database_url, warc_dir, max_file_size=max_file_size)

    def submit(self, item: object, context: CrawlContext) -> Deferred[StoreOutcome]:
        try:
            return succeed(self.store.store(item, context))
        except Exception:  # noqa: BLE001 - handed to Scrapy as this item's failure
            return fail()

    def room(self) -> Deferred[None] | None:
        return None

    def close(self) -> Deferred[str | None]:
        return succeed(self.store.close())


def _frame(message: object) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(data)) + data


class ProcessWriter(ProcessProtocol):
    """Stores in a process of its own, fed and heard by the reactor."""

    def __init__(self, database_url: str, warc_dir: str, max_file_size: int, *, window: int = WINDOW_ITEMS,
                 window_bytes: int = WINDOW_BYTES):
        from twisted.internet import reactor

        self._waiting: dict[int, Deferred[StoreOutcome]] = {}
        # Items, and bytes, sent and not yet stored before the crawler is held back: once handed over, a body
        # no longer counts against Scrapy's own limit on responses in progress.
        self._window, self._window_bytes = window, window_bytes
        self._sizes: dict[int, int] = {}
        self._bytes = 0
        self._room: list[Deferred[None]] = []
        self._seq = 0
        self._context: CrawlContext | None = None
        self._dead: str | None = None
        self._buffer = bytearray()
        self._closing: Deferred[str | None] | None = None
        self._close_error: str | None = None
        self.peak_rss_bytes, self.cpu_s = 0, 0.0
        env = dict(os.environ)
        # The child imports this package from where this process did (a Scrapyd egg included).
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        reactor.spawnProcess(self, sys.executable,  # type: ignore[attr-defined]
                             [sys.executable, "-m", "crawler.archive_writer", database_url, warc_dir,
                              str(max_file_size)],
                             env=env, childFDs={0: "w", 1: "r", 2: 2})

    # ------------------------------------------------------------------ the crawler's side
    def submit(self, item: object, context: CrawlContext) -> Deferred[StoreOutcome]:
        if self._dead:
            return fail(WriterGone(self._dead))
        self._seq += 1
        d: Deferred[StoreOutcome] = Deferred()
        self._waiting[self._seq] = d
        # The context travels only when it changed (the run is known once the crawl has begun).
        changed = context if context != self._context else None
        self._context = context
        frame = _frame((self._seq, changed, item))
        self._sizes[self._seq] = len(frame)
        self._bytes += len(frame)
        self.transport.write(frame)
        return d

    def room(self) -> Deferred[None] | None:
        if self._dead or (len(self._waiting) < self._window and self._bytes < self._window_bytes):
            return None
        d: Deferred[None] = Deferred()
        self._room.append(d)
        return d

    def close(self) -> Deferred[str | None]:
        self._closing = Deferred()
        if self._dead:
            self._closing.callback(None)
        else:
            self.transport.write(_frame(None))  # after every item already submitted
            self.transport.closeStdin()
        return self._closing

    # ------------------------------------------------------------------ the writer's answers
    def childDataReceived(self, childFD: int, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(self._buffer)
            if len(self._buffer) < _LENGTH.size + size:
                return
            answer = pickle.loads(self._buffer[_LENGTH.size:_LENGTH.size + size])
            del self._buffer[:_LENGTH.size + size]
            if answer[0] == "closed":
                self._close_error, self.peak_rss_bytes, self.cpu_s = answer[1:]
            else:
                self._answer(*answer)

    def processEnded(self, reason) -> None:
        code = getattr(reason.value, "exitCode", None)
        signal_no = getattr(reason.value, "signal", None)
        if self._closing is not None and code == 0:
            self._dead = self._dead or "closed"
        else:
            how = f"signal {signal_no}" if signal_no else f"exit code {code}"
            self._fail_all(f"the archive writer process ended ({how})")
        if self._closing is not None and not self._closing.called:
            self._closing.callback(self._close_error)

    def _answer(self, seq: int, outcome: StoreOutcome | None, error: str | None) -> None:
        d = self._waiting.pop(seq, None)
        self._bytes -= self._sizes.pop(seq, 0)
        if self._room and len(self._waiting) <= self._window // 2 and self._bytes <= self._window_bytes // 2:
            self._release()
        if d is None:
            return
        if error is not None:
            d.errback(WriterError(error))
        else:
            d.callback(outcome)

    def _fail_all(self, reason: str) -> None:
        self._dead = self._dead or reason
        waiting, self._waiting = self._waiting, {}
        self._sizes, self._bytes = {}, 0
        for d in waiting.values():
            d.errback(WriterGone(reason))
        self._release()

    def _release(self) -> None:
        room, self._room = self._room, []
        for d in room:
            d.callback(None)


def serve(requests: BinaryIO, answers: BinaryIO, database_url: str, warc_dir: str, max_file_size: int) -> None:
    """The writer's loop: store each item read, answer each, until told to close or the crawler is gone."""
    store = CaptureStore(database_url, warc_dir, max_file_size=max_file_size)
    context = CrawlContext(None, None, "")
    try:
        while True:
            header = requests.read(_LENGTH.size)
            if len(header) < _LENGTH.size:  # the crawler died: what it sent is stored, nothing more comes
                break
            body = requests.read(_LENGTH.unpack(header)[0])
            message = pickle.loads(body)
            if message is None:
                break
            seq, changed, item = message
            context = changed or context
            try:
                answer = (seq, store.store(item, context), None)
            except Exception:  # noqa: BLE001 - the item's failure, reported to the crawler
                answer = (seq, None, traceback.format_exc(limit=8))
            answers.write(_frame(answer))
            answers.flush()
    finally:
        error = store.close()
        try:
            answers.write(_frame(("closed", error, peak_rss_bytes(), cpu_seconds())))
            answers.flush()
        except OSError:
            pass


def make_writer(kind: str, database_url: str, warc_dir: str, max_file_size: int, *, window: int = WINDOW_ITEMS,
                window_bytes: int = WINDOW_BYTES) -> ArchiveWriter:
    """A new writer of the kind a crawl's settings ask for: ``process`` (default) or ``inline``."""
    if kind == "inline":
        return InlineWriter(database_url, warc_dir, max_file_size)
    if kind != "process":
        raise ValueError(f"DISCLOSURE_ARCHIVE_WRITER must be 'process' or 'inline', not {kind!r}")
    return ProcessWriter(database_url, warc_dir, max_file_size, window=window, window_bytes=window_bytes)


# The portals a worker crawls side by side share one writer per archive (one process, one WARC file series).
_SHARED: dict[tuple[str, str, str, int], tuple[ArchiveWriter, int]] = {}


def acquire_writer(kind: str, database_url: str, warc_dir: str, max_file_size: int, *, window: int = WINDOW_ITEMS,
                   window_bytes: int = WINDOW_BYTES) -> ArchiveWriter:
    """This process's writer for the archive, started on first use (with the first user's windows)."""
    key = (kind, database_url, warc_dir, max_file_size)
    writer, users = _SHARED.get(key) or (make_writer(*key, window=window, window_bytes=window_bytes), 0)
    _SHARED[key] = (writer, users + 1)
    return writer


def release_writer(writer: ArchiveWriter) -> Deferred[str | None] | None:
    """One crawl is done with ``writer``: None while others use it, else the Deferred of its closing."""
    for key, (shared, users) in list(_SHARED.items()):
        if shared is writer:
            if users > 1:
                _SHARED[key] = (shared, users - 1)
                return None
            del _SHARED[key]
            break
    return writer.close()


def main(argv: list[str]) -> int:
    """``python -m crawler.archive_writer DATABASE_URL WARC_DIR MAX_FILE_SIZE``: items on stdin, answers on stdout."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # Below the crawler: the fetch loop is the critical path; the writer catches up in its gaps (a window of
    # items absorbs the bursts) and still gets an idle core whole.
    os.nice(WRITER_NICENESS)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    # The answers get the real stdout to themselves; anything else printed goes to stderr.
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    serve(sys.stdin.buffer, answers, argv[0], argv[1], int(argv[2]))
    return 0


if __name__ == "__main__":  # pragma: no cover - the writer process
    sys.exit(main(sys.argv[1:]))
