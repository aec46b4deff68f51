"""Site profiles: what the one portal spider needs to know about a county portal (data, not code).

A profile is a TOML file in ``crawler/profiles/`` (or any path given on the command line). It names the
portal's start pages, the CMS dialect (with per-URL-pattern overrides, since portals mix CMSs), how to
find the unit list, which columns hold annual reports and notices, how lists are paged, what a detail
page looks like, and what never to fetch.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

from archive.columns import KINDS as INSPECTION_KINDS
from archive.columns import column_kind as default_column_kind
from archive.resources import resource_dir
from crawler.dialects.listapi import ListApi, ListApiError, parse_list_api

PROFILES_DIR = resource_dir("crawler", "profiles")  # a real folder, also inside a Scrapyd egg
FAMILIES_DIR = PROFILES_DIR / "families"
DIALECTS = ("trs", "hanweb", "generic")
UNIT_PAGES = ("hub", "list", "auto")
BROWSER_MODES = ("never", "auto", "always")  # the browser tier (crawler/browser.py)
PAGINGS = ("createPageHTML", "dataproxy", "next_link", "query_param", "none")
# The configuration's [politeness] keys (disclosure.config.PolitenessConfig) a profile may override.
POLITENESS_KEYS = frozenset({"concurrent_requests_per_host", "concurrent_requests_per_ip", "download_delay",
                             "autothrottle", "autothrottle_target_concurrency", "download_timeout", "retry_times",
                             "max_download_size", "obey_robots"})
# Column names (政府信息公开年报, 2019年度报告（旧链接）) are short; document titles are longer.
MAX_COLUMN_TEXT = 14
DEFAULT_ATTACHMENT_EXTENSIONS = ("pdf", "doc", "docx", "wps", "xls", "xlsx", "et", "ofd", "zip", "rar", "txt")


class ProfileError(Exception):
    """A profile file is missing, unreadable or inconsistent."""


@dataclass
class ColumnRule:
    """How to recognise a column (a list of documents) of one kind on a hub page."""

    kind: str  # annual_report | notice | document
    link_text: list[str] = field(default_factory=list)  # keywords, any of which in the link text matches
    url_patterns: list[str] = field(default_factory=list)  # regexes on the absolute URL

    def matches(self, url: str, text: str) -> bool:
        """True when the link (absolute URL, visible text) points at a column of this kind. A link text is a
        column's name only when short: "…2021年度报告" as a document title is not a column."""
        short = len(text) <= MAX_COLUMN_TEXT
        return (short and any(k in text for k in self.link_text)) or any(re.search(p, url) for p in self.url_patterns)


@dataclass
class DialectOverride:
    """URLs matching ``pattern`` are read with ``dialect`` and paged with ``paging``."""

    pattern: str
    dialect: str
    paging: str | None = None


@dataclass
class UnitSpec:
    """Facts about a unit the portal does not state (created / abolished units, township deadlines)."""

    name: str
    kind: str = "bureau"
    created_year: int | None = None
    abolished_year: int | None = None
    predecessor: str | None = None


