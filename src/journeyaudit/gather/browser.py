"""Find, install and launch Chromium.

Resolution order (DESIGN.md, "Browser"): ``--browser-path`` /
``JOURNEYAUDIT_BROWSER_PATH`` -> Playwright's own Chromium if installed ->
``chromium-headless-shell`` (headless runs only), ``chromium``, ``chromium-browser``,
``google-chrome`` on PATH -> an error that says how to get one.

Headless runs take the headless shell first because Playwright's own builds do the same
(``headless=True`` runs its chromium-headless-shell build): the shell has no browser UI
behind the page, and a journey costs about a fifth less CPU (benchmarks/README). A window
(``record``, ``run --headed``) needs the full browser. :func:`ensure_browser` is the set-up
step: it tries ``playwright install chromium`` and, where that cannot download and we are
root on Debian/Ubuntu, ``apt-get install chromium`` and, where the package lists have it,
``chromium-headless-shell``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit, urlunsplit

LAUNCH_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CONNECT_TIMEOUT_MS = 30000  # a remote browser (grid, browserless) may queue the session a while
SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
HEADLESS_SHELL = "chromium-headless-shell"  # Debian's package and binary name; headless only
APT_LISTS = "/var/lib/apt/lists"

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
    source: str  # "option", "environment", "playwright", "PATH", "remote"
    ws_endpoint: str | None = None  # a Playwright browser server (run --browser-ws): connect, not launch
    cdp_endpoint: str | None = None  # a browser that speaks CDP (run --browser-cdp): connect_over_cdp

    def describe(self) -> str:
        if self.ws_endpoint:
            return f"the Playwright browser server at {mask_endpoint(self.ws_endpoint)}"
        if self.cdp_endpoint:
            return f"the CDP browser at {mask_endpoint(self.cdp_endpoint)}"
        where = self.executable or "Playwright's bundled Chromium"
        return f"{where} (from {self.source})"

    @property
    def remote(self) -> str | None:
        """The remote browser's endpoint, or None when Chromium is launched here."""
        return self.ws_endpoint or self.cdp_endpoint

    def secrets(self) -> list[str]:
        """What must never be written: the endpoint's password and query values (browserless' ?token=)."""
        return endpoint_secrets(self.remote)


def endpoint_secrets(url: str | None) -> list[str]:
    """The password and every query value of an endpoint URL (tokens), longest first."""
    if not url:
        return []
    parts = urlsplit(url)
    values = [value for _, value in parse_qsl(parts.query, keep_blank_values=False)]
    if parts.password:
        values.append(parts.password)
    return sorted({value for value in values if len(value) >= 3}, key=len, reverse=True)


