"""What the parser takes from the archive besides a capture's own record: the archived bytes of a page's content
pictures (crawler role ``body_image``) and the OCR result archived for a file. The ingest's writer and its parser
processes (``archive.parallel``) look both up the same way."""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.identity import canonical_url, found_url
from archive.models import Capture, Version
from archive.rawstore import RawStore, RawStoreError


def archived_body_image(session: Session, rawstore: RawStore, url: str) -> bytes | None:
    """The picture at ``url`` as last archived with status 200, or None (never archived, or its record is
    unreadable: the page is then read without it)."""
    urls = {url, canonical_url(url), found_url(url)}
    capture = session.scalar(select(Capture).where(
        Capture.url.in_(urls), Capture.role == "body_image", Capture.status == 200)
        .order_by(Capture.fetched_at.desc(), Capture.id.desc()).limit(1))
    if capture is None:
        return None
    try:
        return rawstore.read(capture.warc_file, capture.warc_offset, sha256=capture.sha256, size=capture.size).body
    except (RawStoreError, OSError):
        return None


def stored_ocr(session: Session | None, sha256: str | None) -> dict[int, dict] | None:
    """The OCR result archived for the file with this sha256 (by an earlier ingest), if any."""
    if session is None or not sha256:
        return None
    return stored_ocr_by_sha(session, [sha256]).get(sha256)


def stored_ocr_by_sha(session: Session, sha256s: Iterable[str | None]) -> dict[str, dict[int, dict]]:
    """The archived OCR results of these files (one query), by sha256; files never OCR'd are left out."""
    wanted = {s for s in sha256s if s}
    if not wanted:
        return {}
    out: dict[str, dict[int, dict]] = {}
    seen: set[str] = set()
    for sha, stored in session.execute(select(Version.ocr_sha256, Version.ocr_pages).where(
            Version.ocr_sha256.in_(wanted), Version.ocr_pages.is_not(None))):
        if sha in seen:
            continue  # the first archived result of a file stands, as read one file at a time
        seen.add(sha)
        try:
            pages = {int(k): v for k, v in json.loads(stored).items()} if stored else None
        except (ValueError, TypeError, AttributeError):
            continue
        if pages:
            out[sha] = pages
    return out
