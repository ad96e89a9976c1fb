"""The resolved settings of a run: built-in defaults < the audit profile < the caller's overrides.

The command line merges ``JOURNEYAUDIT_*`` environment variables into its options
(click's ``envvar=``), so the overrides given here already are "environment < flags".
Values that did not come from a file are checked here too, named by the flag.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic_core import PydanticCustomError

from journeyaudit import model
from journeyaudit.spec import rulecheck
from journeyaudit.spec.profile import (
    DEFAULT_SECRET_PARAMS,
    FAIL_ON,
    FORMATS,
    TRACE_MODES,
    AuditProfile,
    Limits,
    MailSpec,
    ReadinessSpec,
    Timeouts,
    Viewport,
    check_url,
    split_credentials,
)
from journeyaudit.spec.rulecheck import RuleCatalogue
from journeyaudit.spec.yamlsource import LocatedError

#: what a caller may override, and the command-line flag each value is named by in errors
OVERRIDE_FLAGS = {
    "base_url": "--base-url", "fail_on": "--fail-on", "out": "--out", "select": "--select", "ignore": "--ignore",
    "headed": "--headed", "browser_path": "--browser-path", "demo_shop": "--demo-shop", "formats": "--format",
    "history": "--history", "no_history": "--no-history", "baseline": "--baseline", "workers": "--workers",
    "retries": "--retries", "fail_on_flaky": "--fail-on-flaky", "browser_ws": "--browser-ws", "browser_cdp": "--browser-cdp",
    "journeys": "--journey", "tags": "--tag",  # which journeys run (spec/selection.py)
    "trace": "--trace",
}
OVERRIDE_KEYS = tuple(OVERRIDE_FLAGS)
HISTORY_OFF = ("false", "off", "no", "none", "0")
HISTORY_FILE = "history.sqlite"  # the same name as history/database.py's default store
MAX_WORKERS = 64  # the profile's bound too (profile.py)
MAX_RETRIES = 10  # the profile's bound too
NO_BASE_URL = "no base URL: set base_url in the profile, JOURNEYAUDIT_BASE_URL, or --base-url"


@dataclass
class RuleChoice:
    """What an audit says about rules: which run, how severe, with which options.

    The same fields as the judge's RuleSettings, which takes it as it is.
    """

    select: list[str] = field(default_factory=list)  # codes, code prefixes (JA5) or slugs; empty = all
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)  # code -> severity override
    options: dict[str, dict[str, Any]] = field(default_factory=dict)  # code -> option overrides
    evidence_chars: int = 2000  # each piece of a finding's evidence is cut to this many characters


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
    rules: RuleChoice
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
    limits: Limits = field(default_factory=Limits)
    secret_params: list[str] = field(default_factory=lambda: list(DEFAULT_SECRET_PARAMS))
    # {username, password, origin} from a base URL's user:password@ (base_url itself is without them)
    http_credentials: dict[str, str] | None = None
    workers: int = 1  # journeys in parallel (gather/workers.py)
    retries: int = 0  # a journey that fails is run again up to this many times; passing then makes it flaky
    fail_on_flaky: bool = False  # a flaky journey fails the run (exit 1)
    browser_ws: str | None = None  # a Playwright browser server to connect to instead of launching Chromium
    browser_cdp: str | None = None  # or a browser's CDP endpoint (a grid's se:cdp, browserless)
    shard: model.ShardInfo | None = None  # run --shard i/n: this job's part of the journeys (spec/shards.py)
    durations: dict[str, float] = field(default_factory=dict)  # journey id -> ms in the history: workers start the longest first
    # issue 11: the profile's setup:/teardown: items (request_spec.HookSpec dumps) and the ${ENV} values in them
    hooks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # "setup"/"teardown" -> items
    hook_secrets: list[str] = field(default_factory=list)  # never written: redacted from the run's log
    readiness: ReadinessSpec = field(default_factory=ReadinessSpec)  # no click before a page is ready
    trace: str = "off"  # Playwright's trace.zip per journey: off | on | retain-on-failure (gather/playwright_trace.py)


def auto_workers() -> int:
    """The default number of workers, as Playwright Test chooses it: half the CPU cores, at least 1."""
    return max(1, (os.cpu_count() or 1) // 2)


def _workers(value: Any) -> int | None:
    """A workers count given as a number or text, or None when it is not one from 1 to MAX_WORKERS."""
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if 1 <= number <= MAX_WORKERS else None


def _count(value: Any, low: int, high: int) -> int | None:
    """A count given as a number or text, or None when it is not a whole number from low to high."""
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if low <= number <= high else None


def split(value: str) -> list[str]:
    """``"JA1, JA301"`` -> ['JA1', 'JA301']."""
    return [part.strip() for part in value.split(",") if part.strip()]


def as_list(value: Any) -> list[str]:
    """A comma-separated string, or a list of them, as one flat list."""
    if isinstance(value, str):
        return split(value)
    return [item for part in value for item in split(str(part))]


def rule_settings(spec: AuditProfile, catalogue: RuleCatalogue | None = None) -> RuleChoice:
    """A profile's rules section as the judge takes it (slugs turned into codes when the rules are known)."""
    return RuleChoice(
        select=list(spec.rules.select),
        ignore=list(spec.rules.ignore),
        severity={rulecheck.rule_key(catalogue, code): value for code, value in spec.rules.severity.items()},
        options={rulecheck.rule_key(catalogue, code): dict(value) for code, value in spec.rules.options.items()},
    )


