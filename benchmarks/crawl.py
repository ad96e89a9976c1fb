"""Crawl speed: product pages per second on the demo catalogue, and peak memory.

``.venv/bin/python benchmarks/crawl.py [--runs N] [--render browser] [--max-pages N]`` serves the demo shop in its own process (so
the shop's threads do not share the crawler's interpreter), crawls it with the checks on, and
prints pages/s, product pages/s and the crawler's peak resident memory. Asserts nothing: the goal
(issue #12: at least 50 product pages/s on 2 cores over HTTP, 3 in browser mode) is tracked in
benchmarks/README.md. Browser mode runs Chromium (its CPU is not in the crawler's CPU time).
"""

from __future__ import annotations

import argparse
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


def _serve() -> tuple[subprocess.Popen, str]:
    port = _free_port()
    shop = subprocess.Popen([sys.executable, "-m", "journeyaudit.demo", "--port", str(port)], stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1).read()
            return shop, url
        except OSError:
            time.sleep(0.1)
    shop.kill()
    raise SystemExit("the demo shop did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--render", choices=("http", "browser"), default="http")
    parser.add_argument("--max-pages", type=int, default=2000)
    args = parser.parse_args()
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
