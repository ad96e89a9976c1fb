"""The audit profile's schema (pydantic): what an ``audits/*.yaml`` file may say.

Only the shape and values of a profile live here; the rule registry, journeys on
disk and the run's resolved settings are checked elsewhere (config.py, settings.py).

An audit profile (``audits/*.yaml``)::

    name: demo                              # required
    description: ...
    base_url: https://staging.example.com   # http(s) URL; optional when demo_shop is true
    demo_shop: false                        # start the built-in demo shop and use its URL
    journeys: ["../journeys/demo/*.yaml"]   # required: files or globs, relative to this file's folder
    journeys_root: ..                       # journeys must be inside this folder (default: this file's folder)
    fail_on: high                           # low|medium|high|critical|none
    out: reports                            # output folder (relative to the working directory)
    timeouts: {action_ms: 10000, navigation_ms: 30000}
    viewport: {width: 1280, height: 800}
    rules:
      select: [JA1, JA301]                  # codes, code prefixes or slugs; empty/absent = all
      ignore: []
      severity: {JA501: low}
      options: {JA401: {budget_ms: 5000}}
    formats: [junit, sarif]                 # more outputs besides report.html and result.json
    history: sqlite:///reports/history.sqlite   # SQLAlchemy URL; default: <out>/history.sqlite; false: off
    baseline: .journeyaudit-baseline.json   # known findings that do not fail the audit
    trend_runs: 20                          # how many runs the report's trends show
    limits: {events_per_step: 500, structured_data_chars: 200000, evidence_chars: 2000}
    secret_params: [token, key, secret, password, session, auth, sig]   # query parameters always masked
    workers: 2                              # journeys in parallel; default: half the CPU cores, at least 1
    retries: 1                              # run a failing journey again; passing then makes it flaky
    fail_on_flaky: false                    # a flaky journey fails the run (exit 1)
    browser_ws: wss://grid.example.com/playwright?token=${BROWSER_TOKEN}   # connect, do not launch Chromium
    browser_cdp: http://127.0.0.1:9222      # or a browser's CDP endpoint (one of the two)
    trace: retain-on-failure                # Playwright's trace.zip per journey: off (default), on, retain-on-failure
    setup: [{request: {method: POST, url: /api/reset}}, {run: "make fixtures", timeout: 60, optional: true}]
    readiness: {wait: true, max_ms: 3000, quiet_ms: 300, after_load_ms: 50}   # no click before a page has loaded and gone quiet
    teardown: [{run: "make clean-fixtures"}]
    matrix: {device: ["Desktop Chrome", "iPhone 13"], locale: [en-US, de-DE]}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import unquote, urlparse, urlsplit, urlunsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from journeyaudit import model
from journeyaudit.spec.matrix import MatrixSpec
from journeyaudit.spec.probespec import ProbesSpec
from journeyaudit.spec.request_spec import HookSpec

FAIL_ON = (*model.SEVERITIES, "none")
FailOn = Literal["low", "medium", "high", "critical", "none"]
Severity = Literal["low", "medium", "high", "critical"]

# Report formats: html and json are always written; the others on request (see report/formats.py).
FORMATS = ("html", "json", "junit", "sarif", "github", "gitlab")
ReportFormat = Literal["html", "json", "junit", "sarif", "github", "gitlab"]
# --trace: Playwright's trace.zip per journey (gather/playwright_trace.py)
TRACE_MODES = ("off", "on", "retain-on-failure")
TraceMode = Literal["off", "on", "retain-on-failure"]


def masked_url(url: str) -> str:
    """The URL with the password of a ``user:password@`` replaced by ``***``: safe to print.

    Everything up to the last ``@`` before the query is taken as user info, so a password
    holding an unencoded ``/`` or ``@`` is masked whole.
    """
    found = re.match(r"(?i)([a-z][a-z0-9+.-]*://)?([^?#]*)@", str(url))
    if not found or ":" not in found.group(2):
        return url
    user = found.group(2).split(":", 1)[0]
    return f"{found.group(1) or ''}{user}:***@{url[found.end():]}"


def split_credentials(url: str | None) -> tuple[str | None, dict[str, str] | None]:
    """``https://user:pw@shop/`` -> (``https://shop/``, Playwright's http_credentials for that origin)."""
    if not url:
        return url, None
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    host = parts.netloc.rpartition("@")[2]
    clean = urlunsplit(parts._replace(netloc=host))
    credentials = {
        "username": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "origin": f"{parts.scheme}://{host}",
    }
    return clean, credentials


