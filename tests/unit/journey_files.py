"""Helpers for tests that validate journey files: write one, and read the located errors it gets."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from journeyaudit.spec.journey import load_journey
from journeyaudit.spec.yamlsource import ValidationFailed


def write(tmp_path: Path, text: str, name: str = "j.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def errors_of(path: Path, env: dict[str, str] | None = None) -> list[str]:
    """The messages of the ValidationFailed that loading ``path`` must raise."""
    with pytest.raises(ValidationFailed) as caught:
        load_journey(path, env or {})
    return [str(error) for error in caught.value.errors]
