"""`extra_<list option>` extends a rule's word list instead of replacing it (engine, profile check, ledger labels)."""

from __future__ import annotations

from journeyaudit.facts import ledger, wording
from journeyaudit.judge.engine import RuleSettings, option_errors, options_for, rule_options
from journeyaudit.rules.registry import all_rules, get_rule, merge_options
from journeyaudit.spec import rulecheck
from tests.unit.recorded import findings, run, step


def test_extra_extends_the_default_list():
    options = options_for("JA201", {"extra_fee_labels": ["Bearbeitungsentgelt", "Shipping"]})
    assert options["fee_labels"][: len(wording.FEE_LABELS)] == list(wording.FEE_LABELS)
    assert options["fee_labels"][-1] == "Bearbeitungsentgelt" and options["fee_labels"].count("Shipping") <= 1
    assert "extra_fee_labels" not in options


def test_plain_key_still_replaces_and_extra_adds_to_the_replacement():
    options = merge_options(get_rule("JA201").options, {"fee_labels": ["Porto"], "extra_fee_labels": ["Gebühr"]})
    assert options["fee_labels"] == ["Porto", "Gebühr"]
    # a second layer (an audit over a profile) extends what the first left
    layered = merge_options({"words": ["a"]}, {"extra_words": ["b"]}, {"extra_words": ["c", "a"]})
    assert layered["words"] == ["a", "b", "c"]


def test_every_list_option_has_its_extra():
    for info in all_rules():
        for key, default in info.options.items():
            if isinstance(default, list):
                settings = RuleSettings(options={info.code: {f"extra_{key}": []}})
                assert option_errors(settings) == []
                assert rule_options(info, settings)[key] == default


def test_profile_check_types_extra_items_and_refuses_extra_of_a_non_list():
    catalogue = all_rules()
    assert rulecheck.option_problems(catalogue, {"JA201": {"extra_fee_labels": ["Porto"]}}) == []
    [(path, message, _)] = rulecheck.option_problems(catalogue, {"JA201": {"extra_fee_labels": "Porto"}})
    assert path == ("JA201", "extra_fee_labels") and "must be a list" in message
    [(_, message, _)] = rulecheck.option_problems(catalogue, {"JA201": {"extra_after_details": [True]}})
    assert "has no option 'extra_after_details'" in message


def test_audit_labels_extend_the_builtin_ones():
    labels = ledger.labels_for_audit({"JA201": {"extra_total_labels": ["Fällig gesamt"]}})
    assert labels.total[: len(wording.TOTAL_LABELS)] == tuple(wording.TOTAL_LABELS) and labels.total[-1] == "Fällig gesamt"


def test_an_extra_fee_label_reaches_the_rule():
    trace = run(
        step(1, "cart", "Cart\nFällig gesamt 40,00 €"),
        step(2, "review", "Bearbeitungsentgelt 3,95 € (siehe AGB)\nFällig gesamt 43,95 €"),
    )
    assert findings("JA201", trace) == []  # "Fällig gesamt" is no built-in total label: no total, no comparison
    [finding] = findings("JA201", trace, extra_total_labels=["Fällig gesamt"])
    assert "Bearbeitungsentgelt" in finding.message
