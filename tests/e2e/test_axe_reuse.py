"""axe-core runs once per page shape in an audit: a later journey on the same template reuses the
violations, quoting the elements of its own page (gather/accessibility.py, CheckedShapes)."""

from __future__ import annotations

import pytest

from journeyaudit import model
from journeyaudit.gather.accessibility import CheckedShapes
from journeyaudit.gather.browser import find_browser
from journeyaudit.gather.runner import Runner, RunnerOptions
from tests.static_pages import serve

pytestmark = pytest.mark.e2e

# Faint text whose words come from the address: one shape (the text is left out of it), two pages.
_PAGE = b"""<!doctype html><html lang="en"><head><title>Note</title></head><body><main>
<h1>Note</h1><p id="note" style="color:#cccccc;background:#ffffff">...</p>
<script>document.getElementById('note').textContent = 'Note for ' + location.search.slice(1);</script>
</main></body></html>"""


class CountingShapes(CheckedShapes):
    def __init__(self) -> None:
        super().__init__()
        self.checks = 0  # axe-core runs that were kept

    def add(self, shape, found) -> None:
        self.checks += 1
        super().add(shape, found)


def _journey(name: str, query: str) -> model.Journey:
    step = model.Step("Note", "info", [model.Action("goto", {"url": f"/note?{query}"})], screenshot=False)
    return model.Journey(name, name, f"{name}.yaml", steps=[step])


def _contrast(run: model.Run) -> dict:
    assert run.status == "passed", (run.error, [s.error for s in run.steps])
    return next(v for v in run.steps[0].accessibility if v["id"] == "color-contrast")


def test_a_later_journey_reuses_the_check_and_quotes_its_own_page(tmp_path):
    checked = CountingShapes()
    with serve({"/note": _PAGE}) as site:
        options = RunnerOptions(base_url=site, browser=find_browser(), action_timeout_ms=8000, checked_shapes=checked)
        with Runner(options) as runner:
            first = _contrast(runner.run(_journey("first", "alice"), tmp_path / "first"))
            second = _contrast(runner.run(_journey("second", "bob"), tmp_path / "second"))
    assert checked.checks == 1 and len(checked) == 1  # the second journey did not run axe-core again
    assert "Note for alice" in first["nodes"][0]["html"]
    assert "Note for bob" in second["nodes"][0]["html"] and "alice" not in second["nodes"][0]["html"]
    assert second["nodes"][0]["target"] == first["nodes"][0]["target"] and second["impact"] == first["impact"]
