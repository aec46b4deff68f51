"""Figures of the three statistics tables: canonical keys, consistent generation, the consistency rules.

Keys follow /work/shared/domain/README.md §3. Values are integers except money; generation keeps every
rule of docs/architecture.md ("Consistency rule names") true, then :func:`plant_inconsistency` breaks
one on purpose and reports exactly the rules that now fail (computed with :func:`failing_rules`).
"""

from __future__ import annotations

import random

B_COLUMNS = ("natural_person", "business", "research", "public_interest", "legal_service", "other_org")
B_ALL_COLUMNS = (*B_COLUMNS, "total")

WITHHELD = ("state_secret", "prohibited_by_law", "security_stability", "third_party", "internal_affairs",
            "process_info", "enforcement_file", "query_matter")
UNAVAILABLE = ("not_held", "needs_creation", "unclear")
NOT_PROCESSED = ("petition", "repeated", "publication", "mass_repeated", "confirmation")
OTHER_SPLIT = ("no_correction", "unpaid_fee", "other")

C_OUTCOMES = ("upheld", "corrected", "other", "pending")
C_GROUPS = ("review", "litigation.direct", "litigation.after_review")

A_KEYS_2021 = (
    "active.rules.issued", "active.rules.repealed", "active.rules.in_force",
    "active.normative_docs.issued", "active.normative_docs.repealed", "active.normative_docs.in_force",
    "active.licensing.decisions", "active.penalty.decisions", "active.coercion.decisions",
    "active.fees.amount",
)
_A2019_TRIPLE = ("made", "published", "total_published")
_A2019_ITEMS = ("prev_items", "change", "decisions")
A_KEYS_2019 = (
    *(f"active.rules.{c}" for c in _A2019_TRIPLE),
    *(f"active.normative_docs.{c}" for c in _A2019_TRIPLE),
    *(f"active.licensing.{c}" for c in _A2019_ITEMS),
    *(f"active.other_services.{c}" for c in _A2019_ITEMS),
    *(f"active.penalty.{c}" for c in _A2019_ITEMS),
    *(f"active.coercion.{c}" for c in _A2019_ITEMS),
    "active.fees.prev_items", "active.fees.change",
    "active.procurement.projects", "active.procurement.amount",
)

# Rules the generator may plant (names as in docs/architecture.md); each plant breaks one table cell
# or the stated text figure, and the full list of rules that then fail is what the manifest records.
PLANT_KINDS = ("text", "review_total", "new_total", "result_total")


def b_result_leaves(other_split: bool) -> list[str]:
    """Row keys of the 办理结果 leaf rows, in table order."""
    leaves = ["result.disclosed", "result.partly_disclosed"]
    leaves += [f"result.withheld.{k}" for k in WITHHELD]
    leaves += [f"result.unavailable.{k}" for k in UNAVAILABLE]
    leaves += [f"result.not_processed.{k}" for k in NOT_PROCESSED]
    leaves += [f"result.other.{k}" for k in OTHER_SPLIT] if other_split else ["result.other"]
    return leaves


def b_rows(other_split: bool) -> list[str]:
    """All row keys of table B in table order."""
    return ["new", "carried_in", *b_result_leaves(other_split), "result.total", "carried_out"]


# Weights of how requests end (most are disclosed; a few not held, partly disclosed, …).
_LEAF_WEIGHTS = {
    "result.disclosed": 50, "result.partly_disclosed": 8, "result.withheld.state_secret": 1,
    "result.withheld.third_party": 2, "result.withheld.process_info": 3, "result.withheld.internal_affairs": 1,
    "result.unavailable.not_held": 12, "result.unavailable.needs_creation": 3, "result.unavailable.unclear": 3,
    "result.not_processed.petition": 3, "result.not_processed.repeated": 2, "result.not_processed.publication": 1,
    "result.other.no_correction": 2, "result.other.other": 1, "result.other": 3,
}