def defaults(name: str) -> dict[str, Any]:
    """The built-in settings, for a run of journey files without a profile."""
    return {
        "name": name, "description": "", "base_url": None, "demo_shop": False, "fail_on": "high", "out": "reports",
        "rules": RuleChoice(), "timeouts": Timeouts(), "viewport": Viewport(), "formats": [], "history": None,
        "baseline": None, "trend_runs": 20, "headed": False, "browser_path": None, "host_map": {},
        "accessibility": True, "mail": None, "limits": Limits(), "secret_params": list(DEFAULT_SECRET_PARAMS), "workers": None,
        "retries": 0, "fail_on_flaky": False, "browser_ws": None, "browser_cdp": None,
        "readiness": ReadinessSpec(),
        "trace": "off",
    }


def from_profile(spec: AuditProfile, catalogue: RuleCatalogue | None) -> dict[str, Any]:
    """The profile's settings, over the defaults."""
    values = defaults(spec.name)
    values.update(
        description=spec.description, base_url=spec.base_url, demo_shop=spec.demo_shop, fail_on=spec.fail_on,
        out=spec.out, rules=rule_settings(spec, catalogue), timeouts=spec.timeouts, viewport=spec.viewport,
        formats=list(spec.formats), history=spec.history, baseline=spec.baseline, trend_runs=spec.trend_runs,
        host_map=dict(spec.host_map), accessibility=spec.accessibility, mail=spec.mail, limits=spec.limits,
        secret_params=list(spec.secret_params), workers=spec.workers, retries=spec.retries,
        fail_on_flaky=spec.fail_on_flaky, browser_ws=spec.browser_ws, browser_cdp=spec.browser_cdp, readiness=spec.readiness,
        trace=spec.trace,
    )
    return values


