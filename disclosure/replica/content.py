"""What the replica's documents say: annual reports (text, tables, ground truth) and notices.

``generate_report(spec)`` is deterministic in ``spec`` and fast (it runs per page request). Its output
is built from :class:`~disclosure.replica.content_model.Block` s, which also feed the PDF / DOCX / DOC
renderings in :mod:`disclosure.replica.render_files`. Variants and keys are documented in
docs/replica.md, section "Content".
"""

from __future__ import annotations

import html
import random
import re
from dataclasses import dataclass, field

from disclosure.replica import content_text as T
from disclosure.replica.content_figures import (
    failing_rules,
    gen_table_a,
    gen_table_b,
    gen_table_c,
    plant_inconsistency,
)
from disclosure.replica.content_images import table_png
from disclosure.replica.content_model import Block, Table
from disclosure.replica.content_tables import (
    TableLook,
    build_table_a,
    build_table_b,
    build_table_c,
    build_table_local,
    choose_look,
    table_html,
    table_text,
)
from disclosure.replica.manifest import ManifestSection


@dataclass
class ReportSpec:
    """What the site decides per report."""

    county: str
    unit_name: str
    unit_short: str
    year: int
    format: str  # "2021" | "2019" | "pre2019" (labels used)
    seed: int
    heading_variant: int = 0  # 0..11: numbering v % 4 (一、/（一）/(一)/1.), markup v // 4 (<p><strong>/<h3>/cell)
    missing_section: int | None = None
    tables_as_images: bool = False
    inconsistent: bool = False
    edit_no: int = 0


@dataclass
class ReportContent:
    """A generated report and its ground truth."""

    title: str
    body_html: str
    text: str
    body_phrase: str
    sections: list[ManifestSection]
    figures: dict[str, float | None]
    raw: dict[str, str]
    planted_inconsistencies: list[str]
    images: list[tuple[str, bytes]]
    # Additions beyond the agreed interface (defaults keep it compatible):
    blocks: list[Block] = field(default_factory=list)  # structured body, used by the file renderers
    stated: dict[str, float] = field(default_factory=dict)  # figures the text states (key -> value)
    format: str = "2021"
    break_table_b: bool = False  # file renderings break table B across two pages (as real PDFs do)
    # Tables published as pictures: the figures (and raw cell texts) the pictures show; figures/raw stay empty
    # since no text reader finds them (OCR does).
    image_figures: dict[str, float | None] = field(default_factory=dict)
    image_raw: dict[str, str] = field(default_factory=dict)


@dataclass
class NoticeContent:
    """A generated 通知."""

    title: str
    body_html: str
    text: str
    body_phrase: str
    doc_number: str | None


_WS = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _WS.sub(" ", text).strip()


class _Writer:
    """Fills placeholders and collects the blocks of one report."""

    def __init__(self, ctx: dict[str, object]):
        self.ctx = ctx
        self.blocks: list[Block] = []

    def para(self, section: int | None, template: str, lead: str = "") -> None:
        text = lead + template.format(**self.ctx)
        if text:
            self.blocks.append(Block("para", text=text, section=section))

    def heading(self, section: int, text: str, markup: str) -> None:
        self.blocks.append(Block("heading", text=text, section=section, markup=markup))

    def table(self, section: int, table: Table) -> None:
        self.blocks.append(Block("table", section=section, table=table))


def _title(rng: random.Random, spec: ReportSpec) -> str:
    return T.pick(rng, (
        f"{spec.unit_name}{spec.year}年政府信息公开工作年度报告",
        f"{spec.unit_name}{spec.year}年政府信息公开工作年度报告",
        f"{spec.year}年度{spec.unit_name}政府信息公开年度报告",
        f"{spec.unit_name}{spec.year}年度政府信息公开工作年度报告",
    ))  # type: ignore[return-value]


def _apply_edit(rng: random.Random, figures: dict[str, float | None], fmt: str) -> None:
    """An edited version: one more request handled (B stays consistent) and a corrected table A figure."""
    if fmt == "pre2019":
        for key in ("local.requests.received", "local.requests.answered", "local.requests.disclosed"):
            figures[key] = float((figures[key] or 0) + 1)
        figures["local.active.total"] = float((figures["local.active.total"] or 0) + rng.randint(1, 9))
        return
    keys = [f"requests.{row}.{col}" for row in ("new", "result.disclosed", "result.total")
            for col in ("natural_person", "total")]
    if "active.licensing.decisions" in figures:
        keys += ["active.licensing.decisions"] * rng.randint(1, 5)
    for key in keys:
        if key in figures:
            figures[key] = float((figures[key] or 0) + 1)


