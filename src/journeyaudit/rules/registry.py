"""The rule registry: permanent codes, slugs, default severities and options.

A rule is a plain function ``(run, options) -> iterable of Finding``. The
``@rule`` decorator registers it; its docstring is its documentation
(``journeyaudit rules JA301``). Rules must stay pure: no browser, no network,
no files; only the recorded :class:`~journeyaudit.model.Run` and their options.

A rule declares what the run must hold for it to judge anything (``needs``):
without it the rule could only say "passed", which would be a lie, so the
judge records it as ``not_checked`` with the reason instead.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from journeyaudit.model import SEVERITIES, Finding, Run

RuleFunction = Callable[[Run, Mapping[str, Any]], Iterable[Finding]]

CODE_PATTERN = re.compile(r"^JA[1-9]\d\d$")
SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def _mail_missing(run: Run) -> str | None:
    if not run.inbox:  # traces from before mail_captured was recorded say "no mail capture"
        return "the journey never gives the shop its {inbox} address" if run.mail_captured else "no mail capture configured"
    if run.mail_error:
        return f"the mailbox could not be read: {run.mail_error}"
    return None


def _accessibility_missing(run: Run) -> str | None:
    if any(step.accessibility is not None for step in run.reached()):
        return None
    return "accessibility checks were off"


#: What a rule may need beyond the pages themselves: name -> why a run lacks it (None: it has it).
NEEDS: dict[str, Callable[[Run], str | None]] = {
    "mail": _mail_missing,  # the journey's mailbox was captured and read (Run.inbox)
    "accessibility": _accessibility_missing,  # axe-core ran on at least one step (StepRecord.accessibility)
}


@dataclass(frozen=True)
class RuleInfo:
    code: str
    slug: str
    title: str
    severity: str
    roles: frozenset[str]  # the rule applies only to runs with a step of one of these roles
    options: Mapping[str, Any]
    function: RuleFunction = field(compare=False, repr=False)
    needs: frozenset[str] = frozenset()  # inputs from NEEDS the run must hold for the rule to judge it

    @property
    def doc(self) -> str:
        """The rule's documentation: its function's docstring, dedented."""
        return inspect.cleandoc(self.function.__doc__ or "")

    @property
    def summary(self) -> str:
        """First paragraph of the documentation."""
        return self.doc.split("\n\n", 1)[0].replace("\n", " ")

    def applies_to(self, run: Run) -> bool:
        return not self.roles or any(step.role in self.roles for step in run.steps)

    def missing(self, run: Run) -> str | None:
        """Why the rule cannot check this run (an input it needs was not recorded), or None."""
        reasons = [reason for need in sorted(self.needs) if (reason := NEEDS[need](run))]
        return "; ".join(reasons) or None


_RULES: dict[str, RuleInfo] = {}

#: ``extra_<name>`` extends the list option ``<name>`` instead of replacing it (``extra_fee_labels``).
EXTRA_PREFIX = "extra_"


def extended_option(key: str, defaults: Mapping[str, Any]) -> str | None:
    """The list option an ``extra_<name>`` key extends, or None when ``key`` is no such key."""
    base = key[len(EXTRA_PREFIX):] if key.startswith(EXTRA_PREFIX) else ""
    return base if base and key not in defaults and isinstance(defaults.get(base), list) else None


def merge_options(defaults: Mapping[str, Any], *layers: Mapping[str, Any] | None) -> dict[str, Any]:
    """A rule's options: its defaults, then each layer (a profile, an audit) in turn.

    A plain key replaces the value; ``extra_<name>`` adds its items to the list
    ``<name>`` as it stands so far (the default or a layer's replacement), once each.
    """
    merged = dict(defaults)
    for layer in layers:
        extras: list[tuple[str, Any]] = []
        for key, value in (layer or {}).items():
            base = extended_option(key, defaults)
            if base is None:
                merged[key] = value
            else:
                extras.append((base, value))
        for base, value in extras:
            current = list(merged.get(base) or [])
            added = value if isinstance(value, list) else [value]
            merged[base] = [*current, *(item for item in added if item not in current)]
    return merged


def rule(
    code: str,
    slug: str,
    *,
    title: str,
    severity: str,
    roles: Iterable[str] = (),
    options: Mapping[str, Any] | None = None,
    needs: Iterable[str] = (),
) -> Callable[[RuleFunction], RuleFunction]:
    """Register a rule function under a permanent code. Codes are never reused."""
    if not CODE_PATTERN.match(code):
        raise ValueError(f"rule code {code!r} must look like JA301")
    if not SLUG_PATTERN.match(slug):
        raise ValueError(f"rule slug {slug!r} must be kebab-case")
    if severity not in SEVERITIES:
        raise ValueError(f"rule {code}: severity {severity!r} is not one of {SEVERITIES}")
    unknown = sorted(set(needs) - set(NEEDS))
    if unknown:
        raise ValueError(f"rule {code}: needs {unknown} are not among {sorted(NEEDS)}")

    def register(function: RuleFunction) -> RuleFunction:
        if code in _RULES and _RULES[code].function is not function:
            raise ValueError(f"rule code {code} is registered twice")
        if not (function.__doc__ or "").strip():
            raise ValueError(f"rule {code} needs a docstring: it is the rule's documentation")
        _RULES[code] = RuleInfo(
            code=code,
            slug=slug,
            title=title,
            severity=severity,
            roles=frozenset(roles),
            options=dict(options or {}),
            function=function,
            needs=frozenset(needs),
        )
        return function

    return register


def all_rules() -> list[RuleInfo]:
    """Every registered rule, ordered by code."""
    _load_builtin_rules()
    return [_RULES[code] for code in sorted(_RULES)]


def get_rule(code_or_slug: str) -> RuleInfo | None:
    """Look a rule up by its code (``JA301``, any case) or its slug."""
    _load_builtin_rules()
    key = code_or_slug.strip()
    if key.upper() in _RULES:
        return _RULES[key.upper()]
    return next((info for info in _RULES.values() if info.slug == key.lower()), None)


def _load_builtin_rules() -> None:
    # Importing the package imports every rule module, which registers them.
    import journeyaudit.rules  # noqa: F401
