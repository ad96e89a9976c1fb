"""Shared test helpers: recorded demo-shop traces for the rules' unit tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeyaudit.history import store
from journeyaudit.model import Run

FIXTURES = Path(__file__).parent / "fixtures" / "traces"


def recorded(journey_id: str) -> Run:
    """A journey recorded from the demo shop by scripts/record_fixtures.py."""
    path = FIXTURES / journey_id
    if not (path / store.TRACE_FILE).is_file():
        raise FileNotFoundError(f"no recorded fixture {journey_id!r}: run `make fixtures`")
    return store.load_run(path)


@pytest.fixture
def happy_path() -> Run:
    return recorded("happy-path")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`make test`: -n 2 --dist loadgroup) every end-to-end module runs on one worker.

    Its module-scoped fixtures (the 44-journey demo audit, the shards' and probes' audits, a demo shop)
    then run once, not once per worker, and the tests that send signals to or kill the processes they
    started (test_run_failures, test_security_faults, ...) never share a worker with their own module's
    other audits. Unit tests have no group: xdist hands them out one by one. A test that already names
    an xdist_group keeps it.
    """
    for item in items:
        if item.get_closest_marker("e2e") and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(name=item.nodeid.split("::", 1)[0]))
