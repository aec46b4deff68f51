"""The replica county's publishers: 青山县 (fictional), its government, bureaus and townships.

The catalogue is data, not randomness, so unit codes and names stay stable across seeds; the seed
only drives documents and dates. ``--scale N`` adds generated townships (乡镇) so that the number of
publishers (and pages) grows N-fold.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

COUNTY = "青山县"
AREA_CODE = "620725"  # fictional county under a real-looking prefecture prefix
SITE_ID_CODE = AREA_CODE + "0001"  # SiteIDCode: 6-digit area code + 4
FIRST_YEAR = 2008
LAST_YEAR = 2025

# Encoding modes of a unit's pages (see docs/replica.md, "Encodings").
ENC_UTF8 = "utf-8"
ENC_GBK_DECLARED = "gbk_declared"  # GBK body, header and meta both say gbk
ENC_GBK_META_UTF8 = "gbk_meta_utf8"  # GBK body, no charset in the header, meta says utf-8
ENC_GBK_CONFLICT = "gbk_conflict"  # GBK body, header says gb2312, meta says utf-8


@dataclass
class Unit:
    """A publisher and how its part of the portal is served."""

    code: str
    name: str
    aliases: list[str]
    kind: str  # county_government | bureau | township
    dialect: str = "trs"  # trs | hanweb | unitlist | gkmlpt | hanweb_datastore | anhui | static_list
    encoding_mode: str = ENC_UTF8
    created_year: int | None = None
    abolished_year: int | None = None
    predecessor: str | None = None
    absolute_links: bool = False  # list entries use absolute URLs instead of relative ones
    org_code: str = ""  # 9-digit organisation code used in 索引号
    col_ids: dict[str, int] = field(default_factory=dict)  # Hanweb column ids: platform, ndbg, tzgg
    generated: bool = False  # added by --scale (busier notice columns than the base townships)
    # Family-specific addresses (uuid, slug, SID, organId, catIds …) of the 白河县 families (families.py)
    layout: dict = field(default_factory=dict)

    @property
    def family(self) -> str:
        """The portal family (dialects.md) serving this unit's pages: the same value as ``dialect``."""
        return self.dialect

    @property
    def encoding(self) -> str:
        """Codec of the served bytes."""
        return "utf-8" if self.encoding_mode == ENC_UTF8 else "gb18030"

    def exists_in(self, year: int) -> bool:
        """Whether the unit owes a report for ``year``."""
        return (self.created_year is None or year >= self.created_year) and (
            self.abolished_year is None or year <= self.abolished_year)


# (code, full name, aliases, hanweb?, created, abolished, predecessor)
_BUREAUS: list[tuple[str, str, list[str], bool, int | None, int | None, str | None]] = [
    ("xzfb", "青山县人民政府办公室", ["县政府办", "县府办"], False, None, None, None),
    ("fgj", "青山县发展和改革局", ["县发改局", "发改局"], False, None, None, None),
    ("jyj", "青山县教育局", ["县教育局", "教育局"], False, None, None, None),
    ("kjj", "青山县科学技术局", ["县科技局", "科技局"], True, None, None, None),
    ("gxj", "青山县工业和信息化局", ["县工信局", "工信局"], False, None, None, None),
    ("mzzjj", "青山县民族宗教事务局", ["县民宗局", "民宗局"], False, None, None, None),
    ("gaj", "青山县公安局", ["县公安局", "公安局"], True, None, None, None),
    ("mzj", "青山县民政局", ["县民政局", "民政局"], False, None, None, None),
    ("sfj", "青山县司法局", ["县司法局", "司法局"], True, None, None, None),
    ("czj", "青山县财政局", ["县财政局", "财政局"], False, None, None, None),
    ("rsj", "青山县人力资源和社会保障局", ["县人社局", "人社局"], True, None, None, None),
    ("gtzyj", "青山县国土资源局", ["县国土局", "国土资源局"], False, None, 2018, None),
    ("zrzyj", "青山县自然资源局", ["县自然资源局", "自然资源局"], False, 2019, None, "gtzyj"),
    ("zjj", "青山县住房和城乡建设局", ["县住建局", "住建局"], True, None, None, None),
    ("jtj", "青山县交通运输局", ["县交通局", "交通运输局"], False, None, None, None),
    ("slj", "青山县水务局", ["县水务局", "水务局"], True, None, None, None),
    ("nmj", "青山县农牧局", ["县农牧局", "农牧局"], True, None, 2018, None),
    ("nyncj", "青山县农业农村局", ["县农业农村局", "农业农村局"], True, 2019, None, "nmj"),
    ("swj", "青山县商务局", ["县商务局", "商务局"], False, None, None, None),
    ("wgj", "青山县文化广播影视局", ["县文广局", "文广局"], False, None, 2018, None),
    ("wlj", "青山县文化和旅游局", ["县文旅局", "文旅局"], False, 2019, None, "wgj"),
    ("wsjsj", "青山县卫生和计划生育局", ["县卫计局", "卫计局"], True, None, 2018, None),
    ("wjj", "青山县卫生健康局", ["县卫健局", "卫健局"], True, 2019, None, "wsjsj"),
    ("tyjrswj", "青山县退役军人事务局", ["县退役军人事务局", "退役军人事务局"], False, 2019, None, None),
    ("yjglj", "青山县应急管理局", ["县应急局", "应急管理局"], False, 2019, None, None),
    ("sjj", "青山县审计局", ["县审计局", "审计局"], False, None, None, None),
    ("scjgj", "青山县市场监督管理局", ["县市场监管局", "市场监管局"], True, None, None, None),
    ("tjj", "青山县统计局", ["县统计局", "统计局"], False, None, None, None),
    ("ylbzj", "青山县医疗保障局", ["县医保局", "医保局"], True, 2019, None, None),
    ("xfj", "青山县信访局", ["县信访局", "信访局"], False, None, None, None),
    ("cgj", "青山县城市管理综合执法局", ["县城管局", "城管局"], False, None, None, None),
    ("rfb", "青山县人民防空办公室", ["县人防办", "人防办"], False, None, None, None),
    ("jgswj", "青山县机关事务管理局", ["县机关事务局", "机关事务局"], True, None, None, None),
    ("lyj", "青山县林业和草原局", ["县林草局", "林草局"], False, None, None, None),
]

