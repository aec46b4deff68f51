"""白河县 (fictional, area code 620799): a county whose units speak the portal families of dialects.md.

Units are fixed data like 青山县's; each names its ``dialect`` (= family) and the addresses the family needs
(``Unit.layout``). ``adjust_plan`` makes the shared document plan fit the families (where a family puts
索引号, meta tags and attachment names); it draws no random numbers, so the plan's dates stay the planner's.
"""

from __future__ import annotations

import hashlib
import random

from disclosure.replica.counties import MIXED
from disclosure.replica.plan import DocSpec, Plan
from disclosure.replica.units import Unit

C = MIXED.name
# (code, full name, aliases, kind, family, created year, layout)
_UNITS: list[tuple[str, str, list[str], str, str, int | None, dict]] = [
    ("xzf", f"{C}人民政府", ["县政府", f"{C}政府", "县人民政府"], "county_government", "static_list", None,
     {"slug": "zwgk", "columns": {"ndbg": "zfxxgknb", "tzgg": "tzgg"}}),
    ("fgj", f"{C}发展和改革局", ["县发改局", "发改局"], "bureau", "trs", None, {}),
    ("jyj", f"{C}教育局", ["县教育局", "教育局"], "bureau", "unitlist", None, {}),
    ("mzj", f"{C}民政局", ["县民政局", "民政局"], "bureau", "unitlist", None, {}),
    ("czj", f"{C}财政局", ["县财政局", "财政局"], "bureau", "gkmlpt", None, {"slug": "bhczj", "sid": "755031"}),
    ("rsj", f"{C}人力资源和社会保障局", ["县人社局", "人社局"], "bureau", "gkmlpt", None,
     {"slug": "bhrsj", "sid": "755047"}),
    ("zjj", f"{C}住房和城乡建设局", ["县住建局", "住建局"], "bureau", "hanweb_datastore", None,
     {"per_page": 15, "art": "col"}),
    ("jtj", f"{C}交通运输局", ["县交通局", "交通运输局"], "bureau", "hanweb_datastore", None,
     {"per_page": 10, "art": "hex"}),
    ("slj", f"{C}水利局", ["县水利局", "水利局"], "bureau", "hanweb", None, {}),
    ("nyncj", f"{C}农业农村局", ["县农业农村局", "农业农村局"], "bureau", "anhui", None, {"organ_id": 6596321}),
    ("wjj", f"{C}卫生健康局", ["县卫健局", "卫健局"], "bureau", "anhui", None, {"organ_id": 6596387}),
    ("xczxj", f"{C}乡村振兴局", ["县乡村振兴局", "乡村振兴局"], "bureau", "static_list", 2021,
     {"slug": "bm/xczxj", "columns": {"ndbg": "xxgknb", "tzgg": "tzgg"}}),
    ("hkz", f"{C}河口镇人民政府", ["河口镇", "河口镇政府", "河口镇人民政府"], "township", "unitlist", None, {}),
    ("sqx", f"{C}石桥乡人民政府", ["石桥乡", "石桥乡政府", "石桥乡人民政府"], "township", "gkmlpt", None,
     {"slug": "sqx", "sid": "755102"}),
]
ANHUI_SITE_ID = 6789941


def _hex(*parts: object) -> str:
    return hashlib.md5(":".join(map(str, parts)).encode()).hexdigest()


def build_mixed_units(seed: int = 1) -> list[Unit]:
    """The publishers of 白河县, county government first (fixed data; ``seed`` only draws 组织机构代码)."""
    units = []
    rng = random.Random(f"orgcodes:mixed:{seed}")
    for i, (code, name, aliases, kind, family, created, layout) in enumerate(_UNITS):
        unit = Unit(code=code, name=name, aliases=list(aliases), kind=kind, dialect=family, created_year=created,
                    layout=dict(layout))
        unit.org_code = f"{rng.randrange(10**8, 10**9 - 1):09d}"
        base = 4100 + i * 10
        unit.col_ids = {"platform": base, "ndbg": base + 1, "tzgg": base + 2}
        if family == "unitlist":
            h = _hex("unitlist", code)
            unit.layout["uuid"] = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
        elif family == "gkmlpt":
            # catalogue tree: (category id, name); 0 is "all"
            cat = 2800 + i * 10
            unit.layout["cats"] = {"jgzn": cat + 1, "zcwj": cat + 2, "tzgg": cat + 3, "ndbg": cat + 4}
        elif family == "anhui":
            organ = unit.layout["organ_id"]
            unit.layout["cats"] = {"ndbg": organ * 10 % 10**7 + 11, "tzgg": organ * 10 % 10**7 + 23}
        units.append(unit)
    return units


def attachment_name(unit: Unit, doc: DocSpec, index: int, ext: str) -> str:
    """The last URL segment of an attachment as the unit's family names its files."""
    k = index + 1
    if unit.dialect == "unitlist":
        return f"{_hex('att', doc.id, k)}.{ext}"
    if unit.dialect == "gkmlpt":
        return f"{gkmlpt_post_id(doc)}.{ext}"
    if unit.dialect == "anhui":
        return f"wKg{_hex('fdfs', doc.id, k)[:22]}.{ext}"
    if unit.dialect == "static_list":
        return f"{doc.claimed_at[:10].replace('-', '')}{doc.claimed_at[11:16].replace(':', '')}{doc.docid % 1000:03d}{k}.{ext}"
    return f"{(doc.docid * 7919 + k) % 16**12:012x}{k}.{ext}"  # hanweb_datastore: downfile.jsp names


def gkmlpt_post_id(doc: DocSpec) -> int:
    """The gkmlpt post id of a document (7 digits)."""
    return 3000000 + doc.docid


# Every OFD_EVERY-th report published as a PDF (in plan order, 2019 formats on) is published as OFD instead.
OFD_EVERY = 2


def _publish_some_as_ofd(plan: Plan) -> None:
    """Some reports come as OFD files (GB/T 33190) instead of PDF: the same report, another fixed layout."""
    as_pdf = [d for d in plan.docs if d.kind == "annual_report" and d.delivery == "pdf" and d.format != "pre2019"]
    for doc in as_pdf[::OFD_EVERY]:
        doc.delivery = "ofd"
        for att in doc.attachments:
            if att.is_report_body and att.file_kind == "pdf":
                att.file_kind = "ofd"
                att.name = att.name[:-len("pdf")] + "ofd"
                att.filename = att.filename[:-len("pdf")] + "ofd"


def adjust_plan(units: list[Unit], plan: Plan) -> Plan:
    """Fit the shared document plan to the families: 索引号, meta tags, attachment names; no central column;
    some reports as OFD."""
    by_code = {u.code: u for u in units}
    _publish_some_as_ofd(plan)
    for doc in plan.docs:
        unit = by_code[doc.unit]
        doc.in_central = False
        if unit.dialect == "unitlist":
            doc.meta_tags, doc.index_number = False, None  # the page names no publisher at all
        elif unit.dialect == "static_list":
            doc.meta_tags, doc.index_number = True, None  # gov.cn meta tags and a 来源 line, no 目录 block
        elif unit.dialect in ("gkmlpt", "anhui") and doc.index_number is None:
            doc.index_number = f"{unit.org_code}/{doc.claimed_at[:4]}-{doc.docid % 100000:05d}"
        if unit.dialect not in ("trs", "hanweb"):
            for i, att in enumerate(doc.attachments):
                att.name = attachment_name(unit, doc, i, att.file_kind)
    return plan