@dataclass
class SiteProfile:
    """One county portal."""

    name: str
    title: str
    base_url: str
    start_paths: list[str]
    allowed_domains: list[str]
    dialect: str = "trs"
    paging: str = "createPageHTML"
    page_param: str = "page"  # for paging = "query_param"
    dialect_overrides: list[DialectOverride] = field(default_factory=list)
    unit_list_paths: list[str] = field(default_factory=list)  # pages listing the units
    unit_link_patterns: list[str] = field(default_factory=list)  # links on them that are unit pages
    columns: list[ColumnRule] = field(default_factory=list)
    detail_patterns: list[str] = field(default_factory=list)
    attachment_extensions: list[str] = field(default_factory=lambda: list(DEFAULT_ATTACHMENT_EXTENSIONS))
    deny_patterns: list[str] = field(default_factory=list)
    hanweb_dataproxy_path: str = "/module/web/jpage/dataproxy.jsp"
    hanweb_perpage: int = 15
    max_list_pages: int = 100
    revalidate_after_days: int = 30
    township_deadline: str = "03-31"  # MM-DD of year Y+1 (no national rule for townships)
    units: list[UnitSpec] = field(default_factory=list)
    families: list[str] = field(default_factory=list)  # built-in family parts merged in (profiles/families/)
    list_apis: list[ListApi] = field(default_factory=list)  # [[list_apis]]: lists sent by XHR (JSON, fragments)
    # A unit's own page: "hub" (links to its columns), "list" (it is the list of its documents, paged), or
    # "auto" (read as a list too when it shows dated document rows or a list API serves it).
    unit_pages: str = "auto"
    # Accept list links that are not detail/attachment URLs when their row shows a date ((link, date) rows).
    dated_rows: bool = False
    # Hubs found by link text or URL (the disclosure platform, unit directories), followed up to hub_depth
    # links from a start page; links on them whose text reads like a unit name are units.
    hub_link_text: list[str] = field(default_factory=list)
    hub_url_patterns: list[str] = field(default_factory=list)
    unit_list_link_text: list[str] = field(default_factory=list)
    unit_link_text: str = ""  # regex on a link's text: a unit (县教育局, 青石镇 …) on a hub page
    hub_depth: int = 3
    # Website inspection (docs/inspection.md): read the first list page of every other column of the hubs, and
    # [[inspection_kinds]] rules that set a column's kind (news, notice …) where its name and URL mislead.
    observe_columns: bool = True
    inspection_kinds: list[ColumnRule] = field(default_factory=list)
    # [politeness] of the profile: used where the user's configuration keeps the default (our own
    # loopback replica needs no delay; a real portal's profile leaves this empty).
    politeness: dict[str, object] = field(default_factory=dict)
    notes: str = ""
    source: Path | None = None
    # The browser tier (crawler/browser.py): "never"; "auto" (JS challenges and JS shells the plain tier meets go
    # to Chromium); "always" (every page through Chromium). ``browser_paths``: regexes of pages that render only
    # in a browser (a Vue list), sent there directly unless ``browser`` is "never".
    browser: str = "never"
    browser_paths: list[str] = field(default_factory=list)

    def with_base_url(self, base_url: str) -> SiteProfile:
        """A copy pointing at another base URL (the replica's port, a moved domain)."""
        base_url = base_url.rstrip("/")
        host = urlsplit(base_url).hostname or ""
        old_host = urlsplit(self.base_url).hostname or ""
        domains = [host if d == old_host else d for d in self.allowed_domains] or [host]
        return _replace(self, base_url=base_url, allowed_domains=domains)

    def absolute(self, path: str) -> str:
        """A profile path made absolute against the base URL."""
        return urljoin(self.base_url + "/", path)

    @property
    def start_urls(self) -> list[str]:
        return [self.absolute(p) for p in self.start_paths]

    @property
    def unit_list_urls(self) -> list[str]:
        return [self.absolute(p) for p in self.unit_list_paths]

    def dialect_for(self, url: str) -> tuple[str, str]:
        """(dialect, paging) for a URL: the first matching override, else the profile default."""
        for o in self.dialect_overrides:
            if re.search(o.pattern, url):
                return o.dialect, o.paging or ("dataproxy" if o.dialect == "hanweb" else self.paging)
        return self.dialect, self.paging

    def column_kind(self, url: str, text: str) -> str | None:
        """The kind of column a hub-page link points at, or None."""
        return next((c.kind for c in self.columns if c.matches(url, text)), None)

    def inspection_kind(self, url: str, name: str | None) -> tuple[str, str]:
        """(kind, source) of a column for website inspection: the profile's rule, else by name and URL."""
        rule = next((r for r in self.inspection_kinds if r.matches(url, name or "")), None)
        return (rule.kind, "profile") if rule is not None else default_column_kind(name, url)

    def is_detail(self, url: str) -> bool:
        return any(re.search(p, url) for p in self.detail_patterns)

    def is_attachment(self, url: str) -> bool:
        """A file by its extension, in the path or in a download script's query (``downfile.jsp?filename=…``)."""
        parts = urlsplit(url)
        candidates = [parts.path.lower()] + [v.lower() for _, v in parse_qsl(parts.query)]
        return any(c.endswith("." + ext) for c in candidates for ext in self.attachment_extensions)

    def is_unit_link(self, url: str) -> bool:
        return any(re.search(p, url) for p in self.unit_link_patterns)

    def is_unit_text(self, text: str) -> bool:
        """A link text that reads like a unit's name (only with ``unit_link_text``)."""
        return bool(self.unit_link_text) and re.search(self.unit_link_text, text) is not None

    def is_hub_link(self, url: str, text: str) -> bool:
        """A link to a hub (platform, unit directory) by text or URL pattern."""
        return any(text == k or (k in text and len(text) <= len(k) + 4) for k in self.hub_link_text) or any(
            re.search(p, url) for p in self.hub_url_patterns)

    def is_unit_list_link(self, text: str) -> bool:
        """A link to a unit directory (部门信息公开, 乡镇信息公开 …) by its text."""
        return any(k in text for k in self.unit_list_link_text)

    def list_apis_for(self, url: str, page_text: str) -> list[ListApi]:
        """The list APIs that serve the list on ``url`` (URL pattern and page fingerprint both match)."""
        return [api for api in self.list_apis if api.applies_to(url, page_text)]

    def renders_in_browser(self, url: str) -> bool:
        """A page the profile says only a browser renders (``browser_paths``)."""
        return any(re.search(p, url) for p in self.browser_paths)

    def is_denied(self, url: str) -> bool:
        return any(re.search(p, url) for p in self.deny_patterns)

    def is_allowed_host(self, url: str) -> bool:
        """Only the profile's own host names (exact or subdomain); another name for the same IP is not."""
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)


