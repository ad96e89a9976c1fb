"""Run journeys in Chromium: one browser per audit, a fresh context per journey.

Failures are data. A step whose action fails is recorded as failed with a
one-line reason (and a snapshot of what the customer saw), and the journey stops
there unless the step says ``continue_on_failure``. A browser that crashes or a
journey the tool cannot drive becomes a Run with status ``error``; the browser
is relaunched and the next journey runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from journeyaudit import model
from journeyaudit.gather import (
    api_request,  # noqa: F401  (registers the 'request' action, issue 11)
    card_fields,
    choose,  # noqa: F401  (registers the 'choose' action, issue 11)
    interception,  # noqa: F401  (registers the probes' 'intercept' action)
    mail_actions,
    playwright_trace,
    shopcheck,
)
from journeyaudit.gather import mailbox as mail
from journeyaudit.gather.accessibility import CheckedShapes
from journeyaudit.gather.actions import ActionContext, ActionFailed, perform
from journeyaudit.gather.browser import BrowserChoice, launch
from journeyaudit.gather.contexts import context_options
from journeyaudit.gather.limits import RecordingLimits
from journeyaudit.gather.login_state import NotLoggedIn
from journeyaudit.gather.recheck import recheck_products
from journeyaudit.gather.recorder import Recorder
from journeyaudit.gather.waits import NetworkLog, Readiness
from journeyaudit.history.store import DEFAULT_SECRET_PARAMS, Redactor

StepCallback = Callable[[model.Journey, model.StepRecord], None]


@dataclass
class RunnerOptions:
    base_url: str
    browser: BrowserChoice
    action_timeout_ms: int = 10_000
    navigation_timeout_ms: int = 30_000
    viewport: tuple[int, int] = (1280, 800)
    headed: bool = False
    host_map: dict[str, str] | None = None  # host name -> address, resolved inside the browser only
    accessibility: bool = True  # run axe-core on every step's snapshot (JA605)
    mail: MailOptions | None = None  # mail capture, when the profile asks for it
    limits: RecordingLimits = RecordingLimits()  # how much a step's recording keeps (gather/limits.py)
    secret_params: tuple[str, ...] = DEFAULT_SECRET_PARAMS  # query parameters masked in every output
    http_credentials: dict[str, str] | None = None  # {username, password} from a base URL's user:password@
    login: Any = None  # login_state.LoginStates: setup journeys' storage state, for the journeys that use them
    readiness: Readiness = Readiness()  # no click before the page is ready (gather/waits.py)
    trace: str = "off"  # Playwright's trace.zip per journey: off | on | retain-on-failure (playwright_trace.py)
    # axe-core's violations per page shape, shared by every journey and worker of the audit (accessibility.py)
    checked_shapes: CheckedShapes = field(default_factory=CheckedShapes)


@dataclass
class MailOptions:
    """How journeys read their email (see mailbox.py): one mailbox, per-journey addresses."""

    mailbox: Any
    address: str = "customer@journeyaudit.test"  # plus-addressed per journey
    token: str = ""  # per audit, so parallel runs never share an address
    settle_ms: int = 1500  # after the last step, how long late mail may take
    trigger: dict[str, str] | None = None  # default of the trigger_mailing action


class BrowserGone(RuntimeError):
    """The browser process ended under a journey: the journey could not be recorded."""


class Runner:
    """Owns Playwright and the browser for the length of an audit (a context manager)."""

    def __init__(self, options: RunnerOptions):
        self.options = options
        self._playwright = None
        self._browser = None
        self._attempt = 1  # the attempt being recorded (Runner.run)
        self.browser_version = ""
        self.shop_gone = ""  # set once the shop stopped answering: later journeys are not run

    def __enter__(self) -> Runner:
        self._playwright = sync_playwright().start()
        try:
            self._launch()
        except BaseException:
            self._playwright.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            if self._browser is not None:
                self._browser.close()
        except PlaywrightError:
            pass
        finally:
            self._playwright.stop()

    def _launch(self) -> None:
        self._browser = launch(
            self._playwright, self.options.browser, headed=self.options.headed, host_map=self.options.host_map
        )
        self.browser_version = f"Chromium {self._browser.version}"

    def _ensure_browser(self) -> None:
        if self._browser is None or not self._browser.is_connected():
            self._launch()

    def run(self, journey: model.Journey, run_dir: Path, on_step: StepCallback | None = None, *, attempt: int = 1) -> model.Run:
        """Record one journey into ``run_dir`` (screenshots) and return its Run (not yet saved).

        ``attempt`` 2 and more is a retry: it reads a fresh inbox, so the failed attempt's mail is not seen again.

        Never raises an Exception: whatever breaks is a Run with status ``error`` (the worker
        pool, gather/workers.py, relies on it; tests/unit/test_workers.py checks it).
        """
        self._attempt = attempt
        run = model.Run(
            journey_id=journey.id,
            journey_name=journey.name,
            journey_path=journey.path,
            base_url=self.options.base_url,
            started_at=time.time(),
            hints=dict(journey.hints),
            probe=journey.probe,
            variant=journey.variant,
        )
        if self.shop_gone:  # nothing can run: the rest are skipped with the reason (exit code 3)
            run.status, run.error = "error", f"not run: {self.shop_gone}"
            return run
        t0 = time.monotonic()
        try:
            storage = self.options.login.state_for(journey) if self.options.login else None
        except NotLoggedIn as exc:  # the setup journey it uses failed: nothing to run as that customer
            run.status, run.error = "error", f"not run: {exc}"
            return run
        try:
            self._ensure_browser()
            run.browser = self.browser_version
            self._record(journey, run, Path(run_dir), on_step, storage)
        except Exception as exc:  # the browser died or Playwright broke: an error entry, not a crash
            run.status = "error"
            run.error = _one_line(exc)
            self._drop_browser()
        if run.status != "passed":
            self._ask_shop(run)
        if journey.setup and self.options.login:
            self.options.login.finished(journey, run)
        run.duration_ms = round((time.monotonic() - t0) * 1000, 1)
        return run

    def _ask_shop(self, run: model.Run) -> None:
        """After a journey that did not pass: a shop that went silent is told as such, not as its findings."""
        try:
            reason = shopcheck.silence(self.options.base_url)
        except Exception:  # noqa: BLE001 - run() never raises
            return
        if reason is None:
            return
        self.shop_gone = f"{shopcheck.SHOP_GONE} ({reason})"  # no URL: it may hold credentials
        where = next((f" during step {s.index} ({s.name!r})" for s in run.steps if s.status == "failed"), "")
        run.status, run.error = "error", f"{self.shop_gone}{where}"

    def _drop_browser(self) -> None:
        try:
            if self._browser is not None:
                self._browser.close()
        except Exception:
            pass
        self._browser = None

    def _record(self, journey: model.Journey, run: model.Run, run_dir: Path, on_step: StepCallback | None,
                storage: str | None = None) -> None:
        options = self.options
        context = self._browser.new_context(
            **context_options(self._playwright, journey, options.viewport, options.http_credentials, storage)
        )
        context.set_default_timeout(options.action_timeout_ms)
        context.set_default_navigation_timeout(options.navigation_timeout_ms)
        password = (options.http_credentials or {}).get("password")
        redactor = Redactor([*journey.secrets(), *([password] if password else [])], options.secret_params)
        secret_selectors = [
            a.params["selector"] for s in journey.steps for a in s.actions if a.secret and "selector" in a.params
        ]
        tracing = playwright_trace.start(context, options.trace)
        recorder = None
        try:
            page = context.new_page()
            recorder = Recorder(
                page, base_url=options.base_url, run_dir=run_dir, redactor=redactor, secret_selectors=secret_selectors,
                limits=options.limits,
            )
            if options.accessibility:
                recorder.check_accessibility(options.checked_shapes)
            ctx = ActionContext(options.base_url, options.action_timeout_ms, options.navigation_timeout_ms)
            ctx.before_change = recorder.flush_shot  # a step's picture may still be on its way (deferred_calls.py)
            # the request action (api_request.py): its own request context, the redactor, the base URL's login
            ctx.extra.update(playwright=self._playwright, redactor=redactor, http_credentials=options.http_credentials)
            # waits on the shop's requests and the readiness default (waits.py)
            ctx.extra.update(network_log=NetworkLog(page, options.base_url), readiness=options.readiness)
            self._open_inbox(journey, run, ctx)
            stopped = False
            for index, step in enumerate(journey.steps, start=1):
                if stopped:
                    run.steps.append(
                        model.StepRecord(index=index, name=step.name, role=step.role, status="skipped", line=step.line)
                    )
                    continue
                record = self._record_step(recorder, ctx, index, step, run)
                run.steps.append(record)
                self._check_browser(index, step, record)
                if on_step:
                    on_step(journey, record)
                if recorder.crashed:
                    raise RuntimeError(f"the browser page crashed during step {index} ({step.name!r})")
                if record.status == "failed" and not step.continue_on_failure:
                    stopped = True
                if record.probe_stop:  # a probe variant ends where the shop stopped the customer
                    stopped = True
            recorder.flush_shot()
            run.status = "failed" if any(s.status == "failed" for s in run.steps) else "passed"
            recheck_products(run, recorder, options.navigation_timeout_ms)  # a refusal without a cause: look again
            if journey.setup and options.login and run.status == "passed":
                options.login.save(journey, context)  # log in once (login_state.py)
            self._collect_mail(run, ctx, recorder.redactor)
        except Exception:
            run.status = "error"  # so that retain-on-failure keeps the trace of a journey that broke
            raise
        finally:
            if recorder is not None:
                recorder.flush_shot()  # a journey that broke off still keeps the picture of its last step
            if tracing:  # the redactor that knows the card numbers found while the journey ran
                playwright_trace.finish(context, options.trace, run, run_dir, recorder.redactor if recorder else redactor)
            try:
                context.close()
            except PlaywrightError:
                pass

    @staticmethod
    def _card_found(recorder: Recorder, act: model.Action, entry: model.ActionRecord, run: model.Run | None) -> None:
        """The field just filled takes a card number: its value is secret from now on (gather/card_fields.py)."""
        recorder.redactor = card_fields.secret_from_now(act, recorder.redactor)
        if "selector" in act.params:
            recorder.secret_selectors += (act.params["selector"],)
        entry.description = recorder.redactor.text(act.describe())
        if run is not None:
            run.warnings.append(card_fields.warning(run.journey_path, act))

    def _check_browser(self, index: int, step: model.Step, record: model.StepRecord) -> None:
        """A browser that died (killed, crashed) ends the journey as 'could not be recorded', never as a
        failure of the shop: the step's error (a timeout, a closed page) is the browser's, not the shop's."""
        if self._browser is not None and self._browser.is_connected():
            return
        reason = f"the browser closed during step {index} ({step.name!r}): killed or crashed"
        record.error = reason
        for entry in record.actions:
            if entry.status == "failed":
                entry.error = reason
        raise BrowserGone(reason)

    def _record_step(
        self, recorder: Recorder, ctx: ActionContext, index: int, step: model.Step, run: model.Run | None = None,
    ) -> model.StepRecord:
        record = recorder.begin_step(index, step)
        record.line = step.line
        if ctx.extra.get("network_log") is not None:
            ctx.extra["network_log"].new_step()
        ctx.screenshot_now = None
        waited = 0.0  # time a probe's soft expectation spent waiting for what never came
        for act in step.actions:
            started = recorder.elapsed_ms()
            entry = model.ActionRecord(name=act.name, description=recorder.redactor.text(act.describe()), start_ms=started)
            record.actions.append(entry)
            ctx.last_effect = None
            try:
                recorder.before_action(act.name)
                params = mail.fill_inbox(act.params, ctx.extra["inbox"]) if ctx.extra.get("inbox") else act.params
                entry.target = perform(recorder.page, act.name, params, ctx) or {}
                entry.effect = ctx.last_effect or {}
                if "kept" in entry.effect and (act.secret or card_fields.is_card_field(entry.target) or entry.target.get("type") == "password"):
                    entry.effect = masked_input(entry.effect)  # compared, never stored: only matches/differs
                if entry.target.get("type") == "password" and act.name == "fill" and not act.secret:
                    recorder.redactor = card_fields.secret_from_now(act, recorder.redactor)  # a password, secret anyway
                    entry.description = recorder.redactor.text(act.describe())
                if act.maybe_card and not act.secret and card_fields.is_card_field(entry.target):
                    self._card_found(recorder, act, entry, run)
            except ActionFailed as exc:
                if act.soft:  # a probe's expectation: the variant ends here, on purpose
                    entry.status, entry.error = "stopped", str(exc)
                    record.probe_stop = str(exc)
                else:
                    entry.status, entry.error = "failed", str(exc)
                    record.status, record.error = "failed", str(exc)
                entry.effect = ctx.last_effect or {}  # a request's answer is kept when its check fails
            entry.duration_ms = round(recorder.elapsed_ms() - started, 1)
            if entry.status == "stopped":
                waited = entry.duration_ms
            if ctx.screenshot_now is not None and step.screenshot:
                recorder.snapshot(screenshot=True, full_page=ctx.screenshot_now["full_page"])
            if record.status == "failed" or record.probe_stop or recorder.crashed:
                break
        already_shot = record.screenshot is not None
        settled_ms = recorder.finish_step(screenshot=step.screenshot and not already_shot)
        # the customer saw the shop's answer when it came; the tool's wait for the happy path is not theirs
        record.duration_ms = round(settled_ms - waited, 1)
        return record

    # ---- mail (issue #5) ------------------------------------------------------

    def _open_inbox(self, journey: model.Journey, run: model.Run, ctx: ActionContext) -> None:
        """Give a journey that reads email its own address; no mail capture is a clear error."""
        options = self.options.mail
        run.mail_captured = options is not None  # so a journey without {inbox} is told apart from no capture
        if not mail.uses_inbox(journey):
            return
        if options is None:
            raise RuntimeError(
                "this journey reads email ({inbox} or an email action) but the audit captures no mail: "
                "add mail: {capture: smtp} to the audit profile"
            )
        mailbox_id = journey.id if self._attempt == 1 else f"retry{self._attempt}-{journey.id}"
        run.inbox = mail.inbox_address(options.address, mailbox_id, options.token or mail.new_token())
        ctx.extra.update(mailbox=options.mailbox, inbox=run.inbox, mail_trigger=options.trigger or {})

    def _collect_mail(self, run: model.Run, ctx: ActionContext, redactor: Redactor) -> None:
        """Every message to the journey's address, placed at its step in the timeline, secrets redacted."""
        if not run.inbox or self.options.mail is None:
            return
        time.sleep(self.options.mail.settle_ms / 1000)
        try:
            messages = self.options.mail.mailbox.messages(run.inbox)
        except mail.MailboxError as exc:
            run.mail_error = str(exc)
            return
        for message in messages:
            message.subject = redactor.text(message.subject)
            message.text = redactor.text(message.text)
            message.html = redactor.text(message.html)
            message.links = [redactor.text(link) for link in message.links]
        run.emails = mail_actions.place_in_timeline(messages, run.steps)


def _one_line(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    first = next((line.strip() for line in text.splitlines() if line.strip()), type(exc).__name__)
    return first[:300]


def masked_input(effect: dict[str, Any]) -> dict[str, Any]:
    """A secret field's comparison without its values: "matches"/"differs" and each value's length as dots."""
    return {
        "input": effect.get("input", ""),
        "typed": "•" * len(str(effect.get("typed", ""))),
        "kept": "•" * len(str(effect.get("kept", ""))),
        "secret": True,
    }
