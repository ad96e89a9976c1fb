"""Bounded inputs (issue 14, class 3): hostile or broken YAML is one located error, fast and small."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from journeyaudit.spec import yamlsource
from journeyaudit.spec.config import profile_from_document
from journeyaudit.spec.journey import ValidationFailed, journey_from_document
from journeyaudit.spec.yamlsource import load, parse

BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip(["", "a", "b", "c", "d", "e", "f", "g", "h"], "abcdefghi")
)


def test_alias_bomb_fails_fast_with_a_located_error():
    assert len(BOMB) < 1000
    started = time.monotonic()
    doc = parse(BOMB, "bomb.yaml")
    assert time.monotonic() - started < 5
    assert doc.data is None and len(doc.errors) == 1
    error = doc.errors[0]
    assert error.line > 0 and "alias" in error.message


def test_alias_bomb_costs_a_few_megabytes():
    tracemalloc.start()
    try:
        parse(BOMB, "bomb.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 30_000_000


def test_too_many_steps_is_a_clear_error():
    steps = "".join(f"  - name: step {i}\n    role: other\n    actions: [{{goto: /}}]\n" for i in range(yamlsource.MAX_ITEMS + 1))
    doc = parse("name: long\nsteps:\n" + steps, "long.yaml")
    with pytest.raises(ValidationFailed) as caught:
        journey_from_document(doc)
    assert f"long.yaml:3:3: 'steps' has {yamlsource.MAX_ITEMS + 1} items: at most {yamlsource.MAX_ITEMS}" in str(caught.value)


def test_a_file_too_large_is_refused_before_parsing(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("name: x\n" + "# padding\n" * (yamlsource.MAX_FILE_BYTES // 10 + 1))
    doc = load(path)
    assert doc.data is None
    assert "file too large" in str(doc.errors[0])


def test_non_utf8_byte_is_reported_at_its_line_and_column(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: Café\nsteps:\n  - name: caf".encode() + b"\xe9\n")
    doc = load(path)
    assert [str(e) for e in doc.errors] == [f"{path}:3:14: not UTF-8: byte 0xe9 cannot be read (save the file as UTF-8)"]


def test_a_control_character_is_reported_at_its_line_and_column():
    doc = parse("name: x\nbase_url: http://a\x00b\n", "nul.yaml")
    assert [str(e) for e in doc.errors] == ["nul.yaml:2:19: invalid YAML: character U+0000 is not allowed (special characters are not allowed)"]


@pytest.mark.parametrize("viewport", ["{width: 100000, height: 800}", "{width: 1280, height: 0}", "{width: 1, height: 1}"])
def test_viewport_has_bounds(tmp_path, viewport):
    (tmp_path / "j.yaml").write_text("name: j\nsteps:\n  - name: s\n    role: product\n    actions: [{goto: /}]\n")
    text = f"name: x\nbase_url: https://shop.example\njourneys: [j.yaml]\nviewport: {viewport}\n"
    with pytest.raises(ValidationFailed) as caught:
        profile_from_document(parse(text, str(tmp_path / "p.yaml")))
    assert ":4:" in str(caught.value) and "than or equal to" in str(caught.value)
