"""``journeyaudit crawl``: discover the catalogue, check every product (JA8xx), write result.json.

Its own module so the command line stays split by command; listed in cli/main.py's COMMANDS.
"""

from __future__ import annotations

import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from journeyaudit.cli.common import (
    EXIT_CANNOT_RUN,
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    FAIL_ON,
    FORMAT,
    formats_of,
)
from journeyaudit.cli.common import fail as _fail
from journeyaudit.model import SEVERITIES

RENDER = ("http", "browser")


@dataclass
class _Output:
    """Where and what the crawl writes: result.json and crawl.html always, CI formats when asked."""

    out: Path
    fail_on: str
    formats: list[str] = field(default_factory=list)
    profile: str | None = None  # the audit profile: SARIF and annotations point at it
    render: str = "http"
    buy: Any = None  # BuySettings: the add-to-cart probe after discovery (None: no probe)


def _profile(path: str | None) -> tuple[str | None, bool, dict[str, Any], list[str]]:
    """base_url, demo_shop, the ``crawl:`` section and ``formats`` of an audit profile; any problem is a located usage error."""
    from journeyaudit.cli.crawl_profile import read_profile

    if not path:
        return None, False, {}, []
    base_url, demo_shop, section, formats, errors = read_profile(path)
    if errors:
        _fail("\n".join(str(error) for error in errors), EXIT_USAGE)
    return base_url, demo_shop, section, formats


class _Progress:
    """One live line on a terminal (report/terminal.LiveLine, as `run`'s): pages, pages/s, products, findings so far."""

    def __init__(self, live=None) -> None:
        from journeyaudit.report.terminal import LiveLine

        self.findings = 0
        self.live = live if live is not None else LiveLine()
        self.last = 0.0

    def __call__(self, record, progress) -> None:
        from journeyaudit.rules.ja8xx_catalogue import check_catalogue

        self.findings += len(check_catalogue([record]))
        now = time.monotonic()
        if self.live.on and now - self.last > 0.2:
            self.last = now
            self.live.show(self.line(progress))

    def line(self, progress) -> str:
        return (
            f"crawl: {progress.pages} pages ({progress.pages_per_second:.0f}/s), "
            f"{progress.products} products, {self.findings} findings"
        )


@click.command("crawl")
@click.argument("profile", required=False, type=click.Path(dir_okay=False, exists=True))
@click.option("--base-url", metavar="URL", help="Shop to crawl (overrides the profile's base_url).")
@click.option("--demo-shop", is_flag=True, help="Start the built-in demo shop (its catalogue) and crawl it.")
@click.option("--out", metavar="DIR", default="reports/crawl", show_default=True, help="Folder for result.json.")
@click.option("--max-pages", type=int, help="Stop after this many pages [default: 2000].")
@click.option("--max-depth", type=int, help="Follow links this many levels from the start [default: 5].")
@click.option("--include", multiple=True, metavar="GLOB", help="Only crawl URLs matching (repeatable).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Never crawl URLs matching (repeatable).")
@click.option("--ignore-robots", is_flag=True, help="Do not respect robots.txt (only on your own shop).")
@click.option("--render", type=click.Choice(RENDER), default=None,
              help="http: read the HTML as served (fast); browser: read the page Chromium renders, for product pages "
                   "drawn by scripts [default: the profile's crawl.render, else http].")
@click.option("--fail-on", type=FAIL_ON, default="high", show_default=True, help="Lowest severity that exits 1.")
@click.option("--per-host-concurrency", type=click.IntRange(min=1), metavar="N",
              help="At most N requests in flight to one host (per process) [default: autoscaled, up to 32].")
@click.option("--delay-ms", type=click.IntRange(min=0), metavar="MS",
              help="At least MS milliseconds between two requests to one host (robots.txt's Crawl-delay if longer).")
@click.option("--queue", metavar="URL",
              help="Share the request queue with other crawl processes through Redis (redis://host:6379/0).")
@click.option("--queue-name", metavar="NAME", help="The shared queue's name [default: journeyaudit-<shop host>-<port>].")
@click.option("--merge", "merge", multiple=True, type=click.Path(exists=True), metavar="DIR",
              help="Join the result.json in DIR (repeatable) of crawls that shared a --queue into one, in --out.")
