"""Audit profiles and the resolved settings of a run.

Precedence, lowest first: built-in defaults < the audit profile < environment
variables (``JOURNEYAUDIT_*``) < command-line overrides. Every problem, in every
file, is collected into one :class:`ValidationFailed` before a browser starts.

An audit profile (``audits/*.yaml``)::

    name: demo                              # required
    description: ...
    base_url: https://staging.example.com   # http(s) URL; optional when demo_shop is true
    demo_shop: false                        # start the built-in demo shop and use its URL
    journeys: ["../journeys/demo/*.yaml"]   # required: files or globs, relative to this file's folder
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
"""

from __future__ import annotations

import difflib
import glob
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import urlparse

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from journeyaudit import model
from journeyaudit.judge import engine as judge
from journeyaudit.spec.journey import SCHEMA_DIALECT, journey_from_document, slugify, translate_errors
from journeyaudit.spec.probespec import ProbesSpec
from journeyaudit.spec.yamlsource import Document, LocatedError, ValidationFailed, load, sort_errors

__all__ = [
    "AuditProfile",
    "AuditSettings",
    "FAIL_ON",
    "LocatedError",
    "Profile",
    "ValidationFailed",
    "check_file",
    "json_schema",
    "load_profile",
    "resolve",
]

FAIL_ON = (*model.SEVERITIES, "none")
FailOn = Literal["low", "medium", "high", "critical", "none"]
Severity = Literal["low", "medium", "high", "critical"]

ENV_PREFIX = "JOURNEYAUDIT_"
OVERRIDE_KEYS = ("base_url", "fail_on", "out", "select", "ignore", "headed", "browser_path", "demo_shop",
                 "formats", "history", "no_history", "baseline")
# Report formats: html and json are always written; the others on request (see report/formats.py).
FORMATS = ("html", "json", "junit", "sarif", "github", "gitlab")
ReportFormat = Literal["html", "json", "junit", "sarif", "github", "gitlab"]
HISTORY_OFF = ("false", "off", "no", "none", "0")
NO_BASE_URL = "no base URL: set base_url in the profile, JOURNEYAUDIT_BASE_URL, or --base-url"


