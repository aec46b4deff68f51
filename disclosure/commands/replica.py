"""``disclosure replica``: serve the deterministic replica county portal in the foreground."""

from __future__ import annotations

import signal
import threading
import time
from collections import Counter

import click


@click.command("replica")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8765, show_default=True, type=int, help="Port (0: any free port).")
@click.option("--as-of", "as_of", default=None, help="Serve the portal as it stood then (ISO date or date-time).")
@click.option("--scale", default=1, show_default=True, type=click.IntRange(1, 100), help="Multiply the publishers.")
@click.option("--seed", default=1, show_default=True, type=int, help="Generator seed.")
@click.option("--county", default="default", show_default=True, type=click.Choice(["default", "mixed"]),
              help="default: 青山县 (TRS and Hanweb); mixed: 白河县 (the portal families of dialects.md).")
@click.option("--scans", default=0, show_default=True, type=click.IntRange(0, 50),
              help="Serve this many PDF reports as scanned PDFs (page images, no text layer: read by OCR).")
@click.option("--manifest", "manifest_path", type=click.Path(dir_okay=False), default=None,
              help="Write the ground-truth manifest JSON here before serving.")
@click.option("--js-challenge", is_flag=True, help="Answer every request without the clearance cookie with HTTP 412 "
              "and a script that sets it and reloads (a JS challenge: only a browser gets in).")
@click.option("--js-units", default="", metavar="CODES", help="Comma-separated TRS unit codes whose column lists "
              "are rendered by script from list.json (only a browser sees their rows), e.g. mzzjj.")
def command(host: str, port: int, as_of: str | None, scale: int, seed: int, county: str, scans: int,
            manifest_path: str | None, js_challenge: bool, js_units: str) -> None:
    """Serve the replica portal (青山县, or 白河县 with --county mixed) until Ctrl-C."""
    from disclosure.replica.server import ReplicaServer
    from disclosure.replica.site import build_site

    started = time.perf_counter()
    try:
        site = build_site(seed=seed, scale=scale, county=county, scans=scans)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--scale") from exc
    try:
        server = ReplicaServer(site, host=host, port=port, as_of=as_of, challenge=js_challenge,
                               js_units=[c.strip() for c in js_units.split(",") if c.strip()])
    except ValueError as exc:
        hint = "--js-units" if "js_units" in str(exc) else "--as-of"
        raise click.BadParameter(str(exc), param_hint=hint) from exc
    try:
        server.start()
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc}") from exc
    kinds = Counter(d.kind for d in site.docs if d.first_appears_at <= server.as_of)
    click.echo(f"replica portal of {site.county}: {len(site.units)} units, {kinds['annual_report']} annual reports, "
               f"{kinds['notice']} notices as of {server.as_of}"
               f"{f', {scans} served as scans' if scans else ''} (seed {seed}, scale {scale}, county {county}, "
               f"planned in {time.perf_counter() - started:.2f} s)")
    if manifest_path:
        manifest = server.manifest(as_of)
        manifest.save(manifest_path)
        click.echo(f"manifest: {manifest_path} ({len(manifest.documents)} documents, "
                   f"{len(manifest.list_urls)} list pages)")
    click.echo(f"serving {server.base_url}/  (Ctrl-C to stop)", )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        click.echo(f"stopped after {len(server.request_log)} requests")
