"""The national website-inspection thresholds (国办秘函〔2019〕19号, shared/domain/README.md §7) as configuration.

Pure data: ``disclosure.config`` reads a province's stricter values from ``[inspection]`` in the configuration
file; ``archive.inspection`` applies them.
"""

from __future__ import annotations

from dataclasses import dataclass

PASS, FAIL = "合格", "不合格"
# The single-veto rules, in the order a verdict names the deciding one.
RULES = ("unreachable", "stale_columns", "long_unupdated", "empty_columns")
RULE_TEXT = {
    "unreachable": "站点无法访问 (site unreachable during monitoring)",
    "stale_columns": "动态要闻类栏目超过2周未更新、通知公告政策文件类栏目超过6个月未更新 (stale news and notice columns)",
    "long_unupdated": "应更新但长期未更新的栏目 (columns not updated for a long time)",
    "empty_columns": "空白栏目 (empty columns)",
}
# Which rule a column finding counts for.
FINDING_RULE = {"stale_news": "stale_columns", "stale_notice": "stale_columns", "stale_long": "long_unupdated",
                "empty": "empty_columns"}


@dataclass
class Thresholds:
    """Periods (days) per column kind, single-veto counts, and the monitoring window (national defaults)."""

    news_days: int = 14  # 动态/要闻: two weeks
    notice_days: int = 183  # 通知公告/政策文件: six months
    personnel_planning_days: int = 365  # 人事/规划计划: provinces set it; a year by default
    annual_report_days: int = 456  # 年报: one report a year, due by March 31 (fifteen months)
    stale_columns: int = 5  # news + notice columns past their period: this many or more → 不合格
    long_unupdated: int = 10  # personnel/planning/annual-report columns past their period
    empty_columns: int = 5  # columns empty since they opened
    window_days: int = 90  # the monitoring window (a quarter) for reachability
    unreachable_share: float = 0.1  # more than this share of runs with a failed page → 不合格

    def period(self, kind: str) -> int | None:
        """Days a column of ``kind`` may go without a new entry (None: no period, only the empty check)."""
        return {"news": self.news_days, "notice": self.notice_days,
                "personnel_planning": self.personnel_planning_days,
                "annual_report": self.annual_report_days}.get(kind)

    def limit(self, rule: str) -> float:
        """The single-veto threshold of ``rule``."""
        return {"unreachable": self.unreachable_share, "stale_columns": self.stale_columns,
                "long_unupdated": self.long_unupdated, "empty_columns": self.empty_columns}[rule]

    def breaks(self, rule: str, value: float) -> bool:
        """Whether ``value`` (a count, or a share for reachability) breaks ``rule``."""
        return value > self.unreachable_share if rule == "unreachable" else value >= self.limit(rule)
