"""Audit profiles and journey files read into the resolved settings of a run.

Precedence, lowest first: built-in defaults < the audit profile < environment
variables (``JOURNEYAUDIT_*``, merged into the command line's options by click)
< command-line overrides. Every problem, in every file, is collected into one
:class:`ValidationFailed` before a browser starts.

spec/ comes first in the pipeline: rule names and options are checked against the
registry's plain data, passed in as ``rules`` (a :class:`RuleCatalogue`) by the
caller; without it they are not checked. The profile's schema is in profile.py,
the merging of values in settings.py, the rule checks in rulecheck.py.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from journeyaudit import model
from journeyaudit.spec import rulecheck
from journeyaudit.spec.errors import translate_errors
from journeyaudit.spec.journey import SCHEMA_DIALECT, journey_from_document, slugify
from journeyaudit.spec.profile import (
    FAIL_ON,
    FORMATS,
    AuditProfile,
    MailSpec,
    MailTrigger,
    Profile,
    RulesSpec,
    Timeouts,
    Viewport,
)
from journeyaudit.spec.rulecheck import RuleCatalogue
from journeyaudit.spec.settings import (
    NO_BASE_URL,
    OVERRIDE_KEYS,
    AuditSettings,
    RuleChoice,
    apply_overrides,
    build,
    defaults,
    from_profile,
    given,
    history_url,
    override_errors,
    rule_settings,
)
from journeyaudit.spec.yamlsource import Document, LocatedError, ValidationFailed, load, sort_errors

__all__ = [
    "AuditProfile", "AuditSettings", "FAIL_ON", "FORMATS", "LocatedError", "MailSpec", "MailTrigger", "NO_BASE_URL",
    "OVERRIDE_KEYS", "Profile", "RuleCatalogue", "RuleChoice", "RulesSpec", "Timeouts", "ValidationFailed",
    "Viewport", "check_file", "history_url", "json_schema", "load_profile", "resolve", "rule_settings",
]

#: The placeholder a journey writes where the customer's email address goes (as gather/mailbox.py).
INBOX_PLACEHOLDER = "{inbox}"
#: every email action's name (as gather/mailbox.py; a unit test keeps the two equal)
EMAIL_ACTIONS = ("wait_for_email", "expect_emails", "follow_email_link", "expect_email_header", "trigger_mailing",
                 "watch_inbox")


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


def _located(doc: Document, prefix: tuple[Any, ...], problems: list[rulecheck.Problem]) -> list[LocatedError]:
    return [doc.error((*prefix, *path), message, key=at_key) for path, message, at_key in problems]


def _rule_errors(doc: Document, rules: RulesSpec, catalogue: RuleCatalogue) -> list[LocatedError]:
    """Rule names, option names and option types checked against the registry, each at its own line."""
    errors = []
    for section in ("select", "ignore"):
        for index, pattern in enumerate(getattr(rules, section)):
            problem = rulecheck.pattern_problem(catalogue, pattern)
            if problem:
                errors.append(doc.error(("rules", section, index), f"rules.{section}: {problem}"))
    errors += _located(doc, ("rules", "options"), rulecheck.option_problems(catalogue, rules.options))
    errors += _located(doc, ("rules", "severity"), rulecheck.severity_problems(catalogue, rules.severity))
    return errors


def _outside(doc: Document, spec: AuditProfile, index: int, pattern: str, matches: list[Path]) -> list[LocatedError]:
    """Journey files must lie inside journeys_root (default: the profile's folder), links resolved."""
    root_text = getattr(spec, "journeys_root", None) or "."
    root = (Path(doc.file).parent / root_text).resolve()
    if all(match.resolve().is_relative_to(root) for match in matches):
        return []
    where = "the profile's folder" if root_text == "." else f"journeys_root ({root_text!r})"
    return [doc.error(("journeys", index), f"journey file {pattern!r} is outside {where}: "
                      "set journeys_root in the profile to allow a wider folder")]


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
        outside = _outside(doc, spec, index, pattern, matches)
        if outside:
            errors += outside
            continue
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


def _schema_errors(doc: Document, catalogue: RuleCatalogue | None) -> tuple[AuditProfile | None, list[LocatedError]]:
    """The validated profile (None when invalid) and the problems of its own content."""
    spec: AuditProfile | None = None
    errors: list[LocatedError] = []
    try:
        spec = AuditProfile.model_validate(doc.data)
        rules: RulesSpec | None = spec.rules
    except ValidationError as exc:
        errors += translate_errors(exc, doc, AuditProfile)
        rules = _valid_rule_sections(doc.data.get("rules"))
    if rules is not None and catalogue is not None:
        errors += _rule_errors(doc, rules, catalogue)
    if spec is not None and spec.probes is not None:
        from journeyaudit.spec import probes

        found = probes.profile_problems(spec.probes.model_dump(exclude_none=True))
        errors += [doc.error(("probes", *path), message) for path, message in found]
    return spec, errors


def profile_from_document(doc: Document, rules: RuleCatalogue | None = None) -> Profile:
    """Validate a parsed profile; raises :class:`ValidationFailed` with every problem."""
    errors = list(doc.errors)
    if doc.syntax_error:
        raise ValidationFailed(errors)
    if not isinstance(doc.data, dict):
        errors.append(doc.error((), "an audit profile is a mapping with 'name' and 'journeys'"))
        raise ValidationFailed(errors)
    spec, found = _schema_errors(doc, rules)
    errors += found
    files: list[Path] = []
    if spec is not None:
        files, glob_errors = _expand_journeys(doc, spec)
        errors += glob_errors
    elif isinstance(doc.data.get("journeys"), list) and all(isinstance(p, str) and p for p in doc.data["journeys"]):
        root = doc.data.get("journeys_root")
        partial = AuditProfile.model_construct(journeys=doc.data["journeys"], journeys_root=root if isinstance(root, str) else ".")
        _, glob_errors = _expand_journeys(doc, partial)
        errors += glob_errors
    if errors or spec is None:
        raise ValidationFailed(errors)
    return Profile(path=doc.file, spec=spec, journey_files=files, env_values=set(doc.env_values))


def load_profile(path: str | Path, env: Mapping[str, str] | None = None, *, rules: RuleCatalogue | None = None) -> Profile:
    """Read, interpolate and validate an audit profile. Raises :class:`ValidationFailed`."""
    return profile_from_document(load(path, env), rules)


def check_file(
    path: str | Path, env: Mapping[str, str] | None = None, *, rules: RuleCatalogue | None = None,
    warnings: list[str] | None = None,
) -> list[LocatedError]:
    """Every problem in one journey or audit profile (``journeyaudit check``); [] when valid.

    ``warnings`` (when given) receives what ``run`` would warn about before starting, e.g. a card
    number typed without ``secret: true``.
    """
    doc = load(path, env)
    kind = _kind(doc)
    if kind is None:
        return sort_errors(doc.errors)
    try:
        if kind == "profile":
            profile = profile_from_document(doc, rules)
        else:
            journeys = [journey_from_document(doc)]
    except ValidationFailed as exc:
        return exc.errors
    errors: list[LocatedError] = []
    if kind == "profile":  # and the journeys it lists, as `run` would read them
        journey_docs, errors = _listed_journeys([load(path, env) for path in profile.journey_files])
        journeys, more = _read_journeys(journey_docs)
        errors += more
    if warnings is not None:
        warnings.extend(w for journey in journeys for w in journey.warnings if w not in warnings)
    return sort_errors(errors)


# --------------------------------------------------------------------------
# Resolving a run's settings
# --------------------------------------------------------------------------


def _sort_files(docs: list[Document]) -> tuple[list[Document], list[Document], list[LocatedError]]:
    """The profiles and the journey files among the given files, and the files that are neither."""
    errors: list[LocatedError] = []
    kinds = [_kind(doc) for doc in docs]
    for doc, kind in zip(docs, kinds):
        if kind is None:
            errors += doc.errors
    profiles = [doc for doc, kind in zip(docs, kinds) if kind == "profile"]
    journey_docs = [doc for doc, kind in zip(docs, kinds) if kind == "journey"]
    if profiles and (len(profiles) > 1 or journey_docs):
        extra = profiles[1:] + journey_docs
        errors += [LocatedError(doc.file, 0, 0, "give either one audit profile or journey files, not both") for doc in extra]
        journey_docs = []
    return profiles[:1], journey_docs, errors


def _listed_journeys(docs: list[Document]) -> tuple[list[Document], list[LocatedError]]:
    """The journeys among the files a profile lists. A file that is not a journey is named, never quoted:
    a glob or a wide journeys_root may reach files whose values are nobody's business (keys, passwords)."""
    journeys: list[Document] = []
    errors: list[LocatedError] = []
    for doc in docs:
        data = doc.data
        if doc.syntax_error:
            errors += doc.errors  # YAML's own messages quote one token at most
        elif isinstance(data, dict) and "steps" in data and "journeys" not in data:
            journeys.append(doc)
        elif isinstance(data, dict) and "journeys" in data:
            errors.append(LocatedError(doc.file, 1, 1, "an audit profile, not a journey: a profile cannot list another profile"))
        else:
            errors.append(LocatedError(doc.file, 1, 1, "not a journey: a journey file is a mapping with a top-level 'steps' list"))
    return journeys, errors


def _read_journeys(journey_docs: list[Document]) -> tuple[list[model.Journey], list[LocatedError]]:
    journeys: list[model.Journey] = []
    errors: list[LocatedError] = []
    for doc in journey_docs:
        if doc.syntax_error:
            errors += doc.errors
            continue
        try:
            journeys.append(journey_from_document(doc))
        except ValidationFailed as exc:
            errors += exc.errors
    _unique_ids(journeys)
    from journeyaudit.spec import login  # issue 11: every uses: names a setup journey

    return journeys, errors + login.problems(journeys)


def _read_files(
    paths: Sequence[str | Path], env: Mapping[str, str], rules: RuleCatalogue | None
) -> tuple[Profile | None, list[model.Journey], int, list[LocatedError]]:
    """The profile (if one is given), the journeys to run, how many journey files, and every problem."""
    profiles, journey_docs, errors = _sort_files([load(path, env) for path in paths])
    profile: Profile | None = None
    if profiles:
        try:
            profile = profile_from_document(profiles[0], rules)
        except ValidationFailed as exc:
            errors += exc.errors
        if profile is not None:
            journey_docs, listed_errors = _listed_journeys([load(path, env) for path in profile.journey_files])
            errors += listed_errors
    journeys, journey_errors = _read_journeys(journey_docs)
    return profile, journeys, len(journey_docs), errors + journey_errors


def resolve(
    paths: Sequence[str | Path],
    overrides: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    *,
    rules: RuleCatalogue | None = None,
) -> AuditSettings:
    """The settings of a run from the command line's files and options.

    ``paths`` is one audit profile, or one or more journey files. ``overrides`` has
    the command line's values (None: not given; environment variables already merged
    in) for the keys in OVERRIDE_KEYS. ``env`` fills ``${VARS}`` in the files.
    ``rules`` is the rule registry's data, to check rule names and options. Raises
    :class:`ValidationFailed` with every problem found in every file.
    """
    env = os.environ if env is None else env
    chosen = given(overrides)
    if not paths:
        raise ValidationFailed([LocatedError("", 0, 0, "no files given: pass an audit profile or journey files")])
    profile, journeys, journey_files, errors = _read_files(paths, env, rules)
    spec = profile.spec if profile else None
    if spec is not None:
        values = from_profile(spec, rules)
    else:
        values = defaults(journeys[0].id if len(journeys) == 1 and journey_files == 1 else "journeys")
    apply_overrides(values, chosen)
    errors += override_errors(chosen, rules)
    if values["mail"] is None:
        errors += _mail_without_capture(journeys)
    if not values["base_url"] and not values["demo_shop"] and (profile is not None or journeys):
        errors.append(LocatedError(profile.path if profile else "", 0, 0, NO_BASE_URL))
    if errors:
        raise ValidationFailed(errors)
    from journeyaudit.spec import probes  # every journey followed by its probe variants

    journeys = probes.expand_all(journeys, spec.probes.model_dump(exclude_none=True) if spec and spec.probes else None)
    from journeyaudit.spec import login, matrix  # issue 11: devices and locales, setup/teardown

    journeys = matrix.expand_all(journeys, spec.matrix.model_dump(exclude_none=True) if spec and spec.matrix else None)
    journeys = _selected(journeys, chosen)  # run --journey/--tag, before --shard splits them
    settings = build(values, journeys, profile.path if profile else None)
    if spec is not None and profile is not None:
        settings.hooks = {key: [item.model_dump(exclude_none=True) for item in getattr(spec, key)] for key in ("setup", "teardown")}
        settings.hook_secrets = login.hook_secrets(profile.env_values, settings.hooks["setup"] + settings.hooks["teardown"])
    return settings


def _selected(journeys: list[model.Journey], chosen: Mapping[str, Any]) -> list[model.Journey]:
    """The journeys ``--journey`` and ``--tag`` pick (all when neither is given); what picks nothing is an error."""
    from journeyaudit.spec import selection

    names, tags = list(chosen.get("journeys") or ()), list(chosen.get("tags") or ())
    try:
        return selection.select(journeys, names, tags)
    except ValueError as exc:
        raise ValidationFailed([LocatedError("", 0, 0, line) for line in str(exc).splitlines()]) from None


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


def _mail_without_capture(journeys: list[model.Journey]) -> list[LocatedError]:
    """A journey that reads email needs a profile that captures it: say so before a browser starts."""
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


# --------------------------------------------------------------------------
# JSON Schema
# --------------------------------------------------------------------------


def json_schema() -> dict[str, Any]:
    """JSON Schema of an audit profile, for editors (``schema/audit.schema.json``)."""
    return {"$schema": SCHEMA_DIALECT, **AuditProfile.model_json_schema()}
