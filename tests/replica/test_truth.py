"""Publication truth: planted cases exist, classifications follow the documented rule, manifests round-trip."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from disclosure.replica.manifest import load_manifest
from disclosure.replica.site import build_site


def _judge(year: int, deadline: str, day: str) -> tuple[str, int | None]:
    d, due = dt.date.fromisoformat(day), dt.date.fromisoformat(deadline)
    if d < dt.date(year + 1, 1, 1):
        return "early_suspicious", None
    return ("late", (d - due).days) if d > due else ("on_time", 0)


def test_expected_status_follows_the_documented_rule(replica_manifest):
    m = replica_manifest
    reports = [d for d in m.documents if d.kind == "annual_report"]
    for d in reports:
        claimed, appears = d.versions[0].claimed_published_at[:10], d.first_appears_at[:10]
        backdated = claimed < appears
        assert ("backdated" in d.expected_flags) == backdated, d.id
        assert (d.expected_status, d.days_late) == _judge(d.report_year, d.deadline, appears if backdated else claimed)
        assert d.expected_status_claimed == _judge(d.report_year, d.deadline, claimed)[0]
        unit = m.unit(d.unit)
        due_month = 1 if d.report_year >= 2019 and unit.kind == "bureau" else 3
        assert d.deadline == f"{d.report_year + 1}-{due_month:02d}-{31:02d}"
        assert ("edited_after_publication" in d.expected_flags) == (len(d.versions) > 1)
    statuses = Counter(d.expected_status for d in reports)
    flags = Counter(f for d in reports for f in d.expected_flags)
    assert statuses["on_time"] > statuses["late"] > 10 and statuses["early_suspicious"] >= 2
    assert flags["backdated"] >= 3 and flags["edited_after_publication"] >= 3 and flags["duplicate"] >= 2
    assert any(d.expected_status == "late" and "backdated" in d.expected_flags for d in reports)


def test_every_unit_year_has_one_report_unless_missing_or_duplicate(replica_manifest):
    m = replica_manifest
    per_slot = Counter((d.unit, d.report_year) for d in m.documents if d.kind == "annual_report")
    missing = set(m.missing_reports)
    assert len(missing) >= 3
    for unit in m.units:
        for year in range(2008, 2026):
            exists = (unit.created_year or 0) <= year <= (unit.abolished_year or 9999)
            want = 0 if not exists or (unit.code, year) in missing else 1
            got = per_slot[(unit.code, year)]
            assert got == want or (got == 2 and want == 1), (unit.code, year)
    dupes = [k for k, n in per_slot.items() if n == 2]
    assert dupes and all("duplicate" in d.expected_flags for d in m.documents
                         if (d.unit, d.report_year) in dupes and d.kind == "annual_report")
    reorganised = [u for u in m.units if u.predecessor]
    assert reorganised and all(m.unit(u.predecessor).abolished_year == u.created_year - 1 for u in reorganised)
    assert len([u for u in m.units if u.kind == "bureau"]) >= 30


def test_manifest_round_trips_and_generation_is_deterministic(replica_manifest, tmp_path):
    path = tmp_path / "m.json"
    replica_manifest.save(path)
    assert load_manifest(path) == replica_manifest
    a, b = build_site(seed=1), build_site(seed=1)
    assert [(d.id, d.docid, d.claimed_at, d.versions) for d in a.docs] == \
        [(d.id, d.docid, d.claimed_at, d.versions) for d in b.docs]
    other = build_site(seed=2)
    assert [d.claimed_at for d in other.docs] != [d.claimed_at for d in a.docs]


def test_scale_multiplies_units_quickly():
    site = build_site(seed=1, scale=10)
    base = build_site(seed=1, scale=1)
    assert len(site.units) == 10 * len(base.units)
    assert len(site.docs) > 8 * len(base.docs)
    assert site.build_seconds < 10
    assert len({u.name for u in site.units}) == len(site.units)
