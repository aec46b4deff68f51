"""Where a crawl's items are stored: a writer process beside the crawler (default), or the crawler's own process.

Storing is a third of a crawl's CPU on a fast server (the WARC record, its index and the rows), and the crawler's
reactor is single-threaded: in a process of its own the store runs on another core while the crawler fetches
and parses, as warcprox writes WARCs beside the browsers of Brozzler. Items go to the writer in the order the
pipeline receives them and are stored one by one, each in its own transaction (``crawler.capture_store``);
each item's answer (its counters, or why the archive cannot be written) fires the Deferred the pipeline
attached to it. The crawler goes on without waiting for each answer; with more than a window of items not
yet stored it waits for the writer to catch up (memory stays bounded, the crawl no faster than its store).

``DISCLOSURE_ARCHIVE_WRITER = "inline"`` stores in the crawler's process instead (no second process).

The writer ignores SIGINT/SIGTERM: a Ctrl-C or a stopped job reaches the crawler, which closes gracefully and
then closes the writer after the last item; a writer that dies fails every waiting item and the crawl.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import signal
import threading
import traceback
from multiprocessing.connection import Connection
from typing import Protocol

from twisted.internet.defer import Deferred, fail, succeed

from crawler.capture_store import CaptureStore, CrawlContext, StoreOutcome
from crawler.peak_memory import peak_rss_bytes

logger = logging.getLogger(__name__)

CLOSE_TIMEOUT_S = 120.0  # the writer finishes what it was sent before it answers a close


class WriterError(Exception):
    """An item was not stored: the store raised (its traceback in the message)."""


class WriterGone(WriterError):
    """The writer process ended or its pipe broke: nothing more can be stored."""


class ArchiveWriter(Protocol):
    """Stores items in the order submitted."""

    peak_rss_bytes: int  # the writer process's peak memory, known once closed (0: no process of its own)

    def submit(self, item: object, context: CrawlContext) -> Deferred[StoreOutcome]:
        """Store ``item``; the Deferred fires with its outcome once it is stored."""

    def close(self) -> str | None:
        """Store nothing more and release the archive; a problem closing it, if any."""

    def room(self) -> Deferred[None] | None:
        """None while few items wait to be stored; else a Deferred that fires once the writer caught up."""


class InlineWriter:
    """Stores in the calling process, synchronously."""

    peak_rss_bytes = 0

    def __init__(self, database_url: str, warc_dir: str, max_file_size: int):
        self.store = CaptureStore(database_url, warc_dir, max_file_size=max_file_size)

    def submit(self, item: object, context: CrawlContext) -> Deferred[StoreOutcome]:
        try:
            return succeed(self.store.store(item, context))
        except Exception:  # noqa: BLE001 - handed to Scrapy as this item's failure
            return fail()

    def close(self) -> str | None:
        return self.store.close()

    def room(self) -> Deferred[None] | None:
        return None


class ProcessWriter:
    """Stores in a spawned process; answers come back on a reader thread and fire on the reactor thread."""

    def __init__(self, database_url: str, warc_dir: str, max_file_size: int, *, window: int = 256):
        # spawn, not fork: the crawler process runs a reactor, threads and open database connections.
        mp = multiprocessing.get_context("spawn")
        child_requests, self._requests = mp.Pipe(duplex=False)
        self._answers, child_answers = mp.Pipe(duplex=False)
        self._proc = mp.Process(target=_serve, name="archive-writer", daemon=True,
                                args=(child_requests, child_answers, database_url, warc_dir, max_file_size))
        self._proc.start()
        child_requests.close()
        child_answers.close()
        self._waiting: dict[int, Deferred[StoreOutcome]] = {}
        self._window = window  # items sent and not yet stored before the crawler is held back
        self._room: list[Deferred[None]] = []
        self._seq = 0
        self._context: CrawlContext | None = None
        self._dead: str | None = None
        self._closed = threading.Event()
        self._close_error: str | None = None
        self.peak_rss_bytes = 0
        # Sending can block (a large body, a writer busy with the one before): a thread sends, not the reactor.
        self._outbox: queue.SimpleQueue = queue.SimpleQueue()
        threading.Thread(target=self._send, name="archive-writer-items", daemon=True).start()
        threading.Thread(target=self._read, name="archive-writer-answers", daemon=True).start()

    def submit(self, item: object, context: CrawlContext) -> Deferred[StoreOutcome]:
        if self._dead:
            return fail(WriterGone(self._dead))
        self._seq += 1
        d: Deferred[StoreOutcome] = Deferred()
        self._waiting[self._seq] = d
        # The context travels only when it changed (the run is known once the crawl has begun).
        changed = context if context != self._context else None
        self._context = context
        self._outbox.put((self._seq, changed, item))
        return d

    def room(self) -> Deferred[None] | None:
        if len(self._waiting) < self._window:
            return None
        d: Deferred[None] = Deferred()
        self._room.append(d)
        return d

    def close(self) -> str | None:
        self._outbox.put(None)  # after every item already submitted
        if not self._dead:
            if not self._closed.wait(CLOSE_TIMEOUT_S):
                self._close_error = f"the archive writer did not close within {CLOSE_TIMEOUT_S:.0f} s"
        self._proc.join(10)
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(5)
        self._requests.close()
        return self._close_error

    # ------------------------------------------------------------------ the pipes (their own threads)
    def _send(self) -> None:
        from twisted.internet import reactor

        while True:
            message = self._outbox.get()
            try:
                self._requests.send(message)
            except (OSError, ValueError) as exc:  # the writer is gone: its pipe is broken
                reactor.callFromThread(  # type: ignore[attr-defined]
                    self._fail_all, f"the archive writer process is gone ({exc})")
                return
            if message is None:
                return

    def _read(self) -> None:
        from twisted.internet import reactor

        while True:
            try:
                answer = self._answers.recv()
            except (EOFError, OSError):
                if not self._closed.is_set():
                    self._proc.join(5)
                    reactor.callFromThread(  # type: ignore[attr-defined]
                        self._fail_all, f"the archive writer process ended (exit code {self._proc.exitcode})")
                return
            if answer[0] == "closed":
                self._close_error, self.peak_rss_bytes = answer[1], answer[2]
                self._closed.set()
                return
            reactor.callFromThread(self._answer, *answer)  # type: ignore[attr-defined]

    def _answer(self, seq: int, outcome: StoreOutcome | None, error: str | None) -> None:
        d = self._waiting.pop(seq, None)
        if self._room and len(self._waiting) <= self._window // 2:
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
        for d in waiting.values():
            d.errback(WriterGone(reason))
        self._release()

    def _release(self) -> None:
        room, self._room = self._room, []
        for d in room:
            d.callback(None)


def _serve(requests: Connection, answers: Connection, database_url: str, warc_dir: str, max_file_size: int) -> None:
    """The writer process: store each item received, answer each, until told to close or the crawler is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    store = CaptureStore(database_url, warc_dir, max_file_size=max_file_size)
    context = CrawlContext(None, None, "")
    try:
        while True:
            try:
                message = requests.recv()
            except EOFError:  # the crawler died: what it sent is stored, nothing more comes
                break
            if message is None:
                break
            seq, changed, item = message
            context = changed or context
            try:
                answers.send((seq, store.store(item, context), None))
            except Exception:  # noqa: BLE001 - the item's failure, reported to the crawler
                answers.send((seq, None, traceback.format_exc(limit=8)))
    finally:
        error = store.close()
        try:
            answers.send(("closed", error, peak_rss_bytes()))
        except (OSError, ValueError):
            pass