def check_url(value: str) -> str:
    """The value when it is an http(s) URL with a host; a pydantic error naming it (password masked) otherwise."""
    try:
        parsed = urlparse(value)
        valid = parsed.scheme in ("http", "https") and bool(parsed.hostname)
        parsed.port  # noqa: B018 - a port that is not a number raises here
    except ValueError:
        valid = False
    if not valid:
        raise PydanticCustomError(
            "profile_url", "'base_url' must be an http(s) URL, got '{value}'", {"value": masked_url(value)}
        )
    return value


HttpUrlText = Annotated[str, AfterValidator(check_url)]


def _endpoint(schemes: tuple[str, ...]):
    def check(value: str) -> str:
        """A remote browser's endpoint; the error never quotes it (a browserless URL holds its token)."""
        parsed = urlsplit(value)
        if parsed.scheme not in schemes or not parsed.hostname:
            wanted = " or ".join(f"{scheme}://" for scheme in schemes)
            raise PydanticCustomError("profile_endpoint", "the remote browser's endpoint must be a {wanted} URL with a host",
                                      {"wanted": wanted})
        return value

    return check


WsUrl = Annotated[str, AfterValidator(_endpoint(("ws", "wss")))]
CdpUrl = Annotated[str, AfterValidator(_endpoint(("http", "https", "ws", "wss")))]


def _check_host(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9*]([A-Za-z0-9*.:\[\]-]{0,252})", value or ""):
        raise PydanticCustomError("profile_host", "'{value}' is not a host name or IP address", {"value": value})
    return value


