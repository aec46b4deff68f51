"""``disclosure demo`` (``make demo``): the whole cycle against the bundled replica portal, on loopback only.

Builds the replica county portal (seed 1), serves it on 127.0.0.1 (an ephemeral port), runs
crawl → ingest → index → timeliness into ``./data/demo`` (or the configured data directory), then shows
the run summary, an example search and the timeliness table for one year.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from disclosure.cli import EXIT_FAILED, AppContext, main, pass_app
from disclosure.logging_setup import EventLog, Progress
from disclosure.runner import EXIT_OK, RunOptions, format_summary, run_cycle

DEMO_QUERY = "行政复议"
DEMO_YEAR = 2021
# A first, earlier pass over 青山县 archives the first version of reports the replica edits later, so the demo
# archive holds edited reports (the web interface's 发布后修改 badge and version diff have something to show).
EDITS_BEFORE = "2022-02-10"


def _section(title: str) -> None:
    click.echo("")
    click.echo(click.style(f"== {title} ==", bold=True))


def _subcommand(app: AppContext, data_dir: Path, args: list[str]) -> int:
    """Run another ``disclosure`` subcommand on the demo archive, in this process."""
    config = ["--config", app.config_path] if app.config_path else []
    try:
        main.main([*config, "--data-dir", str(data_dir), *args], prog_name="disclosure", standalone_mode=False)
    except SystemExit as exc:
        return int(exc.code or 0)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    return 0


@click.command("demo")
@click.option("--seed", type=int, default=1, show_default=True, help="Replica generator seed.")
@click.option("--as-of", "as_of", default=None, help="Serve the replica as of this date (default: today).")
@click.option("--year", type=int, default=DEMO_YEAR, show_default=True, help="Year of the example tables.")
@click.option("--serve/--no-serve", default=True, show_default=True,
              help="End by serving the web interface over the demo archive (Ctrl-C stops).")
@click.option("--web-port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port of the web interface.")
@pass_app
def command(app: AppContext, seed: int, as_of: str | None, year: int, serve: bool, web_port: int) -> None:
    """Build and serve the replica portal, run the whole cycle on it, and show what the archive answers."""
    from disclosure.replica.server import ReplicaServer
    from disclosure.replica.site import build_site

    cfg = app.config
    if cfg.sources.get("data_dir") == "default":
        # Keep the demo apart from a real archive in ./data.
        app.overrides["data_dir"] = Path("data") / "demo"
    # Both passes run within minutes: re-check every known page, so an edit that keeps its list entry is found.
    app.overrides["revalidate_after_days"] = 0
    app._config = None
    cfg = app.config
    data_dir = cfg.data_dir
    # Politeness: the replica profile carries its own loopback settings (crawler/profiles/replica.toml).
    click.echo(f"building the replica portals (seed {seed}) …")
    server = ReplicaServer(build_site(seed=seed, scale=1), as_of=as_of).start()
    # The second county speaks the other portal families of dialects.md (Hebei unit lists, gkmlpt JSON, Hanweb
    # datastore, Anhui XHR fragments, static list-N pages), crawled with its profile `baihe`.
    mixed = ReplicaServer(build_site(seed=seed, scale=1, county="mixed"), as_of=as_of).start()
    click.echo(f"replica portals serving at {server.base_url} (青山县, TRS and Hanweb) and {mixed.base_url} "
               f"(白河县, mixed families), as of {server.as_of}; archive in {data_dir}")
    log = EventLog(cfg.log_file)
    try:
        if server.as_of > EDITS_BEFORE:
            click.echo(f"first pass over 青山县 as of {EDITS_BEFORE} (reports edited later keep both versions) …")
            final_as_of = server.as_of
            server.set_as_of(EDITS_BEFORE)
            run_cycle(cfg, RunOptions(profiles=[f"replica@{server.base_url}"], progress=Progress()), log)
            server.set_as_of(final_as_of)
        summary = run_cycle(cfg, RunOptions(profiles=[f"replica@{server.base_url}", f"baihe@{mixed.base_url}"],
                                            progress=Progress()), log)
    finally:
        log.close()
        server.stop()
        mixed.stop()

    _section("run summary")
    click.echo(format_summary(summary))
    if summary.exit_code != EXIT_OK:
        click.echo("the demo run did not complete; see the log above", err=True)
        sys.exit(summary.exit_code or EXIT_FAILED)

    _section(f"search: {DEMO_QUERY} in {year} annual reports")
    _subcommand(app, data_dir, ["search", DEMO_QUERY, "--year", str(year), "--kind", "annual_report", "--limit", "5"])
    _section(f"timeliness of the {year} annual reports")
    _subcommand(app, data_dir, ["timeliness", "--year", str(year), "--portal", "replica"])
    _section(f"timeliness of the {year} annual reports of 白河县 (mixed portal families)")
    _subcommand(app, data_dir, ["timeliness", "--year", str(year), "--portal", "baihe"])
    _section("health")
    _subcommand(app, data_dir, ["status"])
    click.echo("")
    click.echo(f"try: disclosure --data-dir {data_dir} search {DEMO_QUERY} --year {year}")
    if not serve:
        click.echo(f"web interface: disclosure --data-dir {data_dir} serve   (then open http://127.0.0.1:8000/)")
        return
    _section("web interface")
    _subcommand(app, data_dir, ["serve", "--host", "127.0.0.1", "--port", str(web_port)])
