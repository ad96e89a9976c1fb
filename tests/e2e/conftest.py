"""End-to-end tests drive whole audits in real Chromium: they get a longer time limit than unit tests.

They run one journey at a time (JOURNEYAUDIT_WORKERS=1, read by every `journeyaudit run` they
start), so their timings and outputs do not depend on the machine's cores; tests of the worker
pool (test_workers.py) and the demo audit (two workers, as `make demo`) say how many they want.

axe-core costs about a third of each demo journey's time: the demo audit, test_matrix and
test_page_recording test it; a module that tests something else across whole audits (shards,
workers, retries, probes, mail, login once, history, remote browsers, requests, rechecks, exit
codes) writes `accessibility: false` into its profile.
"""

from __future__ import annotations

import os

import pytest

E2E_TIMEOUT_S = 1800  # a module's shared audit (the demo audit: 42 journeys) runs inside its first test


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("e2e") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(E2E_TIMEOUT_S))


@pytest.fixture(scope="module", autouse=True)
def one_worker():
    """JOURNEYAUDIT_WORKERS=1 for the module, set before its shared audits start (module fixtures)."""
    before = os.environ.get("JOURNEYAUDIT_WORKERS")
    os.environ["JOURNEYAUDIT_WORKERS"] = "1"
    yield
    if before is None:
        os.environ.pop("JOURNEYAUDIT_WORKERS", None)
    else:
        os.environ["JOURNEYAUDIT_WORKERS"] = before
