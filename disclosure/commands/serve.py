"""``disclosure serve``: the read-only web interface over the archive."""

from __future__ import annotations

import click

from disclosure.cli import AppContext, pass_app


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@pass_app
def command(app: AppContext, host: str, port: int) -> None:
    """Serve the web interface (search, documents, timeliness, figures, status) read-only."""
    import uvicorn

    from disclosure.web.app import create_app

    web = create_app(app.config, db=app.database())
    click.echo(f"serving the archive at http://{host}:{port}/ (Ctrl-C stops)")
    uvicorn.run(web, host=host, port=port, log_level="warning", access_log=False)
