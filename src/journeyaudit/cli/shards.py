"""Shards: ``run --shard i/n`` runs one part of an audit's journeys; ``journeyaudit merge`` joins the parts.

The split itself is spec/shards.py, the merge history/shards.py. Here: the option, the
history read that balances the split, and the ``merge`` command, which then does what
``run`` does after judging (postrun.finish, the report, the exit code), once.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from journeyaudit.cli.common import (
    EXIT_CANNOT_RUN,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    FAIL_ON,
    FORMAT,
    FORMAT_HELP,
    env_option,
    exit_code,
    fail,
    formats_of,
    prepare,
    print_post,
)

SHARD_HELP = (
    "Run only shard I of N of the journeys (1/3, 2/3, 3/3 in three CI jobs), balanced by each journey's "
    "duration in the history; then join the shard folders with `journeyaudit merge`."
)


def check_shard(ctx: click.Context, param: click.Parameter, value: str | None):
    """--shard / JOURNEYAUDIT_SHARD as a Shard; a usage error (exit 2) that says what is wrong."""
    from journeyaudit.spec.shards import parse_shard

    if value is None or str(value).strip() == "":
        return None
    try:
        return parse_shard(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def shard_option(function):
    """``--shard I/N`` for ``run``."""
    return env_option("--shard", env="SHARD", metavar="I/N", callback=check_shard, help=SHARD_HELP)(function)


def plan_shard(settings, shard, post) -> None:
    """Keep this shard's journeys in ``settings`` and record the split; the shard is neither compared nor recorded.

    The history is read (the audit's last runs) only to balance the split; the merged run
    is the one compared with the last run and recorded, by ``journeyaudit merge``.
    """
    if shard is None:
        return
    from journeyaudit.history.database import HistoryError
    from journeyaudit.history.shards import journey_durations
    from journeyaudit.report.terminal import echo, flat
    from journeyaudit.spec.shards import plan

    durations: dict[str, float] = {}
    newest = None
    if post.history is not None:
        try:
            durations, newest = journey_durations(post.history, settings.name)
        except HistoryError as exc:
            post.warnings.append(f"{exc}; shard {shard} split by journey id")
        post.close()
        post.history = None
    post.record = False
    total = len(settings.journeys)
    settings.journeys, settings.shard = plan(settings.name, settings.journeys, settings.rules, shard, durations, newest)
    settings.durations = durations  # the shard's workers, too, start its longest journeys first
    known = sum(1 for journey in settings.shard.audit_journeys if journey in durations)
    how = f"balanced by the durations of {known} journeys in history run #{newest}" if durations else "split by journey id"
    echo(f"Shard {shard}: {len(settings.journeys)} of {total} journeys ({how}); join the shards with `journeyaudit merge`.")
    if not settings.journeys:
        echo(f"Shard {shard} has no journey (more shards than journeys): it writes an empty result for merge.")
    for warning in post.warnings:
        echo(click.style("warning: ", fg="yellow", bold=True) + flat(warning, None), err=True)
    post.warnings.clear()


def plan_order(settings, post) -> None:
    """With more than one worker, each journey's duration in the history: the longest are handed out first
    (gather/workers.py). A history that cannot be read leaves the audit's order (recording then says why)."""
    if settings.workers < 2 or settings.durations or post.history is None:
        return
    from journeyaudit.history.database import HistoryError
    from journeyaudit.history.shards import journey_durations

    try:
        settings.durations, _newest = journey_durations(post.history, settings.name)
    except HistoryError:
        settings.durations = {}


MERGE_EPILOG = """\b
Examples:
  journeyaudit run audits/staging.yaml --shard 1/3 --out shard-1   # in three CI jobs,
  journeyaudit run audits/staging.yaml --shard 2/3 --out shard-2   # each uploading its
  journeyaudit run audits/staging.yaml --shard 3/3 --out shard-3   # folder as an artifact
  journeyaudit merge shard-1 shard-2 shard-3 --format junit --format sarif
  journeyaudit merge downloaded/ --out merged --history postgresql://ci@db.internal/journeyaudit
\b
DIR is a shard's report folder (with result.json), or any folder below which the
shards' folders are (downloaded artifacts). Merge refuses (exit 2) folders of
different audits or profiles, a shard given twice, a missing shard and a journey
in two shards or none, and says which. A shard that was interrupted makes the
merged run interrupted (exit 130, not recorded in the history).
\b
Exit codes as for `run`: 0 clean, 1 findings at or above fail-on (or a journey
that could not be recorded, or a flaky one with --fail-on-flaky), 2 the folders cannot be merged, 3 nothing could run.
"""


@click.command("merge", epilog=MERGE_EPILOG)
@click.argument("dirs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--out", metavar="DIR",
              help="Folder for the merged result.json, report.html, traces/ and CI formats "
                   "[default: a new reports/<timestamp>-<audit>/, with reports/latest pointing to it].")
@env_option("--fail-on", env="FAIL_ON", type=FAIL_ON, help="Lowest severity that fails the merged audit (exit 1) [default: the shards'].")
@env_option("--format", "formats", env="FORMAT", multiple=True, type=FORMAT, metavar="NAME", help=FORMAT_HELP)
@env_option("--history", env="HISTORY", metavar="URL",
            help="Run history to compare with and record the merged run in: SQLAlchemy URL or SQLite file "
                 "[default: history.sqlite in the folder that holds the merged folder].")
@click.option("--no-history", is_flag=True, help="Do not read or record the run history.")
@env_option("--baseline", env="BASELINE", metavar="FILE",
            help="Baseline file: its known findings are listed as suppressed and do not fail.")
@env_option("--fail-on-flaky", env="FAIL_ON_FLAKY", is_flag=True, default=None,
            help="A flaky journey (passed on a retry) fails the merged audit (exit 1) [default: the shards'].")
def merge(dirs, out, fail_on, formats, history, no_history, baseline, fail_on_flaky) -> None:
    """Join the shard folders of `run --shard I/N` into one result, report and exit code.

    Writes one result.json, one report.html and the CI formats asked for, with
    every journey's trace, as one run of the whole audit would; compares it with
    the last run and records it in the history, once. Give the shards the same
    history (or none), so that they split the journeys alike.
    """
    from journeyaudit.audit import write_report
    from journeyaudit.history import store
    from journeyaudit.history.shards import ShardProblem, check, copy_traces, load_shards
    from journeyaudit.history.shards import merge as join
    from journeyaudit.postrun import finish
    from journeyaudit.report.terminal import echo, flat, print_summary
    from journeyaudit.spec.config import history_url

    try:
        shards = load_shards(dirs)
        check(shards)
    except ShardProblem as exc:
        fail(str(exc), EXIT_USAGE)
    thresholds = sorted({shard.result.fail_on for shard in shards})
    if fail_on is None and len(thresholds) > 1:
        fail(f"the shards ran with different fail_on ({', '.join(thresholds)}): give --fail-on", EXIT_USAGE)
    versions = sorted({shard.result.tool_version for shard in shards})
    if len(versions) > 1:
        echo(click.style("warning: ", fg="yellow", bold=True) + f"the shards ran different journeyaudit versions: {', '.join(versions)}", err=True)
    merged, interrupted = join(shards, (fail_on or thresholds[0]).lower())
    if fail_on_flaky is not None:
        merged.fail_on_flaky = bool(fail_on_flaky)
    out_dir = _merged_folder(out, merged.audit, shards)
    url = None if no_history or interrupted else history_url(history or None, out_dir.parent)
    post = prepare(formats=formats_of(formats) or [], history_url=url, baseline=baseline)
    try:
        runs = copy_traces(shards, merged, out_dir)
        if not interrupted:  # as `run` when interrupted: result.json and the report, nothing compared or recorded
            finish(post, merged, runs, out_dir)
        store.save_result(merged, out_dir / store.RESULT_FILE)
        report = write_report(merged, runs, out_dir)
    except store.TraceUnreadable as exc:
        fail(str(exc), EXIT_USAGE)
    except OSError as exc:  # a full disk, a folder gone: told, never a traceback
        fail(f"cannot write to the output folder ({exc.filename or out_dir}): {exc.strerror or exc}", EXIT_CANNOT_RUN)
    finally:
        post.close()
    echo(f"Merged {len(shards)} shards of {flat(merged.audit)}: {len(merged.runs)} journeys.")
    print_summary(merged, report)
    print_post(post, merged)
    if interrupted:
        click.echo("interrupted: a shard stopped before its last journey; the merged run is not recorded.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(exit_code(merged))


def _merged_folder(out, audit, shards) -> Path:
    """--out (which must not hold a result already), or a new folder under reports/ that reports/latest points to."""
    from journeyaudit.audit import OutputNotWritable, _point_latest, check_writable, claim_folder
    from journeyaudit.history.store import RESULT_FILE

    target = Path(out) if out else Path("reports")
    try:
        check_writable(target)
    except OutputNotWritable as exc:
        fail(str(exc), EXIT_USAGE)
    if not out:
        folder = claim_folder(target, audit, time.time())
        _point_latest(folder)
        return folder
    if (target / RESULT_FILE).exists():
        which = next((s.label for s in shards if s.folder.resolve() == target.resolve()), str(target))
        fail(f"{which} already holds a result.json: give --out an empty or new folder", EXIT_USAGE)
    return target
