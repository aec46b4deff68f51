"""Words of a generated report: headings and their variants, paragraph pools, the unique body phrase.

Phrasing follows real county reports (高台县民族宗教事务局 2021, 卢氏县民政局 2021, 泰顺县民政局 2021,
长春市体育局 2023). Placeholders: {unit} full name, {short} short name, {county}, {year}, {next} (year+1),
{active} number of items disclosed, {requests} 新收 requests stated in the text.
"""

from __future__ import annotations

import random

# Section wordings (canonical number -> variants). The first is the national-format wording.
WORDINGS: dict[int, tuple[str, ...]] = {
    1: ("总体情况", "总体情况", "概述"),
    2: ("主动公开政府信息情况",),
    3: ("收到和处理政府信息公开申请情况",),
    4: ("政府信息公开行政复议、行政诉讼情况", "因政府信息公开工作被申请行政复议、提起行政诉讼情况"),
    5: ("存在的主要问题及改进情况", "存在问题及改进情况", "存在的主要问题和改进措施"),
    6: ("其他需要报告的事项",),
}
WORDINGS_PRE2019: dict[int, tuple[str, ...]] = {
    1: ("概述",),
    2: ("主动公开政府信息情况", "主动公开政府信息的情况"),
    3: ("依申请公开政府信息情况", "依申请公开政府信息和不予公开政府信息的情况"),
    4: ("因政府信息公开申请行政复议、提起行政诉讼的情况",),
    5: ("政府信息公开工作存在的主要问题及改进措施", "存在的主要问题及改进措施"),
    6: ("其他需要报告的事项",),
}

_CN = "一二三四五六七八九十"

# heading_variant v: numbering style v % 4, markup v // 4 (see docs/replica.md "## Content").
NUMBERINGS = ("cn", "cn_paren_full", "cn_paren_half", "arabic")
MARKUPS = ("p_strong", "h3", "table_cell")
HEADING_VARIANTS = len(NUMBERINGS) * len(MARKUPS)


def number_label(style: str, i: int) -> str:
    """The printed number of item ``i`` (1-based) in a numbering style."""
    if style == "cn":
        return f"{_CN[i - 1]}、"
    if style == "cn_paren_full":
        return f"（{_CN[i - 1]}）"
    if style == "cn_paren_half":
        return f"({_CN[i - 1]})"
    if style == "arabic":
        return f"{i}."
    if style == "arabic_paren":
        return f"（{i}）"
    return f"{i}、"  # "arabic_dun"


# The sub-item numbering that goes with a top-level numbering (real reports never reuse the top style).
SUB_NUMBERING = {"cn": "cn_paren_full", "cn_paren_full": "arabic", "cn_paren_half": "arabic_dun",
                 "arabic": "arabic_paren"}


