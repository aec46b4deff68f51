"""``disclosure parse FILE``: JSON shape, readable summary, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from disclosure.cli import main

SAMPLE = Path("/work/shared/domain/samples/09_lushi_mzj_2021_ha.txt")
TOP_LEVEL = ["kind", "title", "publisher", "year", "published_at", "index_number", "doc_number", "format", "sections",
             "figures", "checks", "warnings"]


def test_json_output(tmp_path):
    page = tmp_path / "report.html"
    page.write_text("<html><head><title>青山县教育局2021年政府信息公开工作年度报告</title></head><body>"
                    "<div id='zoom'><p>一、总体情况</p><p>全年共收到依申请公开14件。</p></div></body></html>",
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["parse", str(page), "--json",
                                       "--url", "http://127.0.0.1/ndbg/202201/t20220125_1.html"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == TOP_LEVEL
    assert data["publisher"] == "青山县教育局" and data["year"] == 2021 and data["published_at"] == "2022-01-25"
    assert data["sections"] == [{"number": 1, "heading": "一、总体情况", "text": "全年共收到依申请公开14件。"}]
    assert data["figures"] == [{"key": "text.requests.new.total", "value": 14.0, "raw": "全年共收到依申请公开14件",
                                "unit": None}]
    assert "青山县教育局" in result.output  # ensure_ascii=False


def test_summary_of_a_sample():
    if not SAMPLE.exists():
        raise AssertionError("domain sample missing")
    result = CliRunner().invoke(main, ["parse", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "publisher:    卢氏县民政局" in result.output
    assert "published_at: 2022-02-15T14:52:00 (visible_line)" in result.output
    assert "1. 一、总体情况" in result.output


def test_exit_codes(tmp_path):
    garbage = tmp_path / "x.pdf"
    garbage.write_bytes(b"%PDF-1.4\n" + os.urandom(3000))
    result = CliRunner().invoke(main, ["parse", str(garbage)])
    assert result.exit_code == 1
    assert "cannot parse" in result.output
    result = CliRunner().invoke(main, ["parse", str(tmp_path / "missing.html")])
    assert result.exit_code != 0
    # the installed entry point, in a real process
    proc = subprocess.run([sys.executable, "-m", "disclosure", "parse", str(garbage), "--json"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "error: cannot parse" in proc.stderr and proc.stdout == ""
