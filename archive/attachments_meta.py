"""What an attachment capture says about its file: a safe file name and the file kind."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

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


# Link texts that say what to do, not what the file is.
_GENERIC_LABELS = {"下载", "点击下载", "附件", "附件下载", "查看", "点击查看", "打开", "点击打开", "下载附件",
                   "download", "pdf", "doc", "docx", "xls", "xlsx"}
_BLANKS = re.compile(r"\s+")


def link_labels(page: bytes, content_type: str | None, page_url: str) -> dict[str, str]:
    """Absolute URL → text of the links of an HTML page (the first non-empty text per URL).

    What the reader of the page is shown for each file: static files on TRS portals come without a
    ``Content-Disposition`` header and are named like ``W020220120143607001.pdf``, so the link text
    is the only name a person would recognise.
    """
    from lxml import html as lxml_html  # lxml is the parser's dependency; only pages with links need it

    from archive.parse.encoding import decode_bytes

    text = decode_bytes(page, content_type).text
    try:
        tree = lxml_html.fromstring(text)
    except (ValueError, lxml_html.etree.ParserError):
        return {}
    out: dict[str, str] = {}
    for a in tree.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        label = _BLANKS.sub(" ", a.text_content()).strip() or (a.get("title") or "").strip()
        if label:
            out.setdefault(urljoin(page_url, href), label)
    return out


def filename_from_label(label: str | None, url: str) -> str | None:
    """A file name from a link's text: the text itself when it names a file of the URL's kind,
    else the text plus the URL's extension; None for empty or generic texts (下载, 附件 …)."""
    if not label or _CONTROL.sub("", label).strip().lower().rstrip("：:") in _GENERIC_LABELS:
        return None
    url_name = filename_from_url(url) or ""
    ext = url_name.rsplit(".", 1)[1].lower() if "." in url_name else ""
    if ext not in _KINDS:
        return None  # a download script without a file name: the text alone says nothing of the kind
    label_ext = label.rsplit(".", 1)[1].lower() if "." in label else ""
    return safe_filename(label if label_ext == ext else f"{label}.{ext}")
