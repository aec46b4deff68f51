"""What a zero-configuration crawl learned about a portal, kept to draft a profile from it.

``disclosure profile draft URL`` runs the portal spider with the zero-configuration profile in survey mode: it
reads hubs, unit pages and the first page of every list (and of every list API), never documents, and notes here
each choice it made and the page that made it. ``crawler.draft`` turns a survey into a profile a person reviews.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class ColumnFinding:
    """A column link followed: its kind, URL, link text and the page that linked it."""

    kind: str
    url: str
    text: str
    found_on: str


@dataclass
class UnitFinding:
    """A unit link: the unit's name, its page, the page listing it, and whether its page is its list."""

    name: str
    url: str
    found_on: str
    page_is_list: bool | None = None


@dataclass
class ListFinding:
    """One list page read: entries by the rule that accepted them, list APIs and drivers that served it."""

    url: str
    unit: str | None = None  # the unit whose list it is, when known
    entries: int = 0
    by_pattern: dict[str, int] = field(default_factory=dict)  # detail pattern -> entries it matched
    by_dated_rows: int = 0  # entries accepted only for the date in their row
    apis: list[str] = field(default_factory=list)
    jpage: bool = False
    create_page_html: bool = False
    paging: str = ""  # the template read or probed, when any


@dataclass
class Survey:
    """Everything one survey crawl noted."""

    start_url: str
    unit_lists: dict[str, str] = field(default_factory=dict)  # page -> why it is a unit list
    hubs: dict[str, str] = field(default_factory=dict)  # page -> why it was followed
    units: dict[str, UnitFinding] = field(default_factory=dict)
    columns: dict[str, ColumnFinding] = field(default_factory=dict)
    lists: dict[str, ListFinding] = field(default_factory=dict)

    def list_finding(self, url: str) -> ListFinding:
        return self.lists.setdefault(url, ListFinding(url))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Survey:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(start_url=data["start_url"], unit_lists=data["unit_lists"], hubs=data["hubs"],
                   units={k: UnitFinding(**v) for k, v in data["units"].items()},
                   columns={k: ColumnFinding(**v) for k, v in data["columns"].items()},
                   lists={k: ListFinding(**v) for k, v in data["lists"].items()})
