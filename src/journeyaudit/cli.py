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
  journeyaudit check journeys/*.yaml audits/*.yaml
  journeyaudit rules JA301
\b
Exit codes: 0 clean, 1 findings at or above fail-on, 2 invalid input,
3 the audit could not run (no browser, shop unreachable), 130 interrupted.
"""


@click.group(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="journeyaudit")
def main() -> None:
    """Walk a web shop the way a customer does and report where it lets them down.

    Journeys (YAML) run in headless Chromium; every step is recorded, judged by
    rules with permanent codes (JA101 ...) and written as an HTML report.
    """


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--base-url", metavar="URL", help="Shop to audit (overrides the profile and JOURNEYAUDIT_BASE_URL).")
@click.option("--out", metavar="DIR", help="Parent folder for the report folder [default: reports].")
@click.option("--fail-on", type=FAIL_ON, help="Lowest severity that fails the audit (exit 1) [default: high].")
@click.option("--select", multiple=True, metavar="CODES", help="Only these rules: codes, prefixes (JA5) or slugs, comma-separated.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rules: codes, prefixes or slugs, comma-separated.")
@click.option("--headed", is_flag=True, default=None, help="Show the browser window while it runs.")
@click.option("--browser-path", metavar="PATH", help="Chromium/Chrome executable to use.")
@click.option("-v", "--verbose", is_flag=True, help="A line per step, not just per journey.")
def run(files, base_url, out, fail_on, select, ignore, headed, browser_path, verbose) -> None:
    """Run an audit profile, or journey files, in Chromium and write a report.

    FILES is one audit profile (audits/*.yaml) or one or more journey files
    (journeys/*.yaml, then --base-url is needed). The report folder is
    <out>/<timestamp>-<audit>/ with result.json, traces/ and report.html.
    """
    from journeyaudit.audit import AuditCannotRun, run_audit
    from journeyaudit.browser import BrowserNotFound, find_browser
    from journeyaudit.config import resolve
    from journeyaudit.journey import ValidationFailed
    from journeyaudit.report.terminal import TerminalProgress, print_summary

    overrides = {
        "base_url": base_url,
        "out": out,
        "fail_on": fail_on.lower() if fail_on else None,
        "select": _codes(select),
        "ignore": _codes(ignore),
        "headed": headed,
        "browser_path": browser_path,
    }
    try:
        settings = resolve(list(files), overrides)
    except ValidationFailed as exc:
        _fail(f"invalid input:\n{exc}", EXIT_USAGE)
    try:
        browser = find_browser(settings.browser_path)
    except BrowserNotFound as exc:
        _fail(str(exc), EXIT_CANNOT_RUN)
    try:
        result, out_dir = run_audit(settings, browser, TerminalProgress(verbose=verbose))
    except AuditCannotRun as exc:
        _fail(str(exc), EXIT_CANNOT_RUN)
    except KeyboardInterrupt:
        click.echo("\ninterrupted: finished journeys are saved in the report folder.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    print_summary(result, out_dir / "report.html")
    sys.exit(exit_code(result))


@main.command("audit")
@click.argument("trace_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--out", metavar="DIR", help="Where to write result.json and report.html [default: TRACE_DIR].")
@click.option("--profile", type=click.Path(exists=True, dir_okay=False), help="Audit profile whose rule settings to use.")
@click.option("--fail-on", type=FAIL_ON, help="Lowest severity that fails (exit 1) [default: the profile's, else high].")
@click.option("--select", multiple=True, metavar="CODES", help="Only these rules.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rules.")
def audit_command(trace_dir, out, profile, fail_on, select, ignore) -> None:
    """Judge saved traces again, without a browser, and write a fresh result and report.

    TRACE_DIR is a report folder from `journeyaudit run` (or any folder with
    trace.json files below it). Use it after changing rule options or upgrading
    journeyaudit: the shop is not visited again.
    """
    from journeyaudit.audit import rejudge, relocate_traces, write_report
    from journeyaudit.config import load_profile, rule_settings
    from journeyaudit.judge import RuleSettings, option_errors, unknown_patterns
    from journeyaudit.journey import ValidationFailed
    from journeyaudit.report.terminal import print_summary
    from journeyaudit import store

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
    store.save_result(result, out_dir / store.RESULT_FILE)
    report = write_report(result, runs, out_dir)
    print_summary(result, report)
    sys.exit(exit_code(result))


@main.command()
@click.argument("result_json", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", metavar="FILE", help="HTML file to write [default: report.html next to RESULT_JSON].")
def report(result_json, out) -> None:
    """Render report.html again from a result.json (and the traces next to it)."""
    from journeyaudit import store
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


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def check(files) -> None:
    """Validate journey and audit files without starting a browser.

    Every problem is printed as FILE:LINE:COLUMN: message; exit code 2 if any.
    """
    from journeyaudit.config import check_file

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
    from journeyaudit.journey import schema_text

    if kind == "journey":
        from journeyaudit.journey import json_schema
    else:
        from journeyaudit.config import json_schema
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
    from journeyaudit.browser import BrowserNotFound, ensure_browser, find_browser, versions

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


if __name__ == "__main__":  # pragma: no cover
    main()