def given(overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """The overrides that were given (None: not given), each known."""
    chosen = {key: value for key, value in (overrides or {}).items() if value is not None}
    unknown = sorted(set(chosen) - set(OVERRIDE_KEYS))
    if unknown:
        raise TypeError(f"unknown override(s) {', '.join(unknown)}; known: {', '.join(OVERRIDE_KEYS)}")
    return chosen


def apply_overrides(values: dict[str, Any], chosen: Mapping[str, Any]) -> None:
    """The caller's values over the profile's (lists as comma-separated strings or lists)."""
    plain = {key: chosen[key] for key in ("base_url", "out", "browser_path", "history", "baseline", "browser_ws", "browser_cdp")
             if key in chosen}
    values.update({key: str(value) for key, value in plain.items()})
    if "fail_on" in chosen:
        values["fail_on"] = str(chosen["fail_on"]).strip().lower()
    if chosen.get("browser_ws"):  # the command line's endpoint replaces the profile's, of either kind
        values["browser_cdp"] = None
    elif chosen.get("browser_cdp"):
        values["browser_ws"] = None
    if "retries" in chosen and _count(chosen["retries"], 0, MAX_RETRIES) is not None:
        values["retries"] = _count(chosen["retries"], 0, MAX_RETRIES)
    for key in ("headed", "demo_shop", "fail_on_flaky"):
        if key in chosen:
            values[key] = bool(chosen[key])
    if chosen.get("formats"):
        values["formats"] = [name.lower() for name in as_list(chosen["formats"])]
    if "workers" in chosen and _workers(chosen["workers"]) is not None:
        values["workers"] = _workers(chosen["workers"])
    if "trace" in chosen and str(chosen["trace"]).strip().lower() in TRACE_MODES:
        values["trace"] = str(chosen["trace"]).strip().lower()
    if chosen.get("no_history"):
        values["history"] = False
    rules: RuleChoice = values["rules"]
    for section in ("select", "ignore"):
        if section in chosen:
            setattr(rules, section, as_list(chosen[section]))


def override_errors(chosen: Mapping[str, Any], catalogue: RuleCatalogue | None) -> list[LocatedError]:
    """Checks of the values that did not come from a file (those were checked where they stand)."""
    errors: list[str] = []
    if "base_url" in chosen:
        try:
            check_url(str(chosen["base_url"]))
        except PydanticCustomError as exc:
            errors.append(f"{OVERRIDE_FLAGS['base_url']}: {exc.message()}")
    fail_on = str(chosen.get("fail_on", "high")).strip().lower()
    if fail_on not in FAIL_ON:
        errors.append(f"--fail-on: fail_on {fail_on!r} is not one of {', '.join(FAIL_ON)}")
    for section in ("select", "ignore"):
        for pattern in as_list(chosen.get(section) or []) if catalogue else []:
            problem = rulecheck.pattern_problem(catalogue, pattern)
            if problem:
                errors.append(f"--{section}: {problem}")
    if "workers" in chosen and _workers(chosen["workers"]) is None:
        errors.append(f"--workers: workers must be a whole number from 1 to {MAX_WORKERS}, got {chosen['workers']!r}")
    if "retries" in chosen and _count(chosen["retries"], 0, MAX_RETRIES) is None:
        errors.append(f"--retries: retries must be a whole number from 0 to {MAX_RETRIES}, got {chosen['retries']!r}")
    if chosen.get("browser_ws") and chosen.get("browser_cdp"):
        errors.append("--browser-ws, --browser-cdp: give one remote browser, not both")
    for key, schemes in (("browser_ws", ("ws", "wss")), ("browser_cdp", ("http", "https", "ws", "wss"))):
        problem = endpoint_problem(chosen.get(key), schemes)
        if problem:
            errors.append(f"{OVERRIDE_FLAGS[key]}: {problem}")
    if "trace" in chosen and str(chosen["trace"]).strip().lower() not in TRACE_MODES:
        errors.append(f"--trace: trace must be one of {', '.join(TRACE_MODES)}, got {chosen['trace']!r}")
    bad = [name for name in as_list(chosen.get("formats") or []) if name.lower() not in FORMATS]
    if bad:
        errors.append(f"--format: unknown report format {', '.join(map(repr, bad))} (formats: {', '.join(FORMATS)})")
    return [LocatedError("", 0, 0, message) for message in errors]


def endpoint_problem(url: Any, schemes: tuple[str, ...]) -> str | None:
    """Why a remote browser's endpoint cannot be used, or None (the URL is never quoted: it may hold a token)."""
    if not url:
        return None
    parts = urlsplit(str(url))
    if parts.scheme not in schemes or not parts.hostname:
        return f"the endpoint must be a {' or '.join(f'{scheme}://' for scheme in schemes)} URL with a host"
    return None


def history_url(history: str | bool | None, out: str | Path) -> str | None:
    """The history store's URL: the one given, ``<out>/history.sqlite`` by default, None when off.

    A value without ``://`` is a path to a SQLite file.
    """
    text = history.strip() if isinstance(history, str) else history
    if text is False or (isinstance(text, str) and text.lower() in HISTORY_OFF):
        return None
    if text is None or text is True or text.lower() in ("true", "on", "yes", "default"):
        return "sqlite:///" + str(Path(out).expanduser().resolve() / HISTORY_FILE)
    if "://" not in text:
        return "sqlite:///" + str(Path(text).expanduser().resolve())
    return text


def build(values: dict[str, Any], journeys: list[model.Journey], profile_path: str | None) -> AuditSettings:
    """The AuditSettings of merged values (a base URL's user:password@ taken out as HTTP credentials)."""
    base_url, credentials = split_credentials(values["base_url"])
    rules = values["rules"]
    rules.evidence_chars = values["limits"].evidence_chars
    return AuditSettings(
        name=values["name"],
        description=values["description"],
        profile_path=profile_path,
        base_url=base_url,
        http_credentials=credentials,
        limits=values["limits"],
        secret_params=values["secret_params"],
        demo_shop=values["demo_shop"],
        journeys=journeys,
        fail_on=values["fail_on"],
        out_dir=Path(values["out"]),
        rules=rules,
        action_timeout_ms=values["timeouts"].action_ms,
        navigation_timeout_ms=values["timeouts"].navigation_ms,
        viewport=(values["viewport"].width, values["viewport"].height),
        headed=values["headed"],
        browser_path=values["browser_path"],
        formats=[name for name in dict.fromkeys(values["formats"]) if name not in ("html", "json")],
        history_url=history_url(values["history"], values["out"]),
        baseline=values["baseline"],
        trend_runs=values["trend_runs"],
        host_map=values["host_map"],
        accessibility=values["accessibility"],
        mail=values["mail"],
        workers=values["workers"] or auto_workers(),
        retries=values["retries"],
        fail_on_flaky=values["fail_on_flaky"],
        browser_ws=values["browser_ws"],
        browser_cdp=values["browser_cdp"],
        readiness=values["readiness"],
        trace=values["trace"],
    )
