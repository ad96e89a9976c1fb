"""The data that flows through journeyaudit: spec -> trace -> judgement.

Standard library only, so that every layer (validation, recording, rules,
reports) can share these types without pulling in each other's dependencies.
Every class round-trips through plain JSON via ``to_dict`` / ``from_dict``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from journeyaudit.model_attempts import Attempt
from journeyaudit.model_json import from_dict, to_dict
from journeyaudit.model_ledger import Ledger, LedgerChange, LedgerFact

# and the dataclasses below: JSON round-tripping lives in model_json, the ledger's types in model_ledger,
# the retries' in model_attempts
__all__ = ["from_dict", "to_dict", "Attempt", "Ledger", "LedgerChange", "LedgerFact"]

SCHEMA_VERSION = 1

ROLES = ("product", "cart", "account", "shipping", "payment", "review", "confirmation", "email", "other")

SEVERITIES = ("low", "medium", "high", "critical")


def severity_rank(severity: str) -> int:
    """0 for low .. 3 for critical; -1 for anything else (e.g. 'none')."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else -1


# --------------------------------------------------------------------------
# Spec: what the customer will do (from journeys/*.yaml)
# --------------------------------------------------------------------------


@dataclass
class Action:
    """One browser operation inside a step, e.g. ``fill`` with its parameters."""

    name: str  # goto, click, fill, select, check, uncheck, press, wait_for, expect, screenshot
    params: dict[str, Any] = field(default_factory=dict)
    line: int = 0
    secret: bool = False  # the value must never be written anywhere
    soft: bool = False  # a probe variant's expectation: failing ends the variant there, it is not a failure
    maybe_card: bool = False  # types a card-like number into a field its selector does not name: gather looks at the field
    secret_values: list[str] = field(default_factory=list)  # request: ${ENV} values in its headers (never written)

    def describe(self) -> str:
        """Human summary with secret values masked, safe to store and show."""
        shown = {}
        for key, value in self.params.items():
            if key == "value" and self.secret:
                value = "••••"
            if key == "headers" and isinstance(value, dict):  # request: header names only, never values
                value = ",".join(value)
            shown[key] = value
        if not shown:
            return self.name
        if len(shown) == 1:
            return f"{self.name} {next(iter(shown.values()))}"
        return f"{self.name} " + " ".join(f"{k}={v}" for k, v in shown.items())


@dataclass
class Step:
    name: str
    role: str
    actions: list[Action] = field(default_factory=list)
    budget_ms: int | None = None
    continue_on_failure: bool = False
    screenshot: bool = True
    line: int = 0


@dataclass
class Journey:
    """A validated journey file."""

    id: str  # slug derived from the file name, unique within an audit
    name: str
    path: str
    steps: list[Step] = field(default_factory=list)
    description: str = ""
    tags: list[str] = field(default_factory=list)
    hints: dict[str, Any] = field(default_factory=dict)
    probes: dict[str, Any] = field(default_factory=dict)  # the journey's `probes:` section, validated (probes.py)
    probe: ProbeInfo | None = None  # set on a variant generated from a happy path (probes.py)
    warnings: list[str] = field(default_factory=list)  # e.g. a card number typed without secret: true (spec/cards.py)
    # log in once (gather/login_state.py) and devices/locales (spec/matrix.py):
    setup: bool = False  # runs before the others; its storage state is reused by journeys that say uses:
    uses: str = ""  # the setup journey (id or name) whose storage state this journey starts with
    context: dict[str, Any] = field(default_factory=dict)  # device, locale, timezone_id, geolocation
    variant: Variant | None = None  # one combination of a matrix
    matrix: dict[str, Any] = field(default_factory=dict)  # the journey's own matrix: section, validated
    for_each: dict[str, Any] = field(default_factory=dict)  # for_each: {crawl: products, ...} (spec/for_each.py), unexpanded

    def secrets(self) -> list[str]:
        """Every value marked ``secret: true`` (after env interpolation)."""
        return [
            str(action.params.get("value"))
            for step in self.steps
            for action in step.actions
            if action.secret and action.params.get("value") not in (None, "")
        ] + [value for step in self.steps for action in step.actions for value in action.secret_values]


# --------------------------------------------------------------------------
# Trace: what happened (recorded by the runner, saved by the store)
# --------------------------------------------------------------------------


@dataclass
class ActionRecord:
    name: str
    description: str  # from Action.describe(): secrets masked
    status: str = "passed"  # passed | failed
    error: str | None = None
    start_ms: float = 0.0  # relative to the step's start
    duration_ms: float = 0.0
    target: dict[str, Any] = field(default_factory=dict)  # fill/click target: tag, type, name, autocomplete, label
    # What a click visibly did (JA402): url_before/url_after, dom_changed, requests, dialogs, popups,
    # navigated, waited_ms. Empty for other actions and for clicks recorded before this existed.
    effect: dict[str, Any] = field(default_factory=dict)


