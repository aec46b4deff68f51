"""Plain JSON values from the archive's dataclass dumps (dates and date-times as ISO strings)."""

from __future__ import annotations

import datetime as dt
from typing import Any


def json_plain(value: Any) -> Any:
    """``value`` with every date / date-time (in dicts, lists, tuples) as an ISO string, ready for json.dumps."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: json_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_plain(v) for v in value]
    return value