# --- Section 1 (总体情况) ------------------------------------------------------------------------
INTRO = (
    "{year}年，{unit}认真贯彻落实《中华人民共和国政府信息公开条例》及国家、省、市、县有关政府信息公开的工作要求，"
    "遵循合法规范、完整统一、真实有效、及时准确的原则，增强政务公开的透明度，接受人民群众监督。",
    "我局始终把开展政府信息公开工作作为全面推进政务公开、扎实做好政府信息公开工作的重要举措，"
    "今年以来，我们加强领导，精心组织实施，扎实开展工作，取得了较好的效果。现将主要工作情况总结如下：",
    "{year}年，在县委、县政府的正确领导下，{short}坚持“公开为常态，不公开为例外”原则，"
    "围绕中心工作，不断充实政务公开内容，提高工作的透明度。",
)
SUB_ACTIVE = (
    ("主动公开政府信息情况", "为做好公开政府信息工作，结合我局的实际情况，调整局政府信息公开领导小组，专门负责推进政府信息公开工作，"
     "积极主动公开政府信息，并依法规范在政府网站主动公开政府信息。{year}年，我局通过政府网站主动公开政府信息{active}条。"),
    ("主动公开方面", "严格按照《条例》规定，围绕政府信息公开的内容、范围、形式等，有效推动政务公开工作的制度化、规范化建设。"
     "截至{year}年12月31日，{short}通过政府信息公开平台主动公开政府信息{active}条，涉及政策文件、工作动态、财政预决算等内容。"),
    ("主动公开信息情况", "本年度我局门户网站围绕县委、县政府的中心工作，及时将政策法规、重大项目完成情况、工作动态等信息"
     "第一时间在政府网站上发布，全年主动公开政府信息{active}条。"),
)
SUB_REQUEST = (
    ("依申请公开办理情况", "{year}年，{unit}共收到政府信息公开申请{requests}件，均在法定期限内予以答复。"),
    ("依申请公开方面", "进一步规范接收、登记、办理、答复等各个环节工作，持续推进依申请公开程序化、规范化建设。"
     "全年共收到政府信息公开申请{requests}件，已全部按期办结。"),
    ("依申请公开工作情况", "我局高度重视依申请公开事项的答复，由专人负责协调有关股室研究答复意见，并按照规定程序在规定时限内答复申请人。"
     "本年度共受理政府信息公开申请{requests}件。"),
)
SUB_REQUEST_NONE = (
    "依申请公开情况", "{year}年，我局未收到公民、法人或其他组织要求公开政府信息的申请。",
)
SUB_MANAGE = (
    ("政府信息管理情况", "把政府信息公开融入日常工作管理，认真落实政务公开的具体要求，及时发布政务动态、及时反馈咨询信息。"
     "坚持落实主动公开相关制度规定，进一步细化法定主动公开内容，严格执行信息发布“三审”制度。"),
    ("政府信息管理方面", "严格按照新修订的《中华人民共和国政府信息公开条例》要求，做好政府信息公开属性源头认定，"
     "对拟公开的信息严格进行保密审查，确保公开信息内容准确、规范。"),
)
SUB_PLATFORM = (
    ("政府信息公开平台建设情况", "紧紧围绕我县经济社会发展和人民群众关心、关切的问题，以社会需求为导向，以平台建设为载体，"
     "健全信息发布更新机制，通过县政府门户网站专栏进行集中发布，定期对平台栏目内容进行动态维护和数据更新。"),
    ("平台建设方面", "我局政府信息公开平台主要依托县政府门户网站进行政府信息公开，同时利用微信公众号及时发布工作动态，"
     "拓宽公开渠道，方便群众查阅。"),
)
SUB_OVERSIGHT = (
    ("监督保障情况", "认真落实《中华人民共和国政府信息公开条例》第五十条之规定，积极开展考核工作，"
     "将此项工作纳入单位年度目标责任考核范围。强化责任追究机制，定期开展督促检查。"),
    ("公开监督保障情况", "不断完善信息公开的监督和审核，确保政府信息公开工作的时效性、完整性，着力完善公开机制、强化公开责任，"
     "组织干部职工参加政务公开业务培训{train}次。"),
)

# --- Sections 2–4 lead sentences ------------------------------------------------------------------
LEAD_2 = (
    "",
    "{year}年，{short}主动公开政府信息情况如下：",
    "本年度主动公开政府信息情况统计如下。",
)
LEAD_3 = (
    "",
    "本年度共收到政府信息公开申请{requests}件，办理情况如下：",
    "{year}年收到和处理政府信息公开申请情况如下：",
)
LEAD_4_NONE = (
    "本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。",
    "{year}年度，{short}未发生政府信息公开行政复议、行政诉讼案件。",
)
LEAD_4_SOME = (
    "本年度因政府信息公开工作被申请行政复议、提起行政诉讼情况如下：",
    "{year}年度政府信息公开行政复议、行政诉讼情况见下表。",
)

