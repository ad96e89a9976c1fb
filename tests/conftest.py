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