@dataclass
class NetworkEntry:
    method: str
    url: str
    resource_type: str  # document, xhr, fetch, script, stylesheet, image, ...
    status: int | None = None
    failure: str | None = None
    start_ms: float = 0.0  # relative to the step's start
    duration_ms: float | None = None
    same_origin: bool = True
    body: Any = None  # parsed JSON of a small same-origin XHR/fetch response (redacted), else None


@dataclass
class ConsoleMessage:
    type: str  # log, info, warning, error, ...
    text: str
    url: str = ""


@dataclass
class PageError:
    message: str
    stack: str = ""


@dataclass
class Dialog:
    type: str  # alert, confirm, prompt, beforeunload
    message: str


@dataclass
class ShownMessage:
    """A message that appeared on the page during a step (toast, alert, live region), seen by the watcher."""

    text: str
    at_ms: float = 0.0  # when it appeared, from the step's start
    gone_ms: float | None = None  # when it was removed or hidden again; None: still shown at the last look
    where: str = ""  # what marked it as a message: "role=alert", "aria-live=polite", "class=toast"


@dataclass
class FormField:
    """A form control seen on the page. Never carries a value, only whether it has one."""

    tag: str  # input, select, textarea
    type: str = ""
    name: str = ""
    id: str = ""
    label: str = ""
    autocomplete: str = ""
    required: bool = False
    visible: bool = True
    has_value: bool = False
    checked: bool | None = None
    secret: bool = False  # password / card data: value must never be stored
    # What the page tells the customer about this field (rules JA303/JA304/JA105/JA604):
    invalid: bool = False  # aria-invalid="true"
    error: str = ""  # visible error text tied to the field (aria-errormessage/-describedby, or its own container)
    placeholder: str = ""


@dataclass
class EmailMessage:
    """A message the shop sent to the journey's customer, as captured by the mailbox.

    Bodies are redacted like every other recorded text. ``step`` is the index of
    the step during which (or after which) the message arrived; ``after_ms`` is
    the time from that step's start.
    """

    id: str
    received_at: float  # unix time
    sender: str
    recipients: list[str] = field(default_factory=list)
    subject: str = ""
    text: str = ""  # plain-text body (the HTML part's text when there is no text part)
    html: str = ""
    headers: dict[str, str] = field(default_factory=dict)  # headers of interest, canonical case
    links: list[str] = field(default_factory=list)
    step: int | None = None
    after_ms: float = 0.0


