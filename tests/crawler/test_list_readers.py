"""The pure list readers: links in scripts, list APIs described as data, generic paging, family parts.

Sample shapes follow real portals as public scrapers and their test fixtures record them (found with the project's
search tool; no live site was contacted): the Hanweb column page with its datastore and ``var param_{unitid}``
(a jiangsu.gov.cn column page as saved in a public scraper's unit test); the gkmlpt API
``/gkmlpt/api/all/{cat}?page=N&sid=SID`` with ``total``, ``articles[].url|post_url``, ``create_time`` (unix),
``publisher`` (public Scrapy spiders of gd.gov.cn, jr.sz.gov.cn and rsj.gz.gov.cn); the Shandong datastore
variant with CDATA straight under ``<datastore>`` (a public adapter's test). Anhui, JPaaS and Epoint answers are
built from dialects.md's description of them.
"""

from __future__ import annotations

import json

import pytest
from parsel import Selector

from crawler.dialects import hanweb, paging
from crawler.dialects.common import entries_from_html
from crawler.dialects.listapi import ListApiError, parse_list_api
from crawler.dialects.scripts import load_json, script_selectors
from crawler.profiles import ProfileError, family_part, parse_profile, profile_for_url

HANWEB_COLUMN = """<html><body>
<div id="212860"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=33718&unitid=212860&webname=江苏省人民政府&permissiontype=0"></a>]]></nextgroup>
<recordset>
<record><![CDATA[<li><a href='/art/2026/9/11/art_33718_11828204.html' title='连云港跨里海班列运输提质提速'>连云港跨里海班列运输提质提速</a><span>2026-09-11</span></li>]]></record>
<record><![CDATA[<li><a href='/art/2025/12/15/art_33718_11693505.html' title='徐州以产业集群培育赋能中小企业高质量发展'>徐州以产业集群培育赋能中小企业高质量发展</a><span>2025-12-15</span></li>]]></record>
</recordset></datastore></script></div>
<script>var param_212860={columnid:33718,unitid:'212860',webid:1,perpage:15,totalRecord:61};</script>
</body></html>"""

SHANDONG_DATASTORE = """<script type="text/xml"><datastore><![CDATA[
<li><a class="font14" href="/art/2026/7/14/art_5301_1.html">解除测试预警</a><span>2026-07-14</span></li>
]]></datastore></script>"""


def _hanweb_entries(page: str, base: str):
    return [e for s in script_selectors(page) for e in entries_from_html(s, base, lambda u: "/art/" in u)]


def test_hanweb_first_page_is_read_from_the_script_datastore():
    base = "http://www.example.gov.cn/col/col33718/index.html"
    assert entries_from_html(Selector(text=HANWEB_COLUMN), base, lambda u: "/art/" in u) == []  # not in the DOM
    entries = _hanweb_entries(HANWEB_COLUMN, base)
    assert [(e.url, e.date) for e in entries] == [
        ("http://www.example.gov.cn/art/2026/9/11/art_33718_11828204.html", "2026-09-11"),
        ("http://www.example.gov.cn/art/2025/12/15/art_33718_11693505.html", "2025-12-15")]
    assert entries[0].title == "连云港跨里海班列运输提质提速"
    # The nextgroup pager link is not a record.
    assert not any("dataproxy" in e.url for e in entries)
    form = hanweb.column_form(HANWEB_COLUMN, base)
    assert form is not None and (form["columnid"], form["unitid"]) == ("33718", "212860")
    assert hanweb.is_jpage(HANWEB_COLUMN) and hanweb.total_records(HANWEB_COLUMN) == 61
    shandong = _hanweb_entries(SHANDONG_DATASTORE, "http://h/col/col5301/index.html")
    assert [(e.url, e.date) for e in shandong] == [("http://h/art/2026/7/14/art_5301_1.html", "2026-07-14")]


def test_anchors_in_javascript_strings_and_jsonp():
    page = """<script>document.write('<li><a href=\\"/news/2024/0305/123.html\\">关于开展检查的通知</a>'
              + '<span>2024-03-05</span></li>');</script>"""
    entries = [e for s in script_selectors(page) for e in entries_from_html(s, "http://h/news/", lambda u: True)]
    assert [e.url for e in entries] == ["http://h/news/2024/0305/123.html"]
    assert load_json('jQuery1124({"total": 2, "rows": []});') == {"total": 2, "rows": []}
    assert load_json("not json") is None


def _api(family: str, index: int = 0):
    return parse_list_api(family_part(family)["list_apis"][index], family)