def mask_endpoint(url: str) -> str:
    """An endpoint URL safe to show: its password and query values (a token) replaced by ••••."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.password:
        netloc = f"{parts.username}:••••@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    query = "&".join(f"{name}=••••" for name, _ in parse_qsl(parts.query, keep_blank_values=True))
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def hide_secrets(text: str, choice: BrowserChoice) -> str:
    """``text`` (an error of Playwright's, say) with the endpoint's secrets masked."""
    for secret in choice.secrets():
        text = text.replace(secret, "••••")
    return text


def remote_choice(ws_endpoint: str | None = None, cdp_endpoint: str | None = None) -> BrowserChoice | None:
    """The BrowserChoice of a remote browser, or None when neither endpoint is given."""
    if not (ws_endpoint or cdp_endpoint):
        return None
    return BrowserChoice(None, "remote", ws_endpoint=ws_endpoint or None, cdp_endpoint=None if ws_endpoint else cdp_endpoint)


def playwright_browsers_dir(env: Mapping[str, str] | None = None) -> Path | None:
    """Where ``playwright install`` puts its browsers (Playwright's registry rule); None when that
    cannot be told without Playwright (``PLAYWRIGHT_BROWSERS_PATH=0``: inside its package)."""
    env = os.environ if env is None else env
    chosen = env.get("PLAYWRIGHT_BROWSERS_PATH")
    if chosen == "0":
        return None
    if chosen:
        return Path(chosen)
    home = Path.home()
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "ms-playwright"
    if sys.platform == "win32":
        return Path(env.get("LOCALAPPDATA") or home / "AppData" / "Local") / "ms-playwright"
    return Path(env.get("XDG_CACHE_HOME") or home / ".cache") / "ms-playwright"


def playwright_chromium_path() -> str | None:
    """Where Playwright's own Chromium lives, if it is installed.

    Asking Playwright starts its driver (about half a second); when its browsers folder holds no
    Chromium at all (a system Chromium only, as in most CI images), the answer is known without it.
    """
    folder = playwright_browsers_dir()
    if folder is not None and not (folder.is_dir() and any(p.name.startswith("chromium-") for p in folder.iterdir())):
        return None
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            path = p.chromium.executable_path
    except Exception:
        return None
    return path if path and Path(path).is_file() else None


def find_browser(explicit: str | None = None, env: Mapping[str, str] | None = None, *,
                 headed: bool = False) -> BrowserChoice:
    """The Chromium to launch: the one given, Playwright's, else the first on PATH (the module's order).

    ``headed``: a window will be shown, so the headless shell does not qualify.
    """
    env = os.environ if env is None else env
    for value, source in ((explicit, "option"), (env.get("JOURNEYAUDIT_BROWSER_PATH"), "environment")):
        if value:
            path = shutil.which(value) or value
            if not Path(path).is_file():
                raise BrowserNotFound(f"browser path {value!r} (from {source}) does not exist")
            return BrowserChoice(str(path), source)
    if playwright_chromium_path():
        return BrowserChoice(None, "playwright")
    for name in SYSTEM_NAMES if headed else (HEADLESS_SHELL, *SYSTEM_NAMES):
        path = shutil.which(name)
        if path:
            return BrowserChoice(path, "PATH")
    raise BrowserNotFound(HOW_TO_INSTALL)


def launch(playwright, choice: BrowserChoice, *, headed: bool = False, host_map: Mapping[str, str] | None = None):
    """Launch Chromium headless (or headed) with our quiet, offline-friendly flags.

    ``host_map`` (host name -> IP address or host) resolves those names inside
    the browser only, as a staging shop behind custom DNS needs (see
    :func:`host_resolver_args`). A remote browser (``--browser-ws``, ``--browser-cdp``)
    is connected to instead: it was started elsewhere, with its own flags, so
    ``headed`` and ``host_map`` cannot apply to it (the settings refuse host_map with it).
    """
    if choice.ws_endpoint:
        return playwright.chromium.connect(choice.ws_endpoint, timeout=CONNECT_TIMEOUT_MS)
    if choice.cdp_endpoint:
        return playwright.chromium.connect_over_cdp(choice.cdp_endpoint, timeout=CONNECT_TIMEOUT_MS)
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
        choice = add_headless_shell(find_browser(), say)
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
            done = _apt(command)
            if done.returncode != 0:
                tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-3:])
                raise BrowserNotFound(f"`{' '.join(command)}` failed:\n{tail}\n\n{HOW_TO_INSTALL}")
        return add_headless_shell(find_browser(), say)
    raise BrowserNotFound(HOW_TO_INSTALL)


def add_headless_shell(choice: BrowserChoice, say: Callable[[str], None] = print) -> BrowserChoice:
    """Beside a Chromium found on PATH, install Debian's headless shell too, where apt can (best effort).

    Only when the package lists name the package (``apt-cache show``): on a distribution without it
    (Ubuntu's chromium is a snap) set-up says so and goes on with the full browser, without an
    ``apt-get update`` on every ``make``. Lists that are not there at all (an image that cleaned them) are fetched once.
    """
    if choice.source != "PATH" or Path(choice.executable or "").name == HEADLESS_SHELL or not can_use_apt():
        return choice
    listed = _listed(HEADLESS_SHELL)
    if not listed and not any(Path(APT_LISTS).glob("*_Packages*")):
        _apt(["apt-get", "update", "-q"])
        listed = _listed(HEADLESS_SHELL)
    if not listed:
        say(f"No {HEADLESS_SHELL} package here: headless runs use the full browser, {choice.executable} "
            "(a journey takes about a tenth longer than with the shell)")
        return choice
    say(f"Installing Debian's {HEADLESS_SHELL} with apt-get (headless runs use it, as Playwright's own builds do) ...")
    done = _apt(["apt-get", "install", "-y", "-q", HEADLESS_SHELL])
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()
        say(f"  not installed ({last[-1] if last else 'no output'}): headless runs use {choice.executable}")
        return choice
    return find_browser()


def _apt(command: list[str]) -> subprocess.CompletedProcess:
    """An apt-get command, never asking a question (set-up runs unattended)."""
    return subprocess.run(command, capture_output=True, text=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def _listed(package: str) -> bool:
    """Do apt's package lists name ``package``? (Local files only: no download.)"""
    shown = subprocess.run(["apt-cache", "show", package], capture_output=True, text=True)
    return shown.returncode == 0 and bool(shown.stdout.strip())


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
