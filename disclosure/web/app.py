"""The read-only web interface (`disclosure serve`): search, documents, timeliness, figures, status.

Built on the same code as the command line (search.api, archive.timeliness, archive.figures_query,
disclosure.health): no second copy of their logic. Every page renders on the server and works without
JavaScript; everything scraped is untrusted and escaped; archived pages are served sandboxed; only GET and
HEAD exist, so no request can change the archive.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import select

from archive.db import Database, open_database
from archive.figures_query import figure_count, figure_rows, wide_table
from archive.jsonvalue import json_plain
from archive.models import Figure, Unit
from archive.parse.encoding import decode_bytes
from archive.rawstore import RawStore, RawStoreError
from archive.timeliness import row_json, summarize, timeliness_report, unit_year
from disclosure.config import Config
from disclosure.health import archive_health
from disclosure.web import zh
from disclosure.web.charts import line_chart
from disclosure.web.compare import figure_changes, unit_comparison
from disclosure.web.document_view import capture_row, load_document, version_diff
from disclosure.web.downloads import evidence_archive
from disclosure.web.errors import MAX_ID, BadRequest, HeadAsGet, NotFound, install_error_handlers
from disclosure.web.figures_view import COUNTY_TOTAL, figures_view
from disclosure.web.inspection_view import add_inspection_routes
from disclosure.web.report_tables import key_labels
from disclosure.web.search_view import active_filters, bound_note, page_numbers, total_label, years_in_order
from search.api import SearchQuery, SearchResult, index_exists, open_index
from search.errors import SearchError

HERE = Path(__file__).parent
MAX_QUERY_CHARS = 200
MAX_PAGE = 500
FIGURES_CAP = 20_000  # figures one request may read (a key pattern matching more is refused)
FIGURES_PAGE = 1000  # rows per page of /api/figures
FIGURE_KEY = re.compile(r"[a-z_]+(\.[a-z_]+)*(\.\*)?")
EXPORT_HITS = 1000  # a search's CSV holds at most this many hits (ten engine pages of 100)
KINDS_ZH = {"annual_report": "年度报告", "notice": "通知公告", "document": "其他文件"}
STATUS_ZH = {"on_time": "按时", "late": "逾期", "missing": "未发布", "pending": "未到期", "early_suspicious": "日期存疑"}
FLAGS_ZH = {"edited_after_publication": "发布后修改", "backdated": "倒签日期", "duplicate": "重复报告"}
SECTIONS_ZH = {1: "一、总体情况", 2: "二、主动公开", 3: "三、依申请公开", 4: "四、复议诉讼", 5: "五、问题及改进", 6: "六、其他事项"}

# Our own pages: scripts and styles only from our origin; archived copies only inside a sandboxed frame.
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")
# An archived page: no scripts, no plugins, an opaque origin, nothing loaded from anywhere.
ARCHIVE_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"


@dataclass
class WebState:
    """What the request handlers share: configuration, the database, the raw store."""

    config: Config
    db: Database
    rawstore: RawStore

    @property
    def index_path(self) -> Path:
        return self.config.index_dir / self.config.search_engine


def safe_href(url: str | None) -> str:
    """A crawled URL fit for an ``href``: http(s) only, since a hostile page can carry ``javascript:`` links."""
    text = (url or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else "#"


def _int(value: str | None, name: str, lo: int, hi: int) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError as exc:
        raise BadRequest(f"参数 {name} 必须是整数") from exc
    if not lo <= number <= hi:
        raise BadRequest(f"参数 {name} 超出范围（{lo}–{hi}）")
    return number


def search_query_from(params: dict[str, Any]) -> SearchQuery:
    """Turn request parameters into a SearchQuery, rejecting oversized or malformed values."""
    text = (params.get("q") or "").strip()
    if len(text) > MAX_QUERY_CHARS:
        raise BadRequest(f"检索式过长（最多 {MAX_QUERY_CHARS} 个字符）")
    multi = {k: [v for v in params.get(k, []) if v][:20] for k in ("publisher", "kind", "portal")}
    for value in multi["kind"]:
        if value not in KINDS_ZH:
            raise BadRequest("未知的文件类型")
    sort = params.get("sort") or "relevance"
    if sort not in ("relevance", "date"):
        raise BadRequest("排序方式只能是 relevance 或 date")
    return SearchQuery(
        text=text,
        year_from=_int(params.get("year_from"), "year_from", 1990, 2100),
        year_to=_int(params.get("year_to"), "year_to", 1990, 2100),
        publisher=multi["publisher"] or None, kind=multi["kind"] or None, portal=multi["portal"] or None,
        section=_int(params.get("section"), "section", 1, 6), sort=sort,
        limit=_int(params.get("limit"), "limit", 1, 100) or 20,
        page=_int(params.get("page"), "page", 1, MAX_PAGE) or 1,
    )


def _params(request: Request) -> dict[str, Any]:
    qp = request.query_params
    out: dict[str, Any] = {k: qp.get(k) for k in ("q", "year_from", "year_to", "section", "sort", "page", "limit")}
    for k in ("publisher", "kind", "portal"):
        out[k] = qp.getlist(k)
    return out


def _url(path: str, params: dict[str, Any], **changes: Any) -> str:
    """A URL holding the whole query, with ``changes`` applied (None removes a key)."""
    merged = {**params, **changes}
    pairs: list[tuple[str, str]] = []
    for key, value in merged.items():
        if value in (None, "", []):
            continue
        for v in value if isinstance(value, list) else [value]:
            pairs.append((key, str(v)))
    return f"{path}?{urlencode(pairs)}" if pairs else path


def run_search(state: WebState, q: SearchQuery) -> SearchResult:
    """Query the configured engine's index (search.api only: no engine imported here)."""
    index = open_index(state.index_path, state.config.search_engine)
    try:
        return index.search(q)
    finally:
        index.close()


