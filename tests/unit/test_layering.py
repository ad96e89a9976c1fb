"""Only recording imports Playwright; only reports import Jinja2 (DESIGN.md)."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module",
    ["journeyaudit.rules", "journeyaudit.judge.engine", "journeyaudit.facts.money", "journeyaudit.facts.ledger", "journeyaudit.history.store", "journeyaudit.model"],
)
def test_pure_layers_import_neither_playwright_nor_jinja(module):
    code = (
        f"import sys, {module}; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('playwright', 'jinja2')); "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"{module} pulls in {out}"


def test_report_does_not_import_playwright():
    code = (
        "import sys, journeyaudit.report.html; "
        "print(','.join(sorted(m for m in sys.modules if m.startswith('playwright'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
