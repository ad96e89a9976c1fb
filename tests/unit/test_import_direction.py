"""Data flows one way: spec -> gather -> facts -> rules/judge -> report. Imports must follow it.

Read statically (every import in a module, including those inside functions), so a backwards
import is caught even where it is only reached at run time.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "journeyaudit"

#: stage -> stages (top-level folders or modules of journeyaudit) it must never import
FORBIDDEN = {
    "spec": {"gather", "facts", "rules", "judge", "report", "history", "audit", "cli"},
    "facts": {"gather", "report", "spec", "judge", "history", "audit", "cli"},
    "rules": {"gather", "report", "spec", "history", "audit", "cli"},
    "judge": {"gather", "report", "audit", "cli"},
    "report": {"gather", "audit", "cli"},
    "history": {"gather", "report", "audit", "cli"},
    "model": {"spec", "gather", "facts", "rules", "judge", "report", "history", "audit", "cli", "demo"},
}


def _stage(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    """The journeyaudit stages a module imports (the first name under journeyaudit)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "journeyaudit" and len(parts) > 1:
                found.add(parts[1])
    return found


#: Backward imports that are still being taken apart. Remove an entry when its module is fixed;
#: nothing may be added here.
STILL_BACKWARDS: dict[str, set[str]] = {}

MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_follow_the_pipeline(path):
    stage = _stage(path)
    imported = _imports(path) - {stage}
    if stage == "demo":  # the demo shop is a separate program: it imports nothing of the tool
        assert imported == set(), f"the demo shop imports journeyaudit.{sorted(imported)}"
        return
    bad = imported & FORBIDDEN.get(stage, set()) - STILL_BACKWARDS.get(str(path.relative_to(PACKAGE)), set())
    assert not bad, f"{path.relative_to(PACKAGE)} ({stage}) imports {sorted(bad)}: data flows the other way"
