"""``journeyaudit audit``: judge saved traces again, without a browser."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from journeyaudit.cli.common import (
    EXIT_CANNOT_RUN,
    EXIT_USAGE,
    FAIL_ON,
    FORMAT,
    FORMAT_HELP,
    check_rules,
    exit_code,
    fail,
    formats_of,
    prepare,
    print_post,
    rule_catalogue,
)


@click.command("audit")
@click.argument("trace_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--out", metavar="DIR", help="Where to write result.json and report.html [default: TRACE_DIR].")
@click.option("--profile", type=click.Path(exists=True, dir_okay=False), help="Audit profile whose rule settings to use.")
@click.option("--fail-on", type=FAIL_ON, help="Lowest severity that fails (exit 1) [default: the profile's, else high].")
@click.option("--select", multiple=True, metavar="CODES", callback=check_rules, help="Only these rules.")
@click.option("--ignore", multiple=True, metavar="CODES", callback=check_rules, help="Skip these rules.")
@click.option("--format", "formats", multiple=True, type=FORMAT, metavar="NAME", help=FORMAT_HELP)
@click.option("--baseline", metavar="FILE", help="Baseline file: its known findings are listed as suppressed and do not fail.")
@click.option("--history", metavar="URL", help="Compare with the last run in this history (read only: a re-judged run is not recorded).")
@click.option("--workers", type=click.IntRange(1, 64), metavar="N",
              help="Processes judging the traces side by side [default: every core; 1 judges them in turn].")
def audit_command(trace_dir, out, profile, fail_on, select, ignore, formats, baseline, history, workers) -> None:
    """Judge saved traces again, without a browser, and write a fresh result and report.

    TRACE_DIR is a report folder from `journeyaudit run` (or any folder with
    trace.json files below it). Use it after changing rule options or upgrading
    journeyaudit: the shop is not visited again.
    """
    from journeyaudit.audit import OutputNotWritable, check_writable, rejudge, relocate_traces, write_report
    from journeyaudit.history import store
    from journeyaudit.judge.engine import RuleSettings
    from journeyaudit.postrun import finish
    from journeyaudit.report.terminal import print_summary
    from journeyaudit.spec.config import history_url, load_profile, rule_settings
    from journeyaudit.spec.yamlsource import ValidationFailed

    settings = RuleSettings()
    threshold = "high"
    name = None
    if profile:
        try:
            loaded = load_profile(profile, rules=rule_catalogue())  # rule names, options and their types
        except ValidationFailed as exc:
            fail(f"invalid input:\n{exc}", EXIT_USAGE)
        settings = RuleSettings(**vars(rule_settings(loaded.spec, rule_catalogue())))
        threshold, name = loaded.spec.fail_on, loaded.spec.name
    settings.select = select or settings.select
    settings.ignore = (ignore or []) + settings.ignore
    try:
        result, runs = rejudge(Path(trace_dir), settings, name=name, fail_on=(fail_on or threshold).lower(),
                               workers=workers)
    except (FileNotFoundError, store.TraceUnreadable) as exc:
        fail(str(exc), EXIT_USAGE)
    out_dir = Path(out or trace_dir)
    try:
        check_writable(out_dir)
    except OutputNotWritable as exc:
        fail(str(exc), EXIT_USAGE)
    relocate_traces(result, out_dir)
    post = prepare(formats=formats_of(formats) or [], history_url=history_url(history, "reports") if history else None,
                   baseline=baseline, record=False)
    try:
        finish(post, result, runs, out_dir)
        store.save_result(result, out_dir / store.RESULT_FILE)
        report = write_report(result, runs, out_dir)
    except OSError as exc:  # a full disk, a folder gone: told, never a traceback and never exit 1
        fail(f"cannot write to the output folder ({exc.filename or out_dir}): {exc.strerror or exc}", EXIT_CANNOT_RUN)
    finally:
        post.close()
    print_summary(result, report)
    print_post(post, result)
    sys.exit(exit_code(result))
