"""Commands about the input files and the rules: ``check``, ``schema``, ``rules``."""

from __future__ import annotations

import json
import sys

import click

from journeyaudit.cli.common import (
    EXIT_USAGE,
    fail,
    rule_catalogue,
)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def check(files) -> None:
    """Validate journey and audit files without starting a browser.

    Every problem is printed as FILE:LINE:COLUMN: message; exit code 2 if any.
    Warnings (e.g. a card number typed without `secret: true`) are printed too,
    as `run` would print them, and do not change the exit code.
    """
    from journeyaudit.report.terminal import flat
    from journeyaudit.spec.config import check_file

    problems = 0
    for name in files:
        warnings: list[str] = []
        errors = check_file(name, rules=rule_catalogue(), warnings=warnings)
        for error in errors:
            click.echo(str(error))
        for warning in warnings:
            click.echo(click.style("warning: ", fg="yellow", bold=True) + flat(warning), err=True)
        problems += len(errors)
        if not errors:
            click.echo(f"{name}: ok")
    if problems:
        click.echo(f"{problems} problem{'s' if problems != 1 else ''} in {len(files)} file(s)", err=True)
        sys.exit(EXIT_USAGE)


@click.command()
@click.option("--kind", type=click.Choice(["journey", "audit", "result", "crawl-result"]), default="journey", show_default=True)
def schema(kind) -> None:
    """Print the JSON Schema of a journey (or audit) file, for editors.

    Save it and point your YAML files at it with a first line like
    `# yaml-language-server: $schema=../schema/journey.schema.json`.
    """
    from journeyaudit.spec.journey import schema_text

    if kind == "journey":
        from journeyaudit.spec.journey import json_schema
    elif kind == "result":
        from journeyaudit.history.result_schema import json_schema
    elif kind == "crawl-result":
        from journeyaudit.crawl.result import json_schema
    else:
        from journeyaudit.spec.config import json_schema
    click.echo(schema_text(json_schema()), nl=False)


@click.command()
@click.argument("code", required=False)
def rules(code) -> None:
    """List the rules, or print one rule's documentation (e.g. `rules JA301`)."""
    from journeyaudit.report.formats import rule_doc
    from journeyaudit.rules.registry import all_rules, get_rule

    if code:
        info = get_rule(code)
        if info is None:
            fail(f"no rule {code!r}; `journeyaudit rules` lists them", EXIT_USAGE)
        click.echo(click.style(f"{info.code} {info.slug}", bold=True) + f"  ({info.severity})")
        click.echo(info.title)
        click.echo("")
        click.echo(rule_doc(info))  # without the internal research notes
        if info.roles:
            click.echo(f"\nApplies to journeys with a step of role: {', '.join(sorted(info.roles))}.")
        if info.options:
            click.echo("\nOptions (set under rules.options in an audit profile):")
            for key, value in info.options.items():
                click.echo(f"  {key}: {json.dumps(value, ensure_ascii=False)}")
        return
    for info in all_rules():
        click.echo(f"{info.code}  {info.slug:<26} {info.severity:<9} {info.title}")
