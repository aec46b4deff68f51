"""List APIs described as data: the request a family's script makes for a list page, and how to read the answer.

Many portals send their lists as JSON or HTML fragments from an XHR URL whose parameters sit in the page's
inline JavaScript (dialects.md families 3, 4, 5, 6, 9, 11). A profile (or a built-in family part) describes such
an API in a ``[[list_apis]]`` table: which pages it applies to (URL regex and a fingerprint in the page), the URL
template and where each parameter comes from, the answer's format and where its records are, which record fields
give URL, title, date and publisher, and when to stop. Nothing here fetches: the spider asks for
:meth:`ListApi.request` and hands the answer to :meth:`ListApi.read`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

from crawler.dialects.common import ListEntry, iso_date
from crawler.dialects.scripts import load_json, xml_records

FORMATS = ("json", "jsonp", "html", "xml")
CHINA = dt.timezone(dt.timedelta(hours=8))
# ``name: 'value'``, ``name = "value"``, ``"name": value`` and ``name=value`` inside a query string.
_JS_VALUE = r"""(?<![\w$])["']?{name}["']?\s*[:=]\s*["']?([^"',;&\s}}\)]*)"""


class ListApiError(ValueError):
    """A [[list_apis]] table that cannot work (bad format name, unknown parameter source, bad regex)."""


@dataclass
class ParamSource:
    """Where one URL-template parameter comes from; the first source that yields a value wins."""

    js: str | None = None  # a JavaScript name whose value the page assigns (SID: '755031', siteId = 12)
    page: str | None = None  # a regex on the page text, group 1
    url: str | None = None  # a regex on the list page's URL, group 1
    fragment: str | None = None  # a regex on the URL fragment (#cat), group 1
    value: str | None = None  # a fixed value
    default: str | None = None  # when no source matched

    def resolve(self, page_text: str, page_url: str, fragment: str) -> str | None:
        if self.js:
            m = re.search(_JS_VALUE.format(name=re.escape(self.js)), page_text)
            if m and m.group(1):
                return m.group(1)
        for pattern, subject in ((self.page, page_text), (self.url, page_url), (self.fragment, fragment)):
            if pattern:
                m = re.search(pattern, subject)
                if m:
                    return m.group(1) if m.groups() else m.group(0)
        return self.value if self.value is not None else self.default


@dataclass
class ApiAnswer:
    """What one API answer gave: entries, and what it says about the whole list."""

    entries: list[ListEntry]
    total: int | None = None  # records in the whole list
    page_count: int | None = None
    html_snippets: list[str] = field(default_factory=list)  # records that are HTML (read by the spider)


@dataclass
class ListApi:
    """One list API (a ``[[list_apis]]`` table)."""

    name: str
    url: str  # template: {param} from [params], {page} the page counter, {origin} scheme://host
    fingerprint: str = ""  # regex the page text must match (empty: the page URL pattern alone decides)
    page_pattern: str = ""  # regex the list page URL must match (empty: any page)
    method: str = "GET"
    body: str = ""  # POST body template (form-encoded or JSON), same placeholders
    content_type: str = ""  # POST body content type; form-encoded when empty
    format: str = "json"
    records: str = ""  # dotted path to the records (JSON); for html/xml formats: unused
    url_fields: list[str] = field(default_factory=lambda: ["url"])
    title_fields: list[str] = field(default_factory=lambda: ["title"])
    date_fields: list[str] = field(default_factory=lambda: ["date"])
    publisher_fields: list[str] = field(default_factory=list)
    total: str = ""  # dotted path (JSON) to the record count
    page_count: str = ""  # dotted path (JSON) or regex (html/xml, group 1) to the page count
    page_size: int = 15  # records per page, for total -> page count
    first_page: int = 1  # the counter's first value
    params: dict[str, ParamSource] = field(default_factory=dict)
    referer: bool = True  # send the list page as Referer (some hosts check it)
    notes: str = ""

    def applies_to(self, page_url: str, page_text: str) -> bool:
        """Whether this API serves the list on ``page_url`` (URL pattern and page fingerprint both match)."""
        if self.page_pattern and not re.search(self.page_pattern, page_url):
            return False
        return not self.fingerprint or re.search(self.fingerprint, page_text) is not None

    def resolve_params(self, page_text: str, page_url: str, fragment: str = "") -> dict[str, str] | None:
        """The template's parameters read from the page; None when a parameter without default is missing."""
        parts = urlsplit(page_url)
        values = {"origin": f"{parts.scheme}://{parts.netloc}"}
        for name, source in self.params.items():
            value = source.resolve(page_text, page_url, fragment)
            if value is None:
                return None
            values[name] = value
        return values

    def request(self, values: dict[str, str], page: int) -> tuple[str, str | None]:
        """(URL, POST body or None) for page number ``page`` (the counter's value)."""
        filled = {**values, "page": str(page)}
        url = _fill(self.url, filled, quote_values=True)
        body = _fill(self.body, filled, quote_values=False) if self.method.upper() == "POST" else None
        return url, body

    def read(self, body: bytes, encoding: str, base_url: str) -> ApiAnswer:
        """Entries and counts from one answer (``base_url`` resolves relative record URLs)."""
        text = body.decode(encoding or "utf-8", "replace")
        if self.format == "xml":
            return ApiAnswer([], page_count=_regex_int(self.page_count, text), html_snippets=xml_records(text),
                             total=_regex_int(r"<totalrecord>\s*(\d+)", text))
        if self.format == "html":
            return ApiAnswer([], page_count=_regex_int(self.page_count, text), html_snippets=[text])
        data = load_json(text)
        if data is None:
            return ApiAnswer([])
        records = _path(data, self.records) if self.records else data
        answer = ApiAnswer([], total=_int(_path(data, self.total)) if self.total else None,
                           page_count=_int(_path(data, self.page_count)) if self.page_count else None)
        if isinstance(records, str):  # JSON holding an HTML fragment ({"data": {"html": "<ul>…"}})
            answer.html_snippets.append(records)
            return answer
        if not isinstance(records, list):
            return answer
        for rec in records:
            if not isinstance(rec, dict):
                continue
            url = _first(rec, self.url_fields)
            if not url:
                continue
            date_value = next((rec[f] for f in self.date_fields if rec.get(f) not in (None, "")), None)
            answer.entries.append(ListEntry(url=urljoin(base_url, str(url)),
                                            title=" ".join(str(_first(rec, self.title_fields) or "").split()),
                                            date=_date(date_value),
                                            publisher=_first(rec, self.publisher_fields) or None))
        return answer

    def pages_known(self, answer: ApiAnswer) -> int | None:
        """The list's page count from its first answer: stated, or the record total over the records that page
        holds (sites differ in page size: gd.gov.cn sends 100, district sites fewer), else over ``page_size``."""
        if answer.page_count:
            return answer.page_count
        if answer.total is None:
            return None
        per = len(answer.entries) or self.page_size
        return max(1, -(-answer.total // per)) if per > 0 else None


def _fill(template: str, values: dict[str, str], *, quote_values: bool) -> str:
    def sub(m: re.Match) -> str:
        value = values.get(m.group(1))
        if value is None:
            return m.group(0)
        return quote(value, safe="/:") if quote_values else value
    # {{ and }} are literal braces (JSON bodies, paramJson), as in str.format.
    return re.sub(r"\{(\w+)\}", sub, template).replace("{{", "{").replace("}}", "}")


def _path(data: object, path: str) -> object:
    for key in path.split(".") if path else []:
        if isinstance(data, dict):
            data = data.get(key)
        elif isinstance(data, list) and key.isdigit() and int(key) < len(data):
            data = data[int(key)]
        else:
            return None
    return data


def _first(rec: dict, fields: list[str]) -> str | None:
    for f in fields:
        value = _path(rec, f)
        if value not in (None, ""):
            return str(value)
    return None


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _regex_int(pattern: str, text: str) -> int | None:
    if not pattern:
        return None
    m = re.search(pattern, text)
    if not m:
        return None
    return _int(next((g for g in m.groups() if g is not None), m.group(0)))


def _date(value: object) -> str | None:
    """ISO date of a record's date: unix seconds or milliseconds (China time), or a date in text."""
    if value is None:
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit() and len(value) >= 9):
        seconds = float(value)
        if seconds > 1e11:  # milliseconds
            seconds /= 1000
        return dt.datetime.fromtimestamp(seconds, CHINA).date().isoformat()
    return iso_date(str(value))


def parse_list_api(data: dict, where: str) -> ListApi:
    """A ``[[list_apis]]`` table as a :class:`ListApi` (raises :class:`ListApiError`)."""
    data = dict(data)
    params = {}
    for name, spec in dict(data.pop("params", {})).items():
        if isinstance(spec, str):
            spec = {"value": spec}
        try:
            params[name] = ParamSource(**spec)
        except TypeError as exc:
            raise ListApiError(f"{where}: parameter {name!r}: {exc}") from exc
    for key in ("url_fields", "title_fields", "date_fields", "publisher_fields"):
        if isinstance(data.get(key), str):
            data[key] = [data[key]]
    try:
        api = ListApi(params=params, **data)
    except TypeError as exc:
        raise ListApiError(f"{where}: {exc}") from exc
    if api.format not in FORMATS:
        raise ListApiError(f"{where}: unknown format {api.format!r} (one of {', '.join(FORMATS)})")
    if api.method.upper() not in ("GET", "POST"):
        raise ListApiError(f"{where}: method must be GET or POST")
    for pattern in (api.fingerprint, api.page_pattern, *(p for s in params.values() for p in (s.page, s.url,
                                                                                            s.fragment) if p)):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ListApiError(f"{where}: bad regular expression {pattern!r}: {exc}") from exc
    return api
