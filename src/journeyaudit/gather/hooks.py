"""The profile's ``setup:`` and ``teardown:``: requests and commands run around the journeys.

Setup runs before the first journey, teardown after the last one, always (also after a
failed setup, an error or Ctrl-C). Each item is a ``request`` (as the request action
takes it, sent through Playwright's API request context) or a command (``run:``, through
the shell, in the profile's folder, killed with its children after ``timeout`` seconds).
What each did, and a command's output, goes to ``run.log`` in the output folder, with
the ${ENV} values of the items and the journeys' other secrets redacted.

A setup item that fails stops the audit (:class:`SetupFailed`, exit code 3: nothing could
run) unless it says ``optional: true``; a teardown item that fails is an error of the
result, and the other teardown items still run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from journeyaudit.history.store import Redactor

LOG_FILE = "run.log"
OUTPUT_CHARS = 20_000  # of a command's output, kept in the log


class SetupFailed(RuntimeError):
    """A setup item that is not optional failed: the journeys cannot run."""


class Hooks:
    """Runs one profile's setup and teardown items and logs them to ``out_dir/run.log``."""

    def __init__(self, hooks: dict[str, list[dict[str, Any]]], base_url: str, out_dir: Path, redactor: Redactor,
                 cwd: Path | None = None, http_credentials: dict[str, str] | None = None):
        self.items = {key: list(hooks.get(key) or []) for key in ("setup", "teardown")}
        self.base_url = base_url
        self.log_path = Path(out_dir) / LOG_FILE
        self.redactor = redactor
        self.cwd = cwd
        self.http_credentials = http_credentials  # the base URL's user:password@, for its requests
        self.set_up = False

    def __bool__(self) -> bool:
        return bool(self.items["setup"] or self.items["teardown"])

    def setup(self) -> list[str]:
        """Run the setup items; the optional ones that failed are returned, a required one raises SetupFailed."""
        self.set_up = True
        problems = []
        for number, item in enumerate(self.items["setup"], start=1):
            error = self._one("setup", number, item)
            if error is None:
                continue
            if not item.get("optional"):
                raise SetupFailed(f"setup failed, no journey was run: {error} (see {LOG_FILE} in the report folder)")
            problems.append(f"optional setup item failed: {error}")
        return problems

    def teardown(self) -> list[str]:
        """Run every teardown item (one failing does not stop the others); their failures, as errors."""
        return [f"teardown failed: {error}" for number, item in enumerate(self.items["teardown"], start=1)
                if (error := self._one("teardown", number, item)) is not None]

    # ---- one item -------------------------------------------------------------

    def _one(self, phase: str, number: int, item: dict[str, Any]) -> str | None:
        name = item.get("name") or (f"{phase} {number}")
        started = time.monotonic()
        if item.get("request") is not None:
            error, detail = self._request(item["request"], float(item.get("timeout", 60)))
            what = f"request {str(item['request'].get('method') or 'GET').upper()} {item['request']['url']}"
        else:
            error, detail = self._command(item["run"], float(item.get("timeout", 60)))
            what = f"run {item['run']}"
        took = time.monotonic() - started
        outcome = "ok" if error is None else f"FAILED: {error}"
        self._log(f"[{phase}] {name}: {what} ({took:.1f} s) {outcome}\n{detail}")
        return None if error is None else self.redactor.text(f"{name!r}: {error}")

    def _request(self, params: dict[str, Any], timeout: float) -> tuple[str | None, str]:
        from playwright.sync_api import sync_playwright

        from journeyaudit.gather.actions import ActionContext, ActionFailed
        from journeyaudit.gather.api_request import check, send

        url = ActionContext(self.base_url).url(params["url"])
        timeout_ms = int(params.get("timeout_ms") or timeout * 1000)
        detail = ""
        try:
            with sync_playwright() as playwright:
                api = playwright.request.new_context(http_credentials=self.http_credentials)
                try:
                    record, body = send(api, params, url, timeout_ms, self.redactor)
                    detail = f"HTTP {record['status']}: {record['body'][:2000]}"
                    check(record, body, params.get("expect"), self.redactor)
                finally:
                    api.dispose()
        except ActionFailed as exc:
            return str(exc), detail
        except Exception as exc:  # noqa: BLE001 - Playwright could not start: the item failed, said plainly
            return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", ""
        return None, detail

    def _command(self, command: str, timeout: float) -> tuple[str | None, str]:
        try:
            process = subprocess.Popen(
                command, shell=True, cwd=self.cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
        except OSError as exc:
            return f"could not start the command: {exc.strerror or exc}", ""
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(process)
            output, _ = process.communicate()
            return f"did not finish within {timeout:g} s (stopped)", _text(output)
        except BaseException:  # Ctrl-C: the command's whole group goes too, then the interrupt goes on
            _kill(process)
            raise
        if process.returncode != 0:
            return f"exited with code {process.returncode}", _text(output)
        return None, _text(output)

    def _log(self, text: str) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "a", encoding="utf-8") as handle:
            handle.write(self.redactor.text(text.rstrip("\n")) + "\n")


def _kill(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _text(output: bytes | None) -> str:
    text = (output or b"").decode("utf-8", "replace")
    if len(text) > OUTPUT_CHARS:
        text = text[:OUTPUT_CHARS] + f"\n[... {len(text) - OUTPUT_CHARS} more characters not kept]"
    return "\n".join("    " + line for line in text.splitlines())


def for_audit(settings: Any, base_url: str, out_dir: Path, password: Sequence[str]) -> Hooks:
    """The audit's hooks; the log hides the hooks' ${ENV} values, every journey's secrets and the URL's password."""
    secrets = [*settings.hook_secrets, *password, *(value for journey in settings.journeys for value in journey.secrets())]
    cwd = Path(settings.profile_path).parent if settings.profile_path else None
    return Hooks(settings.hooks, base_url, out_dir, Redactor(secrets, settings.secret_params), cwd,
                 settings.http_credentials)