_TOWNSHIPS = [("qszh", "青石镇"), ("lhx", "柳河乡")]

# Units whose pages are served GBK, and how the charset is (mis)declared.
_ENCODINGS = {"tjj": ENC_GBK_DECLARED, "gtzyj": ENC_GBK_DECLARED, "sjj": ENC_GBK_META_UTF8,
              "xfj": ENC_GBK_CONFLICT}
_ABSOLUTE_LINKS = {"czj", "swj", "kjj", "scjgj", "lyj"}

# Characters for generated township names at scale > 1.
_TOWN_FIRST = "东西南北上下大小新老白黑红黄金石松柏桃李杏梅竹兰云雾龙凤马牛羊鹿泉河湖溪山岭岗坪川塬沟"
_TOWN_SECOND = "家庄营堡寨店集桥坝台湾滩口源门屯洼峪园田林峰川关"


def _township(code: str, short: str) -> Unit:
    return Unit(code=code, name=f"{COUNTY}{short}人民政府", aliases=[short, f"{short}政府", f"{short}人民政府"],
                kind="township")


def build_units(seed: int = 1, scale: int = 1) -> list[Unit]:
    """All publishers of the replica county, county government first."""
    units = [Unit(code="xzf", name=f"{COUNTY}人民政府", aliases=["县政府", f"{COUNTY}政府", "县人民政府"],
                  kind="county_government")]
    for code, name, aliases, hanweb, created, abolished, pred in _BUREAUS:
        units.append(Unit(code=code, name=name, aliases=list(aliases), kind="bureau",
                          dialect="hanweb" if hanweb else "trs", encoding_mode=_ENCODINGS.get(code, ENC_UTF8),
                          created_year=created, abolished_year=abolished, predecessor=pred,
                          absolute_links=code in _ABSOLUTE_LINKS))
    units.extend(_township(code, short) for code, short in _TOWNSHIPS)
    # Scale: generated townships, about as many per extra step as the base catalogue has units.
    per_step = len(units)
    names = [a + b for a in _TOWN_FIRST for b in _TOWN_SECOND]
    random.Random(f"towns:{seed}").shuffle(names)
    used = {short for _, short in _TOWNSHIPS}
    pool = (n for n in names if n + "镇" not in used and n + "乡" not in used)
    for i in range((scale - 1) * per_step):
        base = next(pool)
        short = base + ("镇" if i % 3 else "乡")
        unit = _township(f"t{i + 1:04d}", short)
        unit.dialect = "hanweb" if i % 3 == 0 else "trs"
        unit.generated = True
        units.append(unit)
    rng = random.Random(f"orgcodes:{seed}")
    for i, unit in enumerate(units):
        unit.org_code = f"{rng.randrange(10**8, 10**9 - 1):09d}"
        base = 10000 + i * 10
        unit.col_ids = {"platform": base, "ndbg": base + 1, "tzgg": base + 2}
    return units
