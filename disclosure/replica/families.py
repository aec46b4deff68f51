"""URL layouts and list serving of the portal families beyond TRS and Hanweb dataproxy (白河县).

One :class:`Family` per family of dialects.md: where a unit's entry page, columns, documents and attachments
live, which fixed paths it answers (``pages``: registered by the site at start), how it answers them as of a
date-time (``serve``), which list URLs a complete crawl needs (``list_paths``) and how its detail pages look
(``document``). Documents, versions, content, files and time travel stay the site's (``site.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

from disclosure.replica import pages_families as P
from disclosure.replica.county_mixed import ANHUI_SITE_ID, gkmlpt_post_id
from disclosure.replica.pages import ListEntry, PageMeta

if TYPE_CHECKING:
    from disclosure.replica.plan import DocSpec
    from disclosure.replica.site import Response, Site
    from disclosure.replica.units import Unit

DATAPROXY = "/module/web/jpage/dataproxy.jsp"
DOWNFILE = "/module/download/downfile.jsp"
ANHUI_LABEL = "/site/label/8888"
ANHUI_FILE = "/xxgk/publicInfoList_new.html"
PLATFORM = "/zfxxgk/index.html"
COLUMN_TITLES = {"ndbg": "政府信息公开年报", "tzgg": "通知公告"}
JSON = "application/json; charset=utf-8"
HTML = "text/html; charset=utf-8"


def _ymd(doc: DocSpec) -> tuple[str, str, str]:
    return doc.claimed_at[:4], doc.claimed_at[5:7], doc.claimed_at[8:10]


def _hex(*parts: object) -> str:
    return hashlib.md5(":".join(map(str, parts)).encode()).hexdigest()


def _pages(total: int, per: int) -> int:
    return max(1, -(-total // per))


def _html(body: str) -> Response:
    from disclosure.replica.site import Response

    return Response(200, body.encode("utf-8"), HTML, [("Cache-Control", "no-cache")])


def _not_found(path: str) -> Response:
    from disclosure.replica import traps

    return traps.not_found(path)


def _int(query: dict[str, list[str]], name: str, default: int) -> int:
    try:
        return int(query.get(name, [default])[0])
    except ValueError:
        return default


class Family:
    """A family's URL layout and list serving (subclasses fill in the family's shapes)."""

    name = ""
    mixed_list = False  # one list holds both kinds (key (unit, "all") in site.columns)

    def entry_path(self, unit: Unit) -> str:
        raise NotImplementedError

    def column_path(self, unit: Unit, column: str) -> str:
        return self.entry_path(unit)

    def doc_path(self, doc: DocSpec, unit: Unit) -> str:
        raise NotImplementedError

    def attachment_path(self, doc: DocSpec, unit: Unit, index: int) -> str:
        raise NotImplementedError

    def pages(self, site: Site, unit: Unit) -> dict[str, tuple[str, object]]:
        """Fixed paths this unit answers (besides documents): path → (what, argument)."""
        raise NotImplementedError

    def serve(self, site: Site, unit: Unit, what: str, arg, path: str, query: dict[str, list[str]], as_of: str,
              host: str) -> Response:
        raise NotImplementedError

    def list_paths(self, site: Site, unit: Unit, as_of: str) -> list[str]:
        raise NotImplementedError

    def document(self, site: Site, doc: DocSpec, meta: PageMeta, body: str, links: list[tuple[str, str]],
                 host: str) -> str:
        raise NotImplementedError


class UnitList(Family):
    """Family 9 (Hebei): ``/columns/{uuid}/index.html`` is the unit's list of everything, ``index_N.html`` pages."""

    name, mixed_list, per_page = "unitlist", True, 10

    def entry_path(self, unit: Unit) -> str:
        return f"/columns/{unit.layout['uuid']}/index.html"

    def doc_path(self, doc: DocSpec, unit: Unit) -> str:
        y, m, d = _ymd(doc)
        return f"/columns/{unit.layout['uuid']}/{y}{m}/{d}/{_hex('doc', doc.id)}.html"

    def attachment_path(self, doc: DocSpec, unit: Unit, index: int) -> str:
        y, m, d = _ymd(doc)
        return f"/attachments/1/{y}{m}/{d}/{doc.attachments[index].name}"

    def _page_path(self, unit: Unit, n: int) -> str:
        return self.entry_path(unit) if n == 1 else self.entry_path(unit).replace("index.html", f"index_{n}.html")

    def pages(self, site: Site, unit: Unit) -> dict[str, tuple[str, object]]:
        count = _pages(len(site.columns[(unit.code, "all")]), self.per_page)
        return {self._page_path(unit, n): ("list", n) for n in range(1, count + 1)}

    def serve(self, site, unit, what, arg, path, query, as_of, host):
        entries = site.entries((unit.code, "all"), as_of, host)
        count = _pages(len(entries), self.per_page)
        if arg > count:
            return _not_found(path)
        shown = entries[(arg - 1) * self.per_page: arg * self.per_page]
        return _html(P.unitlist_list(site.preset.site_name, shown, arg, count))

    def list_paths(self, site, unit, as_of):
        count = _pages(len(site.visible((unit.code, "all"), as_of)), self.per_page)
        return [self._page_path(unit, n) for n in range(1, count + 1)]

    def document(self, site, doc, meta, body, links, host):
        unit = site.unit_by_code[doc.unit]
        return P.unitlist_document(site.preset.site_name, meta, body, links, self.entry_path(unit))


