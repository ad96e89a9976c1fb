"""Which Chromium a run launches: the headless shell for headless runs, the full browser for a window."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

from journeyaudit.gather import browser
from journeyaudit.gather.browser import BrowserChoice, add_headless_shell, find_browser

CHMOD = shutil.which("chmod")  # looked up before a test narrows PATH


def executable(folder: Path, name: str, text: str = "#!/bin/sh\nexit 0\n") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@pytest.fixture
def bin_dir(tmp_path, monkeypatch) -> Path:
    """A PATH of our own and an empty Playwright browsers folder: only what a test puts there is found."""
    folder = tmp_path / "bin"
    folder.mkdir()
    (tmp_path / "ms-playwright").mkdir()
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "ms-playwright"))
    monkeypatch.delenv("JOURNEYAUDIT_BROWSER_PATH", raising=False)
    return folder


def test_headless_runs_take_the_headless_shell_and_a_window_the_full_browser(bin_dir):
    full = executable(bin_dir, "chromium")
    shell = executable(bin_dir, "chromium-headless-shell")
    assert find_browser() == BrowserChoice(str(shell), "PATH")
    assert find_browser(headed=True) == BrowserChoice(str(full), "PATH")


def test_without_the_shell_both_use_the_full_browser(bin_dir):
    chrome = executable(bin_dir, "google-chrome")
    assert find_browser().executable == find_browser(headed=True).executable == str(chrome)


def test_the_shell_alone_cannot_open_a_window(bin_dir):
    executable(bin_dir, "chromium-headless-shell")
    assert find_browser().executable.endswith("chromium-headless-shell")
    with pytest.raises(browser.BrowserNotFound, match="No Chromium found"):
        find_browser(headed=True)


def test_a_browser_given_is_used_headed_or_not(bin_dir, tmp_path):
    executable(bin_dir, "chromium-headless-shell")
    mine = executable(tmp_path, "my-chrome")
    assert find_browser(str(mine)).executable == str(mine)
    assert find_browser(env={"JOURNEYAUDIT_BROWSER_PATH": str(mine)}, headed=True) == BrowserChoice(str(mine), "environment")


def fake_apt(bin_dir: Path, *, listed: bool, monkeypatch, lists: bool = True) -> Path:
    """apt-cache and apt-get stand-ins on our PATH, and apt's lists folder of our own.

    ``listed``: the lists name the shell (or, without ``lists``, will once `apt-get update` fetched
    them); `apt-get install` 'installs' it into the same folder. Only shell built-ins and a chmod by
    its full path: the PATH holds nothing else.
    """
    calls, folder = bin_dir.parent / "apt-calls", bin_dir.parent / "apt-lists"
    folder.mkdir()
    if lists:
        (folder / "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4").write_text("")
    monkeypatch.setattr(browser, "APT_LISTS", str(folder))
    show = "echo 'Package: chromium-headless-shell'" if listed else "exit 100"
    executable(bin_dir, "apt-cache", f"#!/bin/sh\necho \"apt-cache $*\" >> {calls}\n"
                                     f"[ -e {folder}/fetched ] || [ {int(lists)} = 1 ] || exit 100\n{show}\n")
    executable(bin_dir, "apt-get", f"#!/bin/sh\necho \"apt-get $*\" >> {calls}\n"
                                   f"if [ \"$1\" = update ]; then : > {folder}/fetched; exit 0; fi\n"
                                   f"printf '#!/bin/sh\\nexit 0\\n' > {bin_dir}/chromium-headless-shell\n"
                                   f"{CHMOD} +x {bin_dir}/chromium-headless-shell\n")
    return calls


def test_set_up_adds_the_shell_beside_a_chromium_on_path(bin_dir, monkeypatch):
    monkeypatch.setattr(browser.os, "geteuid", lambda: 0)
    full = executable(bin_dir, "chromium")
    calls = fake_apt(bin_dir, listed=True, monkeypatch=monkeypatch)
    said: list[str] = []
    choice = add_headless_shell(find_browser(), said.append)
    assert choice == BrowserChoice(str(bin_dir / "chromium-headless-shell"), "PATH")
    assert calls.read_text().splitlines() == ["apt-cache show chromium-headless-shell",
                                              "apt-get install -y -q chromium-headless-shell"]
    assert "Installing Debian's chromium-headless-shell" in said[0]
    assert find_browser(headed=True).executable == str(full)
    assert add_headless_shell(choice, said.append) == choice and len(calls.read_text().splitlines()) == 2


def test_set_up_goes_on_with_the_full_browser_where_no_package_list_has_the_shell(bin_dir, monkeypatch):
    monkeypatch.setattr(browser.os, "geteuid", lambda: 0)
    full = executable(bin_dir, "chromium")
    calls = fake_apt(bin_dir, listed=False, monkeypatch=monkeypatch)
    said: list[str] = []
    assert add_headless_shell(find_browser(), said.append) == BrowserChoice(str(full), "PATH")
    assert calls.read_text().splitlines() == ["apt-cache show chromium-headless-shell"]  # no apt-get update, no install
    assert said == [f"No chromium-headless-shell package here: headless runs use the full browser, {full} "
                    "(a journey takes about a tenth longer than with the shell)"]


def test_set_up_leaves_a_browser_given_or_playwrights_alone(bin_dir, monkeypatch):
    monkeypatch.setattr(browser.os, "geteuid", lambda: 0)
    calls = fake_apt(bin_dir, listed=True, monkeypatch=monkeypatch)
    for choice in (BrowserChoice("/opt/chrome", "option"), BrowserChoice(None, "playwright")):
        assert add_headless_shell(choice, print) is choice
    assert not calls.exists()


def test_set_up_fetches_apts_lists_once_where_an_image_cleaned_them(bin_dir, monkeypatch):
    monkeypatch.setattr(browser.os, "geteuid", lambda: 0)
    executable(bin_dir, "chromium")
    calls = fake_apt(bin_dir, listed=True, monkeypatch=monkeypatch, lists=False)
    choice = add_headless_shell(find_browser(), print)
    assert choice.executable == str(bin_dir / "chromium-headless-shell")
    assert calls.read_text().splitlines() == ["apt-cache show chromium-headless-shell", "apt-get update -q",
                                              "apt-cache show chromium-headless-shell",
                                              "apt-get install -y -q chromium-headless-shell"]