HostName = Annotated[str, AfterValidator(_check_host)]
PositiveMs = Annotated[int, Field(gt=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")
    __noun__: ClassVar[str] = "mapping"


class Timeouts(_Strict):
    """How long actions and navigations may wait before they fail."""

    __noun__ = "timeouts"
    action_ms: PositiveMs = Field(10000, description="Default timeout of an action (click, fill, ...), in ms.")
    navigation_ms: PositiveMs = Field(30000, description="Default timeout of a navigation (goto, submit), in ms.")


class ReadinessSpec(_Strict):
    """No click before the page is ready: it has loaded and its own requests have been quiet a moment (bounded)."""

    __noun__ = "readiness"
    wait: bool = Field(True, description="Wait for each new page to be ready before the first action that touches it.")
    max_ms: Annotated[int, Field(ge=0, le=30000)] = Field(3000, description="At most this long per page, in ms (0 to 30000).")
    quiet_ms: Annotated[int, Field(ge=0, le=5000)] = Field(
        300, description="How long the page's scripts and data requests must have been quiet, in ms (0 to 5000)."
    )
    after_load_ms: Annotated[int, Field(ge=0, le=5000)] = Field(
        50, description="When all of them had ended before the page's load event: how long after load, in ms "
        "(0 to 5000; raise it for a framework that hydrates in idle time without a request).",
    )


class Viewport(_Strict):
    """The browser window's size, in CSS pixels."""

    __noun__ = "viewport"
    width: int = Field(1280, ge=200, le=8000, description="Width in CSS pixels (200 to 8000).")
    height: int = Field(800, ge=200, le=8000, description="Height in CSS pixels (200 to 8000).")


DEFAULT_SECRET_PARAMS = ("token", "key", "secret", "password", "session", "auth", "sig")


class Limits(_Strict):
    """How much one step's recording and one finding's evidence may hold: a page cannot fill the disk."""

    __noun__ = "limits"
    events_per_step: int = Field(
        500, ge=10, le=100_000,
        description="Console messages, requests, page errors and dialogs kept per step, each; the rest are counted.",
    )
    structured_data_chars: int = Field(
        200_000, ge=1_000, le=10_000_000,
        description="Characters of JSON-LD, and of dataLayer, kept per step; the items beyond are counted.",
    )
    evidence_chars: int = Field(
        2_000, ge=100, le=1_000_000, description="Characters of each piece of a finding's evidence; the rest is cut."
    )


class RulesSpec(_Strict):
    """Which rules run, how severe their findings are, and their options."""

    __noun__ = "rules"
    select: list[str] = Field(
        default_factory=list, description="Codes (JA301), code prefixes (JA3) or slugs; empty or absent: all rules."
    )
    ignore: list[str] = Field(default_factory=list, description="Codes, code prefixes or slugs to leave out.")
    severity: dict[str, Severity] = Field(
        default_factory=dict, description="Rule code -> severity of its findings (low, medium, high, critical)."
    )
    options: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Rule code -> option overrides, e.g. {JA401: {budget_ms: 5000}}."
    )


class MailTrigger(_Strict):
    """How the shop is asked to send its next mailing (the trigger_mailing action's default)."""

    __noun__ = "mail trigger"
    url: Annotated[str, Field(min_length=1)] = Field(description="URL or path that starts the shop's mailing job.")
    method: Literal["GET", "POST"] = Field("POST", description="HTTP method of the trigger.")


class MailSpec(_Strict):
    """Mail capture: where the shop's email to each journey's customer is read from."""

    __noun__ = "mail"
    capture: Literal["smtp"] | None = Field(
        None, description="smtp: start journeyaudit's own SMTP sink on 'host':'port' and point the shop at it."
    )
    host: Annotated[str, Field(min_length=1)] = Field("127.0.0.1", description="Address the SMTP sink binds to.")
    port: Annotated[int, Field(ge=0, le=65535)] = Field(0, description="Port of the SMTP sink (0: a free port).")
    mailpit: str | None = Field(None, description="Read mail from a Mailpit server's HTTP API at this http(s) URL.")
    smtp: str | None = Field(None, description="With mailpit: its SMTP 'host:port', for a shop journeyaudit starts.")
    address: str = Field(
        "customer@journeyaudit.test",
        description="Base customer address; each journey gets name+<run>-<journey>@domain, written {inbox}.",
    )
    settle_ms: Annotated[int, Field(ge=0)] = Field(1500, description="After a journey, how long late mail may take.")
    trigger: MailTrigger | None = Field(None, description="Default of the trigger_mailing action.")

    @model_validator(mode="after")
    def _one_source(self) -> "MailSpec":
        if (self.capture is None) == (self.mailpit is None):
            raise PydanticCustomError("profile_mail", "mail needs exactly one of capture: smtp or mailpit: URL")
        if self.mailpit is not None and (urlparse(self.mailpit).scheme not in ("http", "https") or not urlparse(self.mailpit).netloc):
            raise PydanticCustomError("profile_mail", "mail.mailpit must be an http(s) URL, got '{value}'", {"value": self.mailpit})
        if not re.fullmatch(r"[^@\s]+@[^@\s]+", self.address):
            raise PydanticCustomError("profile_mail", "mail.address must be name@domain, got '{value}'", {"value": self.address})
        if self.smtp is not None and not re.fullmatch(r"[^:\s]*:\d{1,5}", self.smtp):
            raise PydanticCustomError("profile_mail", "mail.smtp must be host:port, got '{value}'", {"value": self.smtp})
        return self


class AuditProfile(_Strict):
    """A journeyaudit audit profile: which site, which journeys, which rules, when to fail."""

    model_config = ConfigDict(title="journeyaudit audit profile")
    __noun__ = "audit profile"
    name: Annotated[str, Field(min_length=1)] = Field(description="The audit's name, shown in reports.")
    description: str = Field("", description="What this audit is for.")
    base_url: HttpUrlText | None = Field(
        None, description="The shop's http(s) URL; relative journey URLs are joined to it. Optional with demo_shop."
    )
    demo_shop: bool = Field(False, description="Start the built-in demo shop and audit it.")
    journeys: list[Annotated[str, Field(min_length=1)]] = Field(
        min_length=1, description="Journey files or globs, relative to this profile's folder."
    )
    journeys_root: Annotated[str, Field(min_length=1)] = Field(
        ".",
        description="The folder every journey file must be inside (symbolic links resolved), relative to this "
        "profile's folder: '.' (default) the profile's own folder, '..' the usual audits/ + journeys/ layout.",
    )
    fail_on: FailOn = Field(
        "high", description="Exit with code 1 when a finding is at least this severe (none: never)."
    )
    out: Annotated[str, Field(min_length=1)] = Field("reports", description="Output folder for traces and reports.")
    timeouts: Timeouts = Field(default_factory=Timeouts)
    viewport: Viewport = Field(default_factory=Viewport)
    rules: RulesSpec = Field(default_factory=RulesSpec)
    formats: list[ReportFormat] = Field(
        default_factory=list, description="Report formats besides html and json: junit, sarif, github, gitlab."
    )
    history: Annotated[str, Field(min_length=1)] | bool | None = Field(
        None,
        description="Run history: a SQLAlchemy database URL (sqlite:///..., postgresql://...); "
        "absent or true: <out>/history.sqlite; false: no history.",
    )
    baseline: Annotated[str, Field(min_length=1)] | None = Field(
        None, description="Baseline file (journeyaudit baseline create): its findings do not fail the audit."
    )
    trend_runs: Annotated[int, Field(ge=1, le=500)] = Field(20, description="How many runs the report's trends show.")
    host_map: dict[HostName, HostName] = Field(
        default_factory=dict,
        description="Host name -> IP address or host, resolved inside the browser only (Chromium's "
        "--host-resolver-rules): a staging shop or payment host behind custom DNS.",
    )
    accessibility: bool = Field(True, description="Run axe-core on every step (JA605); off saves time per step.")
    workers: Annotated[int, Field(ge=1, le=64)] | None = Field(
        None, description="Journeys run in parallel, each worker with its own Chromium; absent: half the CPU cores, at least 1."
    )
    retries: Annotated[int, Field(ge=0, le=10)] = Field(
        0, description="A journey that fails (a finding at or above fail_on, or not recorded) runs again up to this "
        "many times; one that then passes is flaky. The failed attempts are kept as evidence.",
    )
    fail_on_flaky: bool = Field(False, description="A flaky journey fails the run (exit code 1).")
    browser_ws: WsUrl | None = Field(
        None, description="A Playwright browser server (ws:// or wss://) to connect to instead of launching Chromium; "
        "put a token in ${ENV}: it is masked in every output.",
    )
    browser_cdp: CdpUrl | None = Field(
        None, description="A browser's Chrome DevTools Protocol endpoint (http(s):// or ws(s)://) to connect to instead "
        "of launching Chromium; not together with browser_ws.",
    )
    trace: TraceMode = Field(
        "off", description="Keep Playwright's trace.zip per journey (playwright show-trace): on, retain-on-failure "
        "(only journeys that did not pass) or off. Secrets are scrubbed from it, or it is not kept.",
    )
    mail: MailSpec | None = Field(None, description="Capture the shop's email (SMTP sink or Mailpit), see docs/journeys.md.")
    limits: Limits = Field(default_factory=Limits)
    secret_params: list[Annotated[str, Field(min_length=2, pattern=r"^[A-Za-z0-9_.-]+$")]] = Field(
        default_factory=lambda: list(DEFAULT_SECRET_PARAMS),
        description="Query-string parameters whose names contain one of these words (token, api_key, "
        "X-Amz-Signature, ...) have their values masked in every file written.",
    )
    probes: ProbesSpec | None = Field(
        None,
        description="Probes for every journey without its own probes section, where they apply; "
        "decline_cards.extra extends every journey's decline cards.",
    )
    # ---- issue 11 (gather/hooks.py, spec/matrix.py) ----
    setup: list[HookSpec] = Field(
        default_factory=list, description="Requests or commands run before the first journey; a failure stops the run "
        "(exit 3) unless the item is optional.",
    )
    teardown: list[HookSpec] = Field(
        default_factory=list, description="Requests or commands run after the last journey, always (also after Ctrl-C).",
    )
    matrix: MatrixSpec | None = Field(
        None, description="Devices, locales, time zones, positions: every journey without its own matrix runs once per combination.",
    )
    readiness: ReadinessSpec = Field(
        default_factory=ReadinessSpec, description="No click before a page is ready (issue 11): {wait, max_ms, quiet_ms}."
    )
    # ---- issue 12: the catalogue crawl; its keys are checked by `journeyaudit crawl` (cli/crawl_profile.py) ----
    crawl: dict[str, Any] | None = Field(
        None, description="The catalogue crawl (docs/crawl.md): max_pages, include, render, buy, ... Read by "
        "`journeyaudit crawl`, and by `run` when a journey has for_each and no --crawl DIR is given.",
    )

    @model_validator(mode="after")
    def _one_remote_browser(self) -> "AuditProfile":
        if self.browser_ws and self.browser_cdp:
            raise PydanticCustomError("profile_browser", "give browser_ws or browser_cdp, not both")
        return self


@dataclass
class Profile:
    """A validated audit profile with its journey globs expanded."""

    path: str
    spec: AuditProfile
    journey_files: list[Path] = field(default_factory=list)  # in listed order, each file once
    env_values: set[str] = field(default_factory=set)  # what ${NAME} put into the profile (hook secrets)
