"""The replica portal's ground truth (the manifest), as typed dataclasses.

The generator fills these; tests, benchmarks and `make demo` read them to check the crawler, the
parsers, search and timeliness against what the replica really serves. The JSON written by
``disclosure replica --manifest PATH`` is ``asdict(Manifest)``; :func:`load_manifest` reads it back.

Dates are ISO strings (``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM``) so the JSON stays plain.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class ManifestUnit:
    """A publisher on the replica portal."""

    code: str  # path segment / stable id, e.g. "jyj"
    name: str  # full name, e.g. "青山县教育局"
    aliases: list[str]  # short forms, e.g. ["县教育局", "教育局"]
    kind: str  # county_government | bureau | township
    # the portal family serving this unit's pages: trs | hanweb (青山县); unitlist | gkmlpt | hanweb_datastore |
    # anhui | static_list as well in 白河县 (docs/replica.md)
    dialect: str
    platform_url: str  # the unit's page on the 政府信息公开 platform
    annual_report_column_url: str
    notice_column_url: str
    created_year: int | None = None  # first report year it is expected to publish for
    abolished_year: int | None = None  # last report year it existed for
    predecessor: str | None = None  # code of the unit it replaced (2018–19 reorganisation)
    encoding: str = "utf-8"  # encoding its pages are served in (utf-8 | gb18030)


@dataclass
class ManifestSection:
    """One of the six sections as the generator wrote it."""

    number: int  # canonical 1..6
    heading: str  # as written on the page
    text: str  # plain text of the section body (tables excluded), whitespace-normalised


@dataclass
class ManifestVersion:
    """One content of a document, served from ``appears_at`` on (until the next version)."""

    appears_at: str  # true date-time it went online (ISO)
    claimed_published_at: str  # date-time the page itself claims (ISO); may differ (backdated)
    title: str
    sections: list[ManifestSection] = field(default_factory=list)
    # canonical key -> value (None for a blank / "/" / "——" cell); see shared/domain/README.md §3
    figures: dict[str, float | None] = field(default_factory=dict)
    # canonical key -> raw cell text as served (full-width digits etc.)
    raw: dict[str, str] = field(default_factory=dict)
    body_phrase: str = ""  # a distinctive phrase from the body, unique to this document version
    # rules that fail on purpose, named as archive/checks names them (e.g. "B.column.total")
    planted_inconsistencies: list[str] = field(default_factory=list)
    # delivery html_image_tables: the figures the table pictures show (``figures`` stays empty: a text reader
    # finds none; OCR of the archived body images must find these)
    image_figures: dict[str, float | None] = field(default_factory=dict)


@dataclass
class ManifestAttachment:
    """A file linked from a document page."""

    url: str
    filename: str  # as shown to the reader (may contain Chinese, spaces, odd characters)
    file_kind: str  # pdf | docx | doc | xls | xlsx | wps
    sha256: str
    is_report_body: bool = False  # True when the report's text and tables live in this file


@dataclass
class ManifestDocument:
    """A document with every URL it is served at and its ground truth."""

    id: str  # stable id within the manifest
    kind: str  # annual_report | notice | document
    unit: str  # unit code
    publisher: str  # full unit name
    urls: list[str]  # canonical first; includes the central-column second URL when there is one
    wap_urls: list[str]  # mobile twins (same document)
    report_year: int | None  # annual reports only
    format: str | None  # "2021" | "2019" | "pre2019" | None (labels used, not the year)
    delivery: str  # html | pdf | docx | doc | ofd | html_image_tables | scan
    index_number: str | None  # 索引号 when the page shows the 目录 header block
    doc_number: str | None  # 文号
    meta_tags: bool  # True when the page carries the 政府网站发展指引 meta tags
    first_appears_at: str  # true date-time (ISO) the first version went online
    deadline: str | None  # legal deadline (ISO date) for annual reports
    versions: list[ManifestVersion] = field(default_factory=list)
    attachments: list[ManifestAttachment] = field(default_factory=list)
    # expected timeliness classification (annual reports): on_time | late | early_suspicious
    expected_status: str | None = None
    days_late: int | None = None
    # expected flags: edited_after_publication, backdated, duplicate
    expected_flags: list[str] = field(default_factory=list)
    # what the claimed date alone gives (a single crawl that never saw the page before cannot prove backdating)
    expected_status_claimed: str | None = None
    # pictures inside the page's content (tables published as images), in page order; a crawler fetches these
    # and none of the site's decoration (logo, footer line, side pictures, icons)
    body_images: list[str] = field(default_factory=list)


@dataclass
class ManifestSpecialCase:
    """A planted server behaviour (redirect, 404, 500-once, slow, robots, WAF, traps, GBK)."""

    kind: str  # redirect | not_found | error_once | slow | robots_disallowed | waf | trap_calendar |
    #            trap_session_id | trap_index_past_end | gbk_declared | gbk_misdeclared | external |
    #            hostile_content; 白河县: root_relative_url | single_page_column | multi_page_unit
    url: str
    detail: str = ""
    target: str | None = None  # redirect target, or the document this case belongs to


@dataclass
class ManifestColumn:
    """A column as a website inspection sees it at the manifest's date (docs/inspection.md)."""

    url: str  # its (first) list page
    name: str
    unit: str | None  # unit code; None for the site's or the platform's own columns
    kind: str  # news | notice | personnel_planning | annual_report | other: what inspection should call it
    opened_at: str | None  # ISO date first linked (None: since the site began)
    newest_entry: str | None  # ISO date of its newest entry online at the manifest's date (None: empty)
    entries: int  # entries a crawl reads: every page of report and notice columns, the first page of the others
    planted: str = ""  # stale_news | stale_notice | stale_long | empty | "" (columns.py)


