"""Run history: every audit's result in a database, for "what changed" and trends.

SQLite by default (``history.sqlite`` next to the report folders), or any database
SQLAlchemy speaks to by URL, for a team: ``postgresql://user:pass@host/db`` (run
through psycopg 3). Three tables, created on first use:

* ``journeyaudit_runs``: one row per audit run (audit, shop URL, start, duration,
  tool version, findings per severity, report path);
* ``journeyaudit_findings``: the run's findings by fingerprint, with what a person
  needs to recognise them (code, journey, step name, severity, message);
* ``journeyaudit_step_timings``: how long each step took.

The tables carry a ``journeyaudit_`` prefix so that a team's shared database can
hold them next to other applications' tables.

Every failure (unreachable server, unknown driver, a file that is not a database)
is a :class:`HistoryError` naming the URL, password masked, and the reason: a
caller can warn and carry on with the audit.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Double, ForeignKey, Index, Integer, String, Text, create_engine, select
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.pool import StaticPool

from journeyaudit.history.comparison import compare, step_timings, timings_now  # noqa: F401 (step_timings re-exported)
from journeyaudit.history.fingerprint import assign
from journeyaudit.model import SEVERITIES, Comparison, Result, Run, TrendPoint

HISTORY_FILE = "history.sqlite"


class HistoryError(Exception):
    """The history store could not be opened, read or written."""


def default_url(reports_dir: Path | str) -> str:
    """``sqlite:///<reports_dir>/history.sqlite`` (absolute path): the default store."""
    return "sqlite:///" + str(Path(reports_dir).expanduser().resolve() / HISTORY_FILE)


def mask_url(url: str | URL) -> str:
    """The URL as it may be shown: password replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not even parseable: mask by hand
        return re.sub(r"(://[^:/@\s]*:)[^@\s]*@", r"\1***@", str(url))


def database_url(url: str | URL) -> URL:
    """Parse, and send PostgreSQL through psycopg 3 (the driver we install)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


# --------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------


class Base(DeclarativeBase):
    pass


class RunRow(Base):
    __tablename__ = "journeyaudit_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    audit: Mapped[str] = mapped_column(String(200))
    base_url: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[float] = mapped_column(Double)
    duration_ms: Mapped[float] = mapped_column(Double, default=0.0)
    tool_version: Mapped[str] = mapped_column(String(50), default="")
    browser: Mapped[str] = mapped_column(String(200), default="")
    fail_on: Mapped[str] = mapped_column(String(16), default="")
    low: Mapped[int] = mapped_column(Integer, default=0)
    medium: Mapped[int] = mapped_column(Integer, default=0)
    high: Mapped[int] = mapped_column(Integer, default=0)
    critical: Mapped[int] = mapped_column(Integer, default=0)
    suppressed: Mapped[int] = mapped_column(Integer, default=0)
    failing: Mapped[int] = mapped_column(Integer, default=0)
    journeys: Mapped[int] = mapped_column(Integer, default=0)
    journeys_failed: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    report_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    recorded_at: Mapped[float] = mapped_column(Double, default=0.0)

    __table_args__ = (Index("ix_journeyaudit_runs_audit_started", "audit", "started_at"),)


class FindingRow(Base):
    __tablename__ = "journeyaudit_findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("journeyaudit_runs.id", ondelete="CASCADE"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    code: Mapped[str] = mapped_column(String(16))
    journey: Mapped[str] = mapped_column(String(200))
    step_name: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text, default="")
    suppressed: Mapped[bool] = mapped_column(Boolean, default=False)


class StepTimingRow(Base):
    __tablename__ = "journeyaudit_step_timings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("journeyaudit_runs.id", ondelete="CASCADE"), index=True)
    journey: Mapped[str] = mapped_column(String(200))
    step_name: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    duration_ms: Mapped[float] = mapped_column(Double)


