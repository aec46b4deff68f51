"""The browser tier: a real Chromium for the pages the plain HTTP tier cannot read (docs/crawler.md).

Scrapy's own HTTP client is the first tier. ``BrowserTierMiddleware`` re-issues a request to the browser (through
scrapy-playwright's download handler, ``crawler.browser_handler``) only when:

- its answer is a JavaScript challenge (``crawler.challenge.is_challenge``) and the profile's ``browser`` is
  ``auto`` or ``always``;
- its answer is a JavaScript shell (a small page with a script and no content) and ``browser`` is ``auto``;
- the profile says the URL renders only in a browser (``browser_paths``), or ``browser = "always"`` (every page;
  files, POSTs and robots.txt stay in the plain tier).

The cookies a solved challenge leaves in the browser are kept per host and sent by the plain tier while they last,
so one browser visit unlocks many plain requests. A visit that still ends on a challenge is tried again at most
``DISCLOSURE_BROWSER_MAX_ROUNDS`` times per request; after that many unsolved visits in a row a host gets no more
browser visits in this crawl, and its challenges end as errors of kind ``challenge_unsolved`` (the crawl ends
``blocked`` when nothing else came back; the next crawl tries again).
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler.challenge import CHALLENGE_STATUSES, is_challenge, is_js_shell

logger = logging.getLogger(__name__)

MODES = ("never", "auto", "always")
CONTEXT = "disclosure"
DEFAULT_MAX_ROUNDS = 2
DEFAULT_CONCURRENCY = 1
# Within one visit: the loads a challenge script may cause, the challenged loads after which the visit gives up
# (the page came back to the challenge after its own reload), how long to wait for the network to settle.
MAX_NAVIGATIONS = 4
MAX_CHALLENGED_LOADS = 2
SETTLE_MS = 8000
# Sub-resources a page may load that carry nothing the archive reads (never requested: less load on the site).
SKIPPED_RESOURCES = frozenset({"image", "media", "font", "stylesheet", "texttrack", "manifest", "other"})
KEPT_RESOURCES = frozenset({"xhr", "fetch"})
# The flags a sandboxed root CI needs, and no background traffic of the browser's own.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Set by downloader middlewares on a response; a re-issued request starts without them.
_RESPONSE_META = ("original_headers", "original_content_encoding", "sent_request", "download_latency",
                  "playwright_page_methods", "browser_log", "rendered_by", "browser_xhr", "download_slot")


class ChallengeUnsolved(IgnoreRequest):
    """The browser tier could not get past a challenge within its rounds (error kind ``challenge_unsolved``)."""


def chromium_executable(configured: str | None = None) -> str | None:
    """The Chromium to drive: the configured path, else Debian's ``chromium`` on PATH (no Playwright download)."""
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def browser_mode(settings, profile) -> str:
    """The mode in force: the ``DISCLOSURE_BROWSER`` setting (tests, ``--browser``) over the profile's own."""
    mode = settings.get("DISCLOSURE_BROWSER") or getattr(profile, "browser", "never")
    if mode not in MODES:
        raise ValueError(f"browser mode must be one of {', '.join(MODES)}, not {mode!r}")
    return mode


def apply_browser_tier(settings, profile) -> None:
    """Install the browser download handler for a profile whose browser tier may run (before settings freeze).

    The handler serves plain requests with Scrapy's HTTP/1.1 client and starts Chromium only for the first request
    the tier sends it. Without a Chromium the tier is off (a warning; the crawl goes on in the plain tier).
    """
    if settings.frozen or browser_mode(settings, profile) == "never":
        return
    executable = chromium_executable(settings.get("DISCLOSURE_BROWSER_EXECUTABLE"))
    if executable is None:
        logger.warning("browser tier off: no Chromium found (apt-get install chromium, or set "
                       "DISCLOSURE_BROWSER_EXECUTABLE)")
        settings.set("DISCLOSURE_BROWSER", "never", priority="cmdline")
        return
    pages = max(1, min(2, settings.getint("DISCLOSURE_BROWSER_CONCURRENCY", DEFAULT_CONCURRENCY)))
    handler = "crawler.browser_handler.LazyPlaywrightHandler"
    settings.setdict({
        "DOWNLOAD_HANDLERS": {"http": handler, "https": handler},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": executable, "headless": True, "args": CHROMIUM_ARGS},
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": pages,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": settings.getfloat("DOWNLOAD_TIMEOUT", 30) * 1000,
    }, priority="spider")