@click.option("--resume", is_flag=True,
              help="Continue the crawl that Ctrl-C or SIGTERM stopped in --out; pages already read are not fetched again.")
@click.option("--format", "formats", multiple=True, type=FORMAT, metavar="NAME",
              help="Also write this format with the crawl's findings: junit, sarif, github, gitlab (repeatable).")
@click.option("--buy", "buy", type=click.IntRange(min=0), metavar="N",
              help="After the crawl, put N products per category in the cart in Chromium and check the cart takes "
                   "them at the page's price (JA301, JA808); 0 turns the profile's crawl.buy off.")
@click.option("--buy-per", type=click.Choice(("category", "template", "all")), default=None,
              help="Sample --buy N per category, per page template or over all products [default: category].")
@click.option("--explain", metavar="CODE", help="Print a JA8xx rule's documentation (or 'all' for the list) and exit.")
def crawl(profile, base_url, demo_shop, out, max_pages, max_depth, include, exclude, ignore_robots, fail_on,
          per_host_concurrency, delay_ms, queue, queue_name, merge, resume, formats, render, buy, buy_per,
          explain) -> None:
    """Discover the shop's catalogue and check what each product claims (JA8xx).

    \b
    journeyaudit crawl --base-url https://shop.example --out reports/crawl
    journeyaudit crawl audits/shop.yaml          (base_url and the crawl: section)
    journeyaudit crawl --demo-shop --fail-on none  (the built-in demo catalogue)

    Globs for --include/--exclude match the whole URL: 'http*://shop.example/catalogue/**'.
    Ctrl-C (or SIGTERM) stops it and writes what was found so far; `--resume` with the
    same --out and shop continues where it stopped.

    \b
    Several processes, on one machine or several, share one crawl through Redis:
    journeyaudit crawl --base-url https://shop.example --queue redis://10.0.0.5:6379/0 --out reports/crawl-a
    journeyaudit crawl --base-url https://shop.example --queue redis://10.0.0.5:6379/0 --out reports/crawl-b
    Each fetches what the other has not, and writes the pages it fetched; then
    journeyaudit crawl --merge reports/crawl-a --merge reports/crawl-b --out reports/crawl
    joins them into one result (docs/crawl.md).

    \b
    Buy what it found: --buy 5 puts 5 products per category in the cart, in Chromium, and
    reports a product the cart refuses while its page says in stock (JA301) or charges
    another price (JA808); crawl: buy: {sample: 20, per: category} in a profile does the same.

    Exit codes: 0 clean, 1 a finding at or above --fail-on, 2 usage, 3 nothing could be fetched,
    130 stopped before the end.
    """
    if explain:
        _explain(explain)
        return
    from journeyaudit.crawl.discovery import CrawlSettings

    profile_url, profile_demo, section, profile_formats = _profile(profile)
    output = _Output(Path(out), fail_on, formats_of(formats) or profile_formats, profile)
    if merge:
        _merge(merge, output)
    base_url = base_url or profile_url
    section = dict(section)
    output.buy = _buy_settings(section.pop("buy", None), buy, buy_per)
    settings = CrawlSettings(**section)
    for name, value in (("max_pages", max_pages), ("max_depth", max_depth), ("per_host_concurrency", per_host_concurrency),
                        ("delay_ms", delay_ms), ("queue", queue), ("queue_name", queue_name)):
        if value is not None:
            setattr(settings, name, value)
    settings.include += list(include)
    settings.exclude += list(exclude)
    settings.respect_robots = settings.respect_robots and not ignore_robots
    _check_queue(settings, resume)
    _browser(settings, render)
    if not base_url and (demo_shop or profile_demo):
        from journeyaudit.demo import DemoShop

        if resume:
            _fail("--resume needs the shop of the stopped crawl; the demo shop starts on a new port each time", EXIT_USAGE)
        output.render = settings.render
        with DemoShop(host="127.0.0.1", port=0) as shop:
            _crawl(shop.url, settings, output, resume=False)
    if not base_url:
        _fail("crawl needs --base-url, --demo-shop or a profile with base_url or demo_shop: true", EXIT_USAGE)
    output.render = settings.render
    _crawl(base_url, settings, output, resume=resume)