def test_gkmlpt_api_from_the_page_script_and_its_json():
    api = _api("gkmlpt")
    page = "<script>window.CONFIG = { SID: '755031', debug: false };</script><div id='app'></div>"
    url = "http://www.example.gov.cn/jyj/gkmlpt/index"
    assert api.applies_to(url, page) and not api.applies_to(url, "<p>no script</p>")
    values = api.resolve_params(page, url, "")
    assert api.request(values, 1) == ("http://www.example.gov.cn/jyj/gkmlpt/api/all/0?page=1&sid=755031", None)
    assert api.request(api.resolve_params(page, url, "2811"), 3)[0].endswith("/api/all/2811?page=3&sid=755031")
    answer = api.read(json.dumps({"total": 23, "articles": [
        {"id": 5798776, "title": "区教育局2021年政府信息公开工作年度报告", "create_time": 1644900000,
         "url": "http://www.example.gov.cn/jyj/gkmlpt/content/5/5798/post_5798776.html", "publisher": "区教育局"},
        {"id": 5798777, "title": "关于开学的通知", "created_at": "2022-02-16 09:00:00",
         "post_url": "/jyj/gkmlpt/content/5/5798/post_5798777.html"}]}).encode(), "utf-8", url)
    assert [(e.url, e.date, e.publisher) for e in answer.entries] == [
        ("http://www.example.gov.cn/jyj/gkmlpt/content/5/5798/post_5798776.html", "2022-02-15", "区教育局"),
        ("http://www.example.gov.cn/jyj/gkmlpt/content/5/5798/post_5798777.html", "2022-02-16", None)]
    assert api.pages_known(answer) == 12  # 23 records, 2 on the first page


def test_anhui_fragment_jpaas_html_in_json_and_epoint_post():
    anhui = _api("anhui")
    shell = ("<script>var siteId = 6789; var organId = '12345'; var catId = '678';"
             "$('#list').load('/site/label/8888?IsAjax=1&dataType=html&labelName=publicInfoList');</script>")
    url = "http://h/public/column/12345?type=4&catId=678&action=list"
    values = anhui.resolve_params(shell, url)
    req, body = anhui.request(values, 2)
    assert body is None and "siteId=6789" in req and "organId=12345" in req and "pageIndex=2" in req
    fragment = ('<ul><li><a href="/public/12345/998877.html" title="县教育局2021年度报告">县教育局2021年度报告</a>'
                '<span>2022-01-20</span></li></ul><script>var pageCount = 4;</script>')
    answer = anhui.read(fragment.encode(), "utf-8", url)
    assert anhui.pages_known(answer) == 4 and answer.html_snippets == [fragment]

    jpaas = _api("jpaas")
    page = "<script>var webId='3305', tplSetId = 'abc', pageId=\"77\";</script> api-gateway/jpaas-publish-server"
    jurl, _ = jpaas.request(jpaas.resolve_params(page, "http://h/col/col1/index.html"), 2)
    assert "parseType=bulidstatic" in jurl and 'paramJson={"pageNo":2,"pageSize":"15"}' in jurl
    answer = jpaas.read(b'{"success": true, "data": {"html": "<ul><li>x</li></ul>", "pageCount": 3}}', "utf-8", "http://h/")
    assert answer.html_snippets == ["<ul><li>x</li></ul>"] and jpaas.pages_known(answer) == 3

    epoint = _api("epoint")
    page = "<script>var deptcode='001', categorynum = '004002'; ajax('/rest/lightfrontaction/getgovinfolist')</script>"
    eurl, ebody = epoint.request(epoint.resolve_params(page, "http://h/govInfoPub.html"), 0)
    assert eurl == "http://h/rest/lightfrontaction/getgovinfolist" and json.loads(ebody)["categorynum"] == "004002"
    answer = epoint.read(json.dumps({"custom": {"total": 1, "data": [
        {"infourl": "/20220120/0a1b2c3d-0000-1111-2222-333344445555.html", "realtitle": "年度报告",
         "infodate": 1642636800000}]}}).encode(), "utf-8", "http://h/")
    assert [(e.url, e.date) for e in answer.entries] == [
        ("http://h/20220120/0a1b2c3d-0000-1111-2222-333344445555.html", "2022-01-20")]


