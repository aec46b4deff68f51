"""Compare a ParsedDocument with the replica's ground truth (shared by the replica tests)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from archive.parse.model import ParsedDocument


def nows(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass
class Tally:
    """Per-field accuracy counters."""

    ok: Counter = field(default_factory=Counter)
    total: Counter = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    def record(self, name: str, good: bool, what: str) -> None:
        self.total[name] += 1
        if good:
            self.ok[name] += 1
        elif len(self.misses) < 500:
            self.misses.append(f"{name}: {what}")

    def report(self) -> str:
        return "\n".join(f"  {k:<12} {self.ok[k]}/{self.total[k]} = {100 * self.ok[k] / self.total[k]:.1f}%"
                         for k in sorted(self.total))

    def perfect(self) -> bool:
        return all(self.ok[k] == self.total[k] for k in self.total)


def compare_sections(t: Tally, doc: ParsedDocument, expected, where: str) -> None:
    got = {s.number: s for s in doc.sections}
    for sec in expected:
        p = got.get(sec.number)
        good = p is not None and nows(p.heading) == nows(sec.heading) and nows(sec.text) in nows(p.text)
        t.record("sections", good, f"{where} §{sec.number} {sec.heading!r} got "
                                   f"{(p.heading, p.text[:80]) if p else None}")
    extra = set(got) - {s.number for s in expected}
    t.record("no_extra_sec", not extra, f"{where} extra sections {sorted(extra)}")


def compare_figures(t: Tally, doc: ParsedDocument, figures: dict, raw: dict, where: str) -> None:
    for key, value in figures.items():
        f = doc.figure(key)
        good = f is not None and (f.value == value or (f.value is not None and value is not None
                                                       and abs(f.value - value) < 1e-6))
        t.record("figures", good, f"{where} {key}={value!r} raw={raw.get(key)!r} got "
                                  f"{(f.value, f.raw) if f else None}")
    extra = [f.key for f in doc.figures if f.table in ("A", "B", "C", "local") and f.key not in figures]
    t.record("no_extra_fig", not extra, f"{where} extra figures {extra[:5]}")
