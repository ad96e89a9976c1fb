"""The history tests of tests/unit/test_history.py, on a real PostgreSQL server.

A throwaway server is started for this module when PostgreSQL's binaries are
installed (``scripts/ensure_postgres.sh`` installs them where it can): ``initdb``
into a temporary folder, ``pg_ctl start`` listening on 127.0.0.1 and a free port,
and stopped at the end. PostgreSQL refuses to run as root, so as root the server
runs as the unprivileged user ``nobody``. Each test gets a database of its own.
Without the binaries the module is skipped with the reason.
"""

from __future__ import annotations

import glob
import importlib.util
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

SKIP_REASON = "PostgreSQL is not installed (apt-get install postgresql): history on PostgreSQL not tested"
SUPERUSER = "journeyaudit"


def _load_unit_tests():
    path = Path(__file__).resolve().parents[1] / "unit" / "test_history.py"
    spec = importlib.util.spec_from_file_location("journeyaudit_unit_test_history", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


_unit = _load_unit_tests()

# The same tests, collected here: they take `history_url` from this module's fixture.
test_record_and_read_back = _unit.test_record_and_read_back
test_second_run_shows_fixed_new_still_open_and_timing_changes = (
    _unit.test_second_run_shows_fixed_new_still_open_and_timing_changes
)
test_previous_is_the_latest_earlier_run_of_the_same_audit = _unit.test_previous_is_the_latest_earlier_run_of_the_same_audit
test_runs_newest_first_with_limit_and_audit_filter = _unit.test_runs_newest_first_with_limit_and_audit_filter
test_trend_is_oldest_first = _unit.test_trend_is_oldest_first
test_timings_come_from_saved_traces_without_runs = _unit.test_timings_come_from_saved_traces_without_runs
test_suppressed_findings_are_stored = _unit.test_suppressed_findings_are_stored
test_data_survives_reopening = _unit.test_data_survives_reopening
test_format_runs_for_the_history_command = _unit.test_format_runs_for_the_history_command
history = _unit.history  # the fixture that opens History(history_url)


def _load_postrun_tests():
    path = Path(__file__).resolve().parents[1] / "unit" / "test_postrun.py"
    spec = importlib.util.spec_from_file_location("journeyaudit_unit_test_postrun", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


# After a real run: the fixed finding and the trend, through postrun.finish, on PostgreSQL.
test_second_run_shows_the_fixed_finding_and_a_two_point_trend = (
    _load_postrun_tests().test_second_run_shows_the_fixed_finding_and_a_two_point_trend
)


def _postgres_bin() -> Path | None:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in Path(p).parts[-3].split(".")],
    )
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found and (Path(found).parent / "pg_ctl").exists() else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Server:
    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="journeyaudit-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = _free_port()
        self.prefix: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL will not run as root
            user = pwd.getpwnam("nobody")
            os.chown(self.root, user.pw_uid, user.pw_gid)
            runner = shutil.which("runuser") or shutil.which("setpriv")
            if runner is None:
                pytest.skip("PostgreSQL is installed, but neither runuser nor setpriv is there to run it as 'nobody'")
            if runner.endswith("runuser"):
                self.prefix = [runner, "-u", "nobody", "--"]
            else:
                self.prefix = [runner, f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]

    def _run(self, *args: str, timeout: float = 120) -> None:
        command = [*self.prefix, *args]
        done = subprocess.run(command, cwd=self.root, capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "LC_ALL": "C", "HOME": str(self.root)})
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}{log}")

    def start(self) -> None:
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "--auth=trust",
                  "--encoding=UTF8", "--no-sync")
        options = f"-h 127.0.0.1 -p {self.port} -k {self.root} -F"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w",
                  "-t", "60", "start")

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=60)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str, driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://{SUPERUSER}:not-needed@127.0.0.1:{self.port}/{database}"


@pytest.fixture(scope="module")
def postgres():
    bindir = _postgres_bin()
    if bindir is None or not (bindir / "pg_ctl").exists():
        pytest.skip(SKIP_REASON)
    server = _Server(bindir)
    try:
        server.start()
    except Exception:
        server.stop()
        raise
    try:
        yield server
    finally:
        server.stop()


_numbers = itertools.count(1)


@pytest.fixture
def history_url(postgres) -> str:
    """A fresh database per test; given as ``postgresql://`` to check the rewrite to psycopg."""
    import psycopg

    name = f"history_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(postgres.url("postgres", "postgresql"), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return postgres.url(name, "postgresql")


def test_the_server_is_postgresql(history_url):
    from sqlalchemy import text

    from journeyaudit.history.database import History

    with History(history_url) as opened:
        assert opened.url.drivername == "postgresql+psycopg"
        with opened.engine.connect() as connection:
            assert "PostgreSQL" in connection.execute(text("select version()")).scalar_one()
        assert "not-needed" not in repr(opened)


def test_a_missing_database_is_a_clear_error(postgres):
    from journeyaudit.history.database import History, HistoryError

    url = postgres.url("no_such_database", "postgresql")
    with pytest.raises(HistoryError) as info:
        History(url)
    message = str(info.value)
    assert "no_such_database" in message and "does not exist" in message
    assert "not-needed" not in message and "***" in message