def _merge(folders, output: _Output) -> None:
    """``--merge``: one result of the crawls that shared a queue, checked as one crawl; exits like a crawl."""
    from journeyaudit.crawl.merge import MergeError, merge_results, read_result
    from journeyaudit.rules.ja8xx_catalogue import check_catalogue

    try:
        base_url, outcome = merge_results([read_result(Path(folder)) for folder in folders])
    except MergeError as exc:
        _fail(str(exc), EXIT_USAGE)
    findings = check_catalogue(outcome.pages)
    written = _write(output, base_url, outcome, findings)
    products = sum(page.is_product for page in outcome.pages)
    click.echo(f"Joined {len(folders)} crawls: {len(outcome.pages)} pages, {products} products, {len(findings)} findings.")
    _report(findings, written)
    sys.exit(_exit(findings, output.fail_on))


def _report(findings, written: list[Path]) -> None:
    for finding in findings:
        click.echo(f"  {finding.code} {finding.severity:<6} {_flat(finding.message)}")
    click.echo(f"Result: {written[0]}")
    for path in written[1:]:
        click.echo(f"Wrote {_flat(str(path))}")


def _check_queue(settings, resume: bool) -> None:
    from journeyaudit.crawl.shared_queue import check_name, check_url

    if settings.queue_name and (problem := check_name(settings.queue_name)):
        _fail(f"--queue-name: {problem}", EXIT_USAGE)
    if not settings.queue:
        return
    if problem := check_url(settings.queue):
        _fail(f"--queue: {problem}", EXIT_USAGE)
    if resume:
        _fail("--resume is for a crawl of one process; a shared queue keeps its progress in Redis: "
              "run the same command again (without --resume) to rejoin it", EXIT_USAGE)


def _browser(settings, render: str | None) -> None:
    """Browser mode: check the render mode and find the Chromium the journeys use (exit 3 when there is none)."""
    settings.render = render or settings.render
    if settings.render not in RENDER:
        _fail(f"crawl: render must be one of {', '.join(RENDER)}, not {settings.render!r}", EXIT_USAGE)
    if settings.render == "browser":
        from journeyaudit.gather.browser import BrowserNotFound, find_browser

        try:
            settings.browser_executable = find_browser().executable
        except BrowserNotFound as exc:
            _fail(str(exc), EXIT_CANNOT_RUN)


