"""`disclosure bench web`'s concurrent part on a tiny corpus: seeded figures, search and figure-hungry clients."""

from __future__ import annotations

from disclosure.bench.web import run_bench


def test_bench_web_runs_search_clients_beside_requests_for_every_figure(tmp_path, monkeypatch):
    from disclosure.web import app as web_app

    monkeypatch.setattr(web_app, "FIGURES_CAP", 500)  # 3 units × 10 years × 182 keys exceed it: the refusal path
    page, _bare, _build, load = run_bench(200, 1, tmp_path, clients=3, heavy_clients=1, seconds=1.5, units=3)
    assert page.all() and load is not None
    assert load.figures == 3 * 10 * 182
    assert load.search.latencies and load.search.errors == 0 and set(load.search.outcomes) == {"200"}
    assert load.heavy.outcomes["400"] >= 1 and load.heavy.errors == 0