class Gkmlpt(Family):
    """Family 4 (Guangdong): a JS shell with the SID, JSON lists from ``api/all/{category}``, a category tree."""

    name, mixed_list, per_page = "gkmlpt", True, 10

    @staticmethod
    def root(unit: Unit) -> str:
        return f"/{unit.layout['slug']}/gkmlpt"

    def entry_path(self, unit: Unit) -> str:
        return self.root(unit) + "/index"

    def doc_path(self, doc: DocSpec, unit: Unit) -> str:
        post = gkmlpt_post_id(doc)
        return f"{self.root(unit)}/content/{post // 10**6}/{post // 1000}/post_{post}.html"

    def attachment_path(self, doc: DocSpec, unit: Unit, index: int) -> str:
        att_id = 500000 + doc.docid * 3 + index
        return f"/attachment/0/{att_id // 1000}/{att_id}/{doc.attachments[index].name}"

    def pages(self, site, unit):
        root = self.root(unit)
        out: dict[str, tuple[str, object]] = {self.entry_path(unit): ("shell", None), root + "/api/tree": ("tree", None)}
        for cat in [0, *unit.layout["cats"].values()]:
            out[f"{root}/api/all/{cat}"] = ("all", cat)
        return out

    def category_names(self) -> dict[str, str]:
        return {"jgzn": "机构职能", "zcwj": "政策文件", "tzgg": "通知公告", "ndbg": "政府信息公开年报"}

    def serve(self, site, unit, what, arg, path, query, as_of, host):
        from disclosure.replica.site import Response

        if what == "shell":
            return _html(P.gkmlpt_shell(unit.name, unit.layout["sid"], self.root(unit)))
        if query.get("sid", [""])[0] != unit.layout["sid"]:
            body = '{"code": 400, "message": "sid error"}'
            return Response(400, body.encode(), JSON, [("Cache-Control", "no-cache")])
        if what == "tree":
            names = self.category_names()
            body = P.gkmlpt_tree([(cid, names[key]) for key, cid in unit.layout["cats"].items()])
            return Response(200, body.encode("utf-8"), JSON, [("Cache-Control", "no-cache")])
        key = {0: "all", unit.layout["cats"]["ndbg"]: "ndbg", unit.layout["cats"]["tzgg"]: "tzgg"}.get(arg)
        docs = site.visible((unit.code, key), as_of) if key else []
        page = max(1, _int(query, "page", 1))
        shown = docs[(page - 1) * self.per_page: page * self.per_page]
        body = P.gkmlpt_json(len(docs), [self.article(site, unit, d, as_of, host) for d in shown])
        return Response(200, body.encode("utf-8"), JSON, [("Cache-Control", "no-cache")])

    def article(self, site: Site, unit: Unit, doc: DocSpec, as_of: str, host: str) -> dict:
        """One record of ``articles``: absolute url (root-relative for the planted one), epoch create_time."""
        found = doc.version_at(as_of)
        path = self.doc_path(doc, unit)
        claimed = dt.datetime.fromisoformat(doc.claimed_at).replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
        number = getattr(site.content(doc), "doc_number", None) if doc.kind == "notice" else None
        return {"id": gkmlpt_post_id(doc), "title": site.title(doc, found[1].edit_no if found else 0),
                "url": path if doc.id == site.planted.get("root_relative_url") else f"http://{host}{path}",
                "create_time": int(claimed.timestamp()), "created_at": claimed.strftime("%Y-%m-%d %H:%M:%S"),
                "publisher": unit.name, "identifier": doc.index_number or "", "document_number": number or ""}

    def list_paths(self, site, unit, as_of):
        count = _pages(len(site.visible((unit.code, "all"), as_of)), self.per_page)
        sid = unit.layout["sid"]
        return [self.entry_path(unit)] + [f"{self.root(unit)}/api/all/0?page={n}&sid={sid}"
                                          for n in range(1, count + 1)]

    def document(self, site, doc, meta, body, links, host):
        unit = site.unit_by_code[doc.unit]
        category = self.category_names()[doc.column]
        return P.gkmlpt_document(site.preset.site_name, meta, category, body, links, self.entry_path(unit))