def _replace(profile: SiteProfile, **changes) -> SiteProfile:
    from dataclasses import replace

    return replace(profile, **changes)


def _check_regexes(name: str, patterns: list[str]) -> None:
    for p in patterns:
        try:
            re.compile(p)
        except re.error as exc:
            raise ProfileError(f"profile {name}: bad regular expression {p!r}: {exc}") from exc


def parse_profile(data: dict, source: Path | None = None) -> SiteProfile:
    """Build a profile from parsed TOML, validating dialects, paging names and regexes."""
    try:
        name = str(data["name"])
        base_url = str(data["base_url"]).rstrip("/")
    except KeyError as exc:
        raise ProfileError(f"profile {source}: missing key {exc.args[0]!r}") from exc
    host = urlsplit(base_url).hostname
    if not host:
        raise ProfileError(f"profile {name}: base_url {base_url!r} has no host")
    families = [str(f) for f in data.get("families", [])]
    data = merge_families(data, families, name)
    overrides = [DialectOverride(**o) for o in data.get("dialect_overrides", [])]
    columns = [ColumnRule(**c) for c in data.get("columns", [])]
    units = [UnitSpec(**u) for u in data.get("units", [])]
    profile = SiteProfile(
        name=name,
        title=str(data.get("title", name)),
        base_url=base_url,
        start_paths=list(data.get("start_paths", ["/"])),
        allowed_domains=list(data.get("allowed_domains", [host])),
        dialect=data.get("dialect", "trs"),
        paging=data.get("paging", "createPageHTML"),
        page_param=data.get("page_param", "page"),
        dialect_overrides=overrides,
        unit_list_paths=list(data.get("unit_list_paths", [])),
        unit_link_patterns=list(data.get("unit_link_patterns", [])),
        columns=columns,
        detail_patterns=list(data.get("detail_patterns", [])),
        attachment_extensions=list(data.get("attachment_extensions", DEFAULT_ATTACHMENT_EXTENSIONS)),
        deny_patterns=list(data.get("deny_patterns", [])),
        hanweb_dataproxy_path=data.get("hanweb_dataproxy_path", "/module/web/jpage/dataproxy.jsp"),
        hanweb_perpage=int(data.get("hanweb_perpage", 15)),
        max_list_pages=int(data.get("max_list_pages", 100)),
        revalidate_after_days=int(data.get("revalidate_after_days", 30)),
        township_deadline=str(data.get("township_deadline", "03-31")),
        units=units,
        families=families,
        list_apis=_list_apis(data, name),
        unit_pages=str(data.get("unit_pages", "auto")),
        dated_rows=bool(data.get("dated_rows", False)),
        hub_link_text=list(data.get("hub_link_text", [])),
        hub_url_patterns=list(data.get("hub_url_patterns", [])),
        unit_list_link_text=list(data.get("unit_list_link_text", [])),
        unit_link_text=str(data.get("unit_link_text", "")),
        hub_depth=int(data.get("hub_depth", 3)),
        observe_columns=bool(data.get("observe_columns", True)),
        inspection_kinds=[ColumnRule(**c) for c in data.get("inspection_kinds", [])],
        politeness=dict(data.get("politeness", {})),
        notes=str(data.get("notes", "")),
        source=source,
        browser=str(data.get("browser", "never")),
        browser_paths=list(data.get("browser_paths", [])),
    )
    for d in [profile.dialect, *(o.dialect for o in overrides)]:
        if d not in DIALECTS:
            raise ProfileError(f"profile {name}: unknown dialect {d!r} (one of {', '.join(DIALECTS)})")
    for p in [profile.paging, *(o.paging for o in overrides if o.paging)]:
        if p not in PAGINGS:
            raise ProfileError(f"profile {name}: unknown paging {p!r} (one of {', '.join(PAGINGS)})")
    unknown = sorted(set(profile.politeness) - POLITENESS_KEYS)
    if unknown:
        raise ProfileError(f"profile {name}: unknown [politeness] keys {unknown} (one of {sorted(POLITENESS_KEYS)})")
    for key, value in profile.politeness.items():
        if (problem := politeness_problem(key, value)) is not None:
            raise ProfileError(f"profile {name}: [politeness] {problem}")
    if profile.browser not in BROWSER_MODES:
        raise ProfileError(f"profile {name}: browser must be one of {', '.join(BROWSER_MODES)}, not {profile.browser!r}")
    bad_kinds = sorted({r.kind for r in profile.inspection_kinds} - set(INSPECTION_KINDS))
    if bad_kinds:
        raise ProfileError(f"profile {name}: unknown inspection kinds {bad_kinds} (one of {', '.join(INSPECTION_KINDS)})")
    if profile.unit_pages not in UNIT_PAGES:
        raise ProfileError(f"profile {name}: unit_pages must be one of {', '.join(UNIT_PAGES)}")
    _check_regexes(name, [*profile.unit_link_patterns, *profile.detail_patterns, *profile.deny_patterns,
                          *profile.hub_url_patterns, *profile.browser_paths, *([profile.unit_link_text] if profile.unit_link_text else []),
                          *(o.pattern for o in overrides), *(p for c in columns for p in c.url_patterns),
                          *(p for c in profile.inspection_kinds for p in c.url_patterns)])
    if not profile.detail_patterns and not profile.dated_rows:
        raise ProfileError(f"profile {name}: detail_patterns is empty and dated_rows is off: the spider would find "
                           "no document")
    return profile


