"""Deadline rules and status classification on rows inserted into a real SQLite archive."""

from __future__ import annotations

import datetime as dt

import pytest

from archive.deadlines import NoDeadlineRule, deadline_for, parse_month_day
from archive.models import DocumentUrl, ListObservation, TimelinessSnapshot
from archive.timeliness import (
    BACKDATED,
    DUPLICATE,
    EDITED,
    UnknownUnit,
    store_timeliness,
    timeliness_report,
    unit_history,
)

from .builder import at


def _row(report, name):
    return next(r for r in report.rows if r.unit_name == name)


# ------------------------------------------------------------------------------------------- deadlines
@pytest.mark.parametrize(("kind", "year", "expected", "source_word"), [
    ("bureau", 2021, dt.date(2022, 1, 31), "art. 49"),
    ("bureau", 2019, dt.date(2020, 1, 31), "art. 49"),
    ("bureau", 2018, dt.date(2019, 3, 31), "art. 31"),
    ("county_government", 2021, dt.date(2022, 3, 31), "art. 49"),
    ("county_government", 2018, dt.date(2019, 3, 31), "art. 31"),
    ("township", 2021, dt.date(2022, 3, 31), "no national rule"),
    ("other", 2021, dt.date(2022, 1, 31), "art. 49"),
])
def test_deadline_table(kind, year, expected, source_word):
    deadline = deadline_for(kind, year)
    assert deadline.date == expected
    assert source_word in deadline.rule


def test_township_deadline_from_profile_and_bad_inputs():
    assert deadline_for("township", 2021, (2, 28)).date == dt.date(2022, 2, 28)
    assert deadline_for("bureau", 2021, (2, 28)).date == dt.date(2022, 1, 31)  # only townships
    assert parse_month_day("04-30") == (4, 30)
    with pytest.raises(ValueError):
        parse_month_day("31-04")
    with pytest.raises(NoDeadlineRule):
        deadline_for("bureau", 2007)


# ------------------------------------------------------------------------------------------- statuses
def test_31_january_vs_1_february_and_county_government_31_march(build, session):
    on_deadline = build.unit("青山县教育局")
    day_after = build.unit("青山县民政局")
    gov = build.unit("青山县人民政府", kind="county_government")
    build.report(on_deadline, 2021, claimed="2022-01-31 17:30", first_seen="2022-04-02 00:00")
    build.report(day_after, 2021, claimed="2022-02-01 09:00", first_seen="2022-04-02 00:00")
    build.report(gov, 2021, claimed="2022-03-31 10:00", first_seen="2022-04-02 00:00")
    rep = timeliness_report(session, 2021, as_of=at("2022-04-02 12:00"))
    assert (_row(rep, "青山县教育局").status, _row(rep, "青山县教育局").days_late) == ("on_time", 0)
    assert (_row(rep, "青山县民政局").status, _row(rep, "青山县民政局").days_late) == ("late", 1)
    assert _row(rep, "青山县人民政府").status == "on_time"
    assert _row(rep, "青山县人民政府").deadline == dt.date(2022, 3, 31)
    assert _row(rep, "青山县教育局").report.judged_source == "claimed"


def test_2018_reports_follow_the_2008_rule(build, session):
    bureau = build.unit("青山县国土资源局", abolished=2018)
    build.report(bureau, 2018, claimed="2019-03-20 10:00", first_seen="2019-04-01")
    rep = timeliness_report(session, 2018, as_of=at("2019-05-01"))
    row = _row(rep, "青山县国土资源局")
    assert (row.status, row.deadline) == ("on_time", dt.date(2019, 3, 31))
    assert "2008" in row.rule
    # the same claimed date for a 2019 report is 48 days late under art. 49
    successor = build.unit("青山县自然资源局", created=2019)
    build.report(successor, 2019, claimed="2020-03-20 10:00", first_seen="2020-04-01")
    rep19 = timeliness_report(session, 2019, as_of=at("2020-05-01"))
    assert (_row(rep19, "青山县自然资源局").status, _row(rep19, "青山县自然资源局").days_late) == ("late", 49)
    # created / abolished years: the predecessor owes nothing for 2019, the successor nothing for 2018
    assert {r.unit_name for r in rep19.rows} == {"青山县自然资源局"}
    assert {r.unit_name for r in rep.rows} == {"青山县国土资源局"}


def test_pending_vs_missing_around_the_as_of_date(build, session):
    build.unit("青山县科学技术局")
    build.unit("青山县人民政府", kind="county_government")
    on_deadline = timeliness_report(session, 2021, as_of=dt.date(2022, 1, 31))
    assert {r.status for r in on_deadline.rows} == {"pending"}
    after = timeliness_report(session, 2021, as_of=dt.date(2022, 2, 1))
    assert _row(after, "青山县科学技术局").status == "missing"
    assert _row(after, "青山县人民政府").status == "pending"
    assert after.summary.counts["missing"] == 1 and after.summary.due == 1
    assert after.summary.on_time_rate == 0.0