@dataclass
class StepRecord:
    index: int  # 1-based, as the customer would count
    name: str
    role: str
    status: str = "passed"  # passed | failed | skipped
    line: int = 0  # the step's line in the journey file (for annotations)
    error: str | None = None  # one line, for a failed step
    started_at: float = 0.0  # unix time
    duration_ms: float = 0.0
    budget_ms: int | None = None
    url: str = ""
    title: str = ""
    http_status: int | None = None  # status of the last main-frame document response
    visible_text: str = ""
    html: str = ""  # snapshot; the store keeps it in its own file (html_file)
    html_file: str | None = None  # file name relative to the run's directory
    screenshot: str | None = None  # file name relative to the run's directory
    actions: list[ActionRecord] = field(default_factory=list)
    network: list[NetworkEntry] = field(default_factory=list)
    console: list[ConsoleMessage] = field(default_factory=list)
    page_errors: list[PageError] = field(default_factory=list)
    dialogs: list[Dialog] = field(default_factory=list)
    fields: list[FormField] = field(default_factory=list)
    structured_data: list[dict[str, Any]] = field(default_factory=list)  # JSON-LD objects
    data_layer: list[Any] = field(default_factory=list)
    # The form fields as the page first showed them, before the step's first fill/select/check:
    # what an error page gave back (rules JA105/JA303/JA304). Empty when the step fills nothing.
    arrival_fields: list[FormField] = field(default_factory=list)
    # axe-core violations on the page at the end of the step (JA605): id, impact, help, help_url,
    # tags, nodes [{target, html, summary}]. None: axe did not run (disabled, or an older trace).
    accessibility: list[dict[str, Any]] | None = None
    messages: list[ShownMessage] = field(default_factory=list)  # every message that appeared during the step
    probe_stop: str = ""  # a probe variant ended here on purpose: why (the happy path's next expectation failed)
    # What the recording limits left out: kind (console, network, page_errors, dialogs, structured_data,
    # data_layer) -> how many items were not kept (gather/limits.py). Empty: nothing dropped, or an older trace.
    dropped: dict[str, int] = field(default_factory=dict)
    # Kinds whose drops were counted only up to a ceiling (dropped is then a lower bound): past it the
    # recorder stopped listening, since every event costs time even when it is not kept.
    uncounted: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How a message names this step: "'Pay' (step 4)"."""
        return f"'{self.name}' (step {self.index})"


@dataclass
class Run:
    """Everything recorded while one journey ran."""

    journey_id: str
    journey_name: str
    journey_path: str
    base_url: str
    status: str = "passed"  # passed (every step passed) | failed (a step failed) | error (the tool could not run it)
    error: str | None = None  # for status 'error': why the tool could not run the journey
    started_at: float = 0.0
    duration_ms: float = 0.0
    browser: str = ""
    steps: list[StepRecord] = field(default_factory=list)
    emails: list[EmailMessage] = field(default_factory=list)  # every message to this journey's customer
    hints: dict[str, Any] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION
    inbox: str = ""  # the journey's own email address when it reads mail ("" = it reads none)
    mail_captured: bool = False  # the audit captured mail (the journey may still type no {inbox} address)
    mail_error: str = ""  # why the mailbox could not be read at the end of the journey
    probe: ProbeInfo | None = None  # this run is a probe variant of another journey (probes.py)
    warnings: list[str] = field(default_factory=list)  # e.g. a card number found secret only at run time
    variant: Variant | None = None  # one combination of a journey's device/locale matrix (spec/matrix.py)
    # After the shop refused the order without naming a cause, the product pages of the journey,
    # looked at again as a customer would (gather/recheck.py). Not journey steps: each has role
    # "recheck" and the index of the product step it looks at again.
    rechecks: list[StepRecord] = field(default_factory=list)
    playwright_trace: str = ""  # --trace: Playwright's trace.zip in the run's folder, secrets scrubbed ("" = none)
    playwright_trace_note: str = ""  # why there is none (secrets that could not be scrubbed), or what was left out

    def steps_with_role(self, *roles: str) -> list[StepRecord]:
        return [step for step in self.steps if step.role in roles]

    def reached(self) -> list[StepRecord]:
        """Steps that actually ran (passed or failed), in order."""
        return [step for step in self.steps if step.status != "skipped"]


# --------------------------------------------------------------------------
# Judgement: what the rules made of it
# --------------------------------------------------------------------------


@dataclass
class Evidence:
    """One piece of proof behind a finding, shown verbatim (escaped) in reports."""

    kind: str  # text | amount | request | console | error | url | screenshot | field | timing | markup | email
    label: str  # what this is, in the customer's words: "Total at 'Review' (step 5)"
    value: str = ""
    step: int | None = None  # step index this was seen on


@dataclass
class Finding:
    code: str = ""
    slug: str = ""
    severity: str = ""  # empty: the rule's registered default (set by the judge)
    journey: str = ""  # journey id
    step: int | None = None  # step index, None for journey-wide findings
    step_name: str = ""
    message: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    confidence: str = "high"  # high | medium (text heuristics)
    fingerprint: str = ""  # stable across runs: rule, journey, step name, normalised evidence
    suppressed: bool = False  # known in the baseline: listed, but does not fail the audit


@dataclass
class RuleOutcome:
    code: str
    journey: str
    status: str  # passed | failed | not_applicable | not_checked | error | skipped
    detail: str = ""  # not_applicable / not_checked / error / skipped: why


@dataclass
class RunSummary:
    """A run as listed in a result: enough to report without loading the trace."""

    journey_id: str
    journey_name: str
    journey_path: str
    status: str
    error: str | None = None
    steps_total: int = 0
    steps_passed: int = 0
    duration_ms: float = 0.0
    trace: str = ""  # path of the run's trace directory, relative to the result
    probe: ProbeInfo | None = None  # a probe variant: which happy path, what it changed
    probe_outcome: ProbeOutcome | None = None  # what the probe saw (judge.probe_outcome)
    variant: Variant | None = None  # one combination of a device/locale matrix
    attempts: int = 1  # how many times the journey ran (retries); this summary is the last attempt's
    flaky: bool = False  # an earlier attempt failed and the last one passed
    failed_attempts: list[Attempt] = field(default_factory=list)  # the earlier attempts, kept as evidence
    playwright_trace: str = ""  # --trace: Playwright's trace.zip, relative to the result ("" = none)
    playwright_trace_note: str = ""  # why there is none, or what was left out of it


@dataclass
class FindingChange:
    """A finding compared with an earlier run, by fingerprint."""

    fingerprint: str
    code: str
    journey: str
    step_name: str
    severity: str
    message: str
    status: str  # new | fixed | still_open


@dataclass
class StepTiming:
    journey: str
    step_name: str
    before_ms: float | None
    now_ms: float | None


@dataclass
class Comparison:
    """What changed between an earlier run (last run, or a baseline) and this one."""

    against: str  # "last run (2026-11-22 10:00)" or "baseline .journeyaudit-baseline.json"
    changes: list[FindingChange] = field(default_factory=list)
    timings: list[StepTiming] = field(default_factory=list)


@dataclass
class TrendPoint:
    started_at: float
    findings: dict[str, int] = field(default_factory=dict)  # severity -> count
    step_ms: dict[str, float] = field(default_factory=dict)  # "journey/step name" -> duration


@dataclass
class ShardInfo:
    """One shard's part of an audit split over CI jobs (``run --shard i/n``; spec/shards.py)."""

    index: int  # from 1
    total: int
    key: str = ""  # the audit's name, every journey id and the rule settings, hashed: equal in every shard
    journeys: list[str] = field(default_factory=list)  # this shard's journey ids, in the audit's order
    audit_journeys: list[str] = field(default_factory=list)  # every journey id of the audit, in order
    history_run: int | None = None  # the history run whose journey durations balanced the split (None: by id)