class AttemptRow(Base):
    """A journey of a run that ran more than once (retries): how often, and whether it passed in the end (flaky).

    A table of its own, so that histories created before retries existed gain it when opened."""

    __tablename__ = "journeyaudit_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("journeyaudit_runs.id", ondelete="CASCADE"), index=True)
    journey: Mapped[str] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    flaky: Mapped[bool] = mapped_column(Boolean, default=False)


# --------------------------------------------------------------------------
# What callers get back
# --------------------------------------------------------------------------


@dataclass
class StoredFinding:
    fingerprint: str
    code: str
    journey: str
    step_name: str
    severity: str
    message: str
    suppressed: bool = False


@dataclass
class StoredRun:
    """One recorded audit run, with its findings and step timings."""

    id: int
    audit: str
    base_url: str
    started_at: float
    duration_ms: float
    tool_version: str = ""
    browser: str = ""
    fail_on: str = ""
    counts: dict[str, int] = field(default_factory=dict)  # severity -> findings, every severity present
    suppressed: int = 0
    failing: int = 0
    journeys: int = 0
    journeys_failed: int = 0
    errors: int = 0
    report_path: str | None = None
    findings: list[StoredFinding] = field(default_factory=list)
    timings: dict[tuple[str, str], float] = field(default_factory=dict)  # (journey, step name) -> ms
    attempts: dict[str, int] = field(default_factory=dict)  # journey -> attempts, for journeys run more than once
    flaky: list[str] = field(default_factory=list)  # journeys that failed, then passed on a retry

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def when(self) -> str:
        """Local start time, to the minute: ``2026-11-22 10:00``."""
        return _dt.datetime.fromtimestamp(self.started_at).strftime("%Y-%m-%d %H:%M")

    def label(self) -> str:
        """How a comparison names this run: ``last run (2026-11-22 10:00)``."""
        return f"last run ({self.when})"

    def trend_point(self) -> TrendPoint:
        return TrendPoint(
            started_at=self.started_at,
            findings=dict(self.counts),
            step_ms={f"{journey}/{step}": ms for (journey, step), ms in self.timings.items()},
        )


# --------------------------------------------------------------------------
# The store
# --------------------------------------------------------------------------


