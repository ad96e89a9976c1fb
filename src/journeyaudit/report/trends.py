"""Sparklines of findings and step durations over the last runs.

Plain numbers in, plain strings out: SVG polyline coordinates for the HTML report
(drawn by the template as inline SVG, no script, no library) and Unicode block
sparklines for ``journeyaudit history``. No Jinja2 here, so the CLI can use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from journeyaudit.model import SEVERITIES, TrendPoint

BLOCKS = "▁▂▃▄▅▆▇█"
WIDTH, HEIGHT, PAD = 120, 28, 3


@dataclass
class Spark:
    """One sparkline: its values, the SVG points, and a caption in words."""

    label: str
    values: list[float]
    points: str  # "x,y x,y ..." in a WIDTH x HEIGHT box
    last_x: float
    last_y: float
    first: str
    last: str
    change: str  # "up", "down", "same"
    key: str = ""  # journey/step for step sparklines

    @property
    def caption(self) -> str:
        return f"{self.label}: {self.first} → {self.last} over {len(self.values)} runs"


def points(values: Sequence[float], width: int = WIDTH, height: int = HEIGHT, pad: int = PAD) -> list[tuple[float, float]]:
    """Coordinates of a line through ``values``, oldest left; a flat line in the middle when all equal."""
    if not values:
        return []
    low, high = min(values), max(values)
    span = high - low
    step = (width - 2 * pad) / (len(values) - 1) if len(values) > 1 else 0.0
    coords = []
    for n, value in enumerate(values):
        x = pad + n * step if len(values) > 1 else width / 2
        y = height / 2 if span == 0 else pad + (high - value) / span * (height - 2 * pad)
        coords.append((round(x, 1), round(y, 1)))
    return coords


def spark(label: str, values: Sequence[float], fmt=lambda v: f"{v:g}", key: str = "") -> Spark:
    coords = points(values)
    first, last = values[0], values[-1]
    change = "same" if abs(last - first) < 1e-9 else ("up" if last > first else "down")
    return Spark(
        label=label,
        values=list(values),
        points=" ".join(f"{x},{y}" for x, y in coords),
        last_x=coords[-1][0],
        last_y=coords[-1][1],
        first=fmt(first),
        last=fmt(last),
        change=change,
        key=key,
    )


def _seconds(ms: float) -> str:
    return f"{ms / 1000:.1f} s"


def finding_sparks(trend: Sequence[TrendPoint]) -> list[Spark]:
    """All findings, then each severity that had any in these runs."""
    if not trend:
        return []
    sparks = [spark("All problems", [float(sum(p.findings.values())) for p in trend], fmt=lambda v: f"{v:.0f}")]
    for severity in reversed(SEVERITIES):
        values = [float(p.findings.get(severity, 0)) for p in trend]
        if any(values):
            sparks.append(spark(severity.capitalize(), values, fmt=lambda v: f"{v:.0f}"))
    return sparks


def step_sparks(trend: Sequence[TrendPoint]) -> dict[str, Spark]:
    """``"journey/step name"`` -> the step's duration over the runs that recorded it."""
    keys: dict[str, None] = {}
    for point in trend:
        keys.update(dict.fromkeys(point.step_ms))
    sparks = {}
    for key in keys:
        values = [point.step_ms[key] for point in trend if key in point.step_ms]
        if values:
            sparks[key] = spark(key.split("/", 1)[-1], values, fmt=_seconds, key=key)
    return sparks


def text_sparkline(values: Sequence[float]) -> str:
    """``▁▃█`` style, for terminals."""
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        return BLOCKS[0] * len(values) if high == 0 else BLOCKS[3] * len(values)
    return "".join(BLOCKS[round((v - low) / (high - low) * (len(BLOCKS) - 1))] for v in values)


def text_trends(trend: Sequence[TrendPoint], slowest: int = 5) -> list[str]:
    """Lines for ``journeyaudit history``: findings per severity, then the slowest steps."""
    if not trend:
        return []
    lines = []
    for item in finding_sparks(trend):
        lines.append(f"{item.label:<14} {text_sparkline(item.values)}  {item.first} → {item.last}")
    steps = sorted(step_sparks(trend).values(), key=lambda s: -s.values[-1])[:slowest]
    if steps:
        lines.append("Slowest steps (latest run), duration over the runs:")
        for item in steps:
            lines.append(f"  {item.key:<40} {text_sparkline(item.values)}  {item.first} → {item.last}")
    return lines
