"""The ``journeyaudit`` command line.

Exit codes: 0 clean; 1 findings at or above ``fail_on`` (or a journey that
could not be recorded); 2 usage, configuration or validation error; 3 the audit
could not run (no browser, unreachable shop); 130 interrupted.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from journeyaudit import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_CANNOT_RUN, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
FAIL_ON = click.Choice(["low", "medium", "high", "critical", "none"], case_sensitive=False)
FORMAT = click.Choice(["html", "json", "junit", "sarif", "github", "gitlab"], case_sensitive=False)
FORMAT_HELP = "Also write this format: junit, sarif, github, gitlab (repeatable; html and json are always written)."


def _codes(values: tuple[str, ...]) -> list[str] | None:
    """``--select JA1,JA301 --select JA5`` -> ['JA1', 'JA301', 'JA5']; None when not given."""
    codes = [code.strip() for value in values for code in value.split(",") if code.strip()]
    return codes or None


def _fail(message: str, code: int) -> None:
    click.echo(click.style("error: ", fg="red", bold=True) + message, err=True)
    sys.exit(code)


def exit_code(result) -> int:
    if result.runs and all(r.status == "error" for r in result.runs):
        return EXIT_CANNOT_RUN
    if result.fail_on != "none" and (result.failing() or any(r.status == "error" for r in result.runs)):
        return EXIT_FINDINGS
    return EXIT_OK


EPILOG = """\b
Examples:
  journeyaudit run audits/demo.yaml
  journeyaudit run journeys/checkout.yaml --base-url https://staging.example.com --fail-on high
  journeyaudit run audits/staging.yaml --format junit --format sarif --baseline .journeyaudit-baseline.json
  journeyaudit history --audit staging
  journeyaudit baseline create reports/latest/result.json
  journeyaudit check journeys/*.yaml audits/*.yaml
  journeyaudit rules JA301
\b
Exit codes: 0 clean, 1 findings at or above fail-on (baseline-suppressed ones do not
count), 2 invalid input or an unusable history database or baseline file,
3 the audit could not run (no browser, shop unreachable), 130 interrupted.
"""


@click.group(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="journeyaudit")
def main() -> None:
    """Walk a web shop the way a customer does and report where it lets them down.

    Journeys (YAML) run in headless Chromium; every step is recorded, judged by
    rules with permanent codes (JA101 ...) and written as an HTML report.
    """


RUN_EPILOG = """\b
Examples:
  journeyaudit run audits/demo.yaml
  journeyaudit run audits/staging.yaml --fail-on high --format github --format junit --format sarif
  journeyaudit run journeys/checkout.yaml --base-url https://staging.example.com
  journeyaudit run audits/staging.yaml --history postgresql://ci:secret@db.internal/journeyaudit
  journeyaudit run audits/staging.yaml --baseline .journeyaudit-baseline.json
\b
History: every run is recorded (default: <out>/history.sqlite) so the report can
say what changed since the last run and draw trends. --no-history turns it off.
Baseline: findings listed in the baseline file still appear (as suppressed) but
do not fail the audit. Create one with `journeyaudit baseline create`.
\b
Settings come from defaults < the audit profile < JOURNEYAUDIT_* environment
variables (JOURNEYAUDIT_FORMAT, JOURNEYAUDIT_HISTORY, JOURNEYAUDIT_BASELINE, ...)
< these options.
"""


@main.command(epilog=RUN_EPILOG)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--base-url", metavar="URL", help="Shop to audit (overrides the profile and JOURNEYAUDIT_BASE_URL).")
@click.option("--out", metavar="DIR", help="Parent folder for the report folder [default: reports].")
@click.option("--fail-on", type=FAIL_ON, help="Lowest severity that fails the audit (exit 1) [default: high].")
@click.option("--select", multiple=True, metavar="CODES", help="Only these rules: codes, prefixes (JA5) or slugs, comma-separated.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rules: codes, prefixes or slugs, comma-separated.")
@click.option("--headed", is_flag=True, default=None, help="Show the browser window while it runs.")
@click.option("--browser-path", metavar="PATH", help="Chromium/Chrome executable to use.")
@click.option("--format", "formats", multiple=True, type=FORMAT, metavar="NAME", help=FORMAT_HELP)
@click.option("--history", metavar="URL", help="Run history database: SQLAlchemy URL or SQLite file [default: <out>/history.sqlite].")
@click.option("--no-history", is_flag=True, help="Do not read or record the run history.")
@click.option("--baseline", metavar="FILE", help="Baseline file: its known findings are listed as suppressed and do not fail.")
@click.option("-v", "--verbose", is_flag=True, help="A line per step, not just per journey.")
def run(files, base_url, out, fail_on, select, ignore, headed, browser_path, formats, history, no_history, baseline, verbose) -> None:
    """Run an audit profile, or journey files, in Chromium and write a report.

    FILES is one audit profile (audits/*.yaml) or one or more journey files
    (journeys/*.yaml, then --base-url is needed). The report folder is
    <out>/<timestamp>-<audit>/ with result.json, traces/ and report.html.
    """
    from journeyaudit.audit import AuditCannotRun, run_audit
    from journeyaudit.gather.browser import BrowserNotFound, find_browser
    from journeyaudit.postrun import finish
    from journeyaudit.report.terminal import TerminalProgress, print_summary
    from journeyaudit.spec.config import resolve
    from journeyaudit.spec.journey import ValidationFailed

    overrides = {
        "base_url": base_url,
        "out": out,
        "fail_on": fail_on.lower() if fail_on else None,
        "select": _codes(select),
        "ignore": _codes(ignore),
        "headed": headed,
        "browser_path": browser_path,
        "formats": list(formats) or None,
        "history": history,
        "no_history": no_history or None,
        "baseline": baseline,
    }
    try:
        settings = resolve(list(files), overrides)
    except ValidationFailed as exc:
        _fail(f"invalid input:\n{exc}", EXIT_USAGE)
    post = _prepare(formats=settings.formats, history_url=settings.history_url, baseline=settings.baseline,
                    trend_runs=settings.trend_runs)
    try:
        browser = find_browser(settings.browser_path)
    except BrowserNotFound as exc:
        _fail(str(exc), EXIT_CANNOT_RUN)
    try:
        result, out_dir = run_audit(
            settings, browser, TerminalProgress(verbose=verbose), after=lambda r, runs, d: finish(post, r, runs, d)
        )
    except AuditCannotRun as exc:
        _fail(str(exc), EXIT_CANNOT_RUN)
    except KeyboardInterrupt:
        click.echo("\ninterrupted: finished journeys are saved in the report folder.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    finally:
        post.close()
    print_summary(result, out_dir / "report.html")
    _print_post(post, result)
    sys.exit(exit_code(result))


def _prepare(**kwargs):
    """postrun.prepare, with its errors as exit code 2."""
    from journeyaudit.postrun import SetupError, prepare

    try:
        return prepare(**kwargs)
    except SetupError as exc:
        _fail(str(exc), EXIT_USAGE)


def _print_post(post, result) -> None:
    """What the history, the baseline and the CI formats made of the run, after the summary."""
    suppressed = sum(1 for f in result.findings if f.suppressed)
    if post.baseline is not None:
        click.echo(f"Baseline {post.baseline.path}: {suppressed} known finding{'s' if suppressed != 1 else ''} suppressed.")
    for comparison in result.comparisons:
        counts = {status: sum(1 for c in comparison.changes if c.status == status) for status in ("new", "fixed", "still_open")}
        click.echo(
            f"Since the {comparison.against}: {counts['new']} new, {counts['fixed']} fixed, {counts['still_open']} still open."
        )
    if post.history is not None and post.recorded_id is not None:
        click.echo(f"History: run #{post.recorded_id} recorded in {post.history.display_url}")
    for path in post.written:
        click.echo(f"Wrote {path}")
    for warning in post.warnings:
        click.echo(click.style("warning: ", fg="yellow", bold=True) + warning, err=True)


@main.command("audit")
@click.argument("trace_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--out", metavar="DIR", help="Where to write result.json and report.html [default: TRACE_DIR].")
@click.option("--profile", type=click.Path(exists=True, dir_okay=False), help="Audit profile whose rule settings to use.")
@click.option("--fail-on", type=FAIL_ON, help="Lowest severity that fails (exit 1) [default: the profile's, else high].")
@click.option("--select", multiple=True, metavar="CODES", help="Only these rules.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rules.")
@click.option("--format", "formats", multiple=True, type=FORMAT, metavar="NAME", help=FORMAT_HELP)
@click.option("--baseline", metavar="FILE", help="Baseline file: its known findings are listed as suppressed and do not fail.")
@click.option("--history", metavar="URL", help="Compare with the last run in this history (read only: a re-judged run is not recorded).")
def audit_command(trace_dir, out, profile, fail_on, select, ignore, formats, baseline, history) -> None:
    """Judge saved traces again, without a browser, and write a fresh result and report.

    TRACE_DIR is a report folder from `journeyaudit run` (or any folder with
    trace.json files below it). Use it after changing rule options or upgrading
    journeyaudit: the shop is not visited again.
    """
    from journeyaudit.audit import rejudge, relocate_traces, write_report
    from journeyaudit.history import store
    from journeyaudit.judge.engine import RuleSettings, option_errors, unknown_patterns
    from journeyaudit.postrun import finish
    from journeyaudit.report.terminal import print_summary
    from journeyaudit.spec.config import history_url, load_profile, rule_settings
    from journeyaudit.spec.journey import ValidationFailed

    settings = RuleSettings()
    threshold = "high"
    name = None
    if profile:
        try:
            loaded = load_profile(profile)
        except ValidationFailed as exc:
            _fail(f"invalid input:\n{exc}", EXIT_USAGE)
        settings, threshold, name = rule_settings(loaded.spec), loaded.spec.fail_on, loaded.spec.name
    settings.select = _codes(select) or settings.select
    settings.ignore = (_codes(ignore) or []) + settings.ignore
    problems = option_errors(settings) + [f"no rule matches {p!r}" for p in unknown_patterns(settings.select + settings.ignore)]
    if problems:
        _fail("\n".join(problems), EXIT_USAGE)
    try:
        result, runs = rejudge(Path(trace_dir), settings, name=name, fail_on=(fail_on or threshold).lower())
    except FileNotFoundError as exc:
        _fail(str(exc), EXIT_USAGE)
    out_dir = Path(out or trace_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    relocate_traces(result, out_dir)
    post = _prepare(formats=formats, history_url=history_url(history, "reports") if history else None,
                    baseline=baseline, record=False)
    try:
        finish(post, result, runs, out_dir)
    finally:
        post.close()
    store.save_result(result, out_dir / store.RESULT_FILE)
    report = write_report(result, runs, out_dir)
    print_summary(result, report)
    _print_post(post, result)
    sys.exit(exit_code(result))


@main.command()
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
    from journeyaudit.history import store
    from journeyaudit.report.html import write_html
    from journeyaudit.rules.registry import all_rules

    path = Path(result_json)
    try:
        result = store.load_result(path)
    except (ValueError, TypeError, KeyError) as exc:
        _fail(f"{path}: not a journeyaudit result ({exc})", EXIT_USAGE)
    runs = {}
    for summary in result.runs:
        trace_dir = path.parent / summary.trace
        if (trace_dir / store.TRACE_FILE).is_file():
            runs[summary.journey_id] = store.load_run(trace_dir)
    target = Path(out) if out else path.parent / "report.html"
    written = write_html(result, runs, target, trace_root=path.parent, rules=all_rules())
    click.echo(f"Report: {written}")
    if formats:
        from journeyaudit.postrun import write_formats

        post = _prepare(formats=formats)
        for extra in write_formats(post, result, runs, target.parent):
            click.echo(f"Wrote {extra}")
        for warning in post.warnings:
            click.echo(click.style("warning: ", fg="yellow", bold=True) + warning, err=True)


HISTORY_EPILOG = """\b
Examples:
  journeyaudit history                          # runs recorded in reports/history.sqlite
  journeyaudit history --audit staging --limit 50
  journeyaudit history --history postgresql://ci@db.internal/journeyaudit
  journeyaudit history --json > runs.json
"""


@main.command(epilog=HISTORY_EPILOG)
@click.option("--audit", "audit_name", metavar="NAME", help="Only this audit's runs (the profile's name).")
@click.option("--history", metavar="URL", help="History database: SQLAlchemy URL or SQLite file [default: <out>/history.sqlite].")
@click.option("--out", metavar="DIR", help="Reports folder whose history.sqlite to read [default: reports].")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10000), help="How many runs, newest first.")
@click.option("--json", "as_json", is_flag=True, help="Print the runs as JSON instead of a table.")
def history(audit_name, history, out, limit, as_json) -> None:
    """List the recorded audit runs and how findings and step times trend.

    Every `journeyaudit run` is recorded (unless --no-history); this reads
    the same store. The table shows findings by severity per run, newest
    first; below it, per audit, the findings and the slowest steps over the
    runs, oldest to newest, as sparklines.
    """
    import os

    from journeyaudit.history.database import History, HistoryError, format_runs
    from journeyaudit.report.trends import text_trends
    from journeyaudit.spec.config import history_url

    url = history_url(history or os.environ.get("JOURNEYAUDIT_HISTORY") or None,
                      out or os.environ.get("JOURNEYAUDIT_OUT") or "reports")
    if url is None:
        _fail("the history is turned off; give --history URL", EXIT_USAGE)
    if url.startswith("sqlite:///") and not history and not Path(url[len("sqlite:///"):]).exists():
        _fail(f"no history yet at {url[len('sqlite:///'):]}: run `journeyaudit run` first, or give --history URL", EXIT_USAGE)
    try:
        with History(url) as store:
            runs = store.runs(audit_name, limit=limit)
            audits = list(dict.fromkeys(run.audit for run in runs))
            trends = {name: store.trend(name, limit=limit) for name in audits}
    except HistoryError as exc:
        _fail(str(exc), EXIT_USAGE)
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


@main.group()
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
        _fail(f"{path}: no result file here (run `journeyaudit run` first, or name a result.json)", EXIT_USAGE)
    try:
        result = store.load_result(path)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        _fail(f"{path}: not a journeyaudit result ({exc})", EXIT_USAGE)
    try:
        count = baselines.create(result, out)
    except baselines.BaselineError as exc:
        _fail(str(exc), EXIT_USAGE)
    target = Path(out) / baselines.BASELINE_FILE if Path(out).is_dir() else Path(out)
    click.echo(f"Baseline: {count} finding{'s' if count != 1 else ''} from {path} written to {target}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def check(files) -> None:
    """Validate journey and audit files without starting a browser.

    Every problem is printed as FILE:LINE:COLUMN: message; exit code 2 if any.
    """
    from journeyaudit.spec.config import check_file

    problems = 0
    for name in files:
        errors = check_file(name)
        for error in errors:
            click.echo(str(error))
        problems += len(errors)
        if not errors:
            click.echo(f"{name}: ok")
    if problems:
        click.echo(f"{problems} problem{'s' if problems != 1 else ''} in {len(files)} file(s)", err=True)
        sys.exit(EXIT_USAGE)


@main.command()
@click.option("--kind", type=click.Choice(["journey", "audit"]), default="journey", show_default=True)
def schema(kind) -> None:
    """Print the JSON Schema of a journey (or audit) file, for editors.

    Save it and point your YAML files at it with a first line like
    `# yaml-language-server: $schema=../schema/journey.schema.json`.
    """
    from journeyaudit.spec.journey import schema_text

    if kind == "journey":
        from journeyaudit.spec.journey import json_schema
    else:
        from journeyaudit.spec.config import json_schema
    click.echo(schema_text(json_schema()), nl=False)


@main.command()
@click.argument("code", required=False)
def rules(code) -> None:
    """List the rules, or print one rule's documentation (e.g. `rules JA301`)."""
    from journeyaudit.rules.registry import all_rules, get_rule

    if code:
        info = get_rule(code)
        if info is None:
            _fail(f"no rule {code!r}; `journeyaudit rules` lists them", EXIT_USAGE)
        click.echo(click.style(f"{info.code} {info.slug}", bold=True) + f"  ({info.severity})")
        click.echo(info.title)
        click.echo("")
        click.echo(info.doc)
        if info.roles:
            click.echo(f"\nApplies to journeys with a step of role: {', '.join(sorted(info.roles))}.")
        if info.options:
            click.echo("\nOptions (set under rules.options in an audit profile):")
            for key, value in info.options.items():
                click.echo(f"  {key}: {json.dumps(value, ensure_ascii=False)}")
        return
    for info in all_rules():
        click.echo(f"{info.code}  {info.slug:<26} {info.severity:<9} {info.title}")


def _smtp_address(value: str | None) -> tuple[str, int] | None:
    """``--smtp host:port`` -> (host, port); a clear usage error otherwise."""
    if not value:
        return None
    host, _, port = value.rpartition(":")
    if not port.isdigit():
        raise click.BadParameter(f"expected HOST:PORT, got {value!r}", param_hint="--smtp")
    return host or "127.0.0.1", int(port)


@main.command("demo-shop")
@click.option("--port", default=8000, show_default=True, help="Port on 127.0.0.1 (0 = any free port).")
@click.option("--smtp", metavar="HOST:PORT", default=None, help="Deliver the shop's email over SMTP here (e.g. a mail capture).")
def demo_shop(port, smtp) -> None:
    """Serve the built-in demo shop on 127.0.0.1 for browsing (Ctrl-C stops it).

    Add ?fault=NAME to any URL to switch on one of its problems for your browser.
    """
    import time

    from journeyaudit.demo import FAULTS, DemoShop

    try:
        shop = DemoShop(host="127.0.0.1", port=port, quiet=False, smtp=_smtp_address(smtp)).start()
    except OSError as exc:
        _fail(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}", EXIT_CANNOT_RUN)
    click.echo(f"Demo shop at {shop.url}/  (Ctrl-C to stop)")
    click.echo("Fault switches (add ?fault=NAME to a URL):")
    for name, description in FAULTS.items():
        click.echo(f"  {name:<18} {description}")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        shop.stop()
        click.echo("stopped")


@main.command()
@click.option("--install", is_flag=True, help="Install a Chromium if none is found (Playwright's, else apt-get as root).")
@click.option("--browser-path", metavar="PATH", help="Chromium/Chrome executable to check.")
def doctor(install, browser_path) -> None:
    """Find and launch the browser; print Playwright's and Chromium's versions."""
    from journeyaudit.gather.browser import BrowserNotFound, ensure_browser, find_browser, versions

    try:
        choice = ensure_browser(click.echo) if install and not browser_path else find_browser(browser_path)
        info = versions(choice)
    except BrowserNotFound as exc:
        _fail(str(exc), EXIT_CANNOT_RUN)
    except Exception as exc:
        _fail(f"the browser was found but did not start: {exc}", EXIT_CANNOT_RUN)
    click.echo(f"journeyaudit {__version__}")
    click.echo(f"Python       {sys.version.split()[0]}")
    click.echo(f"Playwright   {info['playwright']}")
    click.echo(f"Chromium     {info['chromium']}  ({info['executable']}, from {info['source']})")
    click.echo("Browser launches headless: ok")


from journeyaudit.cli import crawl_command  # noqa: E402,F401  (registers "crawl")

if __name__ == "__main__":  # pragma: no cover
    main()
