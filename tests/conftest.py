"""Shared test helpers (recorded demo-shop traces for the rules' unit tests) and the xdist schedule."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from journeyaudit.history import store
from journeyaudit.model import Run

FIXTURES = Path(__file__).parent / "fixtures" / "traces"

# The Ctrl-C tests send SIGINT to the commands they start. A shell without job control starts a
# background job (`make test &` in a script) with SIGINT ignored, and an ignored signal stays ignored
# across exec: the commands would never see it (Python leaves an inherited SIG_IGN alone). Tests
# and their commands get the usual disposition back; a handler, unlike SIG_IGN, is reset by exec.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def recorded(journey_id: str) -> Run:
    """A journey recorded from the demo shop by scripts/record_fixtures.py."""
    path = FIXTURES / journey_id
    if not (path / store.TRACE_FILE).is_file():
        raise FileNotFoundError(f"no recorded fixture {journey_id!r}: run `make fixtures`")
    return store.load_run(path)


@pytest.fixture
def happy_path() -> Run:
    return recorded("happy-path")


# --------------------------------------------------------------------------
# pytest-xdist: `make test` runs `-n 3 --dist loadscope`
# --------------------------------------------------------------------------

E2E = "tests/e2e/"
#: Seconds each end-to-end module took on one worker of `make test` (two cores, 2026-12-06, headless
#: shell), so the longest start first and no long module is left for the end while the other workers idle.
#: A module not listed counts as E2E_DEFAULT_S; a unit test file as UNIT_TEST_S per test.
E2E_MODULE_S: dict[str, float] = {
    "test_demo_audit.py": 175, "test_probe_runs.py": 85, "test_crawl_catalogue.py": 80, "test_shards.py": 73,
    "test_retries.py": 71, "test_run_failures.py": 57, "test_workers.py": 46, "test_request_steps.py": 44,
    "test_storefront_lab.py": 43, "test_mail.py": 43, "test_report_history.py": 37, "test_recheck.py": 36,
    "test_remote_browser.py": 35, "test_security_recording.py": 30, "test_security_faults.py": 26,
    "test_crawl_buy.py": 23, "test_playwright_trace.py": 22, "test_crawl_shared_queue.py": 20, "test_login_once.py": 19,
}
E2E_DEFAULT_S = 15.0
UNIT_TEST_S = 0.05


def expected_seconds(scope: str, tests: int) -> float:
    if scope.startswith(E2E):
        return E2E_MODULE_S.get(scope.removeprefix(E2E), E2E_DEFAULT_S)
    return tests * UNIT_TEST_S


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`--dist loadscope`: whole modules to a worker, the longest first (see ModuleScheduling)."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):
        """Every module runs on one worker, and the modules expected to take longest start first.

        Its module-scoped fixtures (the demo audit, the shards' and probes' audits, a demo shop) then run
        once, not once per worker, and the tests that send signals to or kill the processes they started
        (test_run_failures, test_security_faults, ...) never share a worker with their own module's other
        audits. (xdist's own loadgroup cannot do it on pytest 9.2: pytest-xdist issue #1386.)
        """

        def _split_scope(self, nodeid: str) -> str:
            return nodeid.split("::", 1)[0]

        def _assign_work_unit(self, node) -> None:
            longest = max(self.workqueue, key=lambda scope: expected_seconds(scope, len(self.workqueue[scope])))
            self.workqueue.move_to_end(longest, last=False)
            super()._assign_work_unit(node)

    return ModuleScheduling(config, log)