@dataclass
class ManifestOutage:
    """A window in which a unit's whole platform answers 503."""

    unit: str  # unit code
    url: str  # its platform page
    start: str  # ISO date, inclusive
    end: str  # ISO date, exclusive


@dataclass
class Manifest:
    """Ground truth for one generated replica portal."""

    seed: int
    scale: int
    county: str  # e.g. "青山县"
    area_code: str  # 6 digits
    base_url: str  # e.g. "http://127.0.0.1:8765"
    as_of: str | None  # the date the manifest was written for; None = everything that will ever exist
    units: list[ManifestUnit] = field(default_factory=list)
    documents: list[ManifestDocument] = field(default_factory=list)
    # (unit code, report year) pairs that never get a report although the unit existed and was due
    missing_reports: list[tuple[str, int]] = field(default_factory=list)
    special_cases: list[ManifestSpecialCase] = field(default_factory=list)
    list_urls: list[str] = field(default_factory=list)  # every list page a full crawl needs
    columns: list[ManifestColumn] = field(default_factory=list)  # inspection view of the columns (issue 20)
    outages: list[ManifestOutage] = field(default_factory=list)

    def to_json(self) -> str:
        """Serialise as JSON (UTF-8, Chinese kept readable)."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    def save(self, path: str | Path) -> None:
        """Write the manifest JSON to ``path``."""
        Path(path).write_text(self.to_json(), encoding="utf-8")

    def unit(self, code: str) -> ManifestUnit:
        """The unit with this code."""
        return next(u for u in self.units if u.code == code)

    def visible_documents(self, as_of: str) -> list[ManifestDocument]:
        """Documents online on ``as_of`` (ISO date or date-time)."""
        return [d for d in self.documents if d.first_appears_at[: len(as_of)] <= as_of]


def _from_dict(data: dict[str, Any]) -> Manifest:
    units = [ManifestUnit(**u) for u in data.pop("units")]
    docs = []
    for d in data.pop("documents"):
        versions = [
            ManifestVersion(**{**v, "sections": [ManifestSection(**s) for s in v.get("sections", [])]})
            for v in d.pop("versions")
        ]
        attachments = [ManifestAttachment(**a) for a in d.pop("attachments")]
        docs.append(ManifestDocument(**d, versions=versions, attachments=attachments))
    specials = [ManifestSpecialCase(**s) for s in data.pop("special_cases")]
    missing = [(str(c), int(y)) for c, y in data.pop("missing_reports")]
    columns = [ManifestColumn(**c) for c in data.pop("columns", [])]
    outages = [ManifestOutage(**o) for o in data.pop("outages", [])]
    return Manifest(**data, units=units, documents=docs, special_cases=specials, missing_reports=missing,
                    columns=columns, outages=outages)


def load_manifest(path: str | Path) -> Manifest:
    """Read a manifest JSON written by :meth:`Manifest.save`."""
    return _from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
