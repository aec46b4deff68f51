"""Hand-built HTML for the parser tests: real report layouts with their traps, values written out by hand."""

from __future__ import annotations

COLS = ["natural_person", "business", "research", "public_interest", "legal_service", "other_org", "total"]


def td(text: object = "", **attrs: object) -> str:
    a = "".join(f' {k}="{v}"' for k, v in attrs.items())
    return f"<td{a}><p><span>{text}</span></p></td>"


def page(body: str, title: str = "青山县教育局2021年政府信息公开工作年度报告", head: str = "",
         charset: str = "utf-8", container: str = "TRS_Editor") -> str:
    return (f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
            f"<title>{title}_青山县人民政府</title>{head}</head><body>"
            "<div class='nav'><a href='/'>首页</a> <a href='/zfxxgk/'>政府信息公开</a></div>"
            f"<div class='position'>当前位置：首页 &gt; 政府信息公开年报</div><h1>{title}</h1>"
            f"<div class='{container}'>{body}</div>"
            "<div class='footer'>主办：青山县人民政府办公室 浏览次数：123</div></body></html>")


def table_a_2021(v: dict[str, str]) -> str:
    """Table A (2021 labels); ``v`` maps short names to cell text."""
    return ("<table>"
            f"<tr>{td('第二十条第（一）项', colspan=4)}</tr>"
            f"<tr>{td('信息内容')}{td('本年制发件数')}{td('本年废止件数')}{td('现行有效件数')}</tr>"
            f"<tr>{td('规章')}{td(v['r1'])}{td(v['r2'])}{td(v['r3'])}</tr>"
            f"<tr>{td('行政规范性文件')}{td(v['n1'])}{td(v['n2'])}{td(v['n3'])}</tr>"
            f"<tr>{td('第二十条第（五）项', colspan=4)}</tr>"
            f"<tr>{td('信息内容')}{td('本年处理决定数量', colspan=3)}</tr>"
            f"<tr>{td('行政许可')}{td(v['lic'], colspan=3)}</tr>"
            f"<tr>{td('第二十条第（六）项', colspan=4)}</tr>"
            f"<tr>{td('信息内容')}{td('本年处理决定数量', colspan=3)}</tr>"
            f"<tr>{td('行政处罚')}{td(v['pen'], colspan=3)}</tr>"
            f"<tr>{td('行政强制')}{td(v['coe'], colspan=3)}</tr>"
            f"<tr>{td('第二十条第（八）项', colspan=4)}</tr>"
            f"<tr>{td('信息内容')}{td('本年收费金额（单位：万元）', colspan=3)}</tr>"
            f"<tr>{td('行政事业性收费')}{td(v['fee'], colspan=3)}</tr>"
            "</table>")


B_LEAVES_2021 = [
    ("（三）不予公开", [("1.属于国家秘密", "withheld.state_secret"), ("2.其他法律行政法规禁止公开", "withheld.prohibited_by_law"),
                    ("3.危及“三安全一稳定”", "withheld.security_stability"), ("4.保护第三方合法权益", "withheld.third_party"),
                    ("5.属于三类内部事务信息", "withheld.internal_affairs"), ("6.属于四类过程性信息", "withheld.process_info"),
                    ("7.属于行政执法案卷", "withheld.enforcement_file"), ("8.属于行政查询事项", "withheld.query_matter")]),
    ("（四）无法提供", [("1.本机关不掌握相关政府信息", "unavailable.not_held"),
                    ("2.没有现成信息需要另行制作", "unavailable.needs_creation"),
                    ("3.补正后申请内容仍不明确", "unavailable.unclear")]),
    ("（五）不予处理", [("1.信访举报投诉类申请", "not_processed.petition"), ("2.重复申请", "not_processed.repeated"),
                    ("3.要求提供公开出版物", "not_processed.publication"),
                    ("4.无正当理由大量反复申请", "not_processed.mass_repeated"),
                    ("5.要求行政机关确认或重新出具已获取信息", "not_processed.confirmation")]),
    ("（六）其他处理", [("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other.no_correction"),
                    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other.unpaid_fee"),
                    ("3.其他", "other.other")]),
]


def table_b(rows: dict[str, list[str]], split_other: bool = True) -> str:
    """Table B in the national layout (3 label columns, 7 numbers, split header "商业<br>企业").

    ``rows`` maps a row key (new, carried_in, result.disclosed, …) to its seven cell texts; missing rows get "0".
    """
    def nums(key: str) -> str:
        return "".join(td(x) for x in rows.get(key, ["0"] * 7))

    groups = [(g, leaves) for g, leaves in B_LEAVES_2021 if split_other or g != "（六）其他处理"]
    n_result = 2 + sum(len(le) for _, le in groups) + (0 if split_other else 1) + 1
    html = ["<table border='1'>",
            f"<tr>{td('（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）', rowspan=3, colspan=3)}"
            f"{td('申请人情况', colspan=7)}</tr>",
            f"<tr>{td('自然人', rowspan=2)}{td('法人或其他组织', colspan=5)}{td('总计', rowspan=2)}</tr>",
            "<tr>" + "".join(td(x) for x in ["商业<br>企业", "科研<br>机构", "社会公益<br>组织", "法律服务<br>机构", "其他"])
            + "</tr>",
            f"<tr>{td('一、本年新收政府信息公开申请数量', colspan=3)}{nums('new')}</tr>",
            f"<tr>{td('二、上年结转政府信息公开申请数量', colspan=3)}{nums('carried_in')}</tr>",
            f"<tr>{td('三、本年度办理结果', rowspan=n_result)}{td('（一）予以公开', colspan=2)}{nums('result.disclosed')}</tr>",
            f"<tr>{td('（二）部分公开（区分处理的，只计这一情形，不计其他情形）', colspan=2)}"
            f"{nums('result.partly_disclosed')}</tr>"]
    for group, leaves in groups:
        for i, (label, key) in enumerate(leaves):
            head = td(group, rowspan=len(leaves)) if i == 0 else ""
            html.append(f"<tr>{head}{td(label)}{nums('result.' + key)}</tr>")
    if not split_other:
        html.append(f"<tr>{td('（六）其他处理', colspan=2)}{nums('result.other')}</tr>")
    html.append(f"<tr>{td('（七）总计', colspan=2)}{nums('result.total')}</tr>")
    html.append(f"<tr>{td('四、结转下年度继续办理', colspan=3)}{nums('carried_out')}</tr></table>")
    return "".join(html)


def table_c(cells: list[str]) -> str:
    """Table C: three header rows and one row of fifteen cells."""
    outcomes = "".join(td(x) for x in ["结果<br>维持", "结果<br>纠正", "其他<br>结果", "尚未<br>审结", "总计"])
    return ("<table>"
            f"<tr>{td('行政复议', colspan=5)}{td('行政诉讼', colspan=10)}</tr>"
            "<tr>" + "".join(td(x, rowspan=2) for x in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"])
            + f"{td('未经复议直接起诉', colspan=5)}{td('复议后起诉', colspan=5)}</tr>"
            f"<tr>{outcomes}{outcomes}</tr>"
            "<tr>" + "".join(td(x) for x in cells) + "</tr></table>")
