"""A for_each journey over a real crawl of the demo catalogue: one variant per sampled product, in Chromium."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from journeyaudit.demo.shop import DemoShop

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(400)]
ROOT = Path(__file__).resolve().parents[2]


def test_a_for_each_journey_runs_one_variant_per_product(tmp_path):
    with DemoShop() as shop:
        scope = []
        for glob in ("/", "/catalogue", "/catalogue/kettles*", "/catalogue/p/kettles-*"):
            scope += ["--include", shop.url + glob]
        crawled = subprocess.run([sys.executable, "-m", "journeyaudit.cli", "crawl", "--base-url", shop.url, *scope,
                                  "--out", str(tmp_path / "crawl"), "--fail-on", "none"], capture_output=True, text=True, timeout=200)
        assert crawled.returncode == 0, crawled.stderr[-2000:]
        done = subprocess.run([sys.executable, "-m", "journeyaudit.cli", "run", str(ROOT / "journeys/demo-crawl/add-each-to-cart.yaml"),
                               "--base-url", shop.url, "--crawl", str(tmp_path / "crawl"), "--no-history",
                               "--out", str(tmp_path / "runs")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    result = json.loads(next((tmp_path / "runs").glob("*/result.json")).read_text())
    ids = [run["journey_id"] for run in result["runs"]]
    assert len(ids) == 3 and all(i.startswith("add-each-to-cart[kettles-") for i in ids)
    assert all(run["status"] == "passed" and run["variant"]["of"] == "add-each-to-cart" for run in result["runs"])
