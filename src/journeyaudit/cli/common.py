"""What the commands share: exit codes, errors, option types and the settings' environment variables.

Environment variables reach the commands through click's ``envvar=`` on each
option (``show_envvar``: help and errors name them), so they are validated by the
same types and callbacks as the flags they stand for.
"""

from __future__ import annotations

import sys
from typing import Any

import click

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_CANNOT_RUN, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
ENV_PREFIX = "JOURNEYAUDIT_"
FAIL_ON = click.Choice(["low", "medium", "high", "critical", "none"], case_sensitive=False)
FORMAT_NAMES = ("html", "json", "junit", "sarif", "github", "gitlab")
FORMAT_HELP = "Also write this format: junit, sarif, github, gitlab (repeatable; html and json are always written)."


class CommaChoice(click.ParamType):
    """One or more names from a fixed list, comma-separated (``junit,sarif``), as a list."""

    name = "names"

    def __init__(self, choices: tuple[str, ...]) -> None:
        self.choices = choices

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> list[str]:
        if isinstance(value, list):
            return value
        names = [part.strip().lower() for part in str(value).split(",") if part.strip()]
        bad = [name for name in names if name not in self.choices]
        if bad:
            self.fail(f"{', '.join(map(repr, bad))} is not one of {', '.join(self.choices)}", param, ctx)
        return names


FORMAT = CommaChoice(FORMAT_NAMES)


def env_option(*decls: str, env: str, **attrs: Any):
    """A click option that also reads ``JOURNEYAUDIT_<env>`` (below the flag, above the profile)."""
    return click.option(*decls, envvar=ENV_PREFIX + env, show_envvar=True, **attrs)


def rule_catalogue():
    """The registered rules, as spec/ checks rule names and options against them."""
    from journeyaudit.rules.registry import all_rules

    return all_rules()


def check_base_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--base-url / JOURNEYAUDIT_BASE_URL must be an http(s) URL."""
    from pydantic_core import PydanticCustomError

    from journeyaudit.spec.profile import check_url

    if value is None:
        return None
    try:
        return check_url(value)
    except PydanticCustomError as exc:
        raise click.BadParameter(exc.message(), ctx, param) from None


def check_rules(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[str] | None:
    """--select/--ignore (and their variables): codes, prefixes or slugs that name a rule."""
    from journeyaudit.spec.rulecheck import pattern_problem

    codes = codes_of(values)
    problems = [problem for code in codes or [] if (problem := pattern_problem(rule_catalogue(), code))]
    if problems:
        raise click.BadParameter("; ".join(problems), ctx, param)
    return codes


def codes_of(values: tuple[str, ...] | None) -> list[str] | None:
    """``--select JA1,JA301 --select JA5`` -> ['JA1', 'JA301', 'JA5']; None when not given."""
    codes = [code.strip() for value in values or () for code in value.split(",") if code.strip()]
    return codes or None


def formats_of(values: tuple[list[str], ...] | None) -> list[str] | None:
    """Repeated --format values (each a list) as one list; None when not given."""
    names = [name for value in values or () for name in value]
    return names or None


def fail(message: str, code: int) -> None:
    from journeyaudit.report.terminal import echo  # messages may quote a page or a URL: no line may start with ::

    echo(click.style("error: ", fg="red", bold=True) + message, err=True)
    sys.exit(code)


def exit_code(result) -> int:
    """3 when nothing could run (or the shop stopped answering), 1 for findings or an unrecorded journey."""
    from journeyaudit.gather.shopcheck import SHOP_GONE

    errored = [r for r in result.runs if r.status == "error"]
    if result.runs and (len(errored) == len(result.runs) or any(SHOP_GONE in (r.error or "") for r in errored)):
        return EXIT_CANNOT_RUN
    if errored or result.failing():  # a journey that could not be recorded fails even with fail_on: none
        return EXIT_FINDINGS
    if getattr(result, "fail_on_flaky", False) and any(getattr(r, "flaky", False) for r in result.runs):
        return EXIT_FINDINGS  # --fail-on-flaky: a journey that passed only on a retry fails the run
    return EXIT_OK


def prepare(**kwargs):
    """postrun.prepare, with its errors as exit code 2."""
    from journeyaudit.postrun import SetupError
    from journeyaudit.postrun import prepare as prepare_post

    try:
        return prepare_post(**kwargs)
    except SetupError as exc:
        fail(str(exc), EXIT_USAGE)


def print_post(post, result) -> None:
    """What the history, the baseline and the CI formats made of the run, after the summary."""
    from journeyaudit.report.terminal import echo as safe_echo
    from journeyaudit.report.terminal import flat

    suppressed = sum(1 for f in result.findings if f.suppressed)
    if post.baseline is not None:
        click.echo(f"Baseline {post.baseline.path}: {suppressed} known finding{'s' if suppressed != 1 else ''} suppressed.")
    for comparison in result.comparisons:
        counts = {status: sum(1 for c in comparison.changes if c.status == status) for status in ("new", "fixed", "still_open")}
        click.echo(
            f"Since the {comparison.against}: {counts['new']} new, {counts['fixed']} fixed, {counts['still_open']} still open."
        )
    if post.history is not None and post.recorded_id is not None:
        safe_echo(f"History: run #{post.recorded_id} recorded in {flat(post.history.display_url, None)}")
    for path in post.written:
        safe_echo(f"Wrote {flat(path, None)}")
    for warning in post.warnings:
        safe_echo(click.style("warning: ", fg="yellow", bold=True) + flat(warning, None), err=True)
