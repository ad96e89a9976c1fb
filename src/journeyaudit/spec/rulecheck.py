"""A profile's rules section checked against the rule registry's plain data.

spec/ comes before rules/ in the pipeline, so it never imports the registry: the
caller (the CLI) passes the registered rules in as a :class:`RuleCatalogue`, any
objects with a code, a slug and their option defaults. The expected type of an
option is the type of its default, so ``budget_ms: "5s"`` fails before a run.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from journeyaudit import model


class RuleEntry(Protocol):
    """What spec needs to know of a registered rule."""

    code: str
    slug: str
    options: Mapping[str, Any]


RuleCatalogue = Sequence[RuleEntry]

#: (path under rules.options or rules.severity, message, located at the key rather than the value);
#: the caller places each at its line in the file
Problem = tuple[tuple[Any, ...], str, bool]

_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_TYPE_NAMES = {bool: "true or false", int: "an integer", float: "a number", str: "a string",
               list: "a list", dict: "a mapping"}


def matches(entry: RuleEntry, pattern: str) -> bool:
    """A code, a code prefix (``JA5``, ``ALL``) or the slug names this rule (as the judge matches)."""
    pattern = pattern.strip()
    return pattern.upper() == "ALL" or entry.code.startswith(pattern.upper()) or entry.slug == pattern.lower()


def find(catalogue: RuleCatalogue, name: str) -> RuleEntry | None:
    """The rule with this code (any case) or slug."""
    key = name.strip()
    return next((e for e in catalogue if e.code == key.upper() or e.slug == key.lower()), None)


def rule_key(catalogue: RuleCatalogue | None, name: str) -> str:
    """A slug turned into its code: the judge looks options and severities up by code."""
    entry = find(catalogue, name) if catalogue else None
    return entry.code if entry is not None else name


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    suggestion = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.7)
    return f"did you mean {suggestion[0]!r}?" if suggestion else ""


def pattern_problem(catalogue: RuleCatalogue, pattern: str) -> str | None:
    """Why a select/ignore pattern is wrong, or None when it names a rule."""
    if any(matches(entry, pattern) for entry in catalogue):
        return None
    hint = did_you_mean(pattern, [name for e in catalogue for name in (e.code, e.slug)])
    return f"no rule matches {pattern!r}" + (f" ({hint})" if hint else "")


def _describe(value: Any) -> str:
    return f"{value!r}" if not isinstance(value, (dict, list)) else ("a mapping" if isinstance(value, dict) else "a list")


def _fits(default: Any, value: Any) -> bool:
    """True when ``value`` has the type of the option's default (int is a number, bool is not)."""
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, float) or (isinstance(default, str) and _NUMBER.fullmatch(default)):
        return isinstance(value, (int, float)) or isinstance(value, type(default))  # a decimal text takes 0.01
    for kind in (int, str, list, dict):
        if isinstance(default, kind):
            return isinstance(value, kind)
    return True  # None or another default: any value


def _expected(default: Any) -> str:
    if isinstance(default, str) and _NUMBER.fullmatch(default):
        return "a number"
    return next((name for kind, name in _TYPE_NAMES.items() if isinstance(default, kind)), "any value")


def _sample(default: list | dict) -> Any:
    """The one type every item (list) or value (mapping) of a default has, or None."""
    items = list(default.values() if isinstance(default, dict) else default)
    kinds = {type(item) for item in items}
    return items[0] if len(kinds) == 1 else None


def value_problems(path: tuple[Any, ...], default: Any, value: Any) -> list[Problem]:
    """Type problems of one option value, down into lists and mappings, each at its own path."""
    label = ".".join(str(p) for p in ("rules", "options", *path))
    if not _fits(default, value):
        return [(path, f"{label} must be {_expected(default)}, got {_describe(value)}", False)]
    if not isinstance(default, (list, dict)):
        return []
    sample = _sample(default)
    if sample is None:
        return []
    problems: list[Problem] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                problems.append((path, f"{label}: key {key!r} must be a string", False))
                continue
            problems += value_problems((*path, key), sample, item)
    else:
        for index, item in enumerate(value):
            problems += value_problems((*path, index), sample, item)
    return problems


EXTRA_PREFIX = "extra_"


def extended_option(key: str, defaults: Mapping[str, Any]) -> str | None:
    """The list option an ``extra_<name>`` key extends (as rules.registry merges it), or None."""
    base = key[len(EXTRA_PREFIX):] if key.startswith(EXTRA_PREFIX) else ""
    return base if base and key not in defaults and isinstance(defaults.get(base), list) else None


def option_problems(catalogue: RuleCatalogue, options: Mapping[str, Mapping[str, Any]]) -> list[Problem]:
    """Unknown rules, unknown option names (with a did-you-mean) and values of the wrong type."""
    problems: list[Problem] = []
    for code, overrides in options.items():
        entry = find(catalogue, code)
        if entry is None:
            problems.append(((code,), f"rules.options: no rule {code!r}", True))
            continue
        for key, value in overrides.items():
            base = extended_option(key, entry.options)
            if base is not None:  # extra_<list option>: items added to the list, of the list's type
                problems += value_problems((code, key), entry.options[base], value)
            elif key not in entry.options:
                hint = did_you_mean(key, entry.options)
                known = ", ".join(sorted(entry.options)) or "none"
                problems.append(((code, key), f"rules.options.{code}: {entry.code} has no option {key!r} "
                                 f"({hint + ' ' if hint else ''}options: {known})", True))
            else:
                problems += value_problems((code, key), entry.options[key], value)
    return problems


def severity_problems(catalogue: RuleCatalogue, severity: Mapping[str, str]) -> list[Problem]:
    problems: list[Problem] = []
    for code, level in severity.items():
        if find(catalogue, code) is None:
            problems.append(((code,), f"rules.severity: no rule {code!r}", True))
        elif level not in model.SEVERITIES:
            problems.append(((code,), f"rules.severity.{code}: {level!r} is not one of {', '.join(model.SEVERITIES)}", True))
    return problems