def gen_table_b(rng: random.Random, other_split: bool, big: bool) -> dict[str, float | None]:
    """A consistent table B: per column new + carried_in == result.total + carried_out."""
    leaves = b_result_leaves(other_split)
    weights = [_LEAF_WEIGHTS.get(k, 0.3) for k in leaves]
    out: dict[str, float | None] = {}
    zero_table = rng.random() < 0.25 and not big
    # How likely each applicant column is to have requests at all.
    activity = {"natural_person": 0.9, "business": 0.35, "research": 0.05, "public_interest": 0.05,
                "legal_service": 0.12, "other_org": 0.15}
    for col in B_COLUMNS:
        counts = dict.fromkeys(leaves, 0)
        carried_out = carried_in = 0
        if not zero_table and rng.random() < activity[col]:
            n = rng.randint(1, 160 if big and col == "natural_person" else 12)
            for k in rng.choices(leaves, weights=weights, k=n):
                counts[k] += 1
            carried_out = rng.choice((0, 0, 0, 1, 2)) if n > 2 else 0
        total_results = sum(counts.values())
        if total_results + carried_out:
            carried_in = rng.choice((0, 0, 0, 1)) if total_results + carried_out > 1 else 0
        for k, v in counts.items():
            out[f"requests.{k}.{col}"] = float(v)
        out[f"requests.result.total.{col}"] = float(total_results)
        out[f"requests.carried_out.{col}"] = float(carried_out)
        out[f"requests.carried_in.{col}"] = float(carried_in)
        out[f"requests.new.{col}"] = float(total_results + carried_out - carried_in)
    for row in b_rows(other_split):
        out[f"requests.{row}.total"] = float(sum(out[f"requests.{row}.{c}"] or 0 for c in B_COLUMNS))
    return out


def gen_table_c(rng: random.Random, big: bool) -> dict[str, float | None]:
    """Table C: 15 numbers, each group's total the sum of its four outcomes."""
    out: dict[str, float | None] = {}
    for group in C_GROUPS:
        active = rng.random() < (0.7 if big else 0.15)
        vals = [rng.choice((0, 0, 1, 1, 2, 3)) if active else 0 for _ in C_OUTCOMES]
        if big and group == "review" and active:
            vals[0] += rng.randint(2, 9)
        for o, v in zip(C_OUTCOMES, vals, strict=True):
            out[f"{group}.{o}"] = float(v)
        out[f"{group}.total"] = float(sum(vals))
    return out


def gen_table_a(rng: random.Random, fmt: str, big: bool) -> dict[str, float | None]:
    """Table A values (format "2021" or "2019"); bureaus make no 规章, county governments decide a lot."""
    def n(hi: int, p_zero: float = 0.4) -> float:
        return 0.0 if rng.random() < p_zero else float(rng.randint(1, hi))

    mult = 40 if big else 1
    if fmt == "2021":
        docs_in_force = n(60 * (3 if big else 1), 0.3)
        return {
            "active.rules.issued": 0.0, "active.rules.repealed": 0.0, "active.rules.in_force": 0.0,
            "active.normative_docs.issued": n(6), "active.normative_docs.repealed": n(3, 0.7),
            "active.normative_docs.in_force": docs_in_force,
            "active.licensing.decisions": n(300 * mult), "active.penalty.decisions": n(80 * mult),
            "active.coercion.decisions": n(12 * mult, 0.7),
            "active.fees.amount": 0.0 if rng.random() < 0.6 else round(rng.uniform(0.5, 300.0 * mult), 2),
        }
    out: dict[str, float | None] = {}
    for group in ("rules", "normative_docs"):
        made = 0.0 if group == "rules" else n(6)
        out[f"active.{group}.made"] = made
        out[f"active.{group}.published"] = made
        out[f"active.{group}.total_published"] = made + (0.0 if group == "rules" else n(40, 0.3))
    for group in ("licensing", "other_services", "penalty", "coercion"):
        out[f"active.{group}.prev_items"] = n(30 * (5 if big else 1), 0.3)
        out[f"active.{group}.change"] = float(rng.choice((0, 0, 0, 1, 2, -1, -3)))
        out[f"active.{group}.decisions"] = n(200 * mult)
    out["active.fees.prev_items"] = n(8, 0.5)
    out["active.fees.change"] = float(rng.choice((0, 0, 0, -1)))
    out["active.procurement.projects"] = n(12, 0.5)
    out["active.procurement.amount"] = (
        0.0 if not out["active.procurement.projects"] else float(rng.randint(2, 900) * 1000)
    )
    return out