# ---------------------------------------------------------------------- inside the browser page
async def init_page(page, request) -> None:
    """Page init callback: note every response the page receives, never load what the archive does not read,
    never leave the portal's hosts."""
    log = request.meta.setdefault("browser_log", [])
    hosts = tuple(request.meta.get("browser_hosts") or ())
    page.on("response", lambda resp: log.append(resp))

    async def gate(route) -> None:
        req = route.request
        host = (urlsplit(req.url).hostname or "").lower()
        allowed = not hosts or any(host == h or host.endswith("." + h) for h in hosts)
        if req.resource_type in SKIPPED_RESOURCES or not allowed:
            await route.abort()
        else:
            await route.fallback()  # scrapy-playwright's own route sets the headers

    await page.route("**", gate)


async def settle(page, log: list) -> dict[str, Any]:
    """Page method: wait until the page stops navigating (a challenge reloads it once or twice) and the network
    is idle; then return what the page saw as plain data (final document, XHR answers, cookies, browser)."""
    from playwright.async_api import Error as PlaywrightError

    for _ in range(MAX_NAVIGATIONS):
        try:
            await page.wait_for_load_state("networkidle", timeout=SETTLE_MS)
        except PlaywrightError:
            pass
        final = _final_document(page, log)
        if final is not None and final.status not in CHALLENGE_STATUSES:
            break
        if len(_documents(page, log)) >= MAX_CHALLENGED_LOADS:
            break  # the challenge came back after its own reload: this visit will not pass it
        try:  # still on a challenge: give its script a moment to reload the page
            await page.wait_for_event("framenavigated", timeout=SETTLE_MS / 2)
        except PlaywrightError:
            break
    final = _final_document(page, log)
    seen = {"final": None, "xhr": [], "cookies": [], "browser": ""}
    if final is not None:
        seen["final"] = {"status": final.status, "headers": await _headers(final)}
    for resp in log:
        if resp.request.resource_type not in KEPT_RESOURCES or resp.request.method != "GET":
            continue
        try:
            body = await resp.body()
        except PlaywrightError:
            continue  # a redirect or an answer the browser already dropped
        seen["xhr"].append({"url": resp.url, "status": resp.status, "headers": await _headers(resp),
                            "body": body, "reason": resp.status_text})
    try:
        seen["cookies"] = await page.context.cookies()
        browser = page.context.browser
        seen["browser"] = f"{browser.browser_type.name} {browser.version}" if browser else ""
    except PlaywrightError:
        pass
    log.clear()  # Playwright objects never leave the page's lifetime
    return seen


def _documents(page, log: list) -> list:
    """The main-frame document answers the page received, in order."""
    return [r for r in log if r.request.resource_type == "document" and r.frame == page.main_frame]


def _final_document(page, log: list):
    """The last main-frame document answer the page received."""
    docs = _documents(page, log)
    return docs[-1] if docs else None


async def _headers(resp) -> list[tuple[str, str]]:
    """A response's headers in the order received (repeated names kept)."""
    from playwright.async_api import Error as PlaywrightError

    try:
        return [(h["name"], h["value"]) for h in await resp.headers_array()]
    except PlaywrightError:  # a closed page: the headers Playwright had parsed
        return list(resp.headers.items())