def result_json(result: SearchResult) -> dict[str, Any]:
    """The JSON shape of `disclosure search --json`."""
    return {
        "total": result.total,
        # "gte": at least ``total`` documents match (counting stopped at the bound); "eq": exactly.
        "total_relation": result.total_relation,
        "total_is_lower_bound": result.total_is_lower_bound,
        # How many matches the facets counted when they are a sample (null: all of them).
        "facets_sample": result.facets_sample,
        "facets": {name: [[v, n] for v, n in values] for name, values in result.facets.items()},
        "hits": [{"document_id": h.document_id, "title": h.title, "publisher": h.publisher, "year": h.year,
                  "published_at": h.published_at.isoformat() if h.published_at else None, "url": h.url,
                  "snippet": h.snippet, "score": h.score, "removed": h.removed} for h in result.hits],
    }


def _csv_response(header: list[str], rows: list[list[Any]], filename: str) -> Response:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    # BOM so that Excel opens the Chinese text as UTF-8.
    return Response("\ufeff" + buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def create_app(config: Config, *, db: Database | None = None) -> FastAPI:
    """The FastAPI application over the archive described by ``config``."""
    state = WebState(config, db or open_database(config.database_url), RawStore(config.warc_dir))
    app = FastAPI(title="县级政府信息公开档案 API", version="0.1.0", docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json")
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters["href"] = safe_href
    templates.env.globals.update(total_label=total_label, bound_note=bound_note, KINDS_ZH=KINDS_ZH, STATUS_ZH=STATUS_ZH, FLAGS_ZH=FLAGS_ZH, SECTIONS_ZH=SECTIONS_ZH,
                                 RUN_STATUS_ZH=zh.RUN_STATUS_ZH, UNIT_KINDS_ZH=zh.UNIT_KINDS_ZH,
                                 DATE_SOURCE_ZH=zh.DATE_SOURCE_ZH, error_kind=zh.error_kind, warning_zh=zh.warning,
                                 check_message=zh.check_message, figure_label=zh.outcome_label,
                                 deadline_rule=zh.deadline_rule)
    templates.env.filters["when"] = zh.when
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.state.web = state

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        if request.method not in ("GET", "HEAD"):
            return Response("只读服务：不接受修改请求", status_code=405, headers={"Allow": "GET, HEAD"})
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return response

    install_error_handlers(app, templates)

    def page(request: Request, name: str, nav: str, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, {"nav": nav, **context})

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/search", status_code=302)

    # ------------------------------------------------------------------ search
    def _search(request: Request) -> tuple[dict[str, Any], SearchQuery, SearchResult | None, str | None]:
        return _search_page(_params(request))

    def _search_page(params: dict[str, Any], export_page: int | None = None
                     ) -> tuple[dict[str, Any], SearchQuery, SearchResult | None, str | None]:
        q = search_query_from(params)
        q.total_bound = state.config.search_total_bound or None  # 0: count every match
        if export_page is not None:
            q.page, q.limit = export_page, 100
        if not index_exists(state.index_path):
            return params, q, None, "检索索引尚未建立：请先运行 disclosure index"
        try:
            return params, q, run_search(state, q), None
        except SearchError as exc:
            return params, q, None, zh.search_error(exc)

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request) -> HTMLResponse:
        params, q, result, error = _search(request)
        pages = 0
        if result is not None:
            pages = min(MAX_PAGE, (result.total + q.limit - 1) // q.limit)
            if "year" in result.facets:
                result.facets["year"] = years_in_order(result.facets["year"])

        def url(**ch: Any) -> str:
            return _url("/search", params, **ch)

        return page(request, "search.html", "search", params=params, q=q, result=result, error=error,
                    pages=pages, url=url, numbers=page_numbers(q.page, pages) if pages > 1 else [],
                    filters=active_filters(params, url, SECTIONS_ZH, KINDS_ZH),
                    csv_url=_url("/search.csv", params, page=None, limit=None),
                    toggle=lambda key, value: _url("/search", params, page=None, **{
                        key: [v for v in params[key] if v != value] if value in params[key]
                        else params[key] + [value]}))

    @app.get("/search.csv", include_in_schema=False)
    def search_csv(request: Request) -> Response:
        params = _params(request)
        rows: list[list[Any]] = []
        for number in range(1, EXPORT_HITS // 100 + 1):
            _p, _q, result, error = _search_page(params, number)
            if error:
                raise BadRequest(error)
            assert result is not None
            rows += [[h.document_id, h.title, h.publisher or "", h.year or "",
                      zh.when(h.published_at, minutes=False) if h.published_at else "", h.url,
                      f"/doc/{h.document_id}", "removed" if h.removed else ""] for h in result.hits]
            if number * 100 >= result.total:
                break
        return _csv_response(["document_id", "title", "publisher", "report_year", "published_at", "url", "page",
                              "removed"], rows, "search.csv")

    @app.get("/api/search", tags=["search"], summary="全文检索")
    def search_api(request: Request, q: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = "",
                   year_from: int | None = None, year_to: int | None = None,
                   publisher: Annotated[list[str] | None, Query()] = None,
                   kind: Annotated[list[str] | None, Query()] = None, section: int | None = None,
                   sort: str = "relevance", page: int = 1, limit: int = 20) -> JSONResponse:
        params, q_, result, error = _search(request)
        if error:
            return JSONResponse({"error": error}, status_code=400 if error.startswith("检索式") else 503)
        assert result is not None
        return JSONResponse(result_json(result))

    # ------------------------------------------------------------------ documents
    def _document(request: Request, document_id: int):
        version = _int(request.query_params.get("version"), "version", 1, MAX_ID)
        with state.db.session() as session:
            view = load_document(session, document_id, version)
        if view is None:
            raise NotFound("文件不存在")
        if version is not None and version not in {v.id for v in view.versions}:
            raise NotFound("该文件没有这个版本")
        return view

    @app.get("/doc/{document_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, document_id: Annotated[int, PathParam(ge=1, le=MAX_ID)]) -> HTMLResponse:
        return page(request, "document.html", "search", doc=_document(request, document_id))

    @app.get("/api/documents/{document_id}", tags=["documents"], summary="文件详情")
    def document_api(request: Request, document_id: Annotated[int, PathParam(ge=1, le=MAX_ID)],
                     version: int | None = None) -> JSONResponse:
        return JSONResponse(json_plain(asdict(_document(request, document_id))))

    @app.get("/doc/{document_id}/diff", response_class=HTMLResponse, include_in_schema=False)
    def diff_page(request: Request, document_id: Annotated[int, PathParam(ge=1, le=MAX_ID)]) -> HTMLResponse:
        a = _int(request.query_params.get("a"), "a", 1, MAX_ID)
        b = _int(request.query_params.get("b"), "b", 1, MAX_ID)
        if a is None or b is None:
            raise BadRequest("请指定要对比的两个版本（参数 a 和 b）")
        with state.db.session() as session:
            view = load_document(session, document_id)
            if view is None or {a, b} - {v.id for v in view.versions}:
                raise NotFound("该文件没有这个版本")
            table = version_diff(session, a, b)
            changes = figure_changes(session, a, b)
        return page(request, "diff.html", "search", doc=view, table=table, a=a, b=b, changes=changes)

    @app.get("/archive/{capture_id}", include_in_schema=False)
    def archived_copy(capture_id: Annotated[int, PathParam(ge=1, le=MAX_ID)]) -> Response:
        with state.db.session() as session:
            cap = capture_row(session, capture_id)
        if cap is None:
            raise NotFound("存档不存在")
        try:
            raw = state.rawstore.read(cap.warc_file, cap.warc_offset, sha256=cap.sha256, size=cap.size)
        except (RawStoreError, OSError, ValueError) as exc:
            raise HTTPException(410, "存档无法读取：存档文件缺失或已损坏") from exc
        content_type = cap.content_type or "application/octet-stream"
        if content_type.startswith(("text/html", "text/plain")):
            # The bytes as crawled, labelled with the charset the parser decoded them with (a GBK page is not UTF-8).
            content_type = f"{content_type.split(';')[0].strip()}; charset={decode_bytes(raw.body, content_type).encoding}"
        headers = {"Content-Security-Policy": ARCHIVE_CSP, "X-Content-Type-Options": "nosniff",
                   "Cache-Control": "private, max-age=3600"}
        if not content_type.startswith(("text/html", "text/plain", "application/pdf", "image/")):
            headers["Content-Disposition"] = f'attachment; filename="capture-{cap.id}"'
        return Response(raw.body, media_type=content_type, headers=headers)

    # ------------------------------------------------------------------ timeliness
    def _grid(first: int, last: int, portal: str | None):
        with state.db.session() as session:
            reports = [timeliness_report(session, y, portal) for y in range(first, last + 1)]
        units: dict[str, dict[int, Any]] = {}
        for rep in reports:
            for row in rep.rows:
                units.setdefault(row.unit_name, {})[row.report_year] = row
        return reports, units

    def _years(request: Request) -> tuple[int, int]:
        this_year = dt.date.today().year
        last = _int(request.query_params.get("to"), "to", 2008, 2100) or this_year - 1
        first = _int(request.query_params.get("from"), "from", 2008, 2100) or max(2008, last - 7)
        if request.query_params.get("year"):  # one year, as /timeliness.csv takes it
            first = last = _int(request.query_params.get("year"), "year", 2008, 2100) or last
        if first > last or last - first > 30:
            raise BadRequest("年份范围无效")
        return first, last

    @app.get("/timeliness", response_class=HTMLResponse, include_in_schema=False)
    def timeliness_page(request: Request, portal: str | None = None) -> HTMLResponse:
        first, last = _years(request)
        reports, units = _grid(first, last, portal)
        years = list(range(first, last + 1))
        kinds = sorted({row.unit_kind for rep in reports for row in rep.rows})
        series = [("全县", [rep.summary.on_time_rate for rep in reports])]
        series += [(zh.UNIT_KINDS_ZH.get(kind, "其他单位"),
                    [summarize([r for r in rep.rows if r.unit_kind == kind]).on_time_rate for rep in reports])
                   for kind in kinds]
        chart = line_chart(years, series, percent=True, bold=frozenset({"全县"}), title="各年度按时发布率")
        unit_ids = {row.unit_name: row.unit_id for rep in reports for row in rep.rows}
        return page(request, "timeliness.html", "timeliness", reports=reports, units=units, unit_ids=unit_ids,
                    years=years, first=first, last=last, chart=chart, portal=portal)

    def _unit_year(unit_id: int, year: int):
        if not 2008 <= year <= 2100:
            raise NotFound("该年度没有适用的年度报告发布期限（年度报告自 2008 年度起发布）")
        with state.db.session() as session:
            unit = session.get(Unit, unit_id)
            if unit is None:
                raise NotFound("单位不存在")
            rows = [r for r in unit_year(session, unit.name, year) if r.unit_id == unit_id]
        if not rows:
            raise NotFound("该单位该年度无需发布年度报告")
        return unit, rows[0]

    @app.get("/timeliness/{unit_id}/{year}", response_class=HTMLResponse, include_in_schema=False)
    def evidence_page(request: Request, unit_id: Annotated[int, PathParam(ge=1, le=MAX_ID)],
                      year: Annotated[int, PathParam(ge=1, le=9999)]) -> HTMLResponse:
        unit, row = _unit_year(unit_id, year)
        return page(request, "evidence.html", "timeliness", row=row, unit=unit)

    @app.get("/timeliness/{unit_id}/{year}/evidence.zip", include_in_schema=False)
    def evidence_zip(unit_id: Annotated[int, PathParam(ge=1, le=MAX_ID)],
                     year: Annotated[int, PathParam(ge=1, le=9999)]) -> Response:
        unit, _row = _unit_year(unit_id, year)
        body = evidence_archive(state.db, state.rawstore, unit.name, year)
        return Response(body, media_type="application/zip", headers={
            "Content-Disposition": f'attachment; filename="evidence-{unit_id}-{year}.zip"'})

    def _timeliness_rows(request: Request):
        year = _int(request.query_params.get("year"), "year", 2008, 2100)
        if year is None:
            raise BadRequest("缺少参数 year（报告年度）")
        with state.db.session() as session:
            return timeliness_report(session, year, request.query_params.get("portal") or None)

    @app.get("/timeliness.csv", include_in_schema=False)
    def timeliness_csv(request: Request) -> Response:
        rep = _timeliness_rows(request)
        year = rep.year
        rows = [[r.portal, r.unit_name, r.unit_kind, r.report_year, r.status, r.days_late if r.days_late is not None
                 else "", r.deadline.isoformat(), ";".join(r.flags),
                 r.report.judged_at.isoformat() if r.report else "", r.report.url if r.report else ""]
                for r in rep.rows]
        return _csv_response(["portal", "unit", "unit_kind", "report_year", "status", "days_late", "deadline",
                              "flags", "date_used", "url"], rows, f"timeliness-{year}.csv")

    @app.get("/api/timeliness", tags=["timeliness"], summary="年度报告发布及时性")
    def timeliness_api(request: Request, year: int, portal: str | None = None) -> JSONResponse:
        rep = _timeliness_rows(request)
        return JSONResponse({"year": rep.year, "as_of": rep.as_of.isoformat(), "summary": asdict(rep.summary),
                             "rows": [row_json(r) for r in rep.rows]})

    # ------------------------------------------------------------------ figures
    labels = key_labels()

    def _figures(request: Request):
        key = request.query_params.get("key") or "requests.new.total"
        if len(key) > 120 or not FIGURE_KEY.fullmatch(key):
            raise BadRequest("统计项键名无效：应为统计项的键（如 requests.new.total），或以 .* 结尾的前缀（如 requests.new.*）")
        years = None
        yf, yt = (_int(request.query_params.get(k), k, 1990, 2100) for k in ("year_from", "year_to"))
        if yf or yt:
            years = (yf or 1990, yt or 2100)
        publishers = [p for p in request.query_params.getlist("publisher") if p][:20]
        portal = request.query_params.get("portal") or None
        with state.db.session() as session:
            matched = figure_count(session, key, years=years, portal=portal)
            if matched > FIGURES_CAP:
                raise BadRequest(f"该统计项共匹配 {matched} 个数字，超过单次查询上限 {FIGURES_CAP}："
                                 "请选择更具体的统计项或缩小年度范围")
            rows = figure_rows(session, key, years=years, publishers=publishers, portal=portal)
            keys = sorted(set(session.scalars(select(Figure.key).distinct())))
        return key, rows, keys

    @app.get("/figures", response_class=HTMLResponse, include_in_schema=False)
    def figures_page(request: Request) -> HTMLResponse:
        key, rows, keys = _figures(request)
        wide = wide_table(rows)
        view = figures_view(wide, request.query_params.getlist("unit"))
        kept = {k: request.query_params.get(k) for k in ("year_from", "year_to", "portal")}
        return page(request, "figures.html", "figures", key=key, label=labels.get(key, "统计数字"), wide=wide,
                    keys=[(k, labels.get(k, k)) for k in keys], view=view,
                    chart=line_chart(wide.years, view.series, bold=frozenset({COUNTY_TOTAL}),
                                     title=f"{labels.get(key, '统计数字')}：历年数值"),
                    csv_url=_url("/figures.csv", {"key": key, **kept}))

    @app.get("/figures.csv", include_in_schema=False)
    def figures_csv(request: Request) -> Response:
        key, rows, _ = _figures(request)
        return _csv_response(["portal", "unit", "report_year", "key", "value", "raw", "unit_of_measure",
                              "document_id", "url"],
                             [[r.portal, r.unit, r.report_year, r.key, "" if r.value is None else r.value, r.raw,
                               r.measure or "", r.document_id, r.url] for r in rows], "figures.csv")

    @app.get("/api/figures", tags=["figures"], summary="统计数字")
    def figures_api(request: Request, key: str = "requests.new.total", offset: int = 0,
                    limit: int = FIGURES_PAGE) -> JSONResponse:
        offset = _int(request.query_params.get("offset"), "offset", 0, FIGURES_CAP) or 0
        limit = _int(request.query_params.get("limit"), "limit", 1, FIGURES_PAGE) or FIGURES_PAGE
        key, rows, _ = _figures(request)
        next_url = None
        if offset + limit < len(rows):
            pairs = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]
            next_url = "/api/figures?" + urlencode([*pairs, ("offset", str(offset + limit))])
        return JSONResponse({"key": key, "label": labels.get(key), "total": len(rows), "offset": offset,
                             "limit": limit, "next": next_url,
                             "rows": [json_plain(asdict(r)) for r in rows[offset:offset + limit]]})

    # ------------------------------------------------------------------ status
    def _health():
        with state.db.session() as session:
            return archive_health(session, config.portals, expected_interval_hours=config.expected_interval_hours)

    @app.get("/status", response_class=HTMLResponse, include_in_schema=False)
    def status_page(request: Request) -> HTMLResponse:
        return page(request, "status.html", "status", portals=_health())

    @app.get("/api/status", tags=["status"], summary="各门户抓取状态")
    def status_api() -> JSONResponse:
        return JSONResponse({"portals": [p.to_dict() for p in _health()]})

    add_inspection_routes(app, state, config, page, _csv_response)
    # ------------------------------------------------------------------ comparisons
    @app.get("/unit/{unit_id}", response_class=HTMLResponse, include_in_schema=False)
    def unit_page(request: Request, unit_id: Annotated[int, PathParam(ge=1, le=MAX_ID)]) -> HTMLResponse:
        a = _int(request.query_params.get("a"), "a", 2008, 2100)
        b = _int(request.query_params.get("b"), "b", 2008, 2100)
        with state.db.session() as session:
            comparison = unit_comparison(session, unit_id, a, b)
        if comparison is None:
            raise NotFound("单位不存在")
        return page(request, "unit.html", "timeliness", cmp=comparison)

    app.add_middleware(HeadAsGet)
    return app