def failing_rules(figures: dict[str, float | None], stated: dict[str, float]) -> list[str]:
    """Names of the consistency rules that fail; a rule is only judged when all its figures are numbers."""
    fails: list[str] = []

    def num(key: str) -> float | None:
        return figures.get(key)

    def judge(rule: str, left: list[str], right: list[str]) -> None:
        vals = [num(k) for k in left + right]
        if any(v is None for v in vals):
            return
        if abs(sum(vals[: len(left)]) - sum(vals[len(left):])) > 1e-9:  # type: ignore[arg-type]
            fails.append(rule)

    if "requests.new.total" in figures:
        other_split = "requests.result.other.other.total" in figures
        leaves = b_result_leaves(other_split)
        for col in B_ALL_COLUMNS:
            judge(f"B.column_balance.{col}",
                  [f"requests.new.{col}", f"requests.carried_in.{col}"],
                  [f"requests.result.total.{col}", f"requests.carried_out.{col}"])
        for row in b_rows(other_split):
            judge(f"B.row_total.{row}", [f"requests.{row}.total"], [f"requests.{row}.{c}" for c in B_COLUMNS])
        for col in B_ALL_COLUMNS:
            judge(f"B.result_total.{col}", [f"requests.result.total.{col}"],
                  [f"requests.{leaf}.{col}" for leaf in leaves])
    if "review.total" in figures:
        for group in C_GROUPS:
            judge(f"C.{group}.total", [f"{group}.total"], [f"{group}.{o}" for o in C_OUTCOMES])
    for key, value in stated.items():
        table_value = figures.get(key)
        if table_value is not None and abs(table_value - value) > 1e-9:
            fails.append(f"text.{key}")
    return fails


def plant_inconsistency(
    rng: random.Random, figures: dict[str, float | None], stated: dict[str, float]
) -> list[str]:
    """Break one figure (in place) so at least one rule fails; return every failing rule, sorted.

    Kinds: the stated 新收 figure in the text differs (``text.requests.new.total``); the 行政复议 总计
    cell is wrong (``C.review.total``); the 新收 总计 cell is wrong (``B.row_total.new`` and
    ``B.column_balance.total``); the 办理结果 总计 cell is wrong (``B.result_total.total`` plus the
    row total and column balance it feeds). Returns [] when nothing can be planted (no tables).
    """
    kinds = list(PLANT_KINDS)
    rng.shuffle(kinds)
    for kind in kinds:
        if kind == "text" and "requests.new.total" in stated and "requests.new.total" in figures:
            stated["requests.new.total"] += rng.choice((1, 2, 3, 5, 10))
        elif kind == "review_total" and "review.total" in figures:
            outcomes = [figures[f"review.{o}"] or 0 for o in C_OUTCOMES]
            if not sum(outcomes):
                figures["review.upheld"] = float(rng.randint(1, 10))
                figures["review.corrected"] = 1.0
            figures["review.total"] = 0.0  # the real "10 1 0 0 0" case: the 总计 cell says 0
        elif kind == "new_total" and "requests.new.total" in figures:
            figures["requests.new.total"] = float((figures["requests.new.total"] or 0) + rng.choice((1, 2, 10)))
        elif kind == "result_total" and "requests.result.total.total" in figures:
            value = float(figures["requests.result.total.total"] or 0)
            figures["requests.result.total.total"] = value + 1 if value < 2 or rng.random() < 0.5 else value - 1
        else:
            continue
        return sorted(failing_rules(figures, stated))
    return []
