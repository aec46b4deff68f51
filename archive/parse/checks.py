"""Consistency checks on a document's figures (rule names: docs/architecture.md "Consistency rule names").

A check is recorded only when every figure it needs has a number. ``cross_year`` checks need two documents;
the ingest runs them on the database with :func:`cross_year_checks`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from archive.parse.figures import B_COLUMNS
from archive.parse.model import ParsedCheck, ParsedFigure

APPLICANTS = B_COLUMNS[:-1]
RESULT_LEAVES = [
    "result.disclosed", "result.partly_disclosed",
    *(f"result.withheld.{x}" for x in ("state_secret", "prohibited_by_law", "security_stability", "third_party",
                                        "internal_affairs", "process_info", "enforcement_file", "query_matter")),
    *(f"result.unavailable.{x}" for x in ("not_held", "needs_creation", "unclear")),
    *(f"result.not_processed.{x}" for x in ("petition", "repeated", "publication", "mass_repeated", "confirmation")),
]
OTHER_2021 = ["result.other.no_correction", "result.other.unpaid_fee", "result.other.other"]
C_GROUPS = ["review", "litigation.direct", "litigation.after_review"]
TOLERANCE = 1e-6

Figures = Mapping[str, float | None]


def as_values(figures: Iterable[ParsedFigure] | Figures) -> dict[str, float | None]:
    """``key → value`` from ParsedFigures or an existing mapping (first figure per key wins)."""
    if isinstance(figures, Mapping):
        return dict(figures)
    out: dict[str, float | None] = {}
    for f in figures:
        out.setdefault(f.key, f.value)
    return out


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _check(rule: str, left: list[str], right: list[str], values: Figures) -> ParsedCheck | None:
    needed = left + right
    if any(values.get(k) is None for k in needed):
        return None
    lv = sum(values[k] for k in left)  # type: ignore[misc]
    rv = sum(values[k] for k in right)  # type: ignore[misc]
    ok = abs(lv - rv) < TOLERANCE
    detail = f"{' + '.join(k for k in left)} = {_fmt(lv)}; {' + '.join(k for k in right)} = {_fmt(rv)}"
    return ParsedCheck(rule=rule, ok=ok, detail=detail if len(detail) < 400 else f"{_fmt(lv)} vs {_fmt(rv)}")


def _b_rows(values: Figures) -> list[str]:
    rows: list[str] = []
    for key in values:
        if key.startswith("requests.") and key.endswith(".total"):
            row = key[len("requests."):-len(".total")]
            if row not in rows:
                rows.append(row)
    return rows


def run_checks(figures: Iterable[ParsedFigure] | Figures) -> list[ParsedCheck]:
    """Every within-document rule whose figures are all present with numbers."""
    values = as_values(figures)
    out: list[ParsedCheck | None] = []
    r = "requests."
    for col in B_COLUMNS:
        out.append(_check(f"B.column_balance.{col}", [f"{r}new.{col}", f"{r}carried_in.{col}"],
                          [f"{r}result.total.{col}", f"{r}carried_out.{col}"], values))
    for row in _b_rows(values):
        out.append(_check(f"B.row_total.{row}", [f"{r}{row}.total"], [f"{r}{row}.{c}" for c in APPLICANTS], values))
    has_other_leaves = any(k.startswith((f"{r}result.other.no_correction.", f"{r}result.other.unpaid_fee.",
                                         f"{r}result.other.other.")) for k in values)
    leaves = RESULT_LEAVES + (OTHER_2021 if has_other_leaves else ["result.other"])
    for col in B_COLUMNS:
        out.append(_check(f"B.result_total.{col}", [f"{r}result.total.{col}"], [f"{r}{x}.{col}" for x in leaves],
                          values))
    for group in C_GROUPS:
        out.append(_check(f"C.{group}.total", [f"{group}.total"],
                          [f"{group}.{o}" for o in ("upheld", "corrected", "other", "pending")], values))
    for key in [k for k in values if k.startswith("text.")]:
        target = key[len("text."):]
        if target in values:
            out.append(_check(f"text.{target}", [key], [target], values))
    return [c for c in out if c is not None]


def cross_year_checks(prev_figures: Iterable[ParsedFigure] | Figures,
                      next_figures: Iterable[ParsedFigure] | Figures) -> list[ParsedCheck]:
    """``carried_out`` of year Y (``prev_figures``) against ``carried_in`` of Y+1 (``next_figures``), per column."""
    prev, nxt = as_values(prev_figures), as_values(next_figures)
    out: list[ParsedCheck] = []
    for col in B_COLUMNS:
        a, b = prev.get(f"requests.carried_out.{col}"), nxt.get(f"requests.carried_in.{col}")
        if a is None or b is None:
            continue
        out.append(ParsedCheck(rule=f"cross_year.carried.{col}", ok=abs(a - b) < TOLERANCE,
                               detail=f"carried_out {_fmt(a)} (year Y) vs carried_in {_fmt(b)} (year Y+1)"))
    return out
