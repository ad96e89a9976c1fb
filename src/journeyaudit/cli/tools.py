"""Helper commands: ``demo-shop`` and ``doctor``."""

from __future__ import annotations

import sys

import click

from journeyaudit import __version__
from journeyaudit.cli.common import (
    EXIT_CANNOT_RUN,
    fail,
)


def _smtp_address(value: str | None) -> tuple[str, int] | None:
    """``--smtp host:port`` -> (host, port); a clear usage error otherwise."""
    if not value:
        return None
    host, _, port = value.rpartition(":")
    if not port.isdigit():
        raise click.BadParameter(f"expected HOST:PORT, got {value!r}", param_hint="--smtp")
    return host or "127.0.0.1", int(port)


@click.command("demo-shop")
@click.option("--port", default=8000, show_default=True, help="Port on 127.0.0.1 (0 = any free port).")
@click.option("--smtp", metavar="HOST:PORT", default=None, help="Deliver the shop's email over SMTP here (e.g. a mail capture).")
def demo_shop(port, smtp) -> None:
    """Serve the built-in demo shop on 127.0.0.1 for browsing (Ctrl-C stops it).

    Add ?fault=NAME to any URL to switch on one of its problems for your browser.
    """
    import time

    from journeyaudit.demo import FAULTS, DemoShop

    try:
        shop = DemoShop(host="127.0.0.1", port=port, quiet=False, smtp=_smtp_address(smtp)).start()
    except OSError as exc:
        fail(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}", EXIT_CANNOT_RUN)
    click.echo(f"Demo shop at {shop.url}/  (Ctrl-C to stop)")
    click.echo("Fault switches (add ?fault=NAME to a URL):")
    for name, description in FAULTS.items():
        click.echo(f"  {name:<18} {description}")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        shop.stop()
        click.echo("stopped")


@click.command()
@click.option("--install", is_flag=True, help="Install a Chromium if none is found (Playwright's, else apt-get as root).")
@click.option("--browser-path", metavar="PATH", help="Chromium/Chrome executable to check.")
def doctor(install, browser_path) -> None:
    """Find and launch the browser; print Playwright's and Chromium's versions."""
    from journeyaudit.gather.browser import BrowserNotFound, ensure_browser, find_browser, versions

    try:
        choice = ensure_browser(click.echo) if install and not browser_path else find_browser(browser_path)
        info = versions(choice)
    except BrowserNotFound as exc:
        fail(str(exc), EXIT_CANNOT_RUN)
    except Exception as exc:
        fail(f"the browser was found but did not start: {exc}", EXIT_CANNOT_RUN)
    click.echo(f"journeyaudit {__version__}")
    click.echo(f"Python       {sys.version.split()[0]}")
    click.echo(f"Playwright   {info['playwright']}")
    click.echo(f"Chromium     {info['chromium']}  ({info['executable']}, from {info['source']})")
    click.echo("Browser launches headless: ok")
    if choice.source == "PATH":  # headless runs may take the headless shell; a window needs the full browser
        try:
            windowed = find_browser(browser_path, headed=True).executable or "Playwright's bundled Chromium"
        except BrowserNotFound:
            windowed = "none found (install chromium)"
        if windowed != info["executable"]:
            click.echo(f"With a window (record, run --headed): {windowed}")
