"""A report of 500 journeys stays under 15 MB (issue 13): few screenshots embedded, the rest linked.

Size and structure only; the time it takes is a figure of benchmarks/scale.py, never a test.
"""

from __future__ import annotations

import dataclasses
import io
import os
import random
import re

from bs4 import BeautifulSoup
from PIL import Image, ImageDraw

from journeyaudit.audit import summarise
from journeyaudit.facts import ledger
from journeyaudit.history import store
from journeyaudit.judge.engine import judge
from journeyaudit.model import Result
from journeyaudit.report.html import write_html
from journeyaudit.report.screenshots import CACHE_FOLDER, LARGE_REPORT_WIDTH, important_steps
from journeyaudit.rules.registry import all_rules

from .recorded import FIXTURES


def _screenshot(seed: int) -> bytes:
    rng = random.Random(seed)
    image = Image.new("RGB", (1280, 800), "white")
    draw = ImageDraw.Draw(image)
    for row in range(24):
        draw.text((60, 100 + row * 28), f"Line {seed}-{row} " + "lorem ipsum " * rng.randint(2, 9), fill=(30, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=60)
    return buffer.getvalue()


def test_a_report_of_500_journeys_is_under_15_mb_and_links_what_it_does_not_embed(tmp_path):
    base = [store.load_run(d) for d in store.find_trace_dirs(FIXTURES)]
    findings, outcomes = judge(base)
    labels = ledger.labels_for_audit({})
    ledgers = {run.journey_id: ledger.build(run, labels) for run in base}
    shots = []
    for n in range(8):
        shots.append(tmp_path / f"shot-{n}.jpg")
        shots[-1].write_bytes(_screenshot(n))
    runs, result = {}, Result(audit="scale", base_url=base[0].base_url, outcomes=outcomes)
    for n in range(500):
        source = base[n % len(base)]
        run = dataclasses.replace(source, journey_id=f"j{n:03}-{source.journey_id}")
        run.steps = [dataclasses.replace(step) for step in run.steps]
        folder = tmp_path / "traces" / run.journey_id
        folder.mkdir(parents=True)
        for step in run.steps:
            if step.status != "skipped":
                step.screenshot = f"{step.index:02}.jpg"
                os.link(shots[(n + step.index) % len(shots)], folder / step.screenshot)
        runs[run.journey_id] = run
        result.runs.append(summarise(run, f"traces/{run.journey_id}"))
        result.findings += [dataclasses.replace(f, journey=run.journey_id) for f in findings if f.journey == source.journey_id]
        result.ledgers.append(dataclasses.replace(ledgers[source.journey_id], journey=run.journey_id))

    path = write_html(result, runs, tmp_path / "report.html", trace_root=tmp_path, rules=all_rules())
    html = path.read_text(encoding="utf-8")
    assert len(html.encode("utf-8")) < 15_000_000
    soup = BeautifulSoup(html, "html.parser")
    important = sum(len(important_steps(run, [f for f in result.findings if f.journey == run.journey_id]))
                    for run in runs.values())
    embedded = soup.select(".shot-cell img")
    linked = soup.select(".shot-cell a.shot-link")
    total = sum(1 for run in runs.values() for step in run.steps if step.screenshot)
    assert 0 < len(embedded) <= important and len(embedded) + len(linked) == total
    assert all(img["src"].startswith("data:image/jpeg;base64,") for img in soup.find_all("img"))
    assert all((tmp_path / a["href"]).is_file() for a in linked)
    assert "are links to their files in the run folder" in soup.select_one(".shots-note").get_text()
    with Image.open(io.BytesIO(__import__("base64").b64decode(embedded[0]["src"].split(",", 1)[1]))) as thumb:
        assert thumb.width == LARGE_REPORT_WIDTH
    # each rule's explanation once, and thumbnails cached: the report written again is the same
    assert len(re.findall(r"What JA\d+ checks and why it matters</summary>", html)) == len({f.code for f in result.findings})
    assert len(list((tmp_path / CACHE_FOLDER).iterdir())) > 0
    again = write_html(result, runs, tmp_path / "again.html", trace_root=tmp_path, rules=all_rules())
    assert again.read_text(encoding="utf-8") == html