@dataclass
class Result:
    audit: str
    base_url: str
    started_at: float = 0.0
    duration_ms: float = 0.0
    fail_on: str = "high"
    tool_version: str = ""
    browser: str = ""
    axe_version: str = ""  # axe-core's version when the run checked accessibility (JA605), else ""
    runs: list[RunSummary] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    outcomes: list[RuleOutcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)  # vs the last run, vs the baseline
    trend: list[TrendPoint] = field(default_factory=list)  # earlier runs of this audit, oldest first
    schema_version: int = SCHEMA_VERSION
    ledgers: list[Ledger] = field(default_factory=list)  # per journey: every claim the shop made (ledger.build)
    shard: ShardInfo | None = None  # this run was one shard of the audit (journeyaudit merge joins them)
    flaky: int = 0  # journeys that failed and then passed on a retry (RunSummary.flaky)
    fail_on_flaky: bool = False  # a flaky journey fails the audit (exit code 1)

    def counts(self) -> dict[str, int]:
        """Findings per severity, every severity present (zero where none)."""
        counts = {severity: 0 for severity in SEVERITIES}
        for finding in self.findings:
            counts[finding.severity] = counts.get(finding.severity, 0) + 1
        return counts

    def failing(self) -> list[Finding]:
        """Findings at or above ``fail_on`` (none when fail_on is 'none')."""
        threshold = severity_rank(self.fail_on)
        if threshold < 0:
            return []
        return [f for f in self.findings if severity_rank(f.severity) >= threshold and not f.suppressed]


# --------------------------------------------------------------------------
# Probes: unhappy-path variants generated from a happy path (probes.py)
# --------------------------------------------------------------------------


@dataclass
class ProbeInfo:
    """What makes a variant journey a probe: the happy path it probes and what it changed."""

    of: str  # the happy path's journey id
    kind: str  # decline_card | invalid_input | fault
    name: str  # the variant's own part of the id: decline-stripe-generic
    label: str  # in the customer's words: "Stripe test card 4000 0000 0000 0002 (generic decline)"
    changes: list[str] = field(default_factory=list)  # what differs from the happy path, one line each
    target_step: str = ""  # the step whose input was altered or whose request is failed
    expect_refusal: bool = True  # the shop should refuse the altered input
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)  # what the probe itself caused
    request: str = ""  # a fault probe: the URL glob of the request it fails or delays
    field: str = ""  # the kind of field altered: email, postal_code, card_number, card_expiry, card_name
    selector: str = ""  # the selector of the fill the probe altered


@dataclass
class ProbeOutcome:
    """What a probe variant found, in plain terms; computed from the trace (judge.probe_outcome)."""

    verdict: str  # refused-promptly | refused-late | not-refused | told | not-told | waited | not-hit | blocked | not-run
    summary: str  # one sentence for the report
    refused_at: int | None = None  # step index where the refusal (or the message) surfaced
    refused_step: str = ""
    message: str = ""  # what the customer was told, verbatim
    kept: list[str] = field(default_factory=list)  # field labels still filled after the refusal
    lost: list[str] = field(default_factory=list)  # field labels emptied
    note: str = ""  # the recorded field does not look like the one the probe meant to alter


@dataclass
class Variant:
    """One combination of a ``matrix:`` (spec/matrix.py): the journey it comes from and what it sets."""

    of: str  # the journey's own id, without the combination
    values: dict[str, str] = field(default_factory=dict)  # device, locale, timezone, geolocation -> as written
