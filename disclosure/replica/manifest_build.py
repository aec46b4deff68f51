"""Build the :class:`~disclosure.replica.manifest.Manifest` (ground truth) for a site and a server address."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING
from urllib.parse import quote

from disclosure.replica import columns as inspection
from disclosure.replica import hostile, traps
from disclosure.replica.manifest import (
    Manifest,
    ManifestAttachment,
    ManifestColumn,
    ManifestDocument,
    ManifestOutage,
    ManifestSection,
    ManifestSpecialCase,
    ManifestUnit,
    ManifestVersion,
)
from disclosure.replica.pages import PER_PAGE
from disclosure.replica.units import ENC_GBK_DECLARED, ENC_UTF8

if TYPE_CHECKING:
    from disclosure.replica.plan import DocSpec
    from disclosure.replica.site import Site


def _url(base: str, path: str) -> str:
    return base + quote(path, safe="/?&=;:")


def _units(site: Site, base: str) -> list[ManifestUnit]:
    return [ManifestUnit(code=u.code, name=u.name, aliases=list(u.aliases), kind=u.kind, dialect=u.dialect,
                         platform_url=_url(base, site.platform_path(u)),
                         annual_report_column_url=_url(base, site.column_path(u, "ndbg")),
                         notice_column_url=_url(base, site.column_path(u, "tzgg")),
                         created_year=u.created_year, abolished_year=u.abolished_year, predecessor=u.predecessor,
                         encoding=u.encoding) for u in site.units]


def _version(site: Site, doc: DocSpec, appears_at: str, edit_no: int) -> ManifestVersion:
    c = site.content(doc, edit_no)
    if doc.kind != "annual_report":
        return ManifestVersion(appears_at=appears_at, claimed_published_at=doc.claimed_at, title=c.title,
                               body_phrase=c.body_phrase)
    return ManifestVersion(
        appears_at=appears_at, claimed_published_at=doc.claimed_at, title=c.title,
        sections=[ManifestSection(number=s.number, heading=s.heading, text=s.text) for s in c.sections],
        figures=dict(c.figures), raw=dict(c.raw), body_phrase=c.body_phrase,
        planted_inconsistencies=list(c.planted_inconsistencies), image_figures=dict(c.image_figures))


def _document(site: Site, doc: DocSpec, base: str, as_of: str) -> ManifestDocument:
    unit = site.unit_by_code[doc.unit]
    urls, waps = site.doc_paths(doc)
    found = doc.version_at(as_of)
    assert found is not None
    versions = [_version(site, doc, v.appears_at, v.edit_no) for v in doc.versions[: found[0] + 1]]
    attachments = [ManifestAttachment(url=_url(base, site.attachment_path(doc, a)), filename=a.filename,
                                      file_kind=a.file_kind,
                                      sha256=site.attachment_sha256(doc, i, found[1].edit_no),
                                      is_report_body=a.is_report_body) for i, a in enumerate(doc.attachments)]
    notice_no = getattr(site.content(doc), "doc_number", None) if doc.kind == "notice" else None
    page_dir = posixpath.dirname(urls[0]) + "/"
    images = [_url(base, page_dir + name) for name, _data in getattr(site.content(doc, found[1].edit_no), "images", [])]
    return ManifestDocument(
        id=doc.id, kind=doc.kind, unit=doc.unit, publisher=unit.name, urls=[_url(base, p) for p in urls],
        wap_urls=[_url(base, p) for p in waps], report_year=doc.report_year, format=doc.format,
        delivery=doc.delivery if doc.kind == "annual_report" else "html", index_number=doc.index_number,
        doc_number=notice_no, meta_tags=doc.meta_tags, first_appears_at=doc.first_appears_at,
        deadline=doc.deadline, versions=versions, attachments=attachments, expected_status=doc.expected_status,
        days_late=doc.days_late, expected_flags=list(doc.expected_flags),
        expected_status_claimed=doc.expected_status_claimed, body_images=images)


def _special_cases(site: Site, base: str, as_of: str) -> list[ManifestSpecialCase]:
    if not site.preset.traps:
        from disclosure.replica.families import special_cases

        return special_cases(site, base, as_of, _url)
    sp = site.specials
    doc_url = {i: _url(base, site.doc_path(site.doc_by_id[i])) for i in
               [sp.redirect_doc, sp.error_once_doc, sp.slow_doc, *sp.session_docs]}
    out = [
        ManifestSpecialCase("redirect", _url(base, sp.redirect_from), "301 from an old URL", doc_url[sp.redirect_doc]),
        ManifestSpecialCase("not_found", _url(base, sp.broken_path(site)),
                            f"list entry of {traps.BROKEN['unit']}/{traps.BROKEN['column']} answering 404"),
        ManifestSpecialCase("error_once", doc_url[sp.error_once_doc], "500 on the first request, then 200",
                            doc_url[sp.error_once_doc]),
        ManifestSpecialCase("slow", doc_url[sp.slow_doc], f"answers after {traps.SLOW_SECONDS:.0f} s",
                            doc_url[sp.slow_doc]),
        ManifestSpecialCase("robots_disallowed", _url(base, traps.PRIVATE_PATH), "robots.txt: Disallow: /private/"),
        ManifestSpecialCase("waf", _url(base, traps.WAF_PATH), "HTTP 412 with a JavaScript challenge stub"),
        ManifestSpecialCase("trap_calendar", _url(base, traps.CALENDAR_START), "prev/next month links forever"),
        ManifestSpecialCase("trap_index_past_end", _url(base, "/zfxxgk/zfxxgknb/index_99.html"),
                            "index_N past the last page answers 200 with the last page"),
        ManifestSpecialCase("external", base.replace("127.0.0.1", "localhost") + traps.EXTERNAL_PATH,
                            "another host name on the same server: must never be fetched"),
    ]
    out += [ManifestSpecialCase("external", u, "real domain: must never be fetched") for u in traps.REAL_EXTERNAL]
    for i, doc_id in enumerate(sp.session_docs):
        doc = site.doc_by_id[doc_id]
        if doc.first_appears_at <= as_of:
            variant = f";jsessionid=3F{doc.docid:X}A9C0E1" if i == 0 else f"?sid={doc.docid * 31:x}"
            out.append(ManifestSpecialCase("trap_session_id", doc_url[doc_id] + variant,
                                           "session id variant of a document link", doc_url[doc_id]))
    hostile_doc = site.doc_by_id.get(hostile.DOC_ID)
    if hostile_doc is not None and hostile_doc.first_appears_at <= as_of:
        url = _url(base, site.doc_path(hostile_doc))
        out.append(ManifestSpecialCase("hostile_content", url, "script, event handlers and javascript: links in the "
                                       "title, body and attachment name", url))
    for u in site.units:
        if u.encoding_mode != ENC_UTF8:
            kind = "gbk_declared" if u.encoding_mode == ENC_GBK_DECLARED else "gbk_misdeclared"
            out.append(ManifestSpecialCase(kind, _url(base, site.platform_path(u)), u.encoding_mode, u.code))
    return out


def build_manifest(site: Site, base: str, as_of: str | None) -> Manifest:
    """The manifest of ``site`` served at ``base`` as of ``as_of`` (None: everything, as of today)."""
    from disclosure.replica.site import normalise_as_of

    at = normalise_as_of(as_of)
    docs = [_document(site, d, base, at) for d in site.docs if d.first_appears_at <= at]
    missing = [(c, y) for c, y in site.missing_reports if as_of is None or site_deadline_passed(site, c, y, at)]
    return Manifest(seed=site.seed, scale=site.scale, county=site.county, area_code=site.area_code, base_url=base,
                    as_of=as_of, units=_units(site, base), documents=docs, missing_reports=missing,
                    special_cases=_special_cases(site, base, at),
                    list_urls=[_url(base, p) for p in site.list_paths(at)], columns=_columns(site, base, at),
                    outages=_outages(site, base))


def _columns(site: Site, base: str, at: str) -> list[ManifestColumn]:
    """Report and notice columns of the TRS and Hanweb units and the central column, and the planted ones."""
    from disclosure.replica.site import CENTRAL_DIR, COLUMN_NAMES

    out = []
    keys = [("central", "ndbg")] if site.preset.central else []
    keys += [(u.code, c) for u in site.units if u.dialect in ("trs", "hanweb") for c in ("ndbg", "tzgg")]
    for code, column in keys:
        dates = [e.date for e in site.entries((code, column), at, "x")]
        unit = site.unit_by_code.get(code)
        path = CENTRAL_DIR + "index.html" if unit is None else site.column_path(unit, column)
        out.append(ManifestColumn(_url(base, path), COLUMN_NAMES[column][0], unit.code if unit else None,
                                  "annual_report" if column == "ndbg" else "notice", None,
                                  max(dates) if dates else None, len(dates)))
    for c in site.inspection_columns:
        if c.opened_at > at[:10]:
            continue
        dates = c.dates(at)
        out.append(ManifestColumn(_url(base, c.path), c.name, c.unit or None, c.kind, c.opened_at,
                                  dates[0] if dates else None, min(len(dates), PER_PAGE), c.planted))
    return out


def _outages(site: Site, base: str) -> list[ManifestOutage]:
    unit = site.unit_by_code.get(inspection.OUTAGE_UNIT)
    if not site.preset.traps or unit is None:
        return []
    return [ManifestOutage(unit.code, _url(base, site.platform_path(unit)), s, e) for s, e in inspection.OUTAGES]


def site_deadline_passed(site: Site, code: str, year: int, at: str) -> bool:
    """Whether a missing report is already overdue at ``at``."""
    from disclosure.replica.plan import deadline_for

    return deadline_for(site.unit_by_code[code], year).isoformat() < at[:10]
