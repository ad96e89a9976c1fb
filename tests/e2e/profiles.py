"""Profiles the end-to-end tests write for themselves."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def without_axe(folder: Path, journey_file: str, name: str = "e2e") -> Path:
    """A profile of one of the repository's journeys (``journeys/demo/late-fee.yaml``) with accessibility off,
    for a module that tests something else: axe-core is the demo audit's (conftest.py). No base URL: the
    test gives one."""
    path = folder / f"{Path(journey_file).stem}-profile.yaml"
    path.write_text(f'name: {name}\njourneys: ["{ROOT / journey_file}"]\njourneys_root: /\naccessibility: false\n',
                    encoding="utf-8")
    return path
