"""What the parser takes from the archive besides a capture's own record: the archived bytes of a page's content
pictures (crawler role ``body_image``) and the OCR result archived for a file. The ingest's writer and its parser
processes (``archive.parallel``) look both up the same way."""

from __future__ import annotations

import json

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
    stored = session.scalar(select(Version.ocr_pages).where(Version.ocr_sha256 == sha256,
                                                            Version.ocr_pages.is_not(None)).limit(1))
    if not stored:
        return None
    try:
        return {int(k): v for k, v in json.loads(stored).items()}
    except (ValueError, TypeError, AttributeError):
        return None
