"""The website-inspection pages of the web interface: a portal's verdict, failing columns, quarters, CSV.

Routes are added to the application by :func:`add_inspection_routes` (one call in ``create_app``), reading the
same ``archive.inspection`` code as ``disclosure inspect``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from archive.inspection import ROW_COLUMNS, finding_rows, inspect_portals, inspection_json, quarterly_history
from archive.inspection_rules import RULE_TEXT, RULES
from archive.timeliness import UnknownPortal

FINDINGS_ZH = {"stale_news": "动态要闻超期未更新", "stale_notice": "通知公告政策文件超期未更新",
               "stale_long": "长期未更新", "empty": "空白栏目"}
KIND_ZH = {"news": "动态/要闻", "notice": "通知公告/政策文件", "personnel_planning": "人事/规划计划",
           "annual_report": "年报", "other": "其他"}
RULES_ZH = {"unreachable": "站点无法访问", "stale_columns": "栏目不更新（动态2周、通知公告6个月）",
            "long_unupdated": "栏目长期未更新", "empty_columns": "空白栏目"}


def add_inspection_routes(app: FastAPI, state: Any, config: Any, page: Callable[..., HTMLResponse],
                          csv_response: Callable[..., Response]) -> None:
    """Add ``/inspection``, ``/inspection/{portal}``, ``/inspection/{portal}.csv`` and ``/api/inspection``."""

    def _inspect(portal: str | None):
        with state.db.session() as session:
            try:
                return inspect_portals(session, portal, None, config.inspection)
            except UnknownPortal as exc:
                raise HTTPException(404, f"没有这个门户：{portal}") from exc

    @app.get("/inspection", response_class=HTMLResponse, include_in_schema=False)
    def inspection_index(request: Request) -> HTMLResponse:
        return page(request, "inspection.html", "inspection", results=_inspect(None), history=None, **_labels())

    @app.get("/inspection/{portal}.csv", include_in_schema=False)
    def inspection_csv(portal: str) -> Response:
        results = _inspect(portal)
        return csv_response(list(ROW_COLUMNS), [list(r) for r in finding_rows(results)], f"inspection-{portal}.csv")

    @app.get("/inspection/{portal}", response_class=HTMLResponse, include_in_schema=False)
    def inspection_page(request: Request, portal: str) -> HTMLResponse:
        results = _inspect(portal)
        with state.db.session() as session:
            history = [(label, r.verdict, r.failed_rules, r.as_of)
                       for label, r in quarterly_history(session, results[0].portal, config.inspection)]
        return page(request, "inspection.html", "inspection", results=results, history=history, **_labels())

    @app.get("/api/inspection", tags=["inspection"], summary="网站检查：栏目更新、空白栏目、可访问性")
    def inspection_api(portal: str | None = None) -> JSONResponse:
        return JSONResponse({"portals": [inspection_json(r) for r in _inspect(portal)]})


def _labels() -> dict[str, Any]:
    return {"FINDINGS_ZH": FINDINGS_ZH, "KIND_ZH": KIND_ZH, "RULES_ZH": RULES_ZH, "RULES": RULES,
            "RULE_TEXT": RULE_TEXT}
