"""The replica portal: URL layout, routing and time travel over the compact document plan.

``build_site(seed, scale, county)`` plans units and documents (cheap; ``county="mixed"`` is 白河县, whose units
speak the families of ``families.py``); :meth:`Site.handle` renders one response on
request for a given "as of" date-time; :meth:`Site.manifest` states the ground truth. Nothing here opens a
socket: ``server.py`` wraps :meth:`Site.handle` in an HTTP server.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import posixpath
import random
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import parse_qs, quote, unquote, urlsplit

from disclosure.replica import columns as inspection
from disclosure.replica import families, hostile, pages, sources, traps
from disclosure.replica.counties import DEFAULT, County, county_preset
from disclosure.replica.county_mixed import adjust_plan, build_mixed_units
from disclosure.replica.families import FAMILIES
from disclosure.replica.pages import PER_PAGE, ListEntry, PageMeta
from disclosure.replica.plan import NOW, AttachmentSpec, DocSpec, Plan, build_plan
from disclosure.replica.units import (
    ENC_GBK_CONFLICT,
    ENC_GBK_DECLARED,
    ENC_GBK_META_UTF8,
    Unit,
    build_units,
)

CENTRAL_DIR = "/zfxxgk/zfxxgknb/"
SCAN_MARK = "（图片版）"  # portals mark a scanned report so in its title
COLUMN_NAMES = {"ndbg": ("政府信息公开年报", "信息公开年报"), "tzgg": ("通知公告", "通知公告")}
DATAPROXY = "/module/web/jpage/dataproxy.jsp"
DOWNFILE = "/module/download/downfile.jsp"
# Site decoration on document pages, outside the content (a crawler must not fetch them): path -> picture kind.
DECORATION = {"/images/logo.png": "logo", "/images/foot_line.png": "line", "/images/zt_ndbg2021.png": "logo"}
# A small icon inside the content of image-table reports (declared 16 px: not a table picture).
CONTENT_ICON = "/zfxxgk/images/fj16.png"
_BODY_OPEN = re.compile(r"<body[^>]*>")


@dataclass
class Request:
    """What the site needs from an HTTP request."""

    method: str
    host: str  # Host header, e.g. "127.0.0.1:8765"
    target: str  # raw request target (path + query, percent-encoded)
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names


@dataclass
class Response:
    """What the server sends back."""

    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Route:
    """What a path serves: a document variant, an attachment, or a list/column."""

    kind: str  # doc | att | column
    doc_id: str = ""
    variant: str = ""  # page | wap | central | central_wap; attachment index as str for att
    column: tuple[str, str] = ("", "")  # (unit code or "central", column) for column routes


def normalise_as_of(as_of: str | None) -> str:
    """ISO date or date-time → "YYYY-MM-DDTHH:MM" (a bare date means the end of that day)."""
    if as_of is None:
        return NOW
    text = as_of.strip().replace(" ", "T")
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not an ISO date or date-time: {as_of!r}") from None
    if len(text) == 10:
        return text + "T23:59"
    return parsed.strftime("%Y-%m-%dT%H:%M")


def http_date(iso: str) -> str:
    """China-time ISO minute → RFC 7231 date in GMT."""
    local = dt.datetime.fromisoformat(iso).replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
    return format_datetime(local.astimezone(dt.UTC), usegmt=True)


class _Lru:
    """A small thread-safe LRU cache; values are made outside the lock (two threads may both make one)."""

    def __init__(self, size: int, weigh=lambda value: 1) -> None:
        self.size, self.weigh, self.used = size, weigh, 0
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get_or(self, key, make):
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        value = make()
        with self._lock:
            if key not in self._data:
                self._data[key] = value
                self.used += self.weigh(value)
            while self.used > self.size and len(self._data) > 1:
                self.used -= self.weigh(self._data.popitem(last=False)[1])
        return value


class Site:
    """A generated county portal; thread-safe for concurrent :meth:`handle` calls."""

    def __init__(self, seed: int, scale: int, units: list[Unit], plan: Plan, preset: County = DEFAULT) -> None:
        self.seed, self.scale = seed, scale
        self.preset = preset
        self.county, self.area_code = preset.name, preset.area_code
        self.units = units
        self.unit_by_code = {u.code: u for u in units}
        self.docs = plan.docs
        if preset.traps:
            hostile.add_attachment(plan.docs)
        self.doc_by_id = {d.id: d for d in plan.docs}
        self.missing_reports = plan.missing_reports
        self.routes: dict[str, Route] = {}
        self.columns: dict[tuple[str, str], list[DocSpec]] = {}
        self.trs_dirs: dict[str, tuple[str, str]] = {CENTRAL_DIR: ("central", "ndbg")} if preset.central else {}
        self.hanweb_cols: dict[int, tuple[str, str]] = {}
        # fixed paths of the other families (families.py): path -> (unit code, what, argument)
        self.family_pages: dict[str, tuple[str, str, object]] = {}
        self.image_dirs: dict[str, list[DocSpec]] = {}
        # Report content is large (~150 kB with its blocks) but quick to remake; files are small but slow.
        self._content = _Lru(2048)
        self._files = _Lru(256 << 20, weigh=len)
        self._titles: dict[tuple[str, int], str] = {}
        self._sha: dict[tuple[str, int, int], str] = {}
        self._index()
        self.specials = traps.plant(self) if preset.traps else traps.Specials()
        self.planted: dict[str, str] = {} if preset.traps else families.plant(self)
        # Columns beyond reports and notices, for website inspection (columns.py)
        self.inspection_columns = inspection.plant(self)
        self.inspection_by_dir = {posixpath.dirname(c.path) + "/": c for c in self.inspection_columns}

    # ---- URL layout -------------------------------------------------------------------------------------
    @staticmethod
    def unit_dir(unit: Unit) -> str:
        return f"/zfxxgk/gzzfxxgk/{unit.code}/"

    def platform_path(self, unit: Unit) -> str:
        if unit.dialect in FAMILIES:
            return FAMILIES[unit.dialect].entry_path(unit)
        if unit.dialect == "hanweb":
            return f"/col/col{unit.col_ids['platform']}/index.html"
        return self.unit_dir(unit) + "index.html"

    def column_path(self, unit: Unit, column: str) -> str:
        if unit.dialect in FAMILIES:
            return FAMILIES[unit.dialect].column_path(unit, column)
        if unit.dialect == "hanweb":
            return f"/col/col{unit.col_ids[column]}/index.html"
        return f"{self.unit_dir(unit)}{column}/index.html"

    def doc_path(self, doc: DocSpec) -> str:
        unit = self.unit_by_code[doc.unit]
        if unit.dialect in FAMILIES:
            return FAMILIES[unit.dialect].doc_path(doc, unit)
        y, m, d = doc.claimed_at[:4], doc.claimed_at[5:7], doc.claimed_at[8:10]
        if unit.dialect == "hanweb":
            return f"/art/{y}/{int(m)}/{int(d)}/art_{unit.col_ids[doc.column]}_{doc.docid}.html"
        return f"{self.unit_dir(unit)}{doc.column}/{y}{m}/t{y}{m}{d}_{doc.docid}.html"

    def central_path(self, doc: DocSpec) -> str:
        y, m, d = doc.claimed_at[:4], doc.claimed_at[5:7], doc.claimed_at[8:10]
        return f"{CENTRAL_DIR}{y}{m}/t{y}{m}{d}_{doc.docid}.html"

    def attachment_path(self, doc: DocSpec, att: AttachmentSpec) -> str:
        """Unquoted path (plus query for Hanweb downloads) of an attachment."""
        unit = self.unit_by_code[doc.unit]
        if unit.dialect in FAMILIES:
            index = next(i for i, a in enumerate(doc.attachments) if a is att)
            return FAMILIES[unit.dialect].attachment_path(doc, unit, index)
        if unit.dialect == "hanweb":
            return f"{DOWNFILE}?classid=0&filename={att.name}"
        return posixpath.dirname(self.doc_path(doc)) + "/" + att.name

    def doc_paths(self, doc: DocSpec) -> tuple[list[str], list[str]]:
        """(urls, wap_urls) as unquoted paths, canonical first."""
        urls, waps = [self.doc_path(doc)], []
        if self.unit_by_code[doc.unit].dialect == "trs":
            waps.append(urls[0].replace(".html", "_wap.html"))
        if doc.in_central:
            urls.append(self.central_path(doc))
            waps.append(urls[-1].replace(".html", "_wap.html"))
        return urls, waps

    def _index(self) -> None:
        for unit in self.units:
            for column in ("ndbg", "tzgg"):
                self.columns[(unit.code, column)] = []
                if unit.dialect == "hanweb":
                    self.hanweb_cols[unit.col_ids[column]] = (unit.code, column)
                elif unit.dialect == "trs":
                    self.trs_dirs[f"{self.unit_dir(unit)}{column}/"] = (unit.code, column)
            if unit.dialect == "hanweb":
                self.hanweb_cols[unit.col_ids["platform"]] = (unit.code, "platform")
            if unit.dialect in FAMILIES and FAMILIES[unit.dialect].mixed_list:
                self.columns[(unit.code, "all")] = []
        self.columns[("central", "ndbg")] = []
        for doc in self.docs:
            self.columns[(doc.unit, doc.column)].append(doc)
            if (doc.unit, "all") in self.columns:
                self.columns[(doc.unit, "all")].append(doc)
            if doc.in_central:
                self.columns[("central", "ndbg")].append(doc)
            urls, waps = self.doc_paths(doc)
            self.routes[urls[0]] = Route("doc", doc.id, "page")
            for path, variant in zip(urls[1:], ["central"], strict=False):
                self.routes[path] = Route("doc", doc.id, variant)
            for path in waps:
                self.routes[path] = Route("doc", doc.id, "central_wap" if path.startswith(CENTRAL_DIR) else "wap")
            for i, att in enumerate(doc.attachments):
                self.routes[self.attachment_path(doc, att)] = Route("att", doc.id, str(i))
            if doc.delivery == "html_image_tables":
                self.image_dirs.setdefault(posixpath.dirname(urls[0]) + "/", []).append(doc)
        for docs in self.columns.values():
            docs.sort(key=lambda d: (d.claimed_at, d.docid), reverse=True)
        for unit in self.units:
            if unit.dialect in FAMILIES:
                for path, (what, arg) in FAMILIES[unit.dialect].pages(self, unit).items():
                    self.family_pages[path] = (unit.code, what, arg)

    # ---- content ----------------------------------------------------------------------------------------
    def report_spec(self, doc: DocSpec, edit_no: int) -> sources.ReportSpec:
        unit = self.unit_by_code[doc.unit]
        return sources.ReportSpec(county=self.county, unit_name=unit.name, unit_short=unit.aliases[0],
                                  year=doc.report_year, format=doc.format, seed=doc.seed,
                                  heading_variant=doc.heading_variant, missing_section=doc.missing_section,
                                  tables_as_images=doc.delivery == "html_image_tables",
                                  inconsistent=doc.inconsistent, edit_no=edit_no)

    def content(self, doc: DocSpec, edit_no: int = 0):
        """ReportContent or NoticeContent of one version (cached)."""
        def make():
            if doc.kind == "annual_report":
                c = sources.generate_report(self.report_spec(doc, edit_no))
                if doc.delivery == "scan":  # portals mark scanned reports in the title
                    c = dataclasses.replace(c, title=c.title + SCAN_MARK)
                return c
            planted = doc.id == hostile.DOC_ID and self.preset.traps
            make_notice = hostile.notice if planted else sources.generate_notice
            return make_notice(doc.seed, self.county, self.unit_by_code[doc.unit].name, doc.claimed_at[:10])
        return self._content.get_or((doc.id, edit_no), make)

    def attachment_bytes(self, doc: DocSpec, index: int, edit_no: int) -> bytes:
        """The bytes of one attachment as served for a version (cached)."""
        att = doc.attachments[index]

        def make() -> bytes:
            c = self.content(doc, edit_no)
            if att.file_kind == "xls":
                rng = random.Random(f"xls:{doc.seed}:{index}")
                rows = [["序号", "单位名称", "联系人", "联系电话"]] + [
                    [str(i), f"{self.county}{rng.choice(['教育局', '民政局', '财政局', '统计局'])}",
                     rng.choice(["张明", "李华", "王芳", "赵强"]), f"0936-{rng.randrange(1000000, 9999999)}"]
                    for i in range(1, rng.randrange(3, 9))]
                return sources.render_xls(att.filename.rsplit(".", 1)[0], rows)
            if doc.kind != "annual_report":
                c = sources.notice_as_report(c)
            if doc.delivery == "scan" and att.is_report_body:
                from disclosure.replica.render_files_scan import render_scanned_pdf

                base = dataclasses.replace(c, title=c.title.removesuffix(SCAN_MARK))  # the scan shows no mark
                return render_scanned_pdf(base, doc.seed, seal=doc.scan_seal)
            render = {"pdf": sources.render_pdf, "docx": sources.render_docx, "doc": sources.render_doc,
                      "ofd": sources.render_ofd}
            return render[att.file_kind](c)
        return self._files.get_or((doc.id, index, edit_no), make)

    def attachment_sha256(self, doc: DocSpec, index: int, edit_no: int) -> str:
        """SHA-256 of an attachment version (kept for every file, so manifests stay cheap to rebuild)."""
        key = (doc.id, index, edit_no)
        if key not in self._sha:
            self._sha[key] = hashlib.sha256(self.attachment_bytes(doc, index, edit_no)).hexdigest()
        return self._sha[key]

    def title(self, doc: DocSpec, edit_no: int = 0) -> str:
        """A version's title; kept for every document, since list pages need many at once."""
        key = (doc.id, edit_no)
        title = self._titles.get(key)
        if title is None:
            title = self._titles[key] = self.content(doc, edit_no).title
        return title

    # ---- time travel ------------------------------------------------------------------------------------
    def visible(self, key: tuple[str, str], as_of: str) -> list[DocSpec]:
        """A column's documents online at ``as_of``, newest (claimed) first."""
        return [d for d in self.columns.get(key, []) if d.first_appears_at <= as_of]

    def entries(self, key: tuple[str, str], as_of: str, host: str) -> list[ListEntry]:
        """List entries of a column at ``as_of`` (plus planted broken entries)."""
        out = []
        for doc in self.visible(key, as_of):
            unit = self.unit_by_code[doc.unit]
            path = self.central_path(doc) if key[0] == "central" else self.doc_path(doc)
            vi = doc.version_at(as_of)
            title = self.title(doc, vi[1].edit_no if vi else 0)
            if unit.dialect == "trs" or key[0] == "central":
                directory = CENTRAL_DIR if key[0] == "central" else f"{self.unit_dir(unit)}{doc.column}/"
                href = f"http://{host}{path}" if unit.absolute_links and key[0] != "central" else \
                    "./" + path[len(directory):]
            else:
                href = f"http://{host}{path}" if unit.absolute_links else path
            out.append(ListEntry(href=href, title=title, date=doc.claimed_at[:10]))
        return traps.add_broken_entries(self, key, as_of, out) if self.preset.traps else out

    # ---- serving ----------------------------------------------------------------------------------------
    def handle(self, req: Request, as_of: str) -> Response:
        """Answer one request as the portal stood at ``as_of`` ("YYYY-MM-DDTHH:MM")."""
        split = urlsplit(req.target)
        path = unquote(split.path.split(";", 1)[0])  # ;jsessionid=… variants serve the same resource
        query = parse_qs(split.query)
        host = req.host or "127.0.0.1"
        special = traps.handle(self, req, path, query, host, as_of)
        if special is not None:
            return special
        if inspection.is_down(self, path, as_of):
            return inspection.down_response()
        if req.method not in ("GET", "HEAD") and path != DATAPROXY:
            return Response(405, b"method not allowed", "text/plain")
        if path == DOWNFILE:
            path = f"{DOWNFILE}?classid=0&filename={query.get('filename', [''])[0]}"
        route = self.routes.get(path)
        if route is not None:
            doc = self.doc_by_id[route.doc_id]
            found = doc.version_at(as_of)
            if found is None:
                return traps.not_found(path)
            if route.kind == "att":
                return self._attachment(req, doc, int(route.variant), found)
            return self._document(req, doc, route.variant, found, host, path)
        hit = self.family_pages.get(path)
        if hit is not None:
            unit = self.unit_by_code[hit[0]]
            return FAMILIES[unit.dialect].serve(self, unit, hit[1], hit[2], path, query, as_of, host)
        if path == DATAPROXY:
            return self._dataproxy(req, query, as_of, host)
        page = self._list_or_column(path, as_of, host)
        if page is not None:
            return page
        image = self._image(path, as_of)
        if image is not None:
            return image
        if path in DECORATION or path == CONTENT_ICON:
            data = sources.logo_png(self.preset.site_name) if DECORATION.get(path) == "logo" else \
                sources.decoration_png("line" if path in DECORATION else "icon")
            return Response(200, data, "image/png", [("Cache-Control", "max-age=86400")])
        return traps.not_found(path)

    def _conditional(self, req: Request, etag: str, last_modified: str, body: bytes, ctype: str) -> Response:
        headers = [("ETag", etag), ("Last-Modified", last_modified)]
        if req.headers.get("if-none-match") == etag:
            return Response(304, b"", ctype, headers)
        ims = req.headers.get("if-modified-since")
        if ims and "if-none-match" not in req.headers:
            try:
                if parsedate_to_datetime(ims) >= parsedate_to_datetime(last_modified):
                    return Response(304, b"", ctype, headers)
            except (TypeError, ValueError):
                pass  # an unparseable date is ignored, as servers do
        return Response(200, body, ctype, headers)

    def _attachment(self, req: Request, doc: DocSpec, index: int, found) -> Response:
        vi, version = found
        att = doc.attachments[index]
        ctype = {"pdf": "application/pdf", "doc": "application/msword", "xls": "application/vnd.ms-excel",
                 "ofd": "application/ofd",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}[att.file_kind]
        body = self.attachment_bytes(doc, index, version.edit_no)
        etag = f'"{doc.docid:x}-a{index}-{vi}"'
        resp = self._conditional(req, etag, http_date(version.appears_at), body, ctype)
        # Hanweb's download script names the file; TRS static files (W0….pdf) come as they are, the
        # reader knows them only by the link text on the page.
        if self.unit_by_code[doc.unit].dialect in ("hanweb", "hanweb_datastore"):
            resp.headers.append(("Content-Disposition", f"attachment; filename*=UTF-8''{quote(att.filename)}"))
        return resp

    def page_meta(self, doc: DocSpec, title: str) -> PageMeta:
        unit = self.unit_by_code[doc.unit]
        column_name, column_type = COLUMN_NAMES[doc.column]
        notice_no = getattr(self.content(doc), "doc_number", None) if doc.kind == "notice" else None
        return PageMeta(title=title, column_name=column_name, column_type=column_type, publisher=unit.name,
                        source_label=unit.name if doc.docid % 3 else unit.aliases[0], claimed_at=doc.claimed_at,
                        index_number=doc.index_number, doc_number=notice_no, meta_tags=doc.meta_tags,
                        variant=doc.docid, site_name=self.preset.site_name, site_id=self.preset.site_id_code)

    def body_and_links(self, doc: DocSpec, edit_no: int, from_dir: str) -> tuple[str, list[tuple[str, str]]]:
        """The page body HTML and its attachment links (href relative to ``from_dir`` for TRS)."""
        c = self.content(doc, edit_no)
        links = []
        for att in doc.attachments:
            path = self.attachment_path(doc, att)
            href = "./" + quote(posixpath.basename(path)) if path.startswith(from_dir) else quote(path, safe="/?&=")
            links.append((href, att.filename))
        if any(a.is_report_body for a in doc.attachments):
            body = f"<p>{pages.esc(c.title)}详见附件。</p>"
        else:
            body = c.body_html
        if doc.delivery == "html_image_tables":
            body += f'\n<p style="text-align:right;"><img src="{CONTENT_ICON}" width="16" height="16" alt=""></p>'
        return body, links

    def encoding_of(self, doc: DocSpec, variant: str) -> str:
        return "utf-8" if variant.startswith("central") else self.unit_by_code[doc.unit].encoding_mode

    def _document(self, req: Request, doc: DocSpec, variant: str, found, host: str, path: str) -> Response:
        vi, version = found
        unit = self.unit_by_code[doc.unit]
        mode = self.encoding_of(doc, variant)
        charset = "utf-8" if mode in ("utf-8", ENC_GBK_META_UTF8, ENC_GBK_CONFLICT) else "gbk"
        here = posixpath.dirname(path) + "/"
        body, links = self.body_and_links(doc, version.edit_no, here)
        meta = self.page_meta(doc, self.title(doc, version.edit_no))
        if unit.dialect in FAMILIES:
            html = FAMILIES[unit.dialect].document(self, doc, meta, body, links, host)
        elif variant in ("wap", "central_wap"):
            html = pages.wap_document(meta, body, links, charset, "./" + posixpath.basename(path).replace(
                "_wap.html", ".html"))
        elif unit.dialect == "hanweb" and variant == "page":
            html = pages.hanweb_document(meta, body, links, charset, host, self.column_path(unit, doc.column))
        else:
            crumbs = [("/", "首页"), ("/zfxxgk/index.html", "政府信息公开")]
            if variant == "central":
                crumbs.append(("../index.html", "政府信息公开年报"))
            else:
                crumbs += [(self.platform_path(unit), unit.name), ("../index.html", meta.column_name)]
            wap = "./" + posixpath.basename(path).replace(".html", "_wap.html")
            html = pages.trs_document(meta, body, links, charset, host, crumbs, wap)
        data, ctype = encode_page(decorate(html, self.preset.site_name, doc.delivery == "html_image_tables"), mode)
        etag = f'"{doc.docid:x}-{variant}-{vi}"'
        return self._conditional(req, etag, http_date(version.appears_at), data, ctype)

    def _image(self, path: str, as_of: str) -> Response | None:
        directory, name = posixpath.dirname(path) + "/", posixpath.basename(path)
        for doc in self.image_dirs.get(directory, []):
            found = doc.version_at(as_of)
            if found is None:
                continue
            for image_name, data in getattr(self.content(doc, found[1].edit_no), "images", []):
                if image_name == name:
                    return Response(200, data, "image/png", [("Last-Modified", http_date(found[1].appears_at))])
        return None

    def _list_or_column(self, path: str, as_of: str, host: str) -> Response | None:
        directory, name = posixpath.dirname(path) + "/", posixpath.basename(path)
        key = self.trs_dirs.get(directory)
        if key is not None and (name == "index.html" or (name.startswith("index_") and name.endswith(".html"))):
            try:
                current = 0 if name == "index.html" else int(name[6:-5])
            except ValueError:
                return None
            return self._trs_list(key, current, as_of, host)
        if path.startswith("/col/col") and name == "index.html":
            try:
                col = int(path[len("/col/col"):].split("/", 1)[0])
            except ValueError:
                return None
            if col in self.hanweb_cols:
                return self._hanweb_column(col)
        planted = inspection.serve(self, path, as_of) if self.inspection_by_dir else None
        if planted is not None:
            return planted
        if not self.preset.traps:
            page = families.navigation(self, path, as_of, host)
            if page is not None:
                return page
        return traps.navigation_page(self, path, as_of, host)

    def _trs_list(self, key: tuple[str, str], current: int, as_of: str, host: str) -> Response:
        entries = self.entries(key, as_of, host)
        count = max(1, -(-len(entries) // PER_PAGE))
        current = min(current, count - 1)  # trap: index_N past the end answers with the last page
        if key[0] == "central":
            title, mode = "政府信息公开年报", "utf-8"
            crumbs = [("/", "首页"), ("/zfxxgk/index.html", "政府信息公开")]
        else:
            unit = self.unit_by_code[key[0]]
            title, mode = f"{unit.name}{COLUMN_NAMES[key[1]][0]}", unit.encoding_mode
            crumbs = [("/", "首页"), ("/zfxxgk/index.html", "政府信息公开"), ("../index.html", unit.name)]
        charset = "gbk" if mode == ENC_GBK_DECLARED else "utf-8"
        html = pages.trs_list(title, entries[current * PER_PAGE:(current + 1) * PER_PAGE], count, current,
                              charset, crumbs, self.preset.site_name)
        data, ctype = encode_page(html, mode)
        return Response(200, data, ctype, [("Cache-Control", "no-cache")])

    def _hanweb_column(self, col: int) -> Response:
        code, column = self.hanweb_cols[col]
        unit = self.unit_by_code[code]
        if column == "platform":
            links = [(self.column_path(unit, c), COLUMN_NAMES[c][0]) for c in ("ndbg", "tzgg")]
            html = pages.simple_page(f"{unit.name}信息公开", links + [("/zfxxgk/index.html", "返回信息公开平台")])
        else:
            html = pages.hanweb_column(f"{unit.name}{COLUMN_NAMES[column][0]}", col, hanweb_unit_id(col),
                                       self.preset.site_name)
        return Response(200, html.encode("utf-8"), "text/html; charset=utf-8", [("Cache-Control", "no-cache")])

    def _dataproxy(self, req: Request, query: dict[str, list[str]], as_of: str, host: str) -> Response:
        form = {**query, **parse_qs(req.body.decode("utf-8", "replace"))}

        def num(name: str, default: int) -> int:
            try:
                return int(form.get(name, [default])[0])
            except ValueError:
                return default
        col = num("columnid", -1)
        target = self.hanweb_cols.get(col)
        if target is None or target[1] == "platform":
            return Response(200, b'<?xml version="1.0" encoding="utf-8"?><datastore><totalrecord>0</totalrecord>'
                            b"<recordset></recordset></datastore>", "text/xml; charset=utf-8")
        entries = self.entries(target, as_of, host)
        start, end, per = max(1, num("startrecord", 1)), num("endrecord", 45), max(1, num("perpage", PER_PAGE))
        xml = pages.dataproxy_xml(entries[start - 1:end], len(entries), per, col, hanweb_unit_id(col),
                                  self.preset.site_name)
        return Response(200, xml.encode("utf-8"), "text/xml; charset=utf-8", [("Cache-Control", "no-cache")])

    # ---- ground truth -----------------------------------------------------------------------------------
    def manifest(self, base_url: str, as_of: str | None = None):
        """The ground truth for a server at ``base_url`` (see ``manifest_build.py``)."""
        from disclosure.replica.manifest_build import build_manifest

        return build_manifest(self, base_url.rstrip("/"), as_of)

    def list_paths(self, as_of: str) -> list[str]:
        """Every list page (paths; Hanweb dataproxy calls with their query) a full crawl needs."""
        out = []
        central = [("central", "ndbg")] if self.preset.central else []
        for key in central + [(u.code, c) for u in self.units for c in ("ndbg", "tzgg")]:
            unit = self.unit_by_code.get(key[0])
            if unit is not None and unit.dialect in FAMILIES:
                out += FAMILIES[unit.dialect].list_paths(self, unit, as_of) if key[1] == "ndbg" else []
                continue
            total = len(self.entries(key, as_of, "x"))
            if unit is not None and unit.dialect == "hanweb":
                col = unit.col_ids[key[1]]
                out.append(f"/col/col{col}/index.html")
                for start in range(1, max(total, 1) + 1, 45):
                    out.append(f"{DATAPROXY}?startrecord={start}&endrecord={start + 44}&perpage=15&columnid={col}")
                continue
            directory = CENTRAL_DIR if key[0] == "central" else f"{self.unit_dir(unit)}{key[1]}/"
            pages_n = max(1, -(-total // PER_PAGE))
            out += [directory + ("index.html" if i == 0 else f"index_{i}.html") for i in range(pages_n)]
        out += [c.path for c in self.inspection_columns if c.opened_at <= as_of[:10]]  # first pages only
        return [p for p in out if not inspection.is_down(self, p, as_of)]


def decorate(html: str, site_name: str, sidebar: bool = False) -> str:
    """A document page with the site's logo above and a footer line below its layout (and, on pages of
    image-table reports, a picture in a side column): images outside the content."""
    logo = (f'<div class="site-logo"><a href="/"><img src="/images/logo.png" alt="{pages.esc(site_name)}">'
            "</a></div>\n")
    foot = '<div class="site-foot"><img src="/images/foot_line.png" alt=""></div>\n'
    if sidebar:
        foot = '<div class="zt"><a href="/"><img src="/images/zt_ndbg2021.png" alt="年报专题"></a></div>\n' + foot
    m = _BODY_OPEN.search(html)
    end = html.rfind("</body>")
    if m is None or end < m.end():
        return html
    return html[:m.end()] + "\n" + logo + html[m.end():end] + foot + html[end:]


def hanweb_unit_id(col: int) -> str:
    """The jpage container id Hanweb pages use (stable per column)."""
    return hashlib.md5(f"col{col}".encode()).hexdigest()[:8]


def encode_page(html: str, mode: str) -> tuple[bytes, str]:
    """Bytes and Content-Type header for a page served in encoding ``mode`` (units.ENC_*)."""
    if mode == "utf-8":
        return html.encode("utf-8"), "text/html; charset=utf-8"
    data = html.encode("gb18030")
    if mode == ENC_GBK_DECLARED:
        return data, "text/html; charset=GBK"
    if mode == ENC_GBK_CONFLICT:
        return data, "text/html; charset=gb2312"
    return data, "text/html"  # ENC_GBK_META_UTF8: no charset in the header, the meta says utf-8


def mark_scans(plan: Plan, count: int) -> None:
    """Turn the first ``count`` PDF-delivered reports with statistics tables into scans (``delivery="scan"``:
    the PDF is served as page images, the title marked （图片版）); every other one a red seal over a table."""
    candidates = [d for d in plan.docs if d.kind == "annual_report" and d.delivery == "pdf"
                  and d.format != "pre2019" and len(d.versions) == 1]
    # one with planted inconsistencies first: its failing checks must survive the scan
    chosen = sorted(candidates, key=lambda d: not d.inconsistent)[:count]
    for i, doc in enumerate(chosen):
        doc.delivery, doc.scan_seal = "scan", i % 2 == 0


def build_site(seed: int = 1, scale: int = 1, county: str = "default", scans: int = 0) -> Site:
    """Plan the replica portal for ``seed`` and ``scale`` (fast: nothing is rendered yet).

    ``county``: "default" (青山县, TRS and Hanweb) or "mixed" (白河县, the portal families of dialects.md;
    scale 1 only). ValueError for anything else. ``scans``: how many PDF reports are served as scanned PDFs
    (none by default, so the default portal stays as it is; OCR of a scan is slow).
    """
    started = time.perf_counter()
    preset = county_preset(county)
    if preset.key == "mixed":
        if scale != 1:
            raise ValueError("--scale applies to the default county only")
        units = build_mixed_units(seed)
        plan = adjust_plan(units, build_plan(units, seed))
    else:
        units = build_units(seed, scale)
        plan = build_plan(units, seed)
    mark_scans(plan, scans)
    site = Site(seed, scale, units, plan, preset)
    site.build_seconds = time.perf_counter() - started
    return site