def test_a_missing_parameter_and_a_broken_table_are_refused():
    api = _api("gkmlpt")
    assert api.resolve_params("<p>no sid</p>", "http://h/x/gkmlpt/index") is None
    with pytest.raises(ListApiError):
        parse_list_api({"name": "x", "url": "{origin}/a", "format": "yaml"}, "t")
    with pytest.raises(ListApiError):
        parse_list_api({"name": "x", "url": "{origin}/a", "params": {"p": {"regex": "x"}}}, "t")
    with pytest.raises(ProfileError):
        parse_profile({"name": "x", "base_url": "http://x", "families": ["no-such-family"]})
    with pytest.raises(ProfileError):
        parse_profile({"name": "x", "base_url": "http://x", "detail_patterns": ["t"],
                       "list_apis": [{"name": "a", "url": "{origin}/", "fingerprint": "(bad"}]})


@pytest.mark.parametrize(("page_url", "pager", "template_url2", "last"), [
    ("http://h/a/list.html", [("list-2.html", "下一页"), ("list-8.html", "尾页")], "http://h/a/list-2.html", 8),
    ("http://h/columns/x/index.html", [("index_1.html", "下一页"), ("index_7.html", "尾页")],
     "http://h/columns/x/index_1.html", 8),
    ("http://h/a/b/", [("2.html", "2"), ("3.html", "3"), ("2.html", "下一页")], "http://h/a/b/2.html", None),
    ("http://h/iList.jsp?node_id=1&cat_id=9", [("iList.jsp?node_id=1&cat_id=9&cur_page=2", "下一页")],
     "http://h/iList.jsp?node_id=1&cat_id=9&cur_page=2", None),
    ("http://h/news/list_1.shtml", [("list_2.shtml", "下一页"), ("list_30.shtml", "末页")],
     "http://h/news/list_2.shtml", 30),
])
def test_paging_template_from_the_pager_links(page_url, pager, template_url2, last):
    from urllib.parse import urljoin

    found = paging.template_from_links(page_url, [(urljoin(page_url, u), t) for u, t in pager])
    assert found is not None
    template, last_page = found
    assert template.url(2) == template_url2 and last_page == last


def test_page_counts_probes_and_prefixes():
    assert paging.stated_page_count("<div>共 8 页 当前第1页</div>") == 8
    assert paging.stated_page_count("<span>1/12页</span>") == 12
    assert paging.stated_page_count("var pageCount = 5;") == 5
    assert paging.stated_page_count("<p>发布于2022年</p>") is None
    assert paging.has_paging_hint("<a>下一页</a>") and not paging.has_paging_hint("共1页")
    probes = [t.url(2) for t in paging.probe_templates("http://h/a/index.html")]
    assert probes[:3] == ["http://h/a/index_1.html", "http://h/a/index_2.html", "http://h/a/index-2.html"]
    assert "http://h/a/list-2.html" in probes and "http://h/a/index.html?pageIndex=2" in probes
    assert paging.common_prefix(["http://h/a/b/1.html", "http://h/a/b/c/2.html"]) == "http://h/a/b/"


def test_dated_rows_accept_documents_without_a_url_pattern():
    page = Selector(text="""<ul class="list">
      <li><a href="/news/show-101.html">县教育局2021年政府信息公开工作年度报告</a><span>2022-01-20</span></li>
      <li><a href="/news/show-102.html">关于做好防汛工作的通知</a><span>2022-05-03</span></li>
      <li><a href="/news/list.html">更多</a></li></ul><div><a href="/about.html">关于我们</a></div>""")
    entries = entries_from_html(page, "http://h/news/list.html", lambda u: False, lambda u: "list" not in u)
    assert [(e.url, e.date) for e in entries] == [("http://h/news/show-101.html", "2022-01-20"),
                                                  ("http://h/news/show-102.html", "2022-05-03")]


def test_family_parts_merge_and_the_zero_configuration_profile():
    profile = parse_profile({"name": "x", "base_url": "http://x", "families": ["trs", "gkmlpt"]})
    assert profile.is_detail("http://x/a/202201/t20220120_123.html")
    assert profile.is_detail("http://x/jyj/gkmlpt/content/5/5798/post_5798776.html")
    assert [a.name for a in profile.list_apis] == ["gkmlpt"]
    auto = profile_for_url("http://www.example.gov.cn/")
    assert auto.dated_rows and auto.allowed_domains == ["www.example.gov.cn"]
    assert {a.name for a in auto.list_apis} >= {"gkmlpt", "anhui", "jpaas", "epoint", "hanweb_xxgk"}
    assert auto.column_kind("http://www.example.gov.cn/zfxxgk/xxgknb/", "") == "annual_report"
    assert auto.column_kind("http://www.example.gov.cn/x/", "通知公告") == "notice"
    assert auto.is_unit_text("县民族宗教事务局") and auto.is_unit_text("青石镇") and not auto.is_unit_text("首页")
    assert auto.is_hub_link("http://www.example.gov.cn/a", "政府信息公开")
