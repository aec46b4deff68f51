"""Compact per-document specs and the publication truth (when each document really went online).

Everything here is small and cheap: dates, ids, flags. Text, tables and files are produced on request
from these specs (``pages.py`` / ``sources.py``), which keeps ``--scale 10`` fast to build.

Classification rule used for ``expected_status`` (docs/replica.md, "Timeliness truth"): the date judged is the
claimed date on the page, unless the document is backdated (its claimed date is earlier than the day it
first went online), in which case it is the first-appearance date, as a crawler that watched the portal
before publication would have seen it. ``expected_status_claimed`` is what the claimed date alone gives.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from disclosure.replica.units import FIRST_YEAR, LAST_YEAR, Unit

NOW = "2026-11-25T00:00"  # "today" of the replica when no as_of is given
NOTICE_FIRST_YEAR = 2014


@dataclass(frozen=True)
class VersionSpec:
    """One content of a document: online from ``appears_at`` on; ``edit_no`` 0 is the original."""

    appears_at: str  # ISO "YYYY-MM-DDTHH:MM", China time
    edit_no: int = 0


@dataclass
class AttachmentSpec:
    """A file linked from a document page."""

    name: str  # last URL path segment (or downfile.jsp file name) as served
    filename: str  # link text shown to the reader
    file_kind: str  # pdf | docx | doc | xls
    is_report_body: bool = False


@dataclass
class DocSpec:
    """Everything needed to render one document and to state its ground truth."""

    id: str
    docid: int
    kind: str  # annual_report | notice
    unit: str
    column: str  # ndbg | tzgg
    claimed_at: str  # ISO date-time the page claims (PubDate / 发布时间 / list date)
    versions: list[VersionSpec]
    seed: int
    report_year: int | None = None
    format: str | None = None
    delivery: str = "html"  # html | pdf | docx | doc | ofd (白河县) | html_image_tables | scan (a PDF of page images)
    scan_seal: bool = False  # a scan with a red seal over a table
    heading_variant: int = 0
    missing_section: int | None = None
    inconsistent: bool = False
    meta_tags: bool = False
    index_number: str | None = None
    in_central: bool = False  # repeated in /zfxxgk/zfxxgknb/
    attachments: list[AttachmentSpec] = field(default_factory=list)
    deadline: str | None = None
    expected_status: str | None = None
    expected_status_claimed: str | None = None
    days_late: int | None = None
    expected_flags: list[str] = field(default_factory=list)

    @property
    def first_appears_at(self) -> str:
        return self.versions[0].appears_at

    def version_at(self, as_of: str) -> tuple[int, VersionSpec] | None:
        """Index and spec of the version served at ``as_of``; None when not yet online."""
        found = None
        for i, v in enumerate(self.versions):
            if v.appears_at <= as_of:
                found = (i, v)
        return found


def deadline_for(unit: Unit, year: int) -> dt.date:
    """Legal deadline of the report for ``year`` (domain reference §1)."""
    if year >= 2019 and unit.kind == "bureau":
        return dt.date(year + 1, 1, 31)
    return dt.date(year + 1, 3, 31)


def _at(day: dt.date, rng: random.Random) -> str:
    minute = rng.randrange(8 * 60 + 30, 18 * 60)
    return f"{day.isoformat()}T{minute // 60:02d}:{minute % 60:02d}"


def _day_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(0, max(1, (end - start).days + 1)))


def classify(year: int, deadline: dt.date, judged: dt.date) -> tuple[str, int | None]:
    """(status, days_late) for a report of ``year`` judged on ``judged``."""
    if judged < dt.date(year + 1, 1, 1):
        return "early_suspicious", None
    if judged > deadline:
        return "late", (judged - deadline).days
    return "on_time", 0


@dataclass
class Plan:
    """All documents of the site plus the planted trouble."""

    docs: list[DocSpec]
    missing_reports: list[tuple[str, int]]


class _Planner:
    def __init__(self, units: list[Unit], seed: int) -> None:
        self.units = units
        self.seed = seed
        self.rng = random.Random(f"plan:{seed}")
        self.docs: list[DocSpec] = []
        self.next_docid = 100000 + random.Random(f"docid:{seed}").randrange(0, 50000)
        self.serials: dict[tuple[str, int], int] = {}

    def _docid(self) -> int:
        self.next_docid += 1 + self.rng.randrange(0, 7)
        return self.next_docid

    def _index_number(self, unit: Unit, claimed: str, rng: random.Random) -> str | None:
        if rng.random() < (0.2 if unit.dialect == "trs" else 0.45):
            return None
        year = int(claimed[:4])
        serial = self.serials.get((unit.code, year), rng.randrange(1, 40)) + 1 + rng.randrange(0, 5)
        self.serials[(unit.code, year)] = serial
        return f"{unit.org_code}/{year}-{serial:05d}"

    def plan(self) -> Plan:
        slots = [(u, y) for u in self.units for y in range(FIRST_YEAR, LAST_YEAR + 1) if u.exists_in(y)]
        rng = self.rng
        recent = [s for s in slots if s[1] >= 2019 and s[0].kind == "bureau"]
        # Planted trouble: fixed minimum counts so every seed and scale has each case at least once.
        chosen = rng.sample(recent, k=min(len(recent), 12))
        missing = {(u.code, y) for u, y in chosen[0:3]}
        planted = {(u.code, y) for u, y in chosen}
        missing |= {(u.code, y) for u, y in slots if rng.random() < 0.012 and (u.code, y) not in planted
                    and u.kind != "county_government"}
        early = {(u.code, y) for u, y in chosen[3:5]}
        backdated = {(u.code, y) for u, y in chosen[5:9]}
        duplicate = {(u.code, y) for u, y in chosen[9:10]}
        # Keep the per-unit random choices independent from the planted ones above.
        for unit, year in slots:
            key = (unit.code, year)
            if key in missing:
                continue
            self._report(unit, year, early=key in early, backdated=key in backdated)
            if key in duplicate:
                self._report(unit, year, duplicate_of=self.docs[-1])
        edited_candidates = [d for d in self.docs if d.report_year and "duplicate" not in d.expected_flags]
        for doc in rng.sample(edited_candidates, k=max(3, len(edited_candidates) // 20)):
            first = dt.datetime.fromisoformat(doc.first_appears_at)
            later = first + dt.timedelta(days=rng.randrange(14, 61), hours=rng.randrange(0, 6))
            doc.versions.append(VersionSpec(appears_at=later.strftime("%Y-%m-%dT%H:%M"), edit_no=1))
            doc.expected_flags.append("edited_after_publication")
        for unit in self.units:
            self._notices(unit)
        self.docs.sort(key=lambda d: (d.first_appears_at, d.docid))
        return Plan(docs=self.docs, missing_reports=sorted(missing, key=lambda k: (k[1], k[0])))

    def _report(self, unit: Unit, year: int, *, early: bool = False, backdated: bool = False,
                duplicate_of: DocSpec | None = None) -> None:
        rng = random.Random(f"report:{self.seed}:{unit.code}:{year}:{duplicate_of is not None}")
        deadline = deadline_for(unit, year)
        jan = dt.date(year + 1, 1, 5)
        late = rng.random() < 0.1
        if duplicate_of is not None:
            claimed_day = dt.date.fromisoformat(duplicate_of.claimed_at[:10]) + dt.timedelta(rng.randrange(5, 31))
            appears_day = claimed_day
        elif early:
            claimed_day = appears_day = dt.date(year, 12, rng.randrange(10, 29))
        elif backdated:
            appears_day = deadline + dt.timedelta(days=rng.randrange(5, 46))
            claimed_day = deadline - dt.timedelta(days=rng.randrange(3, 21))
        elif late:
            appears_day = claimed_day = deadline + dt.timedelta(days=int(rng.expovariate(1 / 15)) + 1)
        else:
            appears_day = claimed_day = _day_between(rng, jan, deadline)
        claimed = _at(claimed_day, rng)
        appears = claimed if appears_day == claimed_day else _at(appears_day, rng)
        fmt = "pre2019" if year <= 2018 else "2019" if year <= 2020 else ("2019" if rng.random() < 0.15 else "2021")
        delivery = rng.choices(["html", "pdf", "docx", "doc", "html_image_tables"],
                               weights=[72, 12, 8, 3, 5 if fmt != "pre2019" else 0])[0]
        status_claimed, _ = classify(year, deadline, claimed_day)
        status, days_late = classify(year, deadline, appears_day if backdated else claimed_day)
        flags = (["backdated"] if backdated else []) + (["duplicate"] if duplicate_of else [])
        if duplicate_of is not None:
            duplicate_of.expected_flags.append("duplicate")
        doc = DocSpec(
            id=f"r-{unit.code}-{year}" + ("-b" if duplicate_of else ""), docid=self._docid(),
            kind="annual_report", unit=unit.code, column="ndbg", claimed_at=claimed,
            versions=[VersionSpec(appears_at=appears)], seed=rng.randrange(1, 10**9), report_year=year,
            format=fmt, delivery=delivery, heading_variant=rng.randrange(0, 4),
            missing_section=rng.choice([5, 6]) if fmt != "pre2019" and rng.random() < 0.05 else None,
            inconsistent=fmt != "pre2019" and rng.random() < 0.1, meta_tags=rng.random() < 0.5,
            index_number=self._index_number(unit, claimed, rng),
            in_central=delivery == "html" and (unit.kind == "county_government" or rng.random() < 0.35)
            and year >= 2015,
            deadline=deadline.isoformat(), expected_status=status, expected_status_claimed=status_claimed,
            days_late=days_late, expected_flags=flags)
        if delivery in ("pdf", "docx", "doc"):
            doc.attachments.append(AttachmentSpec(
                name=self._file_name(unit, claimed, doc.docid, 1, delivery),
                filename=f"{unit.name}{year}年政府信息公开工作年度报告.{delivery}", file_kind=delivery,
                is_report_body=True))
        self.docs.append(doc)

    def _file_name(self, unit: Unit, claimed: str, docid: int, k: int, ext: str) -> str:
        if unit.dialect == "hanweb":
            return f"{(docid * 7919 + k) % 16**12:012x}{k}.{ext}"
        return f"W0{claimed[:10].replace('-', '')}{docid}{k:03d}.{ext}"

    def _notices(self, unit: Unit) -> None:
        for year in range(NOTICE_FIRST_YEAR, LAST_YEAR + 1):
            if not unit.exists_in(year):
                continue
            rng = random.Random(f"notice:{self.seed}:{unit.code}:{year}")
            if unit.generated:  # scale > 1 only, so the scale-1 site stays as it is
                count = rng.choice([1, 2, 3, 4])
            else:
                count = {"county_government": 3, "bureau": rng.choice([0, 1, 1, 2])}.get(unit.kind,
                                                                                       rng.choice([0, 1]))
            for n in range(count):
                day = _day_between(rng, dt.date(year, 1, 4), dt.date(year, 12, 28))
                claimed = _at(day, rng)
                doc = DocSpec(id=f"n-{unit.code}-{year}-{n + 1}", docid=self._docid(), kind="notice",
                              unit=unit.code, column="tzgg", claimed_at=claimed,
                              versions=[VersionSpec(appears_at=claimed)], seed=rng.randrange(1, 10**9),
                              meta_tags=rng.random() < 0.5, index_number=self._index_number(unit, claimed, rng))
                if rng.random() < 0.3:
                    for k in range(1, rng.choice([1, 1, 2]) + 1):
                        kind = rng.choice(["pdf", "docx", "xls"])
                        shown = rng.choice(["附件{k}：{y}年 工作安排表（定稿）", "附件{k} 报名表 (填写说明)",
                                            "关于印发《{y}年工作要点》的通知 附件{k}"]).format(k=k, y=year)
                        name = self._file_name(unit, claimed, doc.docid, k, kind)
                        if unit.dialect == "trs" and rng.random() < 0.25:
                            name = f"{shown}.{kind}"  # a hostile-ish URL: Chinese, spaces, brackets
                        doc.attachments.append(AttachmentSpec(name=name, filename=f"{shown}.{kind}",
                                                              file_kind=kind))
                self.docs.append(doc)


def build_plan(units: list[Unit], seed: int) -> Plan:
    """Plan every document of the site for these units."""
    return _Planner(units, seed).plan()
