"""End-to-end tests drive whole audits in real Chromium: they get a longer time limit than unit tests."""

from __future__ import annotations

import pytest

E2E_TIMEOUT_S = 1800  # a module's shared audit (the demo audit: 42 journeys) runs inside its first test


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("e2e") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(E2E_TIMEOUT_S))
