"""After the journeys ran: fingerprints, baseline, history, comparisons, trend, CI formats.

This is what turns one audit into a series a team can follow:

1. every finding gets its fingerprint (rule, journey, step name, normalised evidence);
2. the baseline, if any, suppresses the findings it knows (they stay listed but no
   longer fail the audit) and says what is new, fixed and still open against it;
3. the history's latest earlier run of the same audit says what changed "since
   the last run", findings and step durations;
4. the run is recorded in the history, and ``result.trend`` gets the last runs
   (this one included, oldest first) for the report's sparklines;
5. the requested CI formats are written next to ``result.json``.

:func:`prepare` opens the history and reads the baseline *before* a browser starts,
so a bad database URL or an unreadable baseline is a usage error (exit code 2)
instead of a surprise after a two-minute audit. Failures after the run (the
database went away) are warnings: the report is never lost for the history.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from journeyaudit.history import baseline as baselines
from journeyaudit.history.database import History, HistoryError, compare, step_timings
from journeyaudit.history.fingerprint import assign
from journeyaudit.model import Result, Run, TrendPoint


class SetupError(Exception):
    """The history or the baseline cannot be used (exit code 2)."""


@dataclass
class PostRun:
    """What to do with a result once its journeys are judged."""

    formats: list[str] = field(default_factory=list)  # CI formats (html and json are always written)
    history: History | None = None
    baseline: baselines.Baseline | None = None
    trend_runs: int = 20
    record: bool = True  # False: read the history (comparison, trend) but do not add this run
    root: Path = field(default_factory=Path.cwd)  # journey paths in SARIF/GitLab are relative to it
    warnings: list[str] = field(default_factory=list)
    recorded_id: int | None = None
    written: list[Path] = field(default_factory=list)

    def close(self) -> None:
        if self.history is not None:
            self.history.close()


def prepare(
    *,
    formats: Sequence[str] = (),
    history_url: str | None = None,
    baseline: str | Path | None = None,
    trend_runs: int = 20,
    record: bool = True,
) -> PostRun:
    """Open the history and read the baseline now; :class:`SetupError` when either fails."""
    from journeyaudit.report.formats import get_writer

    extra = [name for name in dict.fromkeys(f.lower() for f in formats) if name not in ("html", "json")]
    for name in extra:
        try:
            get_writer(name)
        except ValueError as exc:
            raise SetupError(str(exc)) from None
    loaded = None
    if baseline:
        try:
            loaded = baselines.load(baseline)
        except baselines.BaselineError as exc:
            raise SetupError(str(exc)) from None
    store = None
    if history_url:
        try:
            store = History(history_url)
        except HistoryError as exc:
            raise SetupError(f"{exc}\n(use --history URL for another store, or --no-history)") from None
    return PostRun(formats=extra, history=store, baseline=loaded, trend_runs=trend_runs, record=record)


def finish(post: PostRun, result: Result, runs: Mapping[str, Run], out_dir: Path) -> None:
    """Steps 1-5 of the module doc, in place on ``result``; problems go to ``post.warnings``."""
    out_dir = Path(out_dir)
    assign(result.findings, overwrite=False)
    comparisons = []
    by_baseline = baselines.apply(result, post.baseline) if post.baseline is not None else None
    if post.history is not None:
        try:
            earlier = post.history.previous(result.audit, before=result.started_at)
            if earlier is not None:
                comparisons.append(compare(result, earlier, runs=runs))
            if post.record:
                post.recorded_id = post.history.record(result, str(out_dir / "report.html"), runs=runs)
                result.trend = post.history.trend(result.audit, limit=post.trend_runs)
            else:
                earlier_points = post.history.trend(result.audit, limit=max(1, post.trend_runs - 1), before=result.started_at)
                result.trend = [*earlier_points, trend_point(result, runs)]
        except HistoryError as exc:
            post.warnings.append(f"{exc}; this run is not in the history")
    if by_baseline is not None:
        comparisons.append(by_baseline)
    result.comparisons = comparisons
    post.written = write_formats(post, result, runs, out_dir)


def trend_point(result: Result, runs: Mapping[str, Run]) -> TrendPoint:
    """This result as the newest point of a trend (as the history would store it)."""
    return TrendPoint(
        started_at=result.started_at,
        findings=result.counts(),
        step_ms={f"{journey}/{step}": ms for journey, step, ms in step_timings(list(runs.values()))},
    )


def write_formats(post: PostRun, result: Result, runs: Mapping[str, Run], out_dir: Path) -> list[Path]:
    """The CI formats asked for; a writer that fails is a warning, not a lost report."""
    from journeyaudit.report.formats import write_format
    from journeyaudit.rules.registry import all_rules

    written: list[Path] = []
    for name in post.formats:
        try:
            written += write_format(name, result, runs, out_dir, rules=all_rules(), root=post.root)
        except (OSError, ValueError) as exc:
            post.warnings.append(f"could not write the {name} report: {exc}")
    return written