def test_default_as_of_is_the_latest_crawl(build, session):
    build.unit("青山县科学技术局")
    build.crawl("2022-01-20 08:00")
    assert timeliness_report(session, 2021).rows[0].status == "pending"
    build.crawl("2022-02-03 08:00")
    rep = timeliness_report(session, 2021)
    assert rep.rows[0].status == "missing" and rep.as_of.date() == dt.date(2022, 2, 3)


def test_report_not_yet_seen_at_as_of_is_not_counted(build, session):
    unit = build.unit("青山县商务局")
    build.report(unit, 2021, claimed="2022-01-10", first_seen="2022-02-20")
    assert timeliness_report(session, 2021, as_of=dt.date(2022, 2, 10)).rows[0].status == "missing"
    assert timeliness_report(session, 2021, as_of=dt.date(2022, 2, 21)).rows[0].status == "on_time"


def test_early_suspicious(build, session):
    unit = build.unit("青山县财政局")
    build.report(unit, 2021, claimed="2021-12-20 10:00", first_seen="2021-12-21")
    row = timeliness_report(session, 2021, as_of=dt.date(2022, 3, 1)).rows[0]
    assert (row.status, row.days_late) == ("early_suspicious", None)


def test_unlisted_units_are_not_expected_unless_they_published(build, session):
    build.unit("青山县教育局")
    ghost = build.unit("青山县某中心", listed=False)
    rep = timeliness_report(session, 2021, as_of=dt.date(2022, 3, 1))
    assert [r.unit_name for r in rep.rows] == ["青山县教育局"]
    build.report(ghost, 2021, claimed="2022-01-05", first_seen="2022-01-06")
    rep = timeliness_report(session, 2021, as_of=dt.date(2022, 3, 1))
    assert {r.unit_name: r.status for r in rep.rows} == {"青山县教育局": "missing", "青山县某中心": "on_time"}


# ------------------------------------------------------------------------------------------- flags
def test_backdated_from_list_observations(build, session):
    unit = build.unit("青山县交通运输局")
    list_url = "http://127.0.0.1:1/zfxxgk/jtj/ndbg/index.html"
    doc_url = "http://127.0.0.1:1/zfxxgk/jtj/ndbg/202201/t20220125_1.html"
    build.list_fetch(list_url, build.crawl("2022-01-15 08:00"), shows=[])
    not_listed = build.list_fetch(list_url, build.crawl("2022-02-10 08:00"), shows=[])
    build.list_fetch(list_url, build.crawl("2022-04-01 08:00"), shows=[doc_url])
    build.report(unit, 2021, claimed="2022-01-25 10:00", first_seen="2022-04-01 08:02", url=doc_url)
    row = timeliness_report(session, 2021).rows[0]
    assert BACKDATED in row.flags
    assert row.status == "late" and row.days_late == (dt.date(2022, 4, 1) - dt.date(2022, 1, 31)).days
    rep = row.report
    assert rep.judged_source == "first_seen" and rep.judged_at == at("2022-04-01 08:01")
    ev = rep.backdating
    assert ev.claimed_at == at("2022-01-25 10:00")
    assert ev.not_listed_at == not_listed.fetched_at and ev.not_listed_capture_id == not_listed.id
    assert ev.first_listed_at == at("2022-04-01 08:01") and ev.first_listed_url == list_url


def test_backdated_when_the_later_list_fetch_was_byte_identical(build, session):
    """The crawler stores no capture for an unchanged list page, only the observations of that crawl."""
    unit = build.unit("青山县公安局")
    list_url = "http://127.0.0.1:1/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=45&perpage=15&columnid=7"
    old_doc = "http://127.0.0.1:1/art/2023/1/10/art_7_1.html"
    new_doc = "http://127.0.0.1:1/art/2024/3/10/art_7_2.html"
    stored = build.list_fetch(list_url, build.crawl("2023-04-01 08:00"), shows=[old_doc])
    unchanged = build.crawl("2024-02-01 08:00")
    build.s.add(ListObservation(crawl_run_id=unchanged.id, list_capture_id=stored.id, list_url=list_url,
                                observed_at=at("2024-02-01 08:01"), document_url=old_doc))
    build.list_fetch(list_url, build.crawl("2024-04-01 08:00"), shows=[new_doc, old_doc])
    build.report(unit, 2023, claimed="2024-01-12 11:43", first_seen="2024-04-01 08:02", url=new_doc)
    row = timeliness_report(session, 2023).rows[0]
    assert row.flags == [BACKDATED] and row.status == "late"
    ev = row.report.backdating
    assert (ev.not_listed_at, ev.not_listed_capture_id) == (at("2024-02-01 08:01"), stored.id)


