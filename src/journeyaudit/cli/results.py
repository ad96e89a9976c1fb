"""Commands over earlier results: ``report``, ``history`` and ``baseline create``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from journeyaudit.cli.common import (
    EXIT_CANNOT_RUN,
    EXIT_USAGE,
    FORMAT,
    env_option,
    fail,
    formats_of,
    prepare,
)


@click.command()
@click.argument("result_json", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", metavar="FILE", help="HTML file to write [default: report.html next to RESULT_JSON].")
@click.option("--format", "formats", multiple=True, type=FORMAT, metavar="NAME", help="Also write this format next to the HTML file (repeatable).")
def report(result_json, out, formats) -> None:
    """Render report.html again from a result.json (and the traces next to it).

    \b
    Examples:
      journeyaudit report reports/latest/result.json
      journeyaudit report reports/latest/result.json --format junit --format gitlab
    """
    from journeyaudit.audit import OutputNotWritable, check_writable
    from journeyaudit.history import store
    from journeyaudit.postrun import write_formats
    from journeyaudit.report.html import write_html
    from journeyaudit.rules.registry import all_rules

    path = Path(result_json)
    try:
        result = store.load_result(path)
    except (ValueError, TypeError, KeyError) as exc:
        fail(f"{path}: not a journeyaudit result ({exc})", EXIT_USAGE)
    runs = {}
    for summary in result.runs:
        trace_dir = path.parent / summary.trace
        if (trace_dir / store.TRACE_FILE).is_file():
            try:
                runs[summary.journey_id] = store.load_run(trace_dir)
            except store.TraceUnreadable as exc:
                fail(str(exc), EXIT_USAGE)
    target = Path(out) if out else path.parent / "report.html"
    try:
        check_writable(target.parent)
    except OutputNotWritable as exc:
        fail(str(exc), EXIT_USAGE)
    post = None
    try:
        written = write_html(result, runs, target, trace_root=path.parent, rules=all_rules())
        click.echo(f"Report: {written}")
        post = prepare(formats=formats_of(formats)) if formats else None
        for extra in write_formats(post, result, runs, target.parent) if post else ():
            click.echo(f"Wrote {extra}")
    except OSError as exc:  # a full disk, a folder gone: told, never a traceback
        fail(f"cannot write {exc.filename or target}: {exc.strerror or exc}", EXIT_CANNOT_RUN)
    if post:
        for warning in post.warnings:
            click.echo(click.style("warning: ", fg="yellow", bold=True) + warning, err=True)


HISTORY_EPILOG = """\b
Examples:
  journeyaudit history                          # runs recorded in reports/history.sqlite
  journeyaudit history --audit staging --limit 50
  journeyaudit history --history postgresql://ci@db.internal/journeyaudit
  journeyaudit history --json > runs.json
"""


@click.command(epilog=HISTORY_EPILOG)
@click.option("--audit", "audit_name", metavar="NAME", help="Only this audit's runs (the profile's name).")
@env_option("--history", env="HISTORY", metavar="URL",
            help="History database: SQLAlchemy URL or SQLite file [default: <out>/history.sqlite].")
@env_option("--out", env="OUT", metavar="DIR", help="Reports folder whose history.sqlite to read [default: reports].")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10000), help="How many runs, newest first.")
@click.option("--json", "as_json", is_flag=True, help="Print the runs as JSON instead of a table.")
def history(audit_name, history, out, limit, as_json) -> None:
    """List the recorded audit runs and how findings and step times trend.

    Every `journeyaudit run` is recorded (unless --no-history); this reads
    the same store. The table shows findings by severity per run, newest
    first; below it, per audit, the findings and the slowest steps over the
    runs, oldest to newest, as sparklines.
    """
    from journeyaudit.history.database import History, HistoryError, format_runs
    from journeyaudit.report.trends import text_trends
    from journeyaudit.spec.config import history_url

    url = history_url(history or None, out or "reports")
    if url is None:
        fail("the history is turned off; give --history URL", EXIT_USAGE)
    if url.startswith("sqlite:///") and not history and not Path(url[len("sqlite:///"):]).exists():
        fail(f"no history yet at {url[len('sqlite:///'):]}: run `journeyaudit run` first, or give --history URL", EXIT_USAGE)
    try:
        with History(url) as store:
            runs = store.runs(audit_name, limit=limit)
            audits = list(dict.fromkeys(run.audit for run in runs))
            trends = {name: store.trend(name, limit=limit) for name in audits}
    except HistoryError as exc:
        fail(str(exc), EXIT_USAGE)
    if as_json:
        from journeyaudit.model import to_dict

        click.echo(json.dumps([
            {key: value for key, value in to_dict(run).items() if key not in ("findings", "timings")}
            | {"findings": [to_dict(f) for f in run.findings]}
            for run in runs
        ], indent=2, ensure_ascii=False))
        return
    click.echo(format_runs(runs))
    for name in audits:
        lines = text_trends(trends[name])
        if lines:
            click.echo("")
            click.echo(click.style(f"Trend of {name}", bold=True) + f" (last {len(trends[name])} runs, oldest first)")
            for line in lines:
                click.echo(f"  {line}")


@click.group()
def baseline() -> None:
    """Baselines: accept today's known findings so that only new ones fail CI.

    \b
    Typical use, once:
      journeyaudit run audits/staging.yaml
      journeyaudit baseline create reports/latest/result.json
      git add .journeyaudit-baseline.json
    then in CI:
      journeyaudit run audits/staging.yaml --baseline .journeyaudit-baseline.json
    """


@baseline.command("create")
@click.argument("result_json", required=False, type=click.Path(dir_okay=False))
@click.option("--out", metavar="FILE", default=".journeyaudit-baseline.json", show_default=True,
              help="Baseline file to write (or a folder to hold .journeyaudit-baseline.json).")
def baseline_create(result_json, out) -> None:
    """Write a baseline of every finding in RESULT_JSON [default: reports/latest/result.json].

    Each finding is stored by its fingerprint (rule, journey, step name and
    normalised evidence) with its code, step and message for reviewers.
    Running with --baseline FILE then lists those findings as suppressed:
    they still count, but no longer fail the audit.
    """
    from journeyaudit.history import baseline as baselines
    from journeyaudit.history import store

    path = Path(result_json or Path("reports") / "latest" / store.RESULT_FILE)
    if not path.is_file():
        fail(f"{path}: no result file here (run `journeyaudit run` first, or name a result.json)", EXIT_USAGE)
    try:
        result = store.load_result(path)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        fail(f"{path}: not a journeyaudit result ({exc})", EXIT_USAGE)
    try:
        count = baselines.create(result, out)
    except baselines.BaselineError as exc:
        fail(str(exc), EXIT_USAGE)
    target = Path(out) / baselines.BASELINE_FILE if Path(out).is_dir() else Path(out)
    click.echo(f"Baseline: {count} finding{'s' if count != 1 else ''} from {path} written to {target}")
