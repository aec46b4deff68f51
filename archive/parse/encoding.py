"""Bytes → text for pages whose declared charset cannot be trusted.

Order: a byte-order mark wins; then each declared charset (HTTP header, then ``<meta>``) is tried strictly;
when the declarations disagree or fail, every candidate that decodes strictly is scored by how plausible
its Chinese is (share of characters among the most frequent Chinese characters) and the best one wins.
GBK and GB2312 are always decoded as GB18030, their superset.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_ALIASES = {
    "gbk": "gb18030", "gb2312": "gb18030", "gb_2312": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
    "gb_2312-80": "gb18030", "euc-cn": "gb18030", "hz-gb-2312": "gb18030", "gb18030": "gb18030",
    "utf8": "utf-8", "utf-8": "utf-8", "unicode": "utf-8", "iso-8859-1": "cp1252", "latin1": "cp1252",
    "us-ascii": "utf-8", "ascii": "utf-8",
}
_META_CHARSET = re.compile(rb"""<meta[^>]{0,400}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]{2,30})""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)

# The most frequent Chinese characters: real text is mostly made of them; mojibake is not.
_COMMON = set(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方"
    "后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开"
    "它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此"
    "变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老"
    "头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门"
    "即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花"
    "带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段"
    "研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳"
    "便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京"
    "识适属圆包火住调满县局照参红细引听该铁价严龙飞申请告息政府公开年报况项施督障乡镇街道村宗教育卫健"
)


@dataclass
class Decoded:
    """A decoded text and how the encoding was chosen."""

    text: str
    encoding: str
    declared: str | None  # the charset the source declared (header, else meta), normalised
    reason: str  # bom | declared | scored | fallback


def normalise_charset(name: str | None) -> str | None:
    """Map a declared charset to the codec we decode with (GBK/GB2312 → gb18030)."""
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name if name not in ("gb18030", "utf-8") else name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header value."""
    if not content_type:
        return None
    m = _HEADER_CHARSET.search(content_type)
    return normalise_charset(m.group(1)) if m else None


def meta_charset(data: bytes) -> str | None:
    """The charset declared in the first ``<meta>`` that declares one (first 8 KB only)."""
    m = _META_CHARSET.search(data[:8192])
    return normalise_charset(m.group(1).decode("ascii", "ignore")) if m else None


def plausibility(text: str) -> float:
    """Share of non-ASCII letters that are common Chinese characters (1.0 for pure ASCII)."""
    sample = text[:20000]
    other = [c for c in sample if ord(c) > 0x7F and not c.isspace()]
    if not other:
        return 1.0
    common = sum(1 for c in other if c in _COMMON or 0x3000 <= ord(c) <= 0x303F or 0xFF00 <= ord(c) <= 0xFFEF)
    return common / len(other)


def decode_bytes(data: bytes, content_type: str | None = None) -> Decoded:
    """Decode a page's bytes; see the module docstring for the order of trust."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return Decoded(data[len(bom):].decode(enc, "replace"), enc, enc, "bom")
    from_header = header_charset(content_type)
    from_meta = meta_charset(data)
    declared = from_header or from_meta
    if declared and (from_header is None or from_meta is None or from_header == from_meta):
        try:
            text = data.decode(declared)
        except UnicodeDecodeError:
            text = None
        # A strict success is trusted unless it reads as mojibake (GB18030 accepts most byte strings).
        if text is not None and (declared == "utf-8" or plausibility(text) >= 0.5):
            return Decoded(text, declared, declared, "declared")
    candidates: list[str] = []
    for enc in (from_header, from_meta, "utf-8", "gb18030"):
        if enc and enc not in candidates:
            candidates.append(enc)
    best: tuple[float, int, str, str] | None = None
    for rank, enc in enumerate(candidates):
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        score = plausibility(text)
        key = (score, -rank, enc, text)
        if best is None or key[:2] > best[:2]:
            best = key
    if best is not None:
        return Decoded(best[3], best[2], declared, "scored")
    enc = declared or "gb18030"
    return Decoded(data.decode(enc, "replace"), enc, declared, "fallback")