class HanwebDatastore(Family):
    """Family 2 (Hanweb jpage): page 1 in the column page's script datastore, later pages from dataproxy.jsp."""

    name = "hanweb_datastore"

    def entry_path(self, unit: Unit) -> str:
        return f"/col/col{unit.col_ids['platform']}/index.html"

    def column_path(self, unit: Unit, column: str) -> str:
        return f"/col/col{unit.col_ids[column]}/index.html"

    def doc_path(self, doc: DocSpec, unit: Unit) -> str:
        y, m, d = _ymd(doc)
        if unit.layout["art"] == "hex":
            return f"/art/{y}/art_{_hex('art', doc.id)}.html"
        return f"/art/{y}/{int(m)}/{int(d)}/art_{unit.col_ids[doc.column]}_{doc.docid}.html"

    def attachment_path(self, doc: DocSpec, unit: Unit, index: int) -> str:
        return f"{DOWNFILE}?classid=0&filename={doc.attachments[index].name}"

    def pages(self, site, unit):
        for column in ("ndbg", "tzgg"):
            site.hanweb_cols[unit.col_ids[column]] = (unit.code, column)  # dataproxy.jsp serves later pages
        out: dict[str, tuple[str, object]] = {self.entry_path(unit): ("platform", None)}
        out.update({self.column_path(unit, c): ("column", c) for c in ("ndbg", "tzgg")})
        return out

    def serve(self, site, unit, what, arg, path, query, as_of, host):
        if what == "platform":
            links = [(self.column_path(unit, c), COLUMN_TITLES[c]) for c in ("ndbg", "tzgg")]
            return _html(P.unit_home(f"{unit.name}信息公开", links, PLATFORM))
        from disclosure.replica.site import hanweb_unit_id

        col = unit.col_ids[arg]
        entries = site.entries((unit.code, arg), as_of, host)
        per = unit.layout["per_page"]
        return _html(P.hanweb_datastore_column(site.preset.site_name, f"{unit.name}{COLUMN_TITLES[arg]}",
                                               self.entry_path(unit), col, hanweb_unit_id(col), entries[:per],
                                               len(entries), per))

    def list_paths(self, site, unit, as_of):
        out, per = [], unit.layout["per_page"]
        for column in ("ndbg", "tzgg"):
            col = unit.col_ids[column]
            out.append(self.column_path(unit, column))
            total = len(site.visible((unit.code, column), as_of))
            out += [f"{DATAPROXY}?startrecord={s}&endrecord={s + per - 1}&perpage={per}&columnid={col}"
                    for s in range(per + 1, total + 1, per)]
        return out

    def document(self, site, doc, meta, body, links, host):
        unit = site.unit_by_code[doc.unit]
        return P.hanweb_datastore_document(site.preset.site_name, meta, body, links, host,
                                           self.column_path(unit, doc.column))


