"""`disclosure bench search` runs end to end on a small corpus and reports what it claims to measure."""

from __future__ import annotations

from tests.run.helpers import run_cli


def test_bench_search_small_corpus_all_engines(tmp_path):
    result = run_cli(["bench", "search", "--docs", "300", "--engines", "tantivy,whoosh,fts5,tantivy-bare",
                      "--repeat", "1"], cwd=tmp_path, timeout=600)
    assert result.code == 0, result.stderr
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()
            if line.split() and line.split()[0] in ("tantivy", "whoosh", "fts5-trigram", "tantivy-bare")}
    assert set(rows) == {"tantivy", "whoosh", "fts5-trigram", "tantivy-bare"}
    for row in rows.values():
        docs, docs_per_s, size_mb, _recall, _phrase_recall, cpu = row[1:7]
        assert docs == "300" and float(docs_per_s) > 0 and float(size_mb) > 0, row
        process_ms, main_ms = (float(x) for x in cpu.split("/"))
        # The feeding thread is part of the process: its CPU can never exceed the process's.
        assert 0 < main_ms <= process_ms + 0.01, row
    # Our engines find every 2-character term and every unique phrase; FTS5 trigram finds no 2-character term.
    for engine in ("tantivy", "whoosh"):
        assert rows[engine][4:6] == ["100%", "100%"], rows[engine]
    assert rows["fts5-trigram"][4] == "0%"
