"""The rule catalogue: codes and slugs as DESIGN.md fixes them, documented, listed by the CLI."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from journeyaudit.cli.main import main
from journeyaudit.rules.registry import all_rules, get_rule

# DESIGN.md, "Rules: permanent codes": code -> slug. Codes are never reused, slugs never renamed.
DESIGN_TABLE = {
    "JA101": "journey-blocked",
    "JA102": "late-payment-failure",
    "JA103": "missing-confirmation",
    "JA104": "silent-cancellation",
    "JA105": "card-data-cleared",
    "JA201": "late-extra-cost",
    "JA202": "price-mismatch",
    "JA203": "sneaked-item",
    "JA204": "delivery-promise-drift",
    "JA301": "unannounced-stock-out",
    "JA302": "generic-error-message",
    "JA303": "late-validation",
    "JA304": "input-lost-after-error",
    "JA305": "contradictory-message",
    "JA401": "slow-step",
    "JA402": "dead-click",
    "JA501": "console-error",
    "JA502": "failed-request",
    "JA503": "uncaught-exception",
    "JA504": "insecure-checkout",
    "JA505": "payment-frame-failed",
    "JA601": "forced-account-creation",
    "JA602": "too-many-fields",
    "JA603": "missing-autocomplete",
    "JA604": "unlabeled-field",
    "JA605": "accessibility-violation",
    "JA606": "input-not-kept",
    "JA701": "duplicate-email",
    "JA702": "missing-email",
    "JA703": "unsubscribe-not-honoured",
    "JA704": "missing-list-unsubscribe",
    "JA705": "email-contradicts-order",
}

# The rules this test suite's modules cover; they must be registered.
MINE = {
    "JA102": ("high", {"payment"}),
    "JA103": ("high", {"confirmation"}),
    "JA201": ("high", {"payment", "review", "confirmation"}),  # a cost added at payment, after the details, is late too
    "JA202": ("high", {"product"}),
    "JA301": ("high", {"product"}),
    "JA302": ("medium", set()),
}

REGISTERED = [info for info in all_rules() if info.code in DESIGN_TABLE]


def test_the_table_rules_are_registered():
    codes = {info.code for info in all_rules()}
    assert {"JA101", "JA401", "JA501", "JA502", "JA503", *MINE} <= codes


@pytest.mark.parametrize("info", REGISTERED, ids=lambda info: info.code)
def test_code_and_slug_match_design(info):
    assert info.slug == DESIGN_TABLE[info.code]
    assert get_rule(info.code) is info and get_rule(info.slug) is info


@pytest.mark.parametrize("info", REGISTERED, ids=lambda info: info.code)
def test_docstring_is_documentation_of_substance(info):
    doc = info.doc
    assert len(doc) > 300, f"{info.code}: document what it detects, why, evidence, options"
    assert "customer" in doc.lower(), f"{info.code}: say what the customer suffers"
    assert info.title and info.summary
    for option in info.options:
        assert option in doc, f"{info.code}: option {option!r} is not documented"


@pytest.mark.parametrize("code", sorted(MINE))
def test_my_rules_document_evidence_and_applicability(code):
    doc = " ".join(get_rule(code).doc.split())
    assert len(doc) > 1000
    assert "Evidence" in doc and "onfidence is medium" in doc
    if get_rule(code).roles:
        assert "Not applicable" in doc


@pytest.mark.parametrize("code", sorted(MINE))
def test_severity_roles_and_list_options(code):
    info = get_rule(code)
    severity, roles = MINE[code]
    assert info.severity == severity and set(info.roles) == roles
    for key, value in info.options.items():
        # phrase and label lists are plain lists (JSON/YAML friendly) a profile can override
        assert not isinstance(value, tuple), f"{code}.{key} should be a list"


def test_rules_command_lists_every_registered_rule():
    out = CliRunner().invoke(main, ["rules"])
    assert out.exit_code == 0, out.output
    for info in REGISTERED:
        assert any(line.startswith(info.code) and info.slug in line for line in out.output.splitlines()), info.code


@pytest.mark.parametrize("code", sorted(MINE))
def test_rules_command_prints_a_rules_documentation(code):
    info = get_rule(code)
    out = CliRunner().invoke(main, ["rules", code])
    assert out.exit_code == 0, out.output
    assert f"{code} {info.slug}" in out.output and info.summary.split(".")[0] in " ".join(out.output.split())
    for key in info.options:
        assert f"  {key}: " in out.output
    by_slug = CliRunner().invoke(main, ["rules", info.slug])
    assert by_slug.output == out.output