def test_not_backdated_when_no_fetch_after_the_claimed_date_missed_it(build, session):
    unit = build.unit("青山县水务局")
    list_url = "http://127.0.0.1:1/col/col12/index.html"
    doc_url = "http://127.0.0.1:1/art/2022/1/25/art_12_1.html"
    build.list_fetch(list_url, build.crawl("2022-01-15 08:00"), shows=[])  # before the claimed date: no proof
    build.list_fetch(list_url, build.crawl("2022-01-25 20:00"), shows=[])  # same day: no proof either
    build.list_fetch(list_url, build.crawl("2022-04-01 08:00"), shows=[doc_url])
    build.report(unit, 2021, claimed="2022-01-25 10:00", first_seen="2022-04-01 08:02", url=doc_url)
    row = timeliness_report(session, 2021).rows[0]
    assert row.flags == [] and row.status == "on_time" and row.report.judged_source == "claimed"


def test_edited_after_publication_with_both_dates(build, session):
    unit = build.unit("青山县卫生健康局")
    build.report(unit, 2021, claimed="2022-01-20 10:00", first_seen="2022-01-21 08:00",
                 edits=["2022-03-05 09:00"])
    row = timeliness_report(session, 2021, as_of=dt.date(2022, 4, 1)).rows[0]
    assert row.flags == [EDITED] and row.status == "on_time"
    assert [v.first_seen_at for v in row.report.versions] == [at("2022-01-21 08:00"), at("2022-03-05 09:00")]
    # as of before the edit, only one version was known
    early = timeliness_report(session, 2021, as_of=dt.date(2022, 2, 1)).rows[0]
    assert early.flags == []


def test_duplicate_uses_the_earliest_report_and_flags_both(build, session):
    unit = build.unit("青山县文化和旅游局")
    build.report(unit, 2021, claimed="2022-01-10 10:00", first_seen="2022-01-11")
    build.report(unit, 2021, claimed="2022-02-05 10:00", first_seen="2022-02-06")
    row = timeliness_report(session, 2021, as_of=dt.date(2022, 3, 1)).rows[0]
    assert row.flags == [DUPLICATE] and row.status == "on_time"
    assert [(r.status, r.days_late) for r in row.reports] == [("on_time", 0), ("late", 5)]
    assert all(DUPLICATE in r.flags for r in row.reports)


def test_one_report_at_two_addresses_is_not_a_duplicate_but_a_reposting_is(build, session):
    unit = build.unit("青山县民族宗教事务局")
    doc = build.report(unit, 2021, claimed="2022-01-10", first_seen="2022-01-11", content="same text")
    session.add(DocumentUrl(document_id=doc.id, url="http://127.0.0.1:1/zfxxgk/zfxxgknb/t1.html",
                            first_seen_at=at("2022-01-12"), last_seen_at=at("2022-01-12")))
    row = timeliness_report(session, 2021, as_of=dt.date(2022, 3, 1)).rows[0]
    assert row.flags == [] and len(row.reports) == 1
    build.report(unit, 2021, claimed="2022-01-20", first_seen="2022-01-21", content="same text")
    row = timeliness_report(session, 2021, as_of=dt.date(2022, 3, 1)).rows[0]
    assert row.flags == [DUPLICATE] and [r.document_id for r in row.reports][0] == doc.id


def test_missing_claimed_date_falls_back_to_first_seen(build, session):
    unit = build.unit("青山县司法局")
    build.report(unit, 2021, claimed=None, first_seen="2022-02-03 09:00")
    row = timeliness_report(session, 2021, as_of=dt.date(2022, 3, 1)).rows[0]
    assert (row.status, row.days_late, row.report.judged_source) == ("late", 3, "first_seen")


# ------------------------------------------------------------------------------------------- history, storage
def test_unit_history_by_alias_and_store_upsert(build, session):
    unit = build.unit("青山县教育局", aliases=["县教育局"], created=2019)
    build.report(unit, 2019, claimed="2020-01-15", first_seen="2020-01-16")
    build.report(unit, 2020, claimed="2021-02-15", first_seen="2021-02-16")
    rows = unit_history(session, "县教育局", as_of=dt.date(2022, 2, 15))
    assert [(r.report_year, r.status) for r in rows] == [(2019, "on_time"), (2020, "late"), (2021, "missing")]
    with pytest.raises(UnknownUnit):
        unit_history(session, "不存在的局")
    assert store_timeliness(session, rows) == 3
    assert store_timeliness(session, rows) == 3  # an upsert: still one row per unit and year
    snaps = session.query(TimelinessSnapshot).order_by(TimelinessSnapshot.report_year).all()
    assert [(s.report_year, s.status, s.days_late) for s in snaps] == [
        (2019, "on_time", 0), (2020, "late", 15), (2021, "missing", None)]
    assert snaps[1].evidence["reports"][0]["claimed_at"] == "2021-02-15T00:00:00"
