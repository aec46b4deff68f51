"""The replica's preset counties: 青山县 (the default, TRS and Hanweb) and 白河县 (the portal families of dialects.md)."""

from __future__ import annotations

from dataclasses import dataclass

from disclosure.replica.units import AREA_CODE, COUNTY


@dataclass(frozen=True)
class County:
    """A preset county: its name, area code and which of the default site's extras it carries."""

    key: str  # the name given to build_site(county=…) and `disclosure replica --county`
    name: str  # 青山县
    area_code: str  # 6 digits, fictional
    traps: bool  # the planted trouble of 青山县 (redirect, WAF, calendar, GBK units, hostile notice …)
    central: bool  # the central 政府信息公开年报 column /zfxxgk/zfxxgknb/

    @property
    def site_name(self) -> str:
        return f"{self.name}人民政府"

    @property
    def site_id_code(self) -> str:
        return self.area_code + "0001"


DEFAULT = County(key="default", name=COUNTY, area_code=AREA_CODE, traps=True, central=True)
MIXED = County(key="mixed", name="白河县", area_code="620799", traps=False, central=False)
COUNTIES = {c.key: c for c in (DEFAULT, MIXED)}


def county_preset(key: str) -> County:
    """The preset named ``key``; ValueError naming the choices otherwise."""
    try:
        return COUNTIES[key]
    except KeyError:
        raise ValueError(f"unknown county {key!r} (choose from {', '.join(COUNTIES)})") from None