def make_writer(kind: str, database_url: str, warc_dir: str, max_file_size: int) -> ArchiveWriter:
    """A new writer of the kind a crawl's settings ask for: ``process`` (default) or ``inline``."""
    if kind == "inline":
        return InlineWriter(database_url, warc_dir, max_file_size)
    if kind != "process":
        raise ValueError(f"DISCLOSURE_ARCHIVE_WRITER must be 'process' or 'inline', not {kind!r}")
    return ProcessWriter(database_url, warc_dir, max_file_size)


# The portals a worker crawls side by side share one writer per archive (one process, one WARC file series).
_SHARED: dict[tuple[str, str, str, int], tuple[ArchiveWriter, int]] = {}


def acquire_writer(kind: str, database_url: str, warc_dir: str, max_file_size: int) -> ArchiveWriter:
    """This process's writer for the archive, started on first use."""
    key = (kind, database_url, warc_dir, max_file_size)
    writer, users = _SHARED.get(key) or (make_writer(*key), 0)
    _SHARED[key] = (writer, users + 1)
    return writer


def release_writer(writer: ArchiveWriter) -> tuple[bool, str | None]:
    """One crawl is done with ``writer``: (whether it was the last and is now closed, a problem closing it)."""
    for key, (shared, users) in list(_SHARED.items()):
        if shared is writer:
            if users > 1:
                _SHARED[key] = (shared, users - 1)
                return False, None
            del _SHARED[key]
            break
    return True, writer.close()
