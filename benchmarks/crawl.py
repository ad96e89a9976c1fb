"""Crawl speed: product pages per second on the demo catalogue, and peak memory.

``.venv/bin/python benchmarks/crawl.py [--runs N] [--render browser] [--max-pages N]`` serves the demo shop in its own process (so
the shop's threads do not share the crawler's interpreter), crawls it with the checks on, and
prints pages/s, product pages/s and the crawler's peak resident memory. Asserts nothing: the goal
(issue #12: at least 50 product pages/s on 2 cores over HTTP, 3 in browser mode) is tracked in
benchmarks/README.md. Browser mode runs Chromium (its CPU is not in the crawler's CPU time).

``--memory`` grows the demo catalogue to 5,400 products (``JOURNEYAUDIT_DEMO_CATALOGUE_SIZE``), then
crawls 1,000 and 5,000 pages of it, each in a fresh process, and prints each crawl's peak resident
memory and the growth between them against the issue's budget (less than 20%).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import time
import urllib.request

from journeyaudit.crawl.discovery import CrawlSettings, run_crawl
from journeyaudit.rules.ja8xx_catalogue import check_catalogue

BUDGET = {"http": 50, "browser": 3}  # product pages per second on 2 cores (issue #12)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


MEMORY_CATALOGUE = 5400  # products: with its listing pages, more than 5,000 pages
MEMORY_BUDGET = 0.20  # issue #12: peak RSS grows by less than 20% between 1,000 and 5,000 pages


def _serve(catalogue: int | None = None) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = dict(os.environ, **({"JOURNEYAUDIT_DEMO_CATALOGUE_SIZE": str(catalogue)} if catalogue else {}))
    shop = subprocess.Popen([sys.executable, "-m", "journeyaudit.demo", "--port", str(port)], stdout=subprocess.DEVNULL,
                            env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1).read()
            return shop, url
        except OSError:
            time.sleep(0.1)
    shop.kill()
    raise SystemExit("the demo shop did not start")


def _one_crawl(url: str, max_pages: int) -> None:
    """Child process of --memory: one crawl, then its figures as one JSON line."""
    from journeyaudit.crawl.discovery import CrawlSettings

    start = time.monotonic()
    outcome = run_crawl(url, CrawlSettings(max_pages=max_pages))
    findings = check_catalogue(outcome.pages)
    print(json.dumps({
        "pages": len(outcome.pages), "products": sum(p.is_product for p in outcome.pages), "findings": len(findings),
        "seconds": time.monotonic() - start, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


def _memory() -> None:
    """Peak RSS of a 1,000-page and a 5,000-page crawl, each in its own process, and the growth between them."""
    shop, url = _serve(MEMORY_CATALOGUE)
    try:
        peaks = {}
        for pages in (1000, 5000):
            done = subprocess.run([sys.executable, __file__, "--one-crawl", url, "--max-pages", str(pages)],
                                  capture_output=True, text=True, check=True)
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            peaks[pages] = figures["peak_mb"]
            print(f"{figures['pages']} pages ({figures['products']} products, {figures['findings']} findings) in "
                  f"{figures['seconds']:.0f} s ({figures['pages'] / figures['seconds']:.0f} pages/s): "
                  f"peak RSS {figures['peak_mb']:.0f} MB")
        growth = peaks[5000] / peaks[1000] - 1
        verdict = "within" if growth < MEMORY_BUDGET else "OVER"
        print(f"growth 1,000 -> 5,000 pages: {growth:+.1%} ({verdict} the budget of {MEMORY_BUDGET:.0%})")
        print(f"cores: {os.cpu_count()}, load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    finally:
        shop.terminate()
        shop.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--memory", action="store_true", help="peak RSS over 1,000 and 5,000 pages (a grown catalogue)")
    parser.add_argument("--one-crawl", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--render", choices=("http", "browser"), default="http")
    parser.add_argument("--max-pages", type=int, default=2000)
    args = parser.parse_args()
    if args.one_crawl:
        _one_crawl(args.one_crawl, args.max_pages)
        return
    if args.memory:
        _memory()
        return
    settings = CrawlSettings(render=args.render, max_pages=args.max_pages)
    if args.render == "browser":
        from journeyaudit.gather.browser import find_browser

        settings.browser_executable = find_browser().executable
    budget = BUDGET[args.render]
    shop, url = _serve()
    try:
        for n in range(1, args.runs + 1):
            start, cpu_start = time.monotonic(), time.process_time()
            outcome = run_crawl(url, settings)
            findings = check_catalogue(outcome.pages)
            seconds, cpu = time.monotonic() - start, time.process_time() - cpu_start
            products = sum(page.is_product for page in outcome.pages)
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"run {n}: {len(outcome.pages)} pages, {products} products, {len(findings)} findings in {seconds:.1f} s: "
                f"{len(outcome.pages) / seconds:.0f} pages/s, {products / seconds:.0f} product pages/s, "
                f"crawler CPU {cpu:.1f} s ({products / cpu:.0f} product pages per CPU second), peak RSS {peak_mb:.0f} MB"
            )
            verdict = "meets" if products / seconds >= budget else "BELOW"
            print(f"  {args.render}: {products / seconds:.1f} product pages/s {verdict} the budget of {budget}/s on 2 cores")
        print(f"cores: {os.cpu_count()}, load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    finally:
        shop.terminate()
        shop.wait(timeout=10)


if __name__ == "__main__":
    main()
