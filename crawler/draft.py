"""Draft a site profile from a survey: every value with a comment saying what it was inferred from.

The draft is for a person to review, edit and keep (docs/crawler.md, "Writing a profile"); crawled as it is, it
finds what the zero-configuration crawl finds. Values are generalised from what the survey saw: unit and column
URLs become patterns whose varying path segments are wildcards, families come from the list APIs, drivers and
detail-URL patterns that matched, and the static family (dated rows) only where no pattern explained a list.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from crawler.profiles import SiteProfile, available_families, family_part
from crawler.summary import CrawlSummary
from crawler.survey import Survey

_HEX = re.compile(r"^[0-9a-f]{16,}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)


def _families_by_evidence() -> tuple[dict[str, str], dict[str, str]]:
    """(list API name -> family, detail pattern -> family) of the built-in family parts."""
    apis, patterns = {}, {}
    for fam in available_families():
        part = family_part(fam)
        apis.update({a["name"]: fam for a in part.get("list_apis", [])})
        for p in part.get("detail_patterns", []):
            patterns.setdefault(p, fam)
    return apis, patterns


def _segment_pattern(segment: str) -> str:
    if segment.isdigit():
        return r"\d+"
    if _HEX.match(segment):
        return "[0-9a-f-]+"
    m = re.match(r"^([a-z_]*?)(\d+)$", segment)
    if m:
        return re.escape(m.group(1)) + r"\d+"
    return re.escape(segment)


def generalise(urls: list[str]) -> list[str]:
    """Regexes (on the URL, anchored at its end) covering ``urls``: per shape (segment count, query keys),
    segments that differ across the URLs become ``[^/]+``, numbers ``\\d+`` and hex ids ``[0-9a-f-]+``."""
    shapes: dict[tuple, list[list[str]]] = {}
    queries: dict[tuple, str] = {}
    for url in urls:
        parts = urlsplit(url)
        segs = parts.path.split("/")
        keys = tuple(sorted(k.split("=")[0] for k in parts.query.split("&") if k))
        # Same depth, same segments after the first folder (as patterns), same query keys: one shape. The first
        # folder may vary (gkmlpt units are /{dept}/gkmlpt/index on one host).
        shape = (len(segs), tuple(_segment_pattern(s) for s in segs[2:]) if len(segs) > 2 else (), keys)
        shapes.setdefault(shape, []).append(segs)
        queries[shape] = "".join(rf"[?&]{re.escape(k)}=" for k in keys[:1])
    out = []
    for shape, members in shapes.items():
        columns = list(zip(*members, strict=True))
        pattern = []
        for col in columns:
            values = set(col)
            prefixed = {re.match(r"^([a-z_]*?)\d+$", v).group(1) if re.match(r"^[a-z_]*?\d+$", v) else None
                        for v in values}
            if len(values) == 1:
                pattern.append(_segment_pattern(col[0]) if _HEX.match(col[0]) or len(members) > 1
                               else re.escape(col[0]))
            elif all(v.isdigit() for v in values):
                pattern.append(r"\d+")
            elif all(_HEX.match(v) for v in values):
                pattern.append("[0-9a-f-]+")
            elif len(prefixed) == 1 and None not in prefixed:
                pattern.append(re.escape(prefixed.pop()) + r"\d+")
            else:
                pattern.append("[^/]+")
        regex = "/".join(pattern)
        out.append(regex + (".*" + queries[shape] if queries[shape] else "$"))
    return sorted(set(out))


def _toml(value: object) -> str:
    if isinstance(value, str):
        return "'" + value + "'" if "'" not in value and "\n" not in value else json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


def draft_profile(survey: Survey, auto: SiteProfile, name: str) -> str:
    """The profile TOML text drafted from ``survey`` (``auto`` is the zero-configuration profile it ran with)."""
    api_family, pattern_family = _families_by_evidence()
    start = urlsplit(survey.start_url)
    base = f"{start.scheme}://{start.netloc}"
    lines = [f"# Drafted by `disclosure profile draft {survey.start_url}`: review every value, then keep the file",
             "# and crawl it with `disclosure crawl FILE` (docs/crawler.md, \"Writing a profile\").",
             f"name = {_toml(name)}", f"title = {_toml(start.hostname or name)}", f"base_url = {_toml(base)}",
             f"allowed_domains = {_toml([start.hostname])}    # the start URL's host only"]

    # Families, by the evidence each list gave.
    evidence: dict[str, str] = {}
    dated_rows_lists = []
    for finding in survey.lists.values():
        for api in finding.apis:
            evidence.setdefault(api_family.get(api, api), f"list API {api} served {finding.url}")
        if finding.jpage:
            evidence.setdefault("hanweb", f"jpage script (dataproxy.jsp / datastore) on {finding.url}")
        if finding.create_page_html:
            evidence.setdefault("trs", f"createPageHTML paging on {finding.url}")
        for pattern, n in finding.by_pattern.items():
            fam = pattern_family.get(pattern)
            if fam:
                evidence.setdefault(fam, f"{n} entries of {finding.url} match its documents' URL pattern")
        if finding.by_dated_rows:
            dated_rows_lists.append(finding)
    if dated_rows_lists:
        first = dated_rows_lists[0]
        evidence.setdefault("static", f"{first.by_dated_rows} entries of {first.url} (and {len(dated_rows_lists) - 1}"
                                      " other lists) matched no family's URL pattern: read as dated rows")
    families = sorted(evidence)
    lines.append("")
    lines.append(f"families = {_toml(families)}")
    lines += [f"#   {fam}: {why}" for fam, why in sorted(evidence.items())]

    # Start pages: the start URL and the hubs on which columns (not units) were found.
    unit_pages = set(survey.units)
    column_hubs = sorted({c.found_on for c in survey.columns.values()} - unit_pages - set(survey.unit_lists)
                         - set(survey.lists))
    starts = [start.path or "/"] + [urlsplit(u).path + (f"?{urlsplit(u).query}" if urlsplit(u).query else "")
                                    for u in column_hubs if u != survey.start_url]
    lines.append("")
    lines.append(f"start_paths = {_toml(list(dict.fromkeys(starts)))}")
    lines += [f"#   {u}: columns linked there" for u in column_hubs]
    unit_lists = sorted(survey.unit_lists)
    lines.append(f"unit_list_paths = {_toml([_path(u) for u in unit_lists])}")
    lines += [f"#   {_path(u)}: {why}; {sum(1 for x in survey.units.values() if x.found_on == u)} units"
              for u, why in sorted(survey.unit_lists.items())]
    unit_patterns = generalise(sorted(survey.units))
    lines.append(f"unit_link_patterns = {_toml(unit_patterns)}")
    lines.append(f"#   generalised from the {len(survey.units)} unit links found "
                 f"(e.g. {', '.join(u.name for u in list(survey.units.values())[:3])})")
    as_lists = [u for u in survey.units.values() if u.page_is_list]
    as_hubs = [u for u in survey.units.values() if u.page_is_list is False]
    mode = "list" if as_lists and not as_hubs else "hub" if as_hubs and not as_lists else "auto"
    lines.append(f"unit_pages = {_toml(mode)}    # {len(as_lists)} unit pages are their own lists, "
                 f"{len(as_hubs)} link columns")
    if dated_rows_lists:
        lines.append("dated_rows = true    # static family: documents told by the date in their row")
    lines.append(f"max_list_pages = {auto.max_list_pages}")
    lines.append(f"deny_patterns = {_toml(auto.deny_patterns)}    # the zero-configuration defaults")
    lines.append(f"attachment_extensions = {_toml(auto.attachment_extensions)}")

    # Columns: per kind, the link texts seen and the URL patterns of the columns found; a pattern that two
    # kinds share (Hanweb's /col/col{id}/) tells no kind apart, so the link text decides there.
    kinds = sorted({c.kind for c in survey.columns.values()})
    by_kind = {k: generalise([c.url for c in survey.columns.values() if c.kind == k]) for k in kinds}
    shared = {p for k in kinds for p in by_kind[k] if sum(p in by_kind[o] for o in kinds) > 1}
    for kind in kinds:
        found = [c for c in survey.columns.values() if c.kind == kind]
        texts = [t for t, _ in Counter(c.text for c in found if c.text).most_common()]
        patterns = [p for p in by_kind[kind] if p not in shared]
        lines += ["", "[[columns]]", f"kind = {_toml(kind)}", f"link_text = {_toml(texts)}",
                  f"url_patterns = {_toml(patterns)}",
                  f"#   {len(found)} columns found by link text or slug, e.g. {found[0].text!r} at {found[0].url}"]
    return "\n".join(lines) + "\n"


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def survey_portal(url: str, workdir: Path, **crawl_options) -> tuple[Survey, CrawlSummary]:
    """Run a survey crawl of ``url`` (a portal URL: zero configuration; or a profile name or file), its
    captures kept under ``workdir``
    (apart from the user's archive: the drafted profile will crawl under its own name)."""
    from archive.db import open_database, sqlite_url
    from crawler.run import run_crawl

    workdir.mkdir(parents=True, exist_ok=True)
    database_url = sqlite_url(workdir / "survey.sqlite3")
    open_database(database_url).dispose()  # the schema, before the worker starts
    survey_path = workdir / "survey.json"
    settings = {**crawl_options.pop("settings", {}), "DISCLOSURE_SURVEY": str(survey_path)}
    summary = run_crawl(url, database_url=database_url, warc_dir=workdir / "warc", jobs_dir=workdir / "jobs",
                        settings=settings, **crawl_options)
    if not survey_path.exists():
        raise DraftError(f"the survey crawl of {url} ended {summary.status}: {summary.message or 'no survey'}")
    return Survey.load(survey_path), summary


class DraftError(Exception):
    """The survey crawl could not run or found nothing to draft from."""


@dataclass
class ProfileCheck:
    """A profile's survey held against the zero-configuration survey of the same portal."""

    units: int
    lists: int
    entries: int
    missing_units: list[str]  # units the zero-configuration survey found and the profile did not
    units_without_list: list[str]  # units the profile found but read no list of
    fewer_entries: list[str]  # units whose first list pages show fewer entries than zero configuration saw
    lists_without_entries: list[str]

    @property
    def ok(self) -> bool:
        return not (self.missing_units or self.units_without_list or self.fewer_entries or self.lists_without_entries)


def _entries_by_unit(survey: Survey) -> Counter:
    counts: Counter = Counter()
    for finding in survey.lists.values():
        counts[finding.unit or ""] += finding.entries
    return counts


def compare_surveys(profile: Survey, zero: Survey) -> ProfileCheck:
    """What a profile misses that the zero-configuration crawler finds (units, lists, first-page entries)."""
    names = {u.name for u in profile.units.values()}
    zero_names = {u.name for u in zero.units.values()}
    by_unit, zero_by_unit = _entries_by_unit(profile), _entries_by_unit(zero)
    return ProfileCheck(
        units=len(names), lists=len(profile.lists), entries=sum(f.entries for f in profile.lists.values()),
        missing_units=sorted(zero_names - names),
        units_without_list=sorted(n for n in names if by_unit[n] == 0),
        fewer_entries=sorted(n for n in names & zero_names if by_unit[n] < zero_by_unit[n]),
        lists_without_entries=sorted(f.url for f in profile.lists.values() if f.entries == 0 and not f.apis))
