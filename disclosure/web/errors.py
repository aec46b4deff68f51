"""How the web interface answers a request it cannot serve: never a 500 for bad input, never an echo of it.

HTML routes answer with a Chinese page that keeps the navigation; routes under ``/api/`` answer
``{"error": "…"}``. Unknown pages and ids (including ids beyond SQLite's 64-bit integers) are 404; parameters out
of bounds, unknown portals and years no deadline rule covers are 400. A request's own text is never repeated
back in full (FastAPI's 422 body would echo a 100 KB query).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from archive.deadlines import NoDeadlineRule
from archive.timeliness import UnknownPortal, UnknownUnit

log = logging.getLogger(__name__)

# SQLite (and PostgreSQL bigint) integers: a larger id cannot name a row, and SQLite raises OverflowError on it.
MAX_ID = 2**63 - 1

TITLES = {400: "请求有误", 404: "页面不存在", 405: "不支持的请求方法", 410: "存档无法读取", 500: "服务器内部错误",
          503: "暂时无法提供服务"}
# Parameter names as a person reads them (FastAPI reports the name of the parameter that failed validation).
PARAM_ZH = {"year": "年度", "from": "起始年度", "to": "截止年度", "year_from": "起始年度", "year_to": "截止年度",
            "page": "页码", "limit": "每页条数", "section": "章节", "version": "版本", "a": "版本 a", "b": "版本 b",
            "key": "统计项", "q": "检索式", "offset": "起始位置", "unit": "单位", "unit_id": "单位编号"}


class BadRequest(Exception):
    """A request parameter is out of bounds; answered with 400 and a message in Chinese."""


class NotFound(Exception):
    """Nothing exists at this address; answered with 404 and a message in Chinese."""


def is_api(request: Request) -> bool:
    """Whether ``request`` is for the JSON API (errors as JSON) rather than a page."""
    return request.url.path.startswith("/api/")


def install_error_handlers(app: FastAPI, templates: Jinja2Templates) -> None:
    """Register every handler: each error becomes a Chinese page or a JSON object with its proper status."""

    def answer(request: Request, status: int, message: str) -> Response:
        if is_api(request):
            return JSONResponse({"error": message}, status_code=status)
        return templates.TemplateResponse(
            request, "error.html", {"message": message, "title": TITLES.get(status, "请求有误"), "nav": "",
                                    "status": status}, status_code=status)

    @app.exception_handler(BadRequest)
    async def bad_request(request: Request, exc: BadRequest):
        return answer(request, 400, str(exc))

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound):
        return answer(request, 404, str(exc))

    @app.exception_handler(UnknownPortal)
    async def unknown_portal(request: Request, exc: UnknownPortal):
        return answer(request, 404, "没有这个门户（参数 portal）")

    @app.exception_handler(UnknownUnit)
    async def unknown_unit(request: Request, exc: UnknownUnit):
        return answer(request, 404, "没有这个单位")

    @app.exception_handler(NoDeadlineRule)
    async def no_rule(request: Request, exc: NoDeadlineRule):
        return answer(request, 400, "该年度没有适用的年度报告发布期限（年度报告自 2008 年度起发布）")

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        first = errors[0] if errors else {}
        loc = [str(p) for p in first.get("loc", ())]
        name = loc[-1] if loc else ""
        if loc and loc[0] == "path":
            return answer(request, 404, "页面不存在")
        label = PARAM_ZH.get(name, "")
        kind = str(first.get("type", ""))
        if "too_long" in kind:
            text = f"参数{label or ''}过长"
        elif kind == "missing":
            text = f"缺少参数{label}（{name}）" if label else "缺少必需的参数"
        else:
            text = f"参数{label}（{name}）的值无效" if label else "参数的值无效"
        return answer(request, 400, text)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        status = exc.status_code
        detail = exc.detail if isinstance(exc.detail, str) and not exc.detail.isascii() else TITLES.get(status, "请求有误")
        response = answer(request, status, detail)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        # Whatever slipped through: logged with its traceback, answered as a page, never the traceback.
        log.exception("unexpected error on %s", request.url.path)
        return answer(request, 500, "服务器内部错误，已记录。请稍后再试或换一个请求。")


class HeadAsGet:
    """ASGI middleware: HEAD is served by the GET route with the body dropped (headers, length and status kept).

    FastAPI routes only the methods a route declares; declaring HEAD on each would also double every operation in
    the OpenAPI document.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body"):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app(dict(scope, method="GET"), receive, headers_only)