# ---------------------------------------------------------------------- the cookie jar of solved challenges
@dataclass
class ChallengeJar:
    """Cookies a browser visit left, per host, sent by the plain tier until they expire."""

    cookies: dict[str, dict[str, tuple[str, float]]] = field(default_factory=dict)

    def store(self, host: str, cookies: list[dict[str, Any]]) -> int:
        """Keep the cookies a browser holds for ``host`` (name → value, expiry; -1 = session: this crawl)."""
        jar = self.cookies.setdefault(host, {})
        for c in cookies:
            domain = str(c.get("domain", "")).lstrip(".").lower()
            if domain and not (host == domain or host.endswith("." + domain)):
                continue
            expires = float(c.get("expires") or -1)
            jar[c["name"]] = (c["value"], expires if expires > 0 else float("inf"))
        return len(jar)

    def header(self, host: str, now: float | None = None) -> str | None:
        """The Cookie header for ``host``, None when no live cookie is left."""
        now = time.time() if now is None else now
        jar = self.cookies.get(host, {})
        for name in [n for n, (_v, exp) in jar.items() if exp <= now]:
            del jar[name]
        return "; ".join(f"{n}={v}" for n, (v, _e) in jar.items()) or None

    def drop(self, host: str) -> None:
        """Forget a host's cookies (the site challenged us although we sent them)."""
        self.cookies.pop(host, None)


