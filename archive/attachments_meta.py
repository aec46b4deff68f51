"""What an attachment capture says about its file: a safe file name and the file kind."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

_KINDS = ("pdf", "docx", "doc", "wps", "xlsx", "xls", "et", "ofd", "txt", "zip", "rar")
_CONTENT_TYPES = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/kswps": "wps",
    "application/vnd.ms-works": "wps",
    "text/plain": "txt",
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_EXT_STAR = re.compile(r"filename\*\s*=\s*([^']*)'[^']*'([^;]+)", re.IGNORECASE)
_PLAIN = re.compile(r'filename\s*=\s*(?:"([^"]*)"|([^;]+))', re.IGNORECASE)
MAX_NAME = 255


def _repair_mojibake(name: str) -> str:
    """Servers send UTF-8 or GBK bytes in a header that HTTP libraries decode as Latin-1."""
    try:
        raw = name.encode("latin-1")
    except UnicodeEncodeError:
        return name
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


def safe_filename(name: str) -> str | None:
    """A file name stripped of directories, control characters and surrounding blanks, bounded in length."""
    name = _CONTROL.sub("", name).replace("\\", "/").split("/")[-1].strip().strip(".").strip()
    if not name:
        return None
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: MAX_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:MAX_NAME]
    return name


def filename_from_headers(content_disposition: str | None) -> str | None:
    """The file name a ``Content-Disposition`` header gives (RFC 6266 ``filename*`` preferred)."""
    if not content_disposition:
        return None
    match = _EXT_STAR.search(content_disposition)
    if match:
        charset = match[1].strip() or "utf-8"
        try:
            return safe_filename(unquote(match[2].strip().strip('"'), encoding=charset, errors="strict"))
        except (LookupError, UnicodeDecodeError):
            pass
    match = _PLAIN.search(content_disposition)
    if match:
        value = (match[1] if match[1] is not None else match[2]).strip()
        return safe_filename(_repair_mojibake(unquote(value)))
    return None


def filename_from_url(url: str) -> str | None:
    """The last path segment of ``url``, percent-decoded."""
    return safe_filename(unquote(PurePosixPath(urlsplit(url).path).name))


def file_kind(filename: str | None, content_type: str | None) -> str | None:
    """pdf | docx | doc | wps | xls | xlsx | … from the extension, else from the content type."""
    if filename and "." in filename:
        ext = filename.rsplit(".", 1)[1].lower()
        if ext in _KINDS:
            return ext
    if content_type:
        return _CONTENT_TYPES.get(content_type.split(";")[0].strip().lower())
    return None
