"""The rule catalogue, one module per code block (see DESIGN.md).

Importing this package registers every built-in rule with the registry.
"""

from journeyaudit.rules import (  # noqa: F401  (imported to register the rules)
    checkout_form_rules,
    email_rules,
    form_rules,
    journey_rules,
    ledger_rules,
    message_rules,
    money_rules,
    page_rules,
    speed_rules,
    technical_rules,
)
from journeyaudit.rules.registry import RuleInfo, all_rules, get_rule, rule

__all__ = ["RuleInfo", "all_rules", "get_rule", "rule"]
