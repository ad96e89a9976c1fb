"""``journeyaudit run``: resolve the settings, run the journeys in Chromium, write the reports."""

from __future__ import annotations

import sys

import click

from journeyaudit.cli.common import (
    EXIT_CANNOT_RUN,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    FAIL_ON,
    FORMAT,
    FORMAT_HELP,
    check_base_url,
    check_rules,
    env_option,
    exit_code,
    fail,
    formats_of,
    prepare,
    print_post,
    rule_catalogue,
)
from journeyaudit.cli.shards import plan_order, plan_shard, shard_option

RUN_EPILOG = """\b
Examples:
  journeyaudit run audits/demo.yaml
  journeyaudit run audits/staging.yaml --fail-on high --format github --format junit --format sarif
  journeyaudit run journeys/checkout.yaml --base-url https://staging.example.com
  journeyaudit run audits/staging.yaml --history postgresql://ci:secret@db.internal/journeyaudit
  journeyaudit run audits/staging.yaml --baseline .journeyaudit-baseline.json
  journeyaudit run audits/demo.yaml --workers 2
  journeyaudit run audits/staging.yaml --retries 2 --fail-on-flaky
  journeyaudit run audits/staging.yaml --browser-ws ws://127.0.0.1:3000/   # a Playwright browser server
  journeyaudit run audits/demo.yaml --trace retain-on-failure   # then: playwright show-trace <report>/traces/<journey>/trace.zip
  journeyaudit run audits/staging.yaml --shard 2/3     # then: journeyaudit merge DIR...
  journeyaudit run audits/demo.yaml --journey happy-path --journey 'stock-*'
  journeyaudit run audits/demo.yaml --tag email          # `journeyaudit list` shows what would run
\b
History: every run is recorded (default: <out>/history.sqlite) so the report can
say what changed since the last run and draw trends. --no-history turns it off.
Baseline: findings listed in the baseline file still appear (as suppressed) but
do not fail the audit. Create one with `journeyaudit baseline create`.
\b
Settings come from defaults < the audit profile < JOURNEYAUDIT_* environment
variables (shown with each option below) < these options.
"""


def run_overrides(params: dict) -> dict:
    """The command's parameters (environment variables merged in by click) as resolve's overrides."""
    return {
        "base_url": params.get("base_url"),
        "out": params.get("out"),
        "fail_on": params["fail_on"].lower() if params.get("fail_on") else None,
        "select": params.get("select"),
        "ignore": params.get("ignore"),
        "headed": params.get("headed"),
        "browser_path": params.get("browser_path"),
        "formats": formats_of(params.get("formats")),
        "history": params.get("history"),
        "no_history": params.get("no_history") or None,
        "baseline": params.get("baseline"),
        "workers": params.get("workers"),
        "retries": params.get("retries"),
        "fail_on_flaky": params.get("fail_on_flaky") or None,
        "browser_ws": params.get("browser_ws"),
        "browser_cdp": params.get("browser_cdp"),
        "journeys": list(params.get("journey") or ()) or None,
        "tags": list(params.get("tag") or ()) or None,
        "trace": params.get("trace"),
    }


@click.command(epilog=RUN_EPILOG)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@env_option("--base-url", env="BASE_URL", metavar="URL", callback=check_base_url, help="Shop to audit (overrides the profile).")
@env_option("--out", env="OUT", metavar="DIR", help="Parent folder for the report folder [default: reports].")
@env_option("--fail-on", env="FAIL_ON", type=FAIL_ON, help="Lowest severity that fails the audit (exit 1) [default: high].")
@env_option("--select", env="SELECT", multiple=True, metavar="CODES", callback=check_rules,
            help="Only these rules: codes, prefixes (JA5) or slugs, comma-separated.")
@env_option("--ignore", env="IGNORE", multiple=True, metavar="CODES", callback=check_rules,
            help="Skip these rules: codes, prefixes or slugs, comma-separated.")
@click.option("--headed", is_flag=True, default=None, help="Show the browser window while it runs.")
@env_option("--browser-path", env="BROWSER_PATH", metavar="PATH", help="Chromium/Chrome executable to use.")
@env_option("--format", "formats", env="FORMAT", multiple=True, type=FORMAT, metavar="NAME", help=FORMAT_HELP)
@env_option("--history", env="HISTORY", metavar="URL",
            help="Run history database: SQLAlchemy URL or SQLite file (off: none) [default: <out>/history.sqlite].")
@click.option("--no-history", is_flag=True, help="Do not read or record the run history.")
@env_option("--baseline", env="BASELINE", metavar="FILE",
            help="Baseline file: its known findings are listed as suppressed and do not fail.")
@env_option("--workers", env="WORKERS", type=click.IntRange(1, 64), metavar="N",
            help="Journeys in parallel, each worker with its own Chromium; with a history, the journeys that took "
                 "longest last time start first [default: half the CPU cores, at least 1].")
@env_option("--retries", env="RETRIES", type=click.IntRange(0, 10), metavar="N",
            help="Run a failing journey again up to N times; one that then passes is flaky (its failed attempts are "
                 "kept as evidence) [default: 0].")
