"""Find, install and launch Chromium.

Resolution order (DESIGN.md, "Browser"): ``--browser-path`` /
``JOURNEYAUDIT_BROWSER_PATH`` -> Playwright's own Chromium if installed ->
``chromium``, ``chromium-browser``, ``google-chrome`` on PATH -> an error that
says how to get one. :func:`ensure_browser` is the set-up step: it tries
``playwright install chromium`` and, where that cannot download and we are root
on Debian/Ubuntu, ``apt-get install chromium``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

LAUNCH_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

HOW_TO_INSTALL = (
    "No Chromium found. Install one of:\n"
    "  - Playwright's build:   .venv/bin/playwright install chromium\n"
    "  - Debian/Ubuntu:        sudo apt-get install chromium\n"
    "  - any Chrome/Chromium:  pass --browser-path /path/to/chrome or set JOURNEYAUDIT_BROWSER_PATH\n"
    "`make setup` tries the first two for you."
)


class BrowserNotFound(RuntimeError):
    """No usable Chromium: the audit cannot run (exit code 3)."""


@dataclass(frozen=True)
class BrowserChoice:
    executable: str | None  # None: Playwright's own build at its default location
    source: str  # "option", "environment", "playwright", "PATH"

    def describe(self) -> str:
        where = self.executable or "Playwright's bundled Chromium"
        return f"{where} (from {self.source})"


def playwright_chromium_path() -> str | None:
    """Where Playwright's own Chromium lives, if it is installed."""
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            path = p.chromium.executable_path
    except Exception:
        return None
    return path if path and Path(path).is_file() else None


def find_browser(explicit: str | None = None, env: Mapping[str, str] | None = None) -> BrowserChoice:
    env = os.environ if env is None else env
    for value, source in ((explicit, "option"), (env.get("JOURNEYAUDIT_BROWSER_PATH"), "environment")):
        if value:
            path = shutil.which(value) or value
            if not Path(path).is_file():
                raise BrowserNotFound(f"browser path {value!r} (from {source}) does not exist")
            return BrowserChoice(str(path), source)
    if playwright_chromium_path():
        return BrowserChoice(None, "playwright")
    for name in SYSTEM_NAMES:
        path = shutil.which(name)
        if path:
            return BrowserChoice(path, "PATH")
    raise BrowserNotFound(HOW_TO_INSTALL)


def launch(playwright, choice: BrowserChoice, *, headed: bool = False, host_map: Mapping[str, str] | None = None):
    """Launch Chromium headless (or headed) with our quiet, offline-friendly flags.

    ``host_map`` (host name -> IP address or host) resolves those names inside
    the browser only, as a staging shop behind custom DNS needs (see
    :func:`host_resolver_args`).
    """
    return playwright.chromium.launch(
        executable_path=choice.executable,
        headless=not headed,
        args=LAUNCH_ARGS + host_resolver_args(host_map),
    )


def host_resolver_args(host_map: Mapping[str, str] | None) -> list[str]:
    """Chromium's ``--host-resolver-rules`` for a host map: ``MAP name address`` per entry.

    The browser then reaches ``name`` at ``address`` (ports are kept), without
    touching /etc/hosts or DNS: a staging shop whose payment host is
    ``pay.shop.test``, or the demo shop's insecure payment host on loopback.
    """
    if not host_map:
        return []
    rules = ", ".join(f"MAP {name} {address}" for name, address in sorted(host_map.items()))
    return [f"--host-resolver-rules={rules}"]


def ensure_browser(say: Callable[[str], None] = print) -> BrowserChoice:
    """Make sure a Chromium is available, installing one if we can. Idempotent."""
    try:
        choice = find_browser()
        say(f"Chromium: {choice.describe()}")
        return choice
    except BrowserNotFound:
        pass
    say("No Chromium yet: trying `playwright install chromium` ...")
    attempt = subprocess.run(
        [sys.executable, "-m", "playwright", "install", "chromium"],
        capture_output=True,
        text=True,
    )
    if attempt.returncode == 0 and playwright_chromium_path():
        return find_browser()
    last = (attempt.stderr or attempt.stdout).strip().splitlines()
    say(f"  Playwright could not download its Chromium: {last[0] if last else 'no output'}")
    if can_use_apt():
        say("Installing Debian's chromium with apt-get (as root) ...")
        for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
            done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
            if done.returncode != 0:
                tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-3:])
                raise BrowserNotFound(f"`{' '.join(command)}` failed:\n{tail}\n\n{HOW_TO_INSTALL}")
        return find_browser()
    raise BrowserNotFound(HOW_TO_INSTALL)


def can_use_apt() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") is not None


def versions(choice: BrowserChoice, *, headed: bool = False) -> dict[str, str]:
    """Launch the browser once and report Playwright's and Chromium's versions."""
    from importlib.metadata import version

    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p, choice, headed=headed)
        try:
            return {
                "playwright": version("playwright"),
                "chromium": browser.version,
                "executable": choice.executable or p.chromium.executable_path,
                "source": choice.source,
            }
        finally:
            browser.close()
