"""Thumbnails made while the audit runs (report/screenshots.py MadeAhead): the report reads them from its cache."""

from __future__ import annotations

import io

from PIL import Image

from journeyaudit import model
from journeyaudit.report import screenshots
from journeyaudit.report.screenshots import CACHE_FOLDER, EMBED_WIDTH, MadeAhead, Shots


def _jpeg(shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1280, 800), (shade, 40, 90)).save(buffer, "JPEG", quality=60)
    return buffer.getvalue()


def _journey(root, name: str, steps: int) -> tuple:
    folder = root / "traces" / name
    folder.mkdir(parents=True)
    run = model.Run(journey_id=name, journey_name=name, journey_path=f"{name}.yaml", base_url="http://127.0.0.1:9")
    for index in range(1, steps + 1):
        (folder / f"{index:02}.jpg").write_bytes(_jpeg(index * 20))
        run.steps.append(model.StepRecord(index=index, name=f"step {index}", role="other", status="passed",
                                          screenshot=f"{index:02}.jpg"))
    run.steps.append(model.StepRecord(index=steps + 1, name="skipped", role="other", status="skipped"))
    return folder, run


def test_the_report_finds_the_thumbnails_made_while_the_audit_ran(tmp_path, monkeypatch):
    folder, run = _journey(tmp_path, "happy-path", 3)
    ahead = MadeAhead(tmp_path)
    ahead.journey(folder, run)
    ahead.close()  # waits for the ones under way
    cached = sorted((tmp_path / CACHE_FOLDER).iterdir())
    assert len(cached) == 3
    with Image.open(cached[0]) as thumb:
        assert thumb.width == EMBED_WIDTH

    def no_decoding(*args, **kwargs):
        raise AssertionError("the report decoded a screenshot whose thumbnail was made ahead")

    monkeypatch.setattr(screenshots, "downscale", no_decoding)
    with Shots(tmp_path, embed_all=True, workers=1) as shots:
        shot = shots.get(folder, "02.jpg", "step 2")
    assert shot.src.startswith("data:image/jpeg;base64,") and shots.embedded == 1


def test_no_thumbnail_is_made_ahead_once_the_report_would_not_embed_them_all(tmp_path, monkeypatch):
    monkeypatch.setattr(screenshots, "EMBED_ALL_UP_TO", 4)
    ahead = MadeAhead(tmp_path)
    first, run = _journey(tmp_path, "first", 3)
    ahead.journey(first, run)
    second, run = _journey(tmp_path, "second", 3)  # 6 screenshots: the report embeds a few, smaller
    ahead.journey(second, run)
    ahead.close()
    assert len(list((tmp_path / CACHE_FOLDER).iterdir())) <= 3
    assert all(path.name.endswith(".jpg") for path in (tmp_path / CACHE_FOLDER).iterdir())