# ---------------------------------------------------------------------- the middleware
class BrowserTierMiddleware:
    """Send to the browser what the plain tier cannot read; give the plain tier the cookies the browser earned."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_rounds = max(1, crawler.settings.getint("DISCLOSURE_BROWSER_MAX_ROUNDS", DEFAULT_MAX_ROUNDS))
        self.backoff_base = crawler.settings.getfloat("RETRY_BACKOFF_BASE", 0.5)
        self.backoff_cap = crawler.settings.getfloat("RETRY_BACKOFF_MAX", 30.0)
        self.jar = ChallengeJar()
        self.unsolved: Counter[str] = Counter()  # unsolved browser visits in a row, per host
        self._mode: str | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def profile(self):
        return self.crawler.spider.profile

    @property
    def mode(self) -> str:
        if self._mode is None:
            self._mode = browser_mode(self.crawler.settings, self.profile)
        return self._mode

    # -------------------------------------------------------------- requests
    def process_request(self, request: Request):
        if self.mode == "never" or request.meta.get("playwright") or _is_robots(request.url):
            return None
        host = _host(request.url)
        if self._wants_browser(request):
            self._to_browser(request, "profile")
            return None
        cookie = self.jar.header(host)
        if cookie:
            request.headers[b"Cookie"] = cookie
            request.meta["challenge_cookies"] = True
            self.stats.inc_value("disclosure/browser/cookie_requests")
        return None

    def _wants_browser(self, request: Request) -> bool:
        """A page the profile says renders only in a browser (files, POSTs stay plain)."""
        if request.method != "GET" or request.meta.get("role") == "attachment":
            return False
        if self.profile.is_attachment(request.url):
            return False
        return self.mode == "always" or self.profile.renders_in_browser(request.url)

    def _to_browser(self, request: Request, reason: str) -> None:
        """Mark a request for the browser (in place): a fresh page, our page callbacks, no conditional headers."""
        from scrapy_playwright.page import PageMethod

        log: list = []
        request.meta.update({
            "playwright": True, "playwright_context": CONTEXT, "browser_reason": reason,
            "playwright_context_kwargs": {"locale": "zh-CN", "java_script_enabled": True},
            "playwright_page_init_callback": "crawler.browser.init_page", "browser_log": log,
            "playwright_page_methods": [PageMethod(settle, log)], "conditional": False,
            "browser_hosts": list(self.profile.allowed_domains),
        })
        for name in (b"Cookie", b"If-None-Match", b"If-Modified-Since"):
            request.headers.pop(name, None)
        self.stats.inc_value(f"disclosure/browser/visits/{reason}")

    def _reissue(self, request: Request, reason: str) -> Request:
        """The request again, for the browser tier (scheduled anew: it waits for the host's delay and slot)."""
        meta = {k: v for k, v in request.meta.items() if k not in _RESPONSE_META and not k.startswith("playwright")}
        meta["browser_rounds"] = int(request.meta.get("browser_rounds", 0)) + 1
        again = request.replace(meta=meta, dont_filter=True)
        self._to_browser(again, reason)
        return again

    # -------------------------------------------------------------- responses
    async def process_response(self, request: Request, response: Response):  # type: ignore[override]
        if self.mode == "never" or _is_robots(request.url):
            return response
        if request.meta.get("playwright"):
            return await self._browser_response(request, response)
        host = _host(request.url)
        if is_challenge(response.status, response.body):
            self.stats.inc_value("disclosure/browser/challenges")
            if request.meta.get("challenge_cookies"):
                self.jar.drop(host)  # expired or refused: the browser earns new ones
            return await self._retry_in_browser(request, host, "challenge")
        if self._is_shell(request, response):
            self.stats.inc_value("disclosure/browser/shells")
            return self._reissue(request, "shell")
        return response

    def _is_shell(self, request: Request, response: Response) -> bool:
        """A JS shell only a browser fills in (``auto``): not a list API answer, not a file, and no list driver of
        the profile reads it (a gkmlpt or Anhui shell is read from its API by the plain tier)."""
        if self.mode != "auto" or request.method != "GET" or request.meta.get("api"):
            return False
        if request.meta.get("role") == "attachment":
            return False
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        if not is_js_shell(response.status, ctype, response.body):
            return False
        return not self.profile.list_apis_for(request.url, response.body.decode("utf-8", "replace"))

    async def _retry_in_browser(self, request: Request, host: str, reason: str):
        """Another browser visit, unless this request or this host has used up its rounds. A visit after one that
        failed waits first (backoff, as for a retry): a challenge is never a reason to ask faster."""
        rounds = int(request.meta.get("browser_rounds", 0))
        if rounds >= self.max_rounds or self.unsolved[host] >= self.max_rounds:
            self.stats.inc_value("disclosure/errors/challenge_unsolved")
            logger.warning("challenge not solved at %s (%d browser visits): not stored", request.url, rounds)
            raise ChallengeUnsolved(f"challenge not solved at {request.url}")
        if rounds:
            await asyncio.sleep(min(self.backoff_cap, self.backoff_base * 2 ** rounds))
        return self._reissue(request, reason)

    async def _browser_response(self, request: Request, response: Response):
        """The rendered page as the response: the final document's status and headers, the DOM as its body."""
        host = _host(request.url)
        self._note_memory()
        methods = request.meta.get("playwright_page_methods") or []
        seen = methods[0].result if methods and isinstance(methods[0].result, dict) else {}
        if seen.get("cookies"):
            self.jar.store(host, seen["cookies"])
        final = seen.get("final") or {"status": response.status, "headers": []}
        if is_challenge(final["status"], response.body):
            self.unsolved[host] += 1
            return await self._retry_in_browser(request, host, "challenge")
        self.unsolved[host] = 0
        if request.meta.get("browser_reason") == "challenge":
            self.stats.inc_value("disclosure/browser/solved")
        headers = [(k, v) for k, v in final["headers"]
                   if k.lower() not in ("content-length", "content-encoding", "transfer-encoding", "content-type")]
        headers.append(("Content-Type", f"text/html; charset={getattr(response, 'encoding', 'utf-8')}"))
        request.meta["original_headers"] = headers
        request.meta.pop("original_content_encoding", None)
        request.meta["rendered_by"] = seen.get("browser") or "chromium"
        request.meta["browser_xhr"] = seen.get("xhr") or []
        out = response.replace(status=final["status"])
        out.headers.clear()
        for k, v in headers:
            out.headers.appendlist(k, v)
        return out

    def _note_memory(self) -> None:
        """The browser's memory: the proportional set size of this process's descendants (Playwright's driver,
        Chromium's processes; shared pages counted once)."""
        rss = descendants_memory_bytes(os.getpid())
        if rss > (self.stats.get_value("disclosure/browser/peak_rss_bytes") or 0):
            self.stats.set_value("disclosure/browser/peak_rss_bytes", rss)


def descendants_memory_bytes(pid: int) -> int:
    """Memory of every process descending from ``pid``: the sum of their PSS (each shared page split among the
    processes sharing it, so Chromium's many processes are not counted many times; Linux /proc, 0 elsewhere)."""
    children: dict[int, list[int]] = {}
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return 0
    for entry in entries:
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                parent = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    total, stack = 0, list(children.get(pid, []))
    while stack:
        p = stack.pop()
        total += _pss_bytes(p)
        stack.extend(children.get(p, []))
    return total


def _pss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _is_robots(url: str) -> bool:
    return urlsplit(url).path == "/robots.txt"
