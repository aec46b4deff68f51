"""Units and their names: alias generation, kind guessing and matching a publisher to a unit.

Bureau names come in long and short forms (青山县民族宗教事务局, 县民宗局, 民宗局). Every unit stores
the short forms :func:`generate_aliases` derives; :class:`UnitMatcher` maps any spelling a page uses
back to one unit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Customary abbreviations of bureau names (full stem → short stem), longest first when applied.
ABBREVIATIONS: dict[str, str] = {
    "民族宗教事务局": "民宗局",
    "人力资源和社会保障局": "人社局",
    "住房和城乡建设局": "住建局",
    "市场监督管理局": "市场监管局",
    "发展和改革局": "发改局",
    "卫生健康局": "卫健局",
    "卫生和计划生育局": "卫计局",
    "文化体育广电和旅游局": "文体广旅局",
    "文化和旅游局": "文旅局",
    "交通运输局": "交通局",
    "应急管理局": "应急局",
    "退役军人事务局": "退役军人局",
    "医疗保障局": "医保局",
    "林业和草原局": "林草局",
    "科学技术局": "科技局",
    "工业和信息化局": "工信局",
    "教育和科学技术局": "教科局",
    "农业农村局": "农业农村局",
    "生态环境局": "环保局",
    "自然资源局": "自然资源局",
    "水利局": "水利局",
    "水务局": "水务局",
    "人民政府办公室": "政府办",
    "人民政府": "政府",
}

# County names are 2–4 characters before 县/区/旗/市, longer only for autonomous counties.
_COUNTY_PREFIX = re.compile(r"^(\S{2,12}?(?:自治县|自治旗)|\S{1,4}?(?:县|区|旗|市))(?=\S{2,})")
_TOWNSHIP = re.compile(r"(乡|镇|街道|苏木)(人民政府|办事处)?$")
_SPACE = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    """A name without whitespace and with full-width parentheses (how names are compared)."""
    return _SPACE.sub("", name).replace("(", "（").replace(")", "）")


def split_county(name: str) -> tuple[str | None, str]:
    """``青山县教育局`` → (``青山县``, ``教育局``); a name without a county prefix → (None, name)."""
    name = normalise_name(name)
    match = _COUNTY_PREFIX.match(name)
    if not match:
        return None, name
    return match[1], name[match.end():]


def guess_unit_kind(name: str) -> str:
    """county_government | township | bureau, guessed from the name."""
    _, stem = split_county(name)
    if _TOWNSHIP.search(stem):
        return "township"
    if stem in ("人民政府", "政府"):
        return "county_government"
    return "bureau"


def generate_aliases(name: str) -> list[str]:
    """The short forms of a unit name, most specific first, the name itself excluded.

    ``青山县民族宗教事务局`` → ``县民族宗教事务局``, ``民族宗教事务局``, ``县民宗局``, ``民宗局``;
    ``青山县城关镇人民政府`` → ``城关镇人民政府``, ``城关镇``.
    """
    full = normalise_name(name)
    county, stem = split_county(full)
    out: list[str] = []

    def add(alias: str) -> None:
        if alias and alias != full and alias not in out and len(alias) >= 2:
            out.append(alias)

    if county:
        add(county[-1] + stem)  # 县教育局
        add(stem)
    for long, short in sorted(ABBREVIATIONS.items(), key=lambda kv: -len(kv[0])):
        if stem.endswith(long) and long != short:
            short_stem = stem[: -len(long)] + short
            if county:
                add(county[-1] + short_stem)
            add(short_stem)
            break
    township = _TOWNSHIP.search(stem)
    if township and township[2]:
        add(stem[: -len(township[2])])
    if guess_unit_kind(full) == "county_government" and county:
        add(county + "政府")
        add(county[-1] + "政府")
    # A bare "政府" / "办公室" names nobody in particular.
    return [a for a in out if a not in ("政府", "政府办", "办公室")]


@dataclass
class UnitName:
    """What the matcher knows of one unit (a plain record, so it survives a rolled-back session)."""

    unit_id: int
    name: str
    aliases: list[str]


class UnitMatcher:
    """Maps any spelling of a unit name (full, alias, generated short form) to one unit id."""

    def __init__(self, units: Iterable[UnitName] = ()):
        self._by_name: dict[str, int] = {}
        self._ambiguous: set[str] = set()
        self._units: dict[int, UnitName] = {}
        for unit in units:
            self.add(unit)

    def add(self, unit: UnitName) -> None:
        """Register a unit under its name, stored aliases and generated aliases."""
        self._units[unit.unit_id] = unit
        full = normalise_name(unit.name)
        self._by_name[full] = unit.unit_id  # a full name always wins
        self._ambiguous.discard(full)
        for alias in [*unit.aliases, *generate_aliases(unit.name)]:
            alias = normalise_name(alias)
            owner = self._by_name.get(alias)
            if owner is None:
                self._by_name[alias] = unit.unit_id
            elif owner != unit.unit_id and normalise_name(self._units[owner].name) != alias:
                self._ambiguous.add(alias)

    def match(self, name: str | None) -> int | None:
        """The unit id ``name`` designates, or None when unknown or ambiguous."""
        if not name:
            return None
        key = normalise_name(name)
        if key in self._by_name and key not in self._ambiguous:
            return self._by_name[key]
        # A name spelled differently but with the same short forms (县民宗局 vs 青山县民宗局).
        for alias in generate_aliases(key):
            if alias in self._by_name and alias not in self._ambiguous:
                unit_id = self._by_name[alias]
                if self._same_county(key, self._units[unit_id].name):
                    return unit_id
        return None

    @staticmethod
    def _same_county(a: str, b: str) -> bool:
        county_a, _ = split_county(a)
        county_b, _ = split_county(b)
        return county_a is None or county_b is None or county_a == county_b
