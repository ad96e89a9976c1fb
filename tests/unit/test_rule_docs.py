"""What users read about a rule (`journeyaudit rules CODE`, the HTML report, SARIF) carries no
internal research notes ("research H5", "customer story C1"), and keeps public references."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from journeyaudit.cli.main import main
from journeyaudit.report.formats import rule_doc
from journeyaudit.rules.registry import all_rules, get_rule

INTERNAL = re.compile(r"research\s+H\d|customer\s+story|\bH\d+\b|\(\s*\)|\(\s*;")


@pytest.mark.parametrize("info", all_rules(), ids=lambda info: info.code)
def test_rule_docs_for_users_have_no_internal_notes(info):
    assert not INTERNAL.search(rule_doc(info)), INTERNAL.search(rule_doc(info))


def test_rules_command_strips_notes_and_keeps_public_sources():
    assert "research H5" in get_rule("JA201").doc  # the developers' note is still in the source
    printed = CliRunner().invoke(main, ["rules", "JA201"])
    assert printed.exit_code == 0, printed.output
    assert "research" not in printed.output
    assert "(Baymard: extra costs too high or shown\ntoo late)" in printed.output


def test_parentheses_without_notes_are_untouched():
    info = get_rule("JA603")
    assert "(WCAG 2.1 success" in rule_doc(info)
    assert rule_doc(info).count("(") == info.doc.count("(")
