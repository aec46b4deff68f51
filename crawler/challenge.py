"""Recognise what a plain HTTP client cannot read: JavaScript challenges and JavaScript shells.

Pure functions of a response's status, type and bytes (the browser tier, ``crawler.browser``, acts on them).
A challenge is what the WAFs of Chinese government portals answer a client that runs no JavaScript (dialects.md,
"Blocking"): HTTP 412 with a short ``$_ts`` script (瑞数), HTTP 521 or 403 with a script that sets
``__jsl_clearance`` (加速乐), any short script page that sets a cookie and reloads. A shell is a small page that
only loads JavaScript: no link, almost no text, a script that builds the page (families 10 and 13).
"""

from __future__ import annotations

import re

CHALLENGE_STATUSES = frozenset({412, 403, 521})
MAX_CHALLENGE_BODY = 8 * 1024
MAX_SHELL_BODY = 5 * 1024
# Visible characters a shell may show (正在加载…, a title): a real page shows more.
MAX_SHELL_TEXT = 120
# Markers of the common challenge scripts, found in any status.
CHALLENGE_MARKERS = (b"$_ts", b"__jsl_clearance", b"__jsluid", b"acw_sc__v2", b"_guard/auto.js")
_SCRIPTS = re.compile(rb"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<title\b.*?</title\s*>",
                      re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(rb"<[^>]*>")


def is_challenge(status: int, body: bytes) -> bool:
    """A short script page in place of the page: an error status with a script, or a challenge marker in a
    script that sets a cookie."""
    if len(body) > MAX_CHALLENGE_BODY:
        return False
    lower = body.lower()
    if b"<script" not in lower:
        return False
    if status in CHALLENGE_STATUSES:
        return True
    return any(m.lower() in lower for m in CHALLENGE_MARKERS) and b"cookie" in lower


def visible_text_length(body: bytes) -> int:
    """Characters outside tags, scripts, styles and the title (whitespace not counted; bytes decoded leniently)."""
    text = _TAGS.sub(b" ", _SCRIPTS.sub(b" ", body)).decode("utf-8", "replace")
    return len("".join(text.split()))


def is_js_shell(status: int, content_type: str | None, body: bytes) -> bool:
    """A small HTML page with a script, no link and almost no text: its content is built by JavaScript."""
    if status != 200 or len(body) > MAX_SHELL_BODY:
        return False
    if content_type and not content_type.lower().startswith(("text/html", "application/xhtml")):
        return False
    lower = body.lower()
    if b"<script" not in lower or b"<datastore" in lower:  # a Hanweb data island holds the rows themselves
        return False
    markup = _SCRIPTS.sub(b" ", body).lower()  # a script may well hold "<a href" in a template
    if b"<a " in markup or b"<iframe" in markup:
        return False
    return visible_text_length(body) <= MAX_SHELL_TEXT