class History:
    """A history store at a SQLAlchemy URL; tables are created when it is opened.

    >>> history = History(default_url("reports"))          # doctest: +SKIP
    >>> run_id = history.record(result, "reports/2026-11-22-demo/report.html", runs=runs)
    >>> earlier = history.previous(result.audit, before=result.started_at)
    """

    def __init__(self, url: str | URL):
        self.display_url = mask_url(url)
        try:
            self.url = database_url(url)
        except (ArgumentError, ValueError) as exc:
            raise HistoryError(f"history {self.display_url}: not a database URL ({exc})") from exc
        self.engine = self._create_engine()
        with self._guard("could not be opened"):
            Base.metadata.create_all(self.engine)

    # -- opening -----------------------------------------------------------

    def _create_engine(self) -> Engine:
        url = self.url
        options: dict[str, Any] = {}
        backend = url.get_backend_name()
        if backend == "sqlite":
            database = url.database or ""
            if database and database != ":memory:" and not database.startswith("file:"):
                try:
                    Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise HistoryError(f"history {self.display_url}: cannot create the folder for {database}: {exc}") from exc
                options["connect_args"] = {"timeout": 30}
            else:  # in memory: one shared connection, or every session sees an empty database
                options["connect_args"] = {"check_same_thread": False}
                options["poolclass"] = StaticPool
        elif backend == "postgresql":
            options["connect_args"] = {"connect_timeout": 10}
            options["pool_pre_ping"] = True
        try:
            return create_engine(url, **options)
        except NoSuchModuleError as exc:
            raise HistoryError(f"history {self.display_url}: SQLAlchemy has no dialect for {url.drivername!r}") from exc
        except ImportError as exc:
            raise HistoryError(
                f"history {self.display_url}: the database driver is not installed ({exc}); "
                "PostgreSQL needs `pip install 'psycopg[binary]'`"
            ) from exc
        except (ArgumentError, SQLAlchemyError, ValueError, TypeError) as exc:
            raise HistoryError(f"history {self.display_url}: {exc}") from exc

    @contextmanager
    def _guard(self, doing: str) -> Iterator[None]:
        try:
            yield
        except HistoryError:
            raise
        except SQLAlchemyError as exc:
            raise HistoryError(f"history {self.display_url} {doing}: {_reason(exc)}") from exc
        except (OSError, ImportError) as exc:
            raise HistoryError(f"history {self.display_url} {doing}: {exc}") from exc

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"History({self.display_url!r})"

    # -- writing -----------------------------------------------------------

    def record(
        self,
        result: Result,
        report_path: str | None = None,
        *,
        runs: Iterable[Run] | Mapping[str, Run] | None = None,
    ) -> int:
        """Store a result; returns the new run's id.

        Step timings come from ``runs`` (the recorded runs, e.g. the audit's
        ``{journey id: Run}``) or, without them, from the traces saved next to
        ``report_path``. Findings without a fingerprint get one.
        """
        assign(result.findings, overwrite=False)
        timings = timings_now(result, runs, report_path)
        counts = result.counts()
        row = RunRow(
            audit=result.audit,
            base_url=result.base_url or "",
            started_at=float(result.started_at),
            duration_ms=float(result.duration_ms),
            tool_version=result.tool_version or "",
            browser=result.browser or "",
            fail_on=result.fail_on or "",
            suppressed=sum(1 for f in result.findings if f.suppressed),
            failing=len(result.failing()),
            journeys=len(result.runs),
            journeys_failed=sum(1 for r in result.runs if r.status != "passed"),
            errors=len(result.errors),
            report_path=str(report_path) if report_path else None,
            recorded_at=_dt.datetime.now(_dt.timezone.utc).timestamp(),
            **{severity: counts.get(severity, 0) for severity in SEVERITIES},
        )
        with self._guard("could not record the run"), Session(self.engine) as session, session.begin():
            session.add(row)
            session.flush()
            run_id = row.id
            session.add_all(
                FindingRow(
                    run_id=run_id,
                    fingerprint=f.fingerprint,
                    code=f.code,
                    journey=f.journey,
                    step_name=f.step_name or "",
                    severity=f.severity,
                    message=f.message or "",
                    suppressed=bool(f.suppressed),
                )
                for f in result.findings
            )
            session.add_all(
                AttemptRow(run_id=run_id, journey=r.journey_id, attempts=r.attempts, flaky=bool(r.flaky))
                for r in result.runs if getattr(r, "attempts", 1) > 1
            )
            session.add_all(
                StepTimingRow(run_id=run_id, journey=journey, step_name=step, position=position, duration_ms=ms)
                for position, (journey, step, ms) in enumerate(timings)
            )
        return run_id

    # -- reading -----------------------------------------------------------

    def previous(self, audit: str, before: float) -> StoredRun | None:
        """The latest run of ``audit`` that started before ``before`` (unix time)."""
        found = self._select(audit=audit, before=before, limit=1)
        return found[0] if found else None

    def runs(self, audit: str | None = None, limit: int = 20) -> list[StoredRun]:
        """The latest runs, newest first (of one audit, or of all)."""
        return self._select(audit=audit, before=None, limit=limit)

    def trend(self, audit: str, limit: int = 20, before: float | None = None) -> list[TrendPoint]:
        """Findings per severity and step durations of the last ``limit`` runs, oldest first."""
        return [run.trend_point() for run in reversed(self._select(audit=audit, before=before, limit=limit))]

    def get(self, run_id: int) -> StoredRun | None:
        with self._guard("could not be read"), Session(self.engine) as session:
            row = session.get(RunRow, run_id)
            return self._load(session, [row])[0] if row is not None else None

    def _select(self, *, audit: str | None, before: float | None, limit: int) -> list[StoredRun]:
        query = select(RunRow)
        if audit is not None:
            query = query.where(RunRow.audit == audit)
        if before is not None:
            query = query.where(RunRow.started_at < before)
        query = query.order_by(RunRow.started_at.desc(), RunRow.id.desc()).limit(max(0, int(limit)))
        with self._guard("could not be read"), Session(self.engine) as session:
            rows = list(session.scalars(query))
            return self._load(session, rows)

    @staticmethod
    def _load(session: Session, rows: list[RunRow]) -> list[StoredRun]:
        if not rows:
            return []
        ids = [row.id for row in rows]
        findings: dict[int, list[StoredFinding]] = {run_id: [] for run_id in ids}
        for f in session.scalars(select(FindingRow).where(FindingRow.run_id.in_(ids)).order_by(FindingRow.id)):
            findings[f.run_id].append(
                StoredFinding(f.fingerprint, f.code, f.journey, f.step_name, f.severity, f.message, bool(f.suppressed))
            )
        timings: dict[int, dict[tuple[str, str], float]] = {run_id: {} for run_id in ids}
        query = select(StepTimingRow).where(StepTimingRow.run_id.in_(ids)).order_by(StepTimingRow.run_id, StepTimingRow.position)
        for t in session.scalars(query):
            timings[t.run_id][(t.journey, t.step_name)] = t.duration_ms
        attempts: dict[int, list[AttemptRow]] = {run_id: [] for run_id in ids}
        for a in session.scalars(select(AttemptRow).where(AttemptRow.run_id.in_(ids)).order_by(AttemptRow.id)):
            attempts[a.run_id].append(a)
        return [
            StoredRun(
                id=row.id,
                audit=row.audit,
                base_url=row.base_url,
                started_at=row.started_at,
                duration_ms=row.duration_ms,
                tool_version=row.tool_version,
                browser=row.browser,
                fail_on=row.fail_on,
                counts={severity: getattr(row, severity) or 0 for severity in SEVERITIES},
                suppressed=row.suppressed,
                failing=row.failing,
                journeys=row.journeys,
                journeys_failed=row.journeys_failed,
                errors=row.errors,
                report_path=row.report_path,
                findings=findings[row.id],
                timings=timings[row.id],
                attempts={a.journey: a.attempts for a in attempts[row.id]},
                flaky=[a.journey for a in attempts[row.id] if a.flaky],
            )
            for row in rows
        ]

    # -- comparing ---------------------------------------------------------

    def compare(
        self,
        result: Result,
        earlier: StoredRun,
        against: str | None = None,
        *,
        runs: Iterable[Run] | Mapping[str, Run] | None = None,
        report_path: str | None = None,
    ) -> Comparison:
        """What changed since ``earlier``: see :func:`compare`."""
        return compare(result, earlier, against, runs=runs, report_path=report_path)


def format_runs(runs: Iterable[StoredRun]) -> str:
    """Plain-text table for ``journeyaudit history``: date, audit, findings by severity,
    duration and report path, one run per line (newest first, as :meth:`History.runs`)."""
    header = ("date", "audit", "critical", "high", "medium", "low", "suppressed", "flaky", "duration", "report")
    rows = [header]
    for run in runs:
        rows.append((
            run.when,
            run.audit,
            *(str(run.counts.get(severity, 0)) for severity in reversed(SEVERITIES)),
            str(run.suppressed),
            str(len(run.flaky)),
            f"{run.duration_ms / 1000:.1f} s",
            run.report_path or "-",
        ))
    if len(rows) == 1:
        return "no runs recorded yet"
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:-1], widths)) + "  " + row[-1] for row in rows
    )


def _reason(exc: SQLAlchemyError) -> str:
    """The driver's own words, first line, without SQLAlchemy's boilerplate."""
    orig = getattr(exc, "orig", None)
    text = str(orig) if orig is not None else str(exc)
    text = text.split("(Background on this error", 1)[0].strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
