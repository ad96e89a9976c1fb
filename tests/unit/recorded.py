"""Load the demo shop's recorded traces (tests/fixtures/traces/<journey-id>/) for rule tests."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from journeyaudit.history import store
from journeyaudit.model import Run

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "traces"

JOURNEYS = (
    "happy-path",
    "server-error",
    "late-fee",
    "stock-out",
    "payment-refused",
    "generic-error",
    "slow-step",
    "console-error",
    "js-exception",
    "failing-request",
    "price-mismatch",
    "no-order-number",
)


@lru_cache(maxsize=None)
def _load(journey_id: str) -> Run:
    path = FIXTURES / journey_id
    if not (path / store.TRACE_FILE).is_file():
        raise FileNotFoundError(f"no recorded fixture {journey_id!r}: run `make fixtures`")
    return store.load_run(path)


def recorded(journey_id: str) -> Run:
    """A journey recorded from the demo shop by scripts/record_fixtures.py (a fresh copy: rules must not mutate it)."""
    import copy

    return copy.deepcopy(_load(journey_id))


SHOP_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "shops"


@lru_cache(maxsize=None)
def _load_shop(shop: str, journey_id: str) -> Run:
    return store.load_run(SHOP_FIXTURES / shop / journey_id)


def shop_recorded(shop: str, journey_id: str) -> Run:
    """A journey recorded from a real shop of the corpus (tests/fixtures/shops/<shop>/), a fresh copy."""
    import copy

    return copy.deepcopy(_load_shop(shop, journey_id))


# --------------------------------------------------------------------------
# Hand-made traces, for markup the demo shop does not have
# --------------------------------------------------------------------------


def step(index: int, role: str, text: str = "", *, name: str = "", html: str = "", status: str = "passed", **kwargs):
    """A StepRecord as the recorder would write it (visible text, HTML snapshot, ...)."""
    from journeyaudit.model import StepRecord

    return StepRecord(index=index, name=name or role.title(), role=role, status=status,
                      visible_text=text, html=html, **kwargs)


def run(*steps, journey_id: str = "hand-made") -> Run:
    return Run(journey_id, journey_id, f"{journey_id}.yaml", "https://shop.example", steps=list(steps))


def findings(code: str, trace: Run, **options):
    """The findings of one rule on one run, through the judge (options merged with the defaults)."""
    from journeyaudit.judge.engine import RuleSettings, judge

    found, outcomes = judge([trace], RuleSettings(select=[code], options={code: options} if options else {}))
    errors = [o.detail for o in outcomes if o.status == "error"]
    assert not errors, errors
    return found


# The codes of JA102, JA103, JA201, JA202, JA301 and JA302 each recorded demo journey must
# produce (exactly: these rules must stay silent where a code is not listed).
MY_CODES = frozenset({"JA102", "JA103", "JA201", "JA202", "JA301", "JA302"})
EXPECTED = {
    "happy-path": set(),
    "server-error": {"JA302"},
    "late-fee": {"JA201"},
    "stock-out": {"JA301"},
    "payment-refused": {"JA102", "JA302"},
    "generic-error": {"JA302"},
    "slow-step": set(),
    "console-error": set(),
    "js-exception": set(),
    "failing-request": set(),
    "price-mismatch": {"JA202"},
    "no-order-number": {"JA103"},
}