# --- Section 5 ----------------------------------------------------------------------------------
PROBLEMS = (
    "通过一年来的政务信息公开工作的开展，进一步提高了工作效率，方便了人民群众办事，取得了一定的成绩，但还存在以下问题和不足："
    "一是制度机制建设力度不够大，制定的主动公开、依申请公开信息等相关制度内容不够全面；二是公开的信息内容不够全面、具体，"
    "整体数量较少；三是宣传力度不够，群众对单位目前公开的政务信息内容了解不多。",
    "{year}年，我局政府信息公开工作虽然取得了一定成效，但也存在一些不足：主要是公开信息的及时性有待加强，"
    "政策解读形式还比较单一，工作人员业务水平有待进一步提高。",
    "存在的主要问题：一是信息公开的深度和广度不够；二是信息更新不够及时；三是政策解读的针对性还不强。",
)
IMPROVEMENTS = (
    "{next}年，我局将按照省、市、县政务信息公开各项要求，继续查找不足和差距，增加主动公开信息内容，"
    "及时准确地公开行政许可、行政处罚信息。加强政务信息公开工作宣传力度，进一步简化依申请公开程序，"
    "持续推进政务信息公开工作向纵深发展。",
    "下一步，我局将加强学习培训，提高工作人员业务能力；拓展公开渠道，丰富解读形式；"
    "健全信息发布审核机制，确保公开信息及时、准确、规范。",
    "改进措施：一是加强组织领导，压实工作责任；二是规范公开内容，提高公开质量；三是强化监督考核，推动工作落实。",
)
# Edited versions replace the improvement paragraph with a corrected one.
CORRECTIONS = (
    "（本段已更正）{next}年，我局将进一步完善政府信息公开工作机制，按照县政务公开领导小组的统一部署，"
    "重点加强政策解读和回应关切工作，切实提高政府信息公开质量。",
    "（修订）下一步，我局将对照上级考核要求逐项整改，建立政务公开工作台账，每季度开展一次自查，确保问题整改到位。",
)

# --- Section 6 ----------------------------------------------------------------------------------
OTHER = (
    "本单位无其他需要报告的事项。",
    "依据《政府信息公开信息处理费管理办法》收取信息处理费的情况：{year}年度，本机关未收取信息处理费。",
    "本报告是根据《中华人民共和国政府信息公开条例》的要求，综合本单位的政府信息公开工作情况和有关统计数据编制而成。"
    "本年度报告中使用数据统计期限为{year}年1月1日至{year}年12月31日。如对本年度报告有任何疑问，请与{unit}联系。",
)
PREAMBLE = (
    "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，特编制本报告。本报告包括总体情况、主动公开政府信息情况、"
    "收到和处理政府信息公开申请情况等六方面的内容。本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
    "本年度报告根据《中华人民共和国政府信息公开条例》要求，由{unit}编制。如对本报告有异议，请与{unit}办公室联系。",
)

# --- Pre-2019 (2008 outline) --------------------------------------------------------------------
PRE_ACTIVE = (
    "{year}年，我局主动公开政府信息{active}条，其中通过政府网站公开{web}条。公开的信息主要包括机构职能、政策法规、"
    "规划计划、工作动态等内容。",
)
PRE_REQUEST = (
    "{year}年，我局共收到政府信息公开申请{requests}件，已全部按规定时限答复。",
)
PRE_FEES = (
    "收费及减免情况", "{year}年，我局在政府信息公开工作中未收取任何费用，也未发生减免情况。",
)
PRE_REVIEW = (
    "{year}年，我局未发生因政府信息公开申请行政复议、提起行政诉讼的情况。",
)

# --- Body phrase (unique per report version) ---------------------------------------------------
_PHRASE_A = "青绿云松竹梅兰春秋星月风雨岚霞溪"
_PHRASE_B = "岭湾港渚泉涧坪垣屏峦岗峪塬坳埠汀"
_PHRASE_MASK = (1 << 40) - 1


def _mix40(x: int) -> int:
    """A bijection on 40-bit integers (odd multiply + xor-shift), so distinct inputs give distinct phrases."""
    x = (x & _PHRASE_MASK) ^ 0x5A3C96E1B7  # so that small seeds do not give repetitive phrases
    for _ in range(3):
        x = (x * 0x9E3779B97) & _PHRASE_MASK  # odd multiplier: invertible mod 2**40
        x ^= x >> 17
    return x


def unique_phrase(seed: int, version: int, kind: int) -> str:
    """A 10-character phrase, distinct for distinct (seed mod 2**37, version < 4, kind < 2)."""
    x = _mix40(((seed & ((1 << 37) - 1)) << 3) | ((kind & 1) << 2) | (version & 3))
    chars = []
    for _ in range(5):
        chars.append(_PHRASE_A[(x >> 4) & 15] + _PHRASE_B[x & 15])
        x >>= 8
    return "".join(chars)


def pick(rng: random.Random, options: tuple) -> object:
    """One option, chosen by the report's random stream."""
    return options[rng.randrange(len(options))]