def _crawl(base_url: str, settings, output: _Output, *, resume: bool) -> None:
    """Crawl ``base_url`` with ``settings`` (the profile's section and the options); exits with the crawl's exit code."""
    from journeyaudit.crawl.discovery import run_crawl
    from journeyaudit.crawl.shared_queue import SharedQueueError
    from journeyaudit.rules.ja8xx_catalogue import check_catalogue
    from journeyaudit.spec.profile import masked_url

    state = _state(output.out, base_url, resume)
    progress = _Progress()
    try:
        outcome = run_crawl(base_url, settings, on_page=progress, state=state)
    except SharedQueueError as exc:
        progress.live.clear()
        _fail(str(exc), EXIT_CANNOT_RUN)
    progress.live.clear()  # the summary below says it all
    products = [page for page in outcome.pages if page.is_product]
    if not outcome.pages or all(page.status == 0 for page in outcome.pages):
        _fail(f"nothing could be fetched from {masked_url(base_url)}", EXIT_CANNOT_RUN)
    bought = _buy(base_url, outcome, output.buy) if output.buy is not None and not outcome.interrupted else None
    findings = check_catalogue(outcome.pages)
    written = _write(output, base_url, outcome, findings, bought)
    earlier = f" (and {outcome.resumed} read before the stop)" if outcome.resumed else ""
    click.echo(
        f"Crawled {len(outcome.pages) - outcome.resumed} pages in {outcome.seconds:.1f} s{earlier}: "
        f"{len(products)} products, {len(findings)} findings."
    )
    _report(findings, written)
    if outcome.interrupted:
        click.echo(f"Stopped before the end: `journeyaudit crawl ... --out {output.out} --resume` continues.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(_exit(findings, output.fail_on))


def _state(out: Path, base_url: str, resume: bool):
    """Where the crawl keeps its queue and pages (crawl/state.py); a resume must be of the same shop."""
    from journeyaudit.crawl.state import CrawlState
    from journeyaudit.history.store import Redactor

    if resume:
        if not CrawlState.exists(out):
            _fail(f"nothing to resume in {out}: no stopped crawl there", EXIT_USAGE)
        started = CrawlState(out, resume=True).load()[2].get("base_url")  # stored redacted, as every file
        if started and started.rstrip("/") != Redactor().text(base_url).rstrip("/"):
            _fail(f"the stopped crawl in {out} was of {started}; resume it with the same shop", EXIT_USAGE)
    try:
        return CrawlState(out, resume=resume)
    except OSError as exc:
        _fail(f"cannot write the crawl's state in {out}: {exc.strerror or exc}", EXIT_CANNOT_RUN)


def _flat(text: str) -> str:
    """Page text on one terminal line: no escape sequences, no control characters."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f]+", " ", click.unstyle(text))


def _explain(code: str) -> None:
    from journeyaudit.rules.ja8xx_catalogue import catalogue_rules, get_catalogue_rule

    if code.lower() == "all":
        for info in catalogue_rules():
            click.echo(f"{info.code}  {info.slug:<28} {info.severity:<7} {info.title}")
        return
    info = get_catalogue_rule(code)
    if info is None:
        _fail(f"no catalogue rule {code!r} (try --explain all)", EXIT_USAGE)
    click.echo(f"{info.code} {info.slug} ({info.severity}): {info.title}\n\n{info.doc}")


def _exit(findings, fail_on: str) -> int:
    if fail_on == "none":
        return EXIT_OK
    floor = SEVERITIES.index(fail_on.lower())
    return EXIT_FINDINGS if any(SEVERITIES.index(f.severity) >= floor for f in findings) else EXIT_OK


def _buy_settings(value, buy: int | None, per: str | None):
    """The probe's settings: the profile's ``buy:``, then ``--buy N`` (0: off) and ``--buy-per``."""
    from journeyaudit.cli.crawl_profile import buy_settings
    from journeyaudit.crawl.buy_sample import BuySettings

    settings = buy_settings(value)
    if buy == 0:
        return None
    if buy is not None or per is not None:
        settings = settings or BuySettings()
        settings.sample = buy if buy is not None else settings.sample
        settings.per = per or settings.per
    return settings


def _buy(base_url: str, outcome, settings):
    """Run the add-to-cart probe on the crawl's products (exit 3 when there is no Chromium)."""
    from journeyaudit.crawl.buy import buy_products
    from journeyaudit.gather.browser import BrowserNotFound, find_browser

    try:
        choice = find_browser()
    except BrowserNotFound as exc:
        _fail(str(exc), EXIT_CANNOT_RUN)
    from journeyaudit.report.terminal import LiveLine

    live = LiveLine()
    done = [0]

    def tick(page) -> None:
        done[0] += 1
        live.show(f"buy: {done[0]} products in the cart")

    try:
        summary = buy_products(outcome.pages, settings, base_url=base_url, choice=choice, on_product=tick)
    finally:
        live.clear()
    click.echo(f"Bought {summary.products} products in {summary.seconds:.1f} s "
               f"({'all' if settings.sample is None else settings.sample} per {settings.per}).")
    return summary


def _write(output: _Output, base_url: str, outcome, findings, bought=None) -> list[Path]:
    """result.json, crawl.html and the CI formats asked for, all from the same redacted data."""
    from journeyaudit.crawl.result import as_result, crawl_result
    from journeyaudit.history.store import Redactor, atomic_write_text
    from journeyaudit.report.crawl_html import write_crawl_html

    out = output.out
    out.mkdir(parents=True, exist_ok=True)
    data = crawl_result(base_url, outcome, findings, fail_on=output.fail_on, render=output.render, buy=bought)
    data = Redactor().data(data)  # a base URL's password and credential parameters in page URLs: masked
    path = atomic_write_text(out / "result.json", json.dumps(data, indent=2, ensure_ascii=False))
    written = [path, write_crawl_html(data, out / "crawl.html")]
    extra = [name for name in dict.fromkeys(output.formats) if name not in ("html", "json")]
    if extra:
        from journeyaudit.report.formats import write_format
        from journeyaudit.rules.ja8xx_catalogue import catalogue_rules
        from journeyaudit.rules.registry import all_rules

        result = as_result(data, profile_path=output.profile or "")
        for name in extra:
            written += write_format(name, result, {}, out, rules=[*all_rules(), *catalogue_rules()], root=Path.cwd())
    return written