# [politeness] numbers: limits and sizes are at least 1, the timeout and target concurrency above 0, and
# nothing is negative (a negative delay or retry count would only fail later, inside the crawl).
_AT_LEAST_ONE = frozenset({"concurrent_requests_per_host", "concurrent_requests_per_ip", "max_download_size"})
_ABOVE_ZERO = frozenset({"download_timeout", "autothrottle_target_concurrency"})


def politeness_problem(key: str, value: object) -> str | None:
    """What is wrong with a [politeness] value (configuration or profile), or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if key in _AT_LEAST_ONE and value < 1:
        return f"{key} must be at least 1, not {value}"
    if key in _ABOVE_ZERO and value <= 0:
        return f"{key} must be greater than 0, not {value}"
    if value < 0:
        return f"{key} must not be negative, not {value}"
    return None


def _list_apis(data: dict, name: str) -> list[ListApi]:
    try:
        return [parse_list_api(a, f"profile {name}: [[list_apis]] {a.get('name', i)!r}")
                for i, a in enumerate(data.get("list_apis", []))]
    except ListApiError as exc:
        raise ProfileError(str(exc)) from exc


# Keys a family part contributes; lists are concatenated (the profile's own entries first), scalars are
# defaults the profile may set itself.
_FAMILY_LIST_KEYS = ("detail_patterns", "deny_patterns", "list_apis", "dialect_overrides", "hub_url_patterns",
                     "browser_paths")
_FAMILY_SCALAR_KEYS = ("dated_rows", "unit_pages", "browser")


def family_part(name: str) -> dict:
    """A built-in family part (``crawler/profiles/families/{name}.toml``) as parsed TOML."""
    path = FAMILIES_DIR / f"{name}.toml"
    if not path.is_file():
        names = ", ".join(available_families())
        raise ProfileError(f"unknown family {name!r} (built in: {names})")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"cannot read family {path}: {exc}") from exc


def available_families() -> list[str]:
    """Names of the built-in family parts."""
    return sorted(p.stem for p in FAMILIES_DIR.glob("*.toml") if not p.stem.startswith("_"))


def merge_families(data: dict, families: list[str], profile_name: str) -> dict:
    """The profile's TOML with its families' parts merged in (the profile's own values first)."""
    merged = dict(data)
    for fam in families:
        part = family_part(fam)
        for key in _FAMILY_LIST_KEYS:
            extra = [x for x in part.get(key, []) if x not in merged.get(key, [])]
            if extra:
                merged[key] = [*merged.get(key, []), *extra]
        for key in _FAMILY_SCALAR_KEYS:
            if key in part and key not in data:
                merged[key] = part[key]
    return merged


def load_profile_file(path: str | Path) -> SiteProfile:
    """Read one profile TOML file."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"cannot read profile {p}: {exc}") from exc
    try:
        return parse_profile(data, source=p)
    except TypeError as exc:  # an unknown key inside a table
        raise ProfileError(f"profile {p}: {exc}") from exc


def available_profiles(directory: Path = PROFILES_DIR) -> list[SiteProfile]:
    """Every shipped profile, by name."""
    return sorted((load_profile_file(p) for p in directory.glob("*.toml")), key=lambda p: p.name)


def profile_for_url(url: str) -> SiteProfile:
    """The zero-configuration profile for a bare portal URL: every built-in family and the discovery rules of
    ``profiles/families/_auto.toml``, on this host only, starting at the URL's path."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProfileError(f"not a portal URL: {url!r}")
    try:
        data = tomllib.loads((FAMILIES_DIR / "_auto.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"cannot read the zero-configuration profile: {exc}") from exc
    data.update(name=parts.hostname if not parts.port else f"{parts.hostname}-{parts.port}", title=parts.hostname,
                base_url=f"{parts.scheme}://{parts.netloc}", allowed_domains=[parts.hostname],
                start_paths=[parts.path or "/"],
                notes="zero-configuration profile: built-in families and discovery rules (families/_auto.toml)")
    return parse_profile(data)


def resolve_profile(name_or_url: str, base_url: str | None = None) -> SiteProfile:
    """A shipped profile by name, a profile file by path, or an ad-hoc profile for a URL."""
    if "://" in name_or_url:
        profile = profile_for_url(name_or_url)
    elif name_or_url.endswith(".toml"):
        profile = load_profile_file(name_or_url)
    else:
        path = PROFILES_DIR / f"{name_or_url}.toml"
        if not path.is_file():
            names = ", ".join(p.stem for p in sorted(PROFILES_DIR.glob("*.toml")))
            raise ProfileError(f"no profile named {name_or_url!r} (available: {names})")
        profile = load_profile_file(path)
    return profile.with_base_url(base_url) if base_url else profile
