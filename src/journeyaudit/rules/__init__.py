"""The rule catalogue, one module per code block (JA1xx in ja1xx_journey, ... JA8xx in ja8xx_catalogue).

Importing this package registers every built-in rule with the registry.
"""

from journeyaudit.rules import (  # noqa: F401  (imported to register the rules)
    ja1xx_journey,
    ja2xx_late_cost,
    ja2xx_money,
    ja3xx_messages,
    ja3xx_stock,
    ja4xx_speed,
    ja5xx_technical,
    ja6xx_forms,
    ja7xx_email,
)
from journeyaudit.rules.registry import RuleInfo, all_rules, get_rule, rule

__all__ = ["RuleInfo", "all_rules", "get_rule", "rule"]