class Anhui(Family):
    """Family 5 (Anhui platform): column shells with inline parameters, rows from the /site/label/8888 XHR."""

    name, per_page = "anhui", 15

    def entry_path(self, unit: Unit) -> str:
        return f"/public/column/{unit.layout['organ_id']}?type=4&action=list&nav=1"

    def column_path(self, unit: Unit, column: str) -> str:
        return f"/public/column/{unit.layout['organ_id']}?type=4&catId={unit.layout['cats'][column]}&action=list"

    def doc_path(self, doc: DocSpec, unit: Unit) -> str:
        return f"/public/{unit.layout['organ_id']}/{40000000 + doc.docid}.html"

    def attachment_path(self, doc: DocSpec, unit: Unit, index: int) -> str:
        h = _hex("fdfs-dir", doc.id, index).upper()
        return f"/group1/M00/{h[:2]}/{h[2:4]}/{doc.attachments[index].name}"

    def label_path(self, unit: Unit, column: str, page: int) -> str:
        return (f"{ANHUI_LABEL}?IsAjax=1&dataType=html&labelName=publicInfoList&siteId={ANHUI_SITE_ID}"
                f"&organId={unit.layout['organ_id']}&catId={unit.layout['cats'][column]}&pageIndex={page}"
                f"&pageSize={self.per_page}&file={ANHUI_FILE}")

    def pages(self, site, unit):
        return {f"/public/column/{unit.layout['organ_id']}": ("column", None), ANHUI_LABEL: ("label", None)}

    def serve(self, site, unit, what, arg, path, query, as_of, host):
        if what == "label":
            return self._label(site, query, as_of, host)
        cat = _int(query, "catId", 0)
        column = next((c for c, cid in unit.layout["cats"].items() if cid == cat), None)
        if cat == 0:
            links = [(self.column_path(unit, c), COLUMN_TITLES[c]) for c in ("ndbg", "tzgg")]
            return _html(P.anhui_catalogue(unit.name, links))
        if column is None:
            return _not_found(path)
        return _html(P.anhui_shell(unit.name, COLUMN_TITLES[column], self.entry_path(unit), ANHUI_SITE_ID,
                                   unit.layout["organ_id"], cat, ANHUI_FILE))

    def _label(self, site: Site, query: dict[str, list[str]], as_of: str, host: str) -> Response:
        organ, cat = _int(query, "organId", 0), _int(query, "catId", 0)
        unit = next((u for u in site.units if u.dialect == self.name and u.layout["organ_id"] == organ), None)
        column = None if unit is None else next((c for c, cid in unit.layout["cats"].items() if cid == cat), None)
        entries: list[ListEntry] = [] if column is None else site.entries((unit.code, column), as_of, host)
        size = min(100, max(1, _int(query, "pageSize", self.per_page)))
        page = max(1, _int(query, "pageIndex", 1))
        count = -(-len(entries) // size)
        return _html(P.anhui_fragment(entries[(page - 1) * size: page * size], page, count, len(entries)))

    def list_paths(self, site, unit, as_of):
        out = []
        for column in ("ndbg", "tzgg"):
            out.append(self.column_path(unit, column))
            count = _pages(len(site.visible((unit.code, column), as_of)), self.per_page)
            out += [self.label_path(unit, column, n) for n in range(1, count + 1)]
        return out

    def document(self, site, doc, meta, body, links, host):
        unit = site.unit_by_code[doc.unit]
        return P.anhui_document(site.preset.site_name, meta, body, links, self.column_path(unit, doc.column))


class StaticList(Family):
    """Family 12 (legacy CMS): ``…/{col}/list.html``, then ``list-2.html`` …, linked only by 下一页 and numbers."""

    name, per_page = "static_list", 15

    def entry_path(self, unit: Unit) -> str:
        return f"/{unit.layout['slug']}/index.html"

    def _dir(self, unit: Unit, column: str) -> str:
        return f"/{unit.layout['slug']}/{unit.layout['columns'][column]}/"

    def column_path(self, unit: Unit, column: str) -> str:
        return self._dir(unit, column) + "list.html"

    def _page_path(self, unit: Unit, column: str, n: int) -> str:
        return self._dir(unit, column) + ("list.html" if n == 1 else f"list-{n}.html")

    def doc_path(self, doc: DocSpec, unit: Unit) -> str:
        y, m, _ = _ymd(doc)
        return f"{self._dir(unit, doc.column)}{y}{m}/{doc.docid}.html"

    def attachment_path(self, doc: DocSpec, unit: Unit, index: int) -> str:
        y, m, d = _ymd(doc)
        return f"/uploadfile/{y}/{m}{d}/{doc.attachments[index].name}"

    def pages(self, site, unit):
        out: dict[str, tuple[str, object]] = {self.entry_path(unit): ("home", None)}
        for column in ("ndbg", "tzgg"):
            count = _pages(len(site.columns[(unit.code, column)]), self.per_page)
            out.update({self._page_path(unit, column, n): ("list", (column, n)) for n in range(1, count + 1)})
        return out

    def serve(self, site, unit, what, arg, path, query, as_of, host):
        if what == "home":
            links = [(self.column_path(unit, c), COLUMN_TITLES[c]) for c in ("ndbg", "tzgg")]
            return _html(P.unit_home(f"{unit.name}政府信息公开", links, PLATFORM))
        column, n = arg
        entries = site.entries((unit.code, column), as_of, host)
        count = _pages(len(entries), self.per_page)
        if n > count:
            return _not_found(path)
        shown = entries[(n - 1) * self.per_page: n * self.per_page]
        return _html(P.static_list(site.preset.site_name, unit.name, COLUMN_TITLES[column], shown, n, count,
                                   self.entry_path(unit)))

    def list_paths_of(self, site: Site, unit: Unit, column: str, as_of: str) -> list[str]:
        count = _pages(len(site.visible((unit.code, column), as_of)), self.per_page)
        return [self._page_path(unit, column, n) for n in range(1, count + 1)]

    def list_paths(self, site, unit, as_of):
        return [p for column in ("ndbg", "tzgg") for p in self.list_paths_of(site, unit, column, as_of)]

    def document(self, site, doc, meta, body, links, host):
        unit = site.unit_by_code[doc.unit]
        return P.static_document(site.preset.site_name, meta, body, links, self.column_path(unit, doc.column), host)


FAMILIES: dict[str, Family] = {f.name: f for f in (UnitList(), Gkmlpt(), HanwebDatastore(), Anhui(), StaticList())}


# ---- the county's own pages and planted cases ------------------------------------------------------------
def navigation(site: Site, path: str, as_of: str, host: str) -> Response | None:
    """Home and the 政府信息公开 platform (unit directory) of a county served by families; None otherwise."""
    gov = next(u for u in site.units if u.kind == "county_government")
    own = [(site.column_path(gov, "ndbg"), "政府信息公开年报"), (site.column_path(gov, "tzgg"), "通知公告")]
    if path in ("/", "/index.html"):
        links = [(PLATFORM, "政府信息公开"), own[1], own[0]]
        latest = sorted((d for d in site.docs if d.first_appears_at <= as_of), key=lambda d: d.claimed_at)[-8:]
        news = [(site.doc_path(d), site.title(d, d.version_at(as_of)[1].edit_no)) for d in reversed(latest)]
        return _html(P.home(site.preset.site_name, links, news))
    if path in ("/zfxxgk/", PLATFORM):
        sections = [(name, [(site.platform_path(u), u.name) for u in site.units if u.kind == kind])
                    for name, kind in (("部门信息公开", "bureau"), ("乡镇信息公开", "township"))]
        return _html(P.platform(f"{site.county}政府信息公开", own, sections))
    return None


def plant(site: Site) -> dict[str, str]:
    """Which document carries the planted gkmlpt root-relative ``url`` (the middle one of the first gkmlpt unit)."""
    unit = next(u for u in site.units if u.dialect == "gkmlpt")
    docs = site.columns[(unit.code, "all")]
    return {"root_relative_url": docs[len(docs) // 2].id}


def special_cases(site: Site, base: str, as_of: str, url) -> list:
    """The planted realism of a family county, as manifest special cases (``url`` makes absolute URLs)."""
    from disclosure.replica.manifest import ManifestSpecialCase

    doc = site.doc_by_id[site.planted["root_relative_url"]]
    out = []
    if doc.first_appears_at <= as_of:
        out.append(ManifestSpecialCase("root_relative_url", url(base, site.doc_path(doc)),
                                       "gkmlpt articles[].url is root-relative for this document",
                                       url(base, site.doc_path(doc))))
    for unit in site.units:
        fam = FAMILIES.get(unit.dialect)
        if isinstance(fam, StaticList):
            for column in ("ndbg", "tzgg"):
                if len(fam.list_paths_of(site, unit, column, as_of)) == 1:
                    out.append(ManifestSpecialCase("single_page_column", url(base, fam.column_path(unit, column)),
                                                   "static list with one page: no 下一页, no list-2.html", unit.code))
        elif isinstance(fam, UnitList):
            paths = fam.list_paths(site, unit, as_of)
            if len(paths) >= 3:
                out.append(ManifestSpecialCase("multi_page_unit", url(base, paths[0]),
                                               f"unit list of {len(paths)} pages (下一页 / 尾页 / 共{len(paths)}页)",
                                               unit.code))
    return out