def _local_figures(rng: random.Random, big: bool) -> dict[str, float | None]:
    active = float(rng.randint(20, 2000 if big else 150))
    received = float(rng.choice((0, 0, 1, 2, 3, 5)) + (rng.randint(5, 60) if big else 0))
    return {
        "local.active.total": active,
        "local.active.via_website": float(int(active * rng.choice((1.0, 0.9, 0.75)))),
        "local.requests.received": received,
        "local.requests.answered": received,
        "local.requests.disclosed": float(int(received * rng.choice((1.0, 0.8, 0.5)))),
        "local.fees.amount": 0.0,
        "local.review.total": float(rng.choice((0, 0, 0, 1))),
        "local.litigation.total": 0.0,
    }


def generate_report(spec: ReportSpec) -> ReportContent:
    """The report of ``spec``: HTML body, plain text, sections and figures (ground truth)."""
    rng = random.Random(spec.seed)
    # The county government itself handles far more than a bureau or a township (乡/镇人民政府).
    big = spec.unit_name.endswith(("县人民政府", "区人民政府", "市人民政府"))
    fmt = spec.format
    title = _title(rng, spec)
    look: TableLook = choose_look(rng, allow_blanks=not spec.inconsistent)
    other_split = fmt == "2021" and rng.random() < 0.8
    numbering = T.NUMBERINGS[spec.heading_variant % len(T.NUMBERINGS)]
    markup = T.MARKUPS[(spec.heading_variant // len(T.NUMBERINGS)) % len(T.MARKUPS)]
    sub = T.SUB_NUMBERING[numbering]
    wordings = T.WORDINGS_PRE2019 if fmt == "pre2019" else T.WORDINGS
    headings = {n: str(T.pick(rng, w)) for n, w in wordings.items()}
    own_line_subs = numbering == "cn" and rng.random() < 0.3
    present = [n for n in range(1, 7) if n != spec.missing_section]
    # Text choices are drawn for every section whether or not it is present, so dropping a section
    # leaves the others' text unchanged.
    preamble = str(T.pick(rng, T.PREAMBLE)) if rng.random() < 0.35 else ""
    intro = str(T.pick(rng, T.INTRO))
    subs = [T.pick(rng, T.SUB_ACTIVE), T.pick(rng, T.SUB_REQUEST), T.pick(rng, T.SUB_MANAGE),
            T.pick(rng, T.SUB_PLATFORM), T.pick(rng, T.SUB_OVERSIGHT)][: rng.randint(3, 5)]
    say_none = rng.random() < 0.5  # 未收到…申请 instead of a number when there were none
    lead2, lead3 = str(T.pick(rng, T.LEAD_2)), str(T.pick(rng, T.LEAD_3))
    lead4_pick = rng.randrange(2)
    problems, improvements = str(T.pick(rng, T.PROBLEMS)), str(T.pick(rng, T.IMPROVEMENTS))
    other = str(T.pick(rng, T.OTHER))
    phrase_section = rng.choice([n for n in present if n in (1, 5, 6)] or present)
    para_style = rng.randrange(len(_PARA_STYLES))

    # Figures (the text states some of them), then an edit, then a planted inconsistency.
    if fmt == "pre2019":
        figures = _local_figures(rng, big)
    else:
        figures = {**gen_table_a(rng, fmt, big), **gen_table_b(rng, other_split, big), **gen_table_c(rng, big)}
    # Keep only the figures of tables that are printed: a dropped section takes its table with it.
    dropped = {2: "active.", 3: "requests.", 4: ("review.", "litigation.")}.get(spec.missing_section or 0)
    if dropped and fmt != "pre2019":
        figures = {k: v for k, v in figures.items() if not k.startswith(dropped)}
    active_items = rng.randint(15, 900 if big else 160)
    if spec.edit_no:
        erng = random.Random(spec.seed * 7919 + spec.edit_no)
        _apply_edit(erng, figures, fmt)
        active_items += erng.randint(1, 6)
        improvements = T.CORRECTIONS[(spec.seed + spec.edit_no) % len(T.CORRECTIONS)]
    stated: dict[str, float] = {}
    if fmt != "pre2019":
        new_total = figures.get("requests.new.total") or 0.0
        if new_total == 0 and say_none:
            subs = [T.SUB_REQUEST_NONE if i == 1 else s for i, s in enumerate(subs)]
        states_in_1 = 1 in present and subs[1] is not T.SUB_REQUEST_NONE
        states_in_3 = 3 in present and "{requests}" in lead3 and new_total > 0
        if states_in_1 or states_in_3:
            stated["requests.new.total"] = new_total
    planted: list[str] = []
    if spec.inconsistent and not spec.tables_as_images:
        planted = plant_inconsistency(random.Random(spec.seed ^ 0x5EED), figures, stated)
    has_cases = any(figures.get(f"{g}.total") for g in ("review", "litigation.direct", "litigation.after_review"))
    lead4 = (T.LEAD_4_SOME if has_cases else T.LEAD_4_NONE)[lead4_pick]

    requests_key = "local.requests.received" if fmt == "pre2019" else "requests.new.total"
    ctx: dict[str, object] = {
        "unit": spec.unit_name, "short": spec.unit_short, "county": spec.county, "year": spec.year,
        "next": spec.year + 1, "active": active_items, "train": rng.randint(1, 6),
        "requests": int(stated.get(requests_key, figures.get(requests_key) or 0)),
        "web": int(figures.get("local.active.via_website") or 0),
    }
    if fmt == "pre2019":
        ctx["active"] = int(figures["local.active.total"] or 0)
    phrase = T.unique_phrase(spec.seed, spec.edit_no, kind=0)

    tables: dict[int, Table] = {}
    if fmt == "pre2019":
        if 2 in present:
            tables[2] = build_table_local(figures, look)
    else:
        if 2 in present:
            tables[2] = build_table_a(figures, fmt, look)
        if 3 in present:
            tables[3] = build_table_b(figures, other_split, look)
        if 4 in present:
            tables[4] = build_table_c(figures, look)
    # Only figures actually printed count (a dropped section takes its table with it).
    raw = {c.key: c.text for t in tables.values() for c in t.keyed_cells() if c.key}
    figures = {k: figures[k] for k in raw}
    if not spec.tables_as_images:
        planted = sorted(failing_rules(figures, stated)) if spec.inconsistent else []
        assert spec.inconsistent or not failing_rules(figures, stated), "generator made an inconsistent report"

    w = _Writer(ctx)
    if preamble:
        w.para(None, preamble)
    for shown, n in enumerate(present, start=1):
        w.heading(n, T.number_label(numbering, shown) + headings[n], markup)
        if n == 1:
            w.para(1, intro)
            for i, (lead, template) in enumerate(subs, start=1):
                sub_lead = T.number_label(sub, i) + str(lead)
                if own_line_subs:
                    w.para(1, sub_lead)
                    w.para(1, str(template))
                else:
                    w.para(1, str(template), lead=sub_lead + "。")
        elif n == 2:
            w.para(2, T.PRE_ACTIVE[0] if fmt == "pre2019" else lead2)
            if fmt == "pre2019":
                w.para(2, "附表：政府信息公开情况统计表")
        elif n == 3:
            if fmt == "pre2019":
                w.para(3, T.PRE_REQUEST[0])
                w.para(3, T.PRE_FEES[1], lead=T.number_label(sub, 1) + T.PRE_FEES[0] + "。")
            else:
                w.para(3, lead3 if "{requests}" not in lead3 or ctx["requests"] else "")
        elif n == 4:
            w.para(4, T.PRE_REVIEW[0] if fmt == "pre2019" else lead4)
        elif n == 5:
            w.para(5, problems)
            w.para(5, improvements)
        else:
            w.para(6, other)
        if n == phrase_section:
            w.para(n, f"围绕“{phrase}”工作目标，持续提升政务公开标准化规范化水平。")
        if n in tables:
            w.table(n, tables[n])

    images: list[tuple[str, bytes]] = []
    if spec.tables_as_images:
        for i, block in enumerate(w.blocks):
            if block.kind == "table" and block.table is not None:
                name = f"W0{spec.year + 1}0{spec.seed % 9 + 1}{spec.seed % 10**9:09d}{i:02d}.png"
                images.append((name, table_png(block.table, spec.seed)))
                block.kind, block.image, block.table = "image", name, None
        # What a text reader finds is nothing; what the pictures show is the tables' figures.
        image_figures, image_raw = figures, raw
        figures, raw = {}, {}
    else:
        image_figures, image_raw = {}, {}

    return ReportContent(
        title=title, body_html=_body_html(w.blocks, para_style), text=_plain_text(w.blocks),
        body_phrase=phrase, sections=_sections(w.blocks, present), figures=figures, raw=raw,
        planted_inconsistencies=planted, images=images, blocks=w.blocks, stated=stated, format=fmt,
        break_table_b=(spec.seed // 3) % 2 == 0, image_figures=image_figures, image_raw=image_raw,
    )


def _sections(blocks: list[Block], present: list[int]) -> list[ManifestSection]:
    out = []
    for n in present:
        heading = next(b.text for b in blocks if b.kind == "heading" and b.section == n)
        paras = [_norm(b.text) for b in blocks if b.kind == "para" and b.section == n]
        out.append(ManifestSection(number=n, heading=heading, text="\n".join(paras)))
    return out


def _plain_text(blocks: list[Block]) -> str:
    lines = []
    for b in blocks:
        if b.kind in ("heading", "para"):
            lines.append(b.text)
        elif b.kind == "table" and b.table is not None:
            lines.append(table_text(b.table))
    return "\n".join(lines)


_PARA_STYLES = (
    '<p style="text-indent:2em;">{}</p>',
    '<p style="text-indent:2em;line-height:1.75;"><span style="font-family:仿宋_GB2312;font-size:16pt;">{}</span></p>',
    "<p>{}</p>",
)


def _heading_html(text: str, markup: str) -> str:
    if markup == "h3":
        return f"<h3>{html.escape(text)}</h3>"
    if markup == "table_cell":
        return f'<table width="100%"><tbody><tr><td><strong>{html.escape(text)}</strong></td></tr></tbody></table>'
    return f'<p style="text-indent:2em;"><strong>{html.escape(text)}</strong></p>'


def _body_html(blocks: list[Block], para_style: int) -> str:
    para = _PARA_STYLES[para_style]
    parts = []
    for b in blocks:
        if b.kind == "heading":
            parts.append(_heading_html(b.text, b.markup))
        elif b.kind == "para":
            parts.append(para.format(html.escape(b.text, quote=False)))
        elif b.kind == "table" and b.table is not None:
            parts.append(table_html(b.table))
        elif b.kind == "image":
            parts.append(f'<p style="text-align:center;"><img src="{b.image}" border="0" alt=""></p>')
    return "\n".join(parts)


# --- Notices -------------------------------------------------------------------------------------
_NOTICE_TITLES = (
    # A deliberate trap: a 通知 whose title names the annual report (real portals publish these in January).
    "关于做好{prev}年度政府信息公开工作年度报告编制发布工作的通知",
    "关于开展{year}年度安全生产大检查的通知",
    "关于组织开展政务公开业务培训的通知",
    "关于调整政府信息公开工作领导小组成员的通知",
    "关于做好{year}年春节期间有关工作的通知",
    "关于印发《{county}政务公开工作要点》的通知",
)
_NOTICE_BODIES = (
    "为深入贯彻落实《中华人民共和国政府信息公开条例》，进一步做好政务公开工作，经研究，现将有关事项通知如下：",
    "根据上级有关工作部署，结合我县实际，决定在全县范围内开展相关工作。现将有关事项通知如下：",
    "为切实做好相关工作，确保各项任务按期完成，现就有关事项通知如下：",
)
_NOTICE_ITEMS = (
    "一、提高思想认识。各单位要充分认识做好此项工作的重要意义，切实加强组织领导，明确责任分工。",
    "二、明确工作任务。各单位要对照任务清单逐项落实，于规定时间前将工作情况报送县政务公开办公室。",
    "三、加强督促检查。县政务公开办公室将适时开展督查，督查结果纳入年度目标责任考核。",
    "二、严格时间要求。请各单位于{month}月底前完成相关工作，逾期未报送的将予以通报。",
)


def _doc_prefix(county: str, unit_name: str) -> str:
    rest = unit_name[len(county):] if unit_name.startswith(county) else unit_name
    if rest.startswith("人民政府办公室"):
        return f"{county[0]}政办发"
    if rest.startswith("人民政府"):
        return f"{county[0]}政发"
    return f"{county[0]}{rest[:1]}发"


def generate_notice(seed: int, county: str, unit_name: str, date: str) -> NoticeContent:
    """A 通知 of ``unit_name`` dated ``date`` (ISO); some carry a 文号 like 青教发〔2022〕7号."""
    rng = random.Random(seed * 31 + 7)
    year, month, day = int(date[:4]), int(date[5:7]), int(date[8:10])
    ctx = {"year": year, "prev": year - 1, "county": county, "month": min(month + 1, 12)}
    title = unit_name + str(T.pick(rng, _NOTICE_TITLES)).format(**ctx)
    doc_number = f"{_doc_prefix(county, unit_name)}〔{year}〕{rng.randint(1, 120)}号" if rng.random() < 0.6 else None
    phrase = T.unique_phrase(seed, 0, kind=1)
    items = [i.format(**ctx) for i in rng.sample(_NOTICE_ITEMS, 3)]
    paras = [
        *( [doc_number] if doc_number else [] ),
        "各乡镇人民政府，县直各部门：" if rng.random() < 0.6 else "各股室、局属各单位：",
        str(T.pick(rng, _NOTICE_BODIES)),
        *items,
        f"各单位要以“{phrase}”为抓手，确保工作取得实效。",
        "特此通知。",
        unit_name,
        f"{year}年{month}月{day}日",
    ]
    body = "\n".join(
        f'<p style="text-align:{"right" if i >= len(paras) - 2 else "left"};">{html.escape(p, quote=False)}</p>'
        for i, p in enumerate(paras)
    )
    return NoticeContent(title=title, body_html=body, text="\n".join(paras), body_phrase=phrase,
                         doc_number=doc_number)
