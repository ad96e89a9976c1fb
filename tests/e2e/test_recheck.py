"""After a refusal that names no cause, the recorder looks at the product page again (real Chromium, demo shop)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from journeyaudit.demo import DemoShop
from journeyaudit.history import store
from tests.e2e.profiles import without_axe

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "journeyaudit.cli.main"]


@pytest.fixture(scope="module")
def shop():
    with DemoShop() as running:
        yield running


def run(shop: DemoShop, journey: str, out: Path) -> tuple[store.Run, dict]:
    out.mkdir(parents=True)
    profile = without_axe(out, f"journeys/demo/{journey}.yaml", "recheck")
    done = subprocess.run(
        [*CLI, "run", str(profile), "--base-url", shop.url, "--out", str(out / "reports"), "--fail-on", "none",
         "--no-history"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    trace = next(out.rglob(store.TRACE_FILE))
    result = json.loads(next(out.rglob("result.json")).read_text(encoding="utf-8"))
    return store.load_run(trace.parent), result


def test_quiet_stock_out_is_explained_by_the_product_page_looked_at_again(shop, tmp_path):
    recorded, result = run(shop, "quiet-stock-out", tmp_path / "quiet")
    (again,) = recorded.rechecks
    assert again.role == "recheck" and again.index == 1 and "/product/aeropress-go" in again.url
    assert "Sold out" in again.visible_text and again.html  # the snapshot is kept in its own file
    assert (next(tmp_path.rglob(store.TRACE_FILE)).parent / again.html_file).is_file()
    stock = [f for f in result["findings"] if f["code"] == "JA301"]
    assert len(stock) == 1 and stock[0]["step"] == 7
    assert "looked at again, now says 'Sold out'" in stock[0]["message"]
    assert not [f for f in result["findings"] if f["code"] == "JA102"]  # a sold-out item, not a refused payment


def test_a_refusal_that_names_its_cause_needs_no_second_look(shop, tmp_path):
    recorded, result = run(shop, "stock-out", tmp_path / "named")
    assert recorded.rechecks == []
    assert any(f["code"] == "JA301" for f in result["findings"])
