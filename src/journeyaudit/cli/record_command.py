"""``journeyaudit record URL --out FILE``: click through a shop in a browser window, get a journey file."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from journeyaudit.cli.common import EXIT_CANNOT_RUN, EXIT_USAGE, check_base_url, env_option, fail, rule_catalogue

RECORD_EPILOG = """\b
Examples:
  journeyaudit record https://staging.example.com/product/kettle --out journeys/buy-kettle.yaml
  xvfb-run journeyaudit record http://127.0.0.1:8000/ --out journeys/new.yaml   # no display: a virtual one
\b
A browser window opens: do what a customer does (open a product, add it to the cart, go
to checkout...). Each new page starts a step. Close the window (or press Ctrl-C here) to
finish: the journey is written and checked. Passwords and card-like fields are written as
${NAME} with `secret: true` (set NAME in the environment before running the journey); the
value you typed is written nowhere. Every step's role is a guess marked `# check: guessed`.
"""


@click.command(epilog=RECORD_EPILOG)
@click.argument("url", callback=check_base_url)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="The journey file to write (journeys/new.yaml).")
@click.option("--name", metavar="TEXT", help="The journey's name [default: from the first page].")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@env_option("--browser-path", env="BROWSER_PATH", metavar="PATH", help="Chromium/Chrome executable to use.")
@click.option("--script", type=click.Path(exists=True, dir_okay=False), hidden=True,
              help="JSON list of actions replayed in the window as a user would do them (tests, demos).")
def record(url, out, name, force, browser_path, script) -> None:
    """Record a journey: open URL in a browser window and write what you do there as a journey file."""
    from journeyaudit.gather.browser import BrowserNotFound, find_browser
    from journeyaudit.gather.record_session import record as record_session
    from journeyaudit.report.terminal import flat
    from journeyaudit.spec.recording import record_journey

    target = Path(out)
    if target.exists() and not force:
        fail(f"{out} exists: choose another --out or pass --force", EXIT_USAGE)
    if not target.parent.is_dir():
        fail(f"{target.parent} is not a folder", EXIT_USAGE)
    actions = _script(script) if script else None
    try:
        browser = find_browser(browser_path, headed=True)
    except BrowserNotFound as exc:
        fail(str(exc), EXIT_CANNOT_RUN)
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        fail("record opens a browser window and there is no display (DISPLAY is not set): "
             "run it on a desktop, or under a virtual display: xvfb-run journeyaudit record ...", EXIT_CANNOT_RUN)
    events: list[dict] = []
    click.echo("journeyaudit: recording. Click through the shop in the browser window; close it (or press Ctrl-C) to finish.")

    def take(event: dict) -> None:
        events.append(event)
        if event.get("type") == "page":  # live progress: each new page starts a step (typed values never shown)
            click.echo(f"  page {sum(e.get('type') == 'page' for e in events)}: "
                       f"{flat(str(event.get('url', '')), 120)}  {flat(str(event.get('heading') or event.get('title') or ''), 80)}")

    try:
        ended = record_session(url, browser, on_event=take, script=actions)
    except KeyboardInterrupt:
        ended = "interrupted"
    except Exception as exc:  # noqa: BLE001 - the browser could not start or went away: what we have is written
        if not events:
            fail(f"could not record: {flat(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)}", EXIT_CANNOT_RUN)
        ended = "browser gone"
    title = next((e.get("heading") or e.get("title") for e in events if e.get("type") == "page"), "") or url
    recording = record_journey(events, url, name or f"Recorded: {title}"[:100])
    _write(target, recording.text)
    events.clear()  # the typed values, secret ones included, were only ever in memory
    click.echo(f"{out}: {recording.steps} step(s) written ({ended}). Check each `# check: guessed` role.")
    if recording.secrets:
        click.echo("Secrets are read from the environment: set " + ", ".join(recording.secrets) + " before running it.")
    _check(target, recording.secrets)


def _script(path: str) -> list[dict]:
    try:
        actions = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        fail(f"--script {path}: not a JSON list of actions ({exc})", EXIT_USAGE)
    if not isinstance(actions, list) or not all(isinstance(a, dict) and len(a) == 1 for a in actions):
        fail(f"--script {path}: must be a JSON list of one-key objects", EXIT_USAGE)
    return actions


def _write(target: Path, text: str) -> None:
    from journeyaudit.history.store import atomic_write_text

    atomic_write_text(target, text)


def _check(target: Path, secrets: list[str]) -> None:
    """The written file, checked as `journeyaudit check` would (its secrets' variables given a stand-in)."""
    from journeyaudit.spec.config import check_file

    env = {**os.environ, **{name: os.environ.get(name, "stand-in") for name in secrets}}
    errors = check_file(target, env, rules=rule_catalogue())
    for error in errors:
        click.echo(str(error), err=True)
    if errors:
        sys.exit(EXIT_USAGE)
    click.echo(f"{target}: ok (journeyaudit check)")