@env_option("--fail-on-flaky", env="FAIL_ON_FLAKY", is_flag=True, default=None,
            help="A flaky journey fails the run (exit 1); by default a flaky journey passes.")
@env_option("--browser-ws", env="BROWSER_WS", metavar="URL",
            help="Connect to a Playwright browser server (ws:// or wss://, e.g. browserless) instead of launching "
                 "Chromium; query values such as ?token= are masked in every output.")
@env_option("--browser-cdp", env="BROWSER_CDP", metavar="URL",
            help="Connect to a browser's CDP endpoint (http(s):// or ws(s)://, e.g. Selenium Grid's se:cdp) instead "
                 "of launching Chromium.")
@click.option("--journey", multiple=True, metavar="NAME",
              help="Only journeys whose id (file name), name or parent journey matches this glob; repeatable. "
              "Their probe and matrix variants, and the setup journeys they use, come along.")
@click.option("--tag", multiple=True, metavar="TAG", help="Only journeys with this tag; repeatable (with --journey: both).")
@env_option("--trace", env="TRACE", type=click.Choice(["on", "retain-on-failure", "off"], case_sensitive=False),
            help="Keep Playwright's trace.zip per journey (open it with `playwright show-trace`): on, "
            "retain-on-failure (journeys that did not pass) or off. Secrets are scrubbed from it, or it is not kept "
            "[default: off].")
@click.option("--crawl", "crawl_dir", metavar="DIR", type=click.Path(exists=True),
              help="A crawl's result folder (journeyaudit crawl --out DIR): journeys with for_each run once per "
                   "product it found.")
@shard_option
@click.option("-v", "--verbose", is_flag=True, help="A line per step, not just per journey.")
def run(files, verbose, crawl_dir=None, **params) -> None:
    """Run an audit profile, or journey files, in Chromium and write a report.

    FILES is one audit profile (audits/*.yaml) or one or more journey files
    (journeys/*.yaml, then --base-url is needed). The report folder is
    <out>/<timestamp>-<audit>/ with result.json, traces/ and report.html.
    """
    from journeyaudit.audit import AuditCannotRun, run_audit
    from journeyaudit.gather.browser import BrowserNotFound, find_browser, remote_choice
    from journeyaudit.postrun import finish
    from journeyaudit.report.terminal import TerminalProgress, echo, flat, print_summary
    from journeyaudit.spec.config import resolve
    from journeyaudit.spec.yamlsource import ValidationFailed

    try:
        settings = resolve(list(files), run_overrides(params), rules=rule_catalogue())
    except ValidationFailed as exc:
        fail(f"invalid input:\n{exc}", EXIT_USAGE)
    _over_the_crawl(settings, crawl_dir)
    for warning in dict.fromkeys(w for journey in settings.journeys for w in journey.warnings):
        echo(click.style("warning: ", fg="yellow", bold=True) + flat(warning), err=True)
    post = prepare(formats=settings.formats, history_url=settings.history_url, baseline=settings.baseline,
                   trend_runs=settings.trend_runs)
    plan_shard(settings, params.get("shard"), post)  # --shard i/n: this job's part of the journeys
    plan_order(settings, post)  # workers: the longest journeys of the last runs first
    browser = remote_choice(settings.browser_ws, settings.browser_cdp)
    if browser is not None and settings.host_map:
        echo(click.style("warning: ", fg="yellow", bold=True)
             + "host_map is not applied to a remote browser: set --host-resolver-rules where it is started", err=True)
    try:
        browser = browser or find_browser(settings.browser_path, headed=settings.headed)
    except BrowserNotFound as exc:
        fail(str(exc), EXIT_CANNOT_RUN)
    progress = TerminalProgress(verbose=verbose)
    try:
        result, out_dir = run_audit(
            settings, browser, progress, after=lambda r, runs, d: finish(post, r, runs, d),
            known=frozenset(post.baseline.fingerprints) if post.baseline is not None else frozenset(),
        )
    except AuditCannotRun as exc:
        progress.close()
        fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        progress.close()
        click.echo("\ninterrupted: finished journeys are saved in the report folder.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    finally:
        progress.close()
        post.close()
    print_summary(result, out_dir / "report.html")
    print_post(post, result)
    sys.exit(exit_code(result))


def _over_the_crawl(settings, crawl_dir: str | None) -> None:
    """for_each journeys: one variant per product of the crawl in ``crawl_dir`` (usage error without one)."""
    from journeyaudit.spec import for_each

    if not for_each.needs_products(settings.journeys):
        return
    if not crawl_dir:
        names = ", ".join(j.id for j in settings.journeys if j.for_each)
        fail(f"{names}: for_each needs a crawl: run `journeyaudit crawl ... --out DIR` first, then `run ... --crawl DIR`",
             EXIT_USAGE)
    from journeyaudit.crawl.products import CrawlNotFound, journey_products, read_crawl

    try:
        products = journey_products(read_crawl(crawl_dir))
    except CrawlNotFound as exc:
        fail(str(exc), EXIT_USAGE)
    settings.journeys = for_each.expand_all(settings.journeys, products)
    if not settings.journeys:
        fail(f"no crawled product in {crawl_dir} matches the journeys' for_each", EXIT_USAGE)