def _check_url(value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise PydanticCustomError("profile_url", "'base_url' must be an http(s) URL, got '{value}'", {"value": value})
    return value


HttpUrlText = Annotated[str, AfterValidator(_check_url)]


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


class Viewport(_Strict):
    """The browser window's size, in CSS pixels."""

    __noun__ = "viewport"
    width: int = Field(1280, ge=200, le=8000, description="Width in CSS pixels (200 to 8000).")
    height: int = Field(800, ge=200, le=8000, description="Height in CSS pixels (200 to 8000).")


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
    mail: MailSpec | None = Field(None, description="Capture the shop's email (SMTP sink or Mailpit), see docs/journeys.md.")
    probes: ProbesSpec | None = Field(
        None,
        description="Probes for every journey without its own probes section, where they apply; "
        "decline_cards.extra extends every journey's decline cards.",
    )


@dataclass
class Profile:
    """A validated audit profile with its journey globs expanded."""

    path: str
    spec: AuditProfile
    journey_files: list[Path] = field(default_factory=list)  # in listed order, each file once


@dataclass
class AuditSettings:
    """Everything a run needs, after defaults < profile < environment < command line."""

    name: str
    description: str
    profile_path: str | None
    base_url: str | None
    demo_shop: bool
    journeys: list[model.Journey]
    fail_on: str
    out_dir: Path
    rules: judge.RuleSettings
    action_timeout_ms: int = 10000
    navigation_timeout_ms: int = 30000
    viewport: tuple[int, int] = (1280, 800)
    headed: bool = False
    browser_path: str | None = None
    formats: list[str] = field(default_factory=list)  # besides html and json, each once
    history_url: str | None = None  # None: no history
    baseline: str | None = None  # baseline file, None: none
    trend_runs: int = 20
    host_map: dict[str, str] = field(default_factory=dict)
    accessibility: bool = True
    mail: MailSpec | None = None


# --------------------------------------------------------------------------
# Profiles
# --------------------------------------------------------------------------


def _kind(doc: Document) -> str | None:
    """'profile', 'journey' or None (with an error added to the document)."""
    if doc.syntax_error:
        return None
    data = doc.data
    if isinstance(data, dict) and "journeys" in data and "steps" not in data:
        return "profile"
    if isinstance(data, dict) and "steps" in data and "journeys" not in data:
        return "journey"
    if isinstance(data, dict) and "steps" in data:
        doc.errors.append(
            doc.error(("journeys",), "a file is either a journey ('steps') or an audit profile ('journeys'), not both", key=True)
        )
    else:
        doc.errors.append(
            doc.error(
                (),
                "not a journey or an audit profile: a journey has a top-level 'steps' list, "
                "an audit profile a top-level 'journeys' list",
            )
        )
    return None


def _rule_names() -> list[str]:
    names = []
    for info in judge.all_rules():
        names += [info.code, info.slug]
    return names


def _rule_errors(doc: Document, rules: RulesSpec) -> list[LocatedError]:
    """Rule names and options checked against the rule registry, each at its own line."""
    errors = []
    for section in ("select", "ignore"):
        for index, pattern in enumerate(getattr(rules, section)):
            if judge.unknown_patterns([pattern]):
                suggestion = difflib.get_close_matches(pattern, _rule_names(), n=1, cutoff=0.7)
                hint = f" (did you mean {suggestion[0]!r}?)" if suggestion else ""
                errors.append(doc.error(("rules", section, index), f"rules.{section}: no rule matches {pattern!r}{hint}"))
    for code, overrides in rules.options.items():
        problems = judge.option_errors(judge.RuleSettings(options={code: {}}))
        if problems:
            errors += [doc.error(("rules", "options", code), problem, key=True) for problem in problems]
            continue
        for key, value in overrides.items():
            for problem in judge.option_errors(judge.RuleSettings(options={code: {key: value}})):
                errors.append(doc.error(("rules", "options", code, key), problem, key=True))
    for code, severity in rules.severity.items():
        for problem in judge.option_errors(judge.RuleSettings(severity={code: severity})):
            errors.append(doc.error(("rules", "severity", code), problem, key=True))
    return errors


def _expand_journeys(doc: Document, spec: AuditProfile) -> tuple[list[Path], list[LocatedError]]:
    folder = Path(doc.file).parent
    files: list[Path] = []
    errors = []
    seen: set[Path] = set()
    for index, pattern in enumerate(spec.journeys):
        full = pattern if os.path.isabs(pattern) else str(folder / pattern)
        if glob.has_magic(pattern):
            matches = sorted(Path(match) for match in glob.glob(full, recursive=True) if Path(match).is_file())
            if not matches:
                errors.append(doc.error(("journeys", index), f"no journey file matches {pattern!r}"))
        else:
            matches = [Path(full)]
            if not matches[0].is_file():
                errors.append(doc.error(("journeys", index), f"journey file {pattern!r} not found"))
                matches = []
        for match in matches:
            resolved = match.resolve()
            if resolved not in seen:
                seen.add(resolved)
                files.append(Path(os.path.normpath(match)))
    return files, errors


def _valid_rule_sections(raw: Any) -> RulesSpec | None:
    """The sections of ``rules`` that are well-formed, so their names can still be checked."""
    if not isinstance(raw, dict):
        return None
    valid: dict[str, Any] = {}
    for section in RulesSpec.model_fields:
        if section in raw:
            try:
                valid[section] = getattr(RulesSpec.model_validate({section: raw[section]}), section)
            except ValidationError:
                continue
    return RulesSpec.model_construct(**{**RulesSpec().model_dump(), **valid})


def profile_from_document(doc: Document) -> Profile:
    """Validate a parsed profile; raises :class:`ValidationFailed` with every problem."""
    errors = list(doc.errors)
    if doc.syntax_error:
        raise ValidationFailed(errors)
    if not isinstance(doc.data, dict):
        errors.append(doc.error((), "an audit profile is a mapping with 'name' and 'journeys'"))
        raise ValidationFailed(errors)
    spec: AuditProfile | None = None
    rules: RulesSpec | None = None
    try:
        spec = AuditProfile.model_validate(doc.data)
        rules = spec.rules
    except ValidationError as exc:
        errors += translate_errors(exc, doc, AuditProfile)
        rules = _valid_rule_sections(doc.data.get("rules"))
    if rules is not None:
        errors += _rule_errors(doc, rules)
    if spec is not None and spec.probes is not None:
        from journeyaudit.spec import probes

        found = probes.profile_problems(spec.probes.model_dump(exclude_none=True))
        errors += [doc.error(("probes", *path), message) for path, message in found]
    files: list[Path] = []
    if spec is not None:
        files, glob_errors = _expand_journeys(doc, spec)
        errors += glob_errors
    elif isinstance(doc.data.get("journeys"), list) and all(isinstance(p, str) and p for p in doc.data["journeys"]):
        _, glob_errors = _expand_journeys(doc, AuditProfile.model_construct(journeys=doc.data["journeys"]))
        errors += glob_errors
    if errors or spec is None:
        raise ValidationFailed(errors)
    return Profile(path=doc.file, spec=spec, journey_files=files)


def load_profile(path: str | Path, env: Mapping[str, str] | None = None) -> Profile:
    """Read, interpolate and validate an audit profile. Raises :class:`ValidationFailed`."""
    return profile_from_document(load(path, env))


def check_file(path: str | Path, env: Mapping[str, str] | None = None) -> list[LocatedError]:
    """Every problem in one journey or audit profile (``journeyaudit check``); [] when valid."""
    doc = load(path, env)
    kind = _kind(doc)
    if kind is None:
        return sort_errors(doc.errors)
    try:
        if kind == "profile":
            profile_from_document(doc)
        else:
            journey_from_document(doc)
    except ValidationFailed as exc:
        return exc.errors
    return []


# --------------------------------------------------------------------------
# Resolving a run's settings
# --------------------------------------------------------------------------


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _unique_ids(journeys: list[model.Journey]) -> None:
    """Make ids unique: same stem in different folders -> prefix the folder's name."""
    counts: dict[str, int] = {}
    for journey in journeys:
        counts[journey.id] = counts.get(journey.id, 0) + 1
    taken: set[str] = set()
    for journey in journeys:
        new_id = journey.id
        if counts[journey.id] > 1:
            parent = Path(journey.path).parent.name
            new_id = slugify(f"{parent}-{journey.id}") if parent else journey.id
        base, number = new_id, 2
        while new_id in taken:
            new_id = f"{base}-{number}"
            number += 1
        taken.add(new_id)
        journey.id = new_id


def _rule_key(name: str) -> str:
    info = judge.get_rule(name)
    return info.code if info is not None else name


def rule_settings(spec: AuditProfile) -> judge.RuleSettings:
    """A profile's rules section as the judge takes it (slugs turned into codes)."""
    return judge.RuleSettings(
        select=list(spec.rules.select),
        ignore=list(spec.rules.ignore),
        severity={_rule_key(code): value for code, value in spec.rules.severity.items()},
        options={_rule_key(code): dict(value) for code, value in spec.rules.options.items()},
    )


def resolve(
    paths: Sequence[str | Path],
    overrides: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> AuditSettings:
    """The settings of a run from the command line's files, environment and options.

    ``paths`` is one audit profile, or one or more journey files. ``overrides`` has
    the command line's values (None: not given) for base_url, fail_on, out, select,
    ignore, headed, browser_path (and demo_shop). Raises :class:`ValidationFailed`
    with every problem found in every file.
    """
    env = os.environ if env is None else env
    overrides = {key: value for key, value in (overrides or {}).items() if value is not None}
    unknown = sorted(set(overrides) - set(OVERRIDE_KEYS))
    if unknown:
        raise TypeError(f"unknown override(s) {', '.join(unknown)}; known: {', '.join(OVERRIDE_KEYS)}")
    errors: list[LocatedError] = []
    if not paths:
        raise ValidationFailed([LocatedError("", 0, 0, "no files given: pass an audit profile or journey files")])

    docs = [load(path, env) for path in paths]
    kinds = [_kind(doc) for doc in docs]
    for doc, kind in zip(docs, kinds):
        if kind is None:
            errors += doc.errors
    profiles = [doc for doc, kind in zip(docs, kinds) if kind == "profile"]
    journey_docs = [doc for doc, kind in zip(docs, kinds) if kind == "journey"]
    if profiles and (len(profiles) > 1 or journey_docs):
        extra = profiles[1:] + journey_docs
        errors += [
            LocatedError(doc.file, 0, 0, "give either one audit profile or journey files, not both") for doc in extra
        ]
        journey_docs = []

    profile: Profile | None = None
    if profiles:
        try:
            profile = profile_from_document(profiles[0])
        except ValidationFailed as exc:
            errors += exc.errors
        if profile is not None:
            journey_docs = [load(path, env) for path in profile.journey_files]

    journeys: list[model.Journey] = []
    for doc in journey_docs:
        if doc.syntax_error:
            errors += doc.errors
            continue
        try:
            journeys.append(journey_from_document(doc))
        except ValidationFailed as exc:
            errors += exc.errors
    _unique_ids(journeys)

    spec = profile.spec if profile else None
    # defaults < profile
    if spec is not None:
        name, description = spec.name, spec.description
        base_url, demo_shop, fail_on, out = spec.base_url, spec.demo_shop, spec.fail_on, spec.out
        from_profile = rule_settings(spec)
        select, ignore = from_profile.select, from_profile.ignore
        severity, options = from_profile.severity, from_profile.options
        timeouts, viewport = spec.timeouts, spec.viewport
        formats, history, baseline, trend_runs = list(spec.formats), spec.history, spec.baseline, spec.trend_runs
    else:
        name = journeys[0].id if len(journeys) == 1 and len(journey_docs) == 1 else "journeys"
        description, base_url, demo_shop, fail_on, out = "", None, False, "high", "reports"
        select, ignore, severity, options = [], [], {}, {}
        timeouts, viewport = Timeouts(), Viewport()
        formats, history, baseline, trend_runs = [], None, None, 20
    headed, browser_path = False, None

    # < environment
    sources: dict[str, str] = {}
    if env.get(ENV_PREFIX + "BASE_URL"):
        base_url, sources["base_url"] = env[ENV_PREFIX + "BASE_URL"], ENV_PREFIX + "BASE_URL"
    if env.get(ENV_PREFIX + "FAIL_ON"):
        fail_on, sources["fail_on"] = env[ENV_PREFIX + "FAIL_ON"].strip().lower(), ENV_PREFIX + "FAIL_ON"
    if env.get(ENV_PREFIX + "OUT"):
        out = env[ENV_PREFIX + "OUT"]
    if env.get(ENV_PREFIX + "BROWSER_PATH"):
        browser_path = env[ENV_PREFIX + "BROWSER_PATH"]
    if env.get(ENV_PREFIX + "SELECT") is not None and env.get(ENV_PREFIX + "SELECT", "").strip():
        select, sources["select"] = _split(env[ENV_PREFIX + "SELECT"]), ENV_PREFIX + "SELECT"
    if env.get(ENV_PREFIX + "IGNORE") is not None and env.get(ENV_PREFIX + "IGNORE", "").strip():
        ignore, sources["ignore"] = _split(env[ENV_PREFIX + "IGNORE"]), ENV_PREFIX + "IGNORE"
    if env.get(ENV_PREFIX + "FORMAT", "").strip():
        formats, sources["formats"] = _split(env[ENV_PREFIX + "FORMAT"].lower()), ENV_PREFIX + "FORMAT"
    if env.get(ENV_PREFIX + "HISTORY", "").strip():
        history = env[ENV_PREFIX + "HISTORY"].strip()
    if env.get(ENV_PREFIX + "BASELINE", "").strip():
        baseline = env[ENV_PREFIX + "BASELINE"].strip()

    # < command line
    if "base_url" in overrides:
        base_url, sources["base_url"] = str(overrides["base_url"]), "--base-url"
    if "fail_on" in overrides:
        fail_on, sources["fail_on"] = str(overrides["fail_on"]).lower(), "--fail-on"
    if "out" in overrides:
        out = str(overrides["out"])
    if "select" in overrides:
        select, sources["select"] = _as_list(overrides["select"]), "--select"
    if "ignore" in overrides:
        ignore, sources["ignore"] = _as_list(overrides["ignore"]), "--ignore"
    if "headed" in overrides:
        headed = bool(overrides["headed"])
    if "browser_path" in overrides:
        browser_path = str(overrides["browser_path"])
    if "demo_shop" in overrides:
        demo_shop = bool(overrides["demo_shop"])
    if overrides.get("formats"):
        formats, sources["formats"] = [f.lower() for f in _as_list(overrides["formats"])], "--format"
    if "history" in overrides:
        history = str(overrides["history"])
    if overrides.get("no_history"):
        history = False
    if "baseline" in overrides:
        baseline = str(overrides["baseline"])

    # checks of values that did not come from a file (those were checked where they stand)
    if "base_url" in sources:
        try:
            _check_url(base_url or "")
        except PydanticCustomError as exc:
            errors.append(LocatedError(sources["base_url"], 0, 0, exc.message()))
    if "fail_on" in sources and fail_on not in FAIL_ON:
        errors.append(LocatedError(sources["fail_on"], 0, 0, f"fail_on {fail_on!r} is not one of {', '.join(FAIL_ON)}"))
    for section in ("select", "ignore"):
        if section in sources:
            chosen = select if section == "select" else ignore
            unknown_rules = judge.unknown_patterns(chosen)
            if unknown_rules:
                names = ", ".join(repr(name) for name in unknown_rules)
                errors.append(LocatedError(sources[section], 0, 0, f"no rule matches {names}"))
    if "formats" in sources:
        bad = [name for name in formats if name not in FORMATS]
        if bad:
            errors.append(
                LocatedError(sources["formats"], 0, 0, f"unknown report format {', '.join(map(repr, bad))} (formats: {', '.join(FORMATS)})")
            )
    if spec is None or spec.mail is None:
        errors += _mail_without_capture(journeys)
    if not base_url and not demo_shop and (profile is not None or journeys):
        errors.append(LocatedError(profile.path if profile else "", 0, 0, NO_BASE_URL))

    if not errors:  # every journey followed by its probe variants (probes.py)
        from journeyaudit.spec import probes

        journeys = probes.expand_all(journeys, spec.probes.model_dump(exclude_none=True) if spec and spec.probes else None)
    if errors:
        raise ValidationFailed(errors)
    return AuditSettings(
        name=name,
        description=description,
        profile_path=profile.path if profile else None,
        base_url=base_url,
        demo_shop=demo_shop,
        journeys=journeys,
        fail_on=fail_on,
        out_dir=Path(out),
        rules=judge.RuleSettings(select=select, ignore=ignore, severity=severity, options=options),
        action_timeout_ms=timeouts.action_ms,
        navigation_timeout_ms=timeouts.navigation_ms,
        viewport=(viewport.width, viewport.height),
        headed=headed,
        browser_path=browser_path,
        formats=[name for name in dict.fromkeys(formats) if name not in ("html", "json")],
        history_url=history_url(history, out),
        baseline=baseline,
        trend_runs=trend_runs,
        host_map=dict(spec.host_map) if spec is not None else {},
        accessibility=spec.accessibility if spec is not None else True,
        mail=spec.mail if spec is not None else None,
    )


def history_url(history: str | bool | None, out: str | Path) -> str | None:
    """The history store's URL: the one given, ``<out>/history.sqlite`` by default, None when off.

    A value without ``://`` is a path to a SQLite file.
    """
    from journeyaudit.history.database import default_url

    if history is False or (isinstance(history, str) and history.strip().lower() in HISTORY_OFF):
        return None
    if history is None or history is True or (isinstance(history, str) and history.strip().lower() in ("true", "on", "yes", "default")):
        return default_url(out)
    text = str(history).strip()
    if "://" not in text:
        return "sqlite:///" + str(Path(text).expanduser().resolve())
    return text


def _mail_without_capture(journeys: list[model.Journey]) -> list[LocatedError]:
    """A journey that reads email needs a profile that captures it: say so before a browser starts."""
    from journeyaudit.gather.mailbox import EMAIL_ACTIONS, INBOX_PLACEHOLDER

    errors = []
    for journey in journeys:
        for step in journey.steps:
            action = next(
                (
                    a
                    for a in step.actions
                    if a.name in EMAIL_ACTIONS
                    or any(isinstance(v, str) and INBOX_PLACEHOLDER in v for v in a.params.values())
                ),
                None,
            )
            if action is not None:
                errors.append(
                    LocatedError(
                        journey.path,
                        action.line,
                        _action_column(journey.path, action.line),
                        "this journey reads email ({inbox} or an email action), but no mail is captured: "
                        "run it from an audit profile with mail: {capture: smtp} or mail: {mailpit: URL}",
                    )
                )
                break
    return errors


def _action_column(path: str, line: int) -> int:
    """1-based column of the action on its line (after the list's "- ")."""
    try:
        text = Path(path).read_text(encoding="utf-8").splitlines()[line - 1]
    except (OSError, IndexError):
        return 1
    match = re.match(r"\s*(?:-\s+)?", text)
    return (match.end() if match else 0) + 1


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return _split(value)
    result: list[str] = []
    for item in value:
        result += _split(str(item))
    return result


# --------------------------------------------------------------------------
# JSON Schema
# --------------------------------------------------------------------------


def json_schema() -> dict[str, Any]:
    """JSON Schema of an audit profile, for editors (``schema/audit.schema.json``)."""
    return {"$schema": SCHEMA_DIALECT, **AuditProfile.model_json_schema()}
