"""The outcome of one crawl: what ``run_crawl`` returns and what the crawl prints at the end."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

STATUSES = ("ok", "failed", "blocked", "interrupted", "locked")


@dataclass
class CrawlSummary:
    """Counts of one crawl (``status`` ∈ ok | failed | blocked | interrupted | locked)."""

    profile: str
    status: str
    run_id: int | None = None
    finish_reason: str = ""
    requests: int = 0
    pages: int = 0  # responses received (pages and files)
    list_entries: int = 0
    documents_seen: int = 0
    new_documents: int = 0
    new_versions: int = 0
    new_captures: int = 0
    revisits: int = 0
    unchanged: int = 0
    not_modified: int = 0
    skipped_fresh: int = 0
    bytes: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    duration_s: float = 0.0
    message: str = ""
    # Responses per fetch tier ("plain": Scrapy's HTTP client; "browser": Chromium), and browser page visits.
    pages_by_tier: dict[str, int] = field(default_factory=dict)
    browser_visits: int = 0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> CrawlSummary:
        return cls(**json.loads(Path(path).read_text(encoding="utf-8")))

    def render(self) -> str:
        """The one-screen summary printed at the end of a crawl."""
        mb = self.bytes / 1e6
        lines = [
            f"crawl {self.profile}: {self.status} ({self.finish_reason or '-'})  run #{self.run_id}  "
            f"{self.duration_s:.1f}s",
            f"  requests {self.requests}   responses {self.pages}   list entries {self.list_entries}   "
            f"documents seen {self.documents_seen}",
            f"  new captures {self.new_captures} ({mb:.2f} MB, {self.revisits} identical payloads as revisits)   "
            f"new documents {self.new_documents}   new versions {self.new_versions}",
            f"  unchanged {self.unchanged}   304 not modified {self.not_modified}   "
            f"not re-requested (fresh) {self.skipped_fresh}",
        ]
        if self.pages_by_tier.get("browser") or self.browser_visits:
            lines.append(f"  by tier: plain {self.pages_by_tier.get('plain', 0)}   browser "
                         f"{self.pages_by_tier.get('browser', 0)} ({self.browser_visits} browser visits)")
        if self.errors:
            lines.append("  errors: " + ", ".join(f"{k} {v}" for k, v in sorted(self.errors.items())))
        else:
            lines.append("  errors: none")
        if self.message:
            lines.append(f"  {self.message}")
        return "\n".join(lines)
