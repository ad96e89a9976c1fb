"""The crawl's own HTML page (``crawl.html``): the catalogue section in the journey report's look.

Same stylesheet, same script (allowed by the same CSP hash), same autoescaping as report.html;
the data is the crawl's redacted ``result.json`` (docs/crawl.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from markupsafe import Markup

from journeyaudit import __version__
from journeyaudit.history.store import atomic_write_text
from journeyaudit.model import severity_rank
from journeyaudit.report.catalogue_view import catalogue_view
from journeyaudit.report.formats import plural
from journeyaudit.report.html import _environment, _script, csp


def render_crawl_html(data: Mapping[str, Any], *, audit: str = "") -> str:
    view = catalogue_view(data)
    fail_on = str(data.get("fail_on") or "high")
    threshold = severity_rank(fail_on)
    failing = [f for f in view.findings if threshold >= 0 and f.rank >= threshold]
    if view.findings:
        verdict = f"{plural(len(view.findings), 'problem')} on {plural(view.flagged, 'product')} of {view.products}"
    else:
        verdict = f"No problems on {plural(view.products, 'product')}"
    if threshold < 0:
        gate = "The threshold is off (fail on: none), so findings do not fail the build."
    elif failing:
        gate = f"This crawl fails its threshold: {plural(len(failing), 'problem')} at severity {fail_on} or worse."
    else:
        gate = f"This crawl passes its threshold: nothing at severity {fail_on} or worse."
    started = data.get("started_at")
    date = dt.datetime.fromtimestamp(float(started), tz=dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC") if started else ""
    context = {
        "audit": audit or str(data.get("audit") or view.base_url),
        "catalogue": view,
        "verdict": verdict,
        "verdict_tone": "bad" if failing else ("warn" if view.findings or view.interrupted else "good"),
        "gate": gate,
        "date": date,
        "tool_version": __version__,
        "script": Markup(_script()),  # our own static file, never page text
        "csp": csp(),
    }
    return _environment().get_template("crawl.html").render(context)


def write_crawl_html(data: Mapping[str, Any], path: Path) -> Path:
    return atomic_write_text(Path(path), render_crawl_html(data))
