"""How much an accessibility violation weighs for this journey (JA605).

axe-core's impact says how bad a barrier is for the customers it hits; it does not say whether
the journey ever met it. A critical violation on the field the customer typed their address into
blocks the checkout; the same violation on a language menu in the header that no step used is a
barrier worth fixing, not a reason to stop a release. This module decides, from what was
recorded, which elements the journey used or needed:

- the fields it filled, selected or checked and the controls it clicked (any step);
- on a checkout step (``checkout_roles``): the required fields and the submit control.

Pure: it reads the recorded actions, fields and axe-core nodes, nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from journeyaudit.model import Run, StepRecord

# axe impact -> severity, for a violation on what the journey used or needs.
USED_SEVERITY = {"critical": "high", "serious": "medium", "moderate": "low", "minor": "low"}
# ... and on page chrome the journey neither used nor needed: never above medium.
CHROME_SEVERITY = {"critical": "medium", "serious": "low", "moderate": "low", "minor": "low"}
CHECKOUT_ROLES = ("account", "shipping", "payment", "review")

_USING_ACTIONS = {"fill", "type", "select", "check", "uncheck", "click", "press", "upload"}
_ATTR = re.compile(r"""\b(id|name|for)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_SUBMIT = re.compile(
    r"""^<(?:button\b(?![^>]*\btype\s*=\s*["']?(?:button|reset)\b)|input\b[^>]*\btype\s*=\s*["']?(?:submit|image)\b)""",
    re.IGNORECASE,
)
_VOLATILE = re.compile(r"\d|^[A-Za-z0-9_-]{20,}$")


@dataclass
class Journeyed:
    """What the journey used or needs, as element identities (ids, names) and control texts."""

    ids: set[str] = field(default_factory=set)  # ids and names of used or required elements
    texts: set[str] = field(default_factory=set)  # visible texts of clicked controls, lower case
    submit_templates: set[str] = field(default_factory=set)  # templates of checkout steps (their submit counts)


def page_template(url: str) -> str:
    """The page's template, as far as its address tells: the path with ids and tokens as ``*``.

    ``/order/complete/2/yaQ2a1.../`` -> ``/order/complete/*/*/``; ``/p/1-aeropress-go/`` -> ``/p/*/``.
    """
    parts = urlsplit(url or "")
    segments = ["*" if segment and _VOLATILE.search(segment) else segment for segment in parts.path.split("/")]
    return "/".join(segments) or "/"


def journeyed(run: Run, checkout_roles: Iterable[str] = CHECKOUT_ROLES) -> Journeyed:
    roles = set(checkout_roles)
    used = Journeyed()
    for step in run.steps:
        for action in step.actions:
            target = action.target or {}
            if action.name not in _USING_ACTIONS or action.status != "passed":
                continue
            used.ids.update(v for v in (target.get("id"), target.get("name")) if v)
            text = " ".join(str(target.get("text") or target.get("label") or "").split()).lower()
            if action.name == "click" and text and len(text) <= 80:
                used.texts.add(text)
        if step.role in roles and step.status != "skipped":
            used.submit_templates.add(page_template(step.url))
            for form_field in step.fields:
                if form_field.required and form_field.visible:
                    used.ids.update(v for v in (form_field.id, form_field.name) if v)
    return used


def _identities(html: str) -> set[str]:
    opening = html.split(">", 1)[0]
    return {next(v for v in match.groups()[1:] if v is not None) for match in _ATTR.finditer(opening)}


def node_is_used(node: Mapping[str, Any], template: str, used: Journeyed) -> bool:
    """True when the violating element is one the journey used or needs."""
    html = str(node.get("html") or "").strip()
    if _identities(html) & used.ids:
        return True
    targets = node.get("target") or []
    for selector in [targets] if isinstance(targets, str) else targets:
        if any(f"#{ident}" == str(selector).strip() for ident in used.ids):
            return True
    if html.lower().startswith(("<button", "<a ", "<input")):
        text = " ".join(_TAG.sub(" ", html).split()).lower()
        if text and any(_same_control(text, clicked) for clicked in used.texts):
            return True
    return template in used.submit_templates and bool(_SUBMIT.match(html))


def _same_control(text: str, clicked: str) -> bool:
    # the element's text is the clicked control's, allowing for a truncated snapshot or an icon's name
    short, long = sorted((text, clicked), key=len)
    return long.startswith(short) and len(short) >= 0.7 * len(long)


def weigh(violation: Mapping[str, Any], template: str, used: Journeyed) -> tuple[bool, list[Mapping[str, Any]]]:
    """(any node used, nodes with the used ones first)."""
    nodes = list(violation.get("nodes") or [])
    flags = [node_is_used(node, template, used) for node in nodes]
    ordered = [n for n, f in zip(nodes, flags) if f] + [n for n, f in zip(nodes, flags) if not f]
    return any(flags), ordered


def severity(impact: str, on_journey: bool, used_map: Mapping[str, str], chrome_map: Mapping[str, str]) -> str:
    return (used_map if on_journey else chrome_map).get(impact, "low")


def group_by_template(run: Run) -> dict[tuple[str, str], list[tuple[StepRecord, dict[str, Any]]]]:
    """(axe rule, page template) -> the steps that showed it, with the violation as each saw it."""
    groups: dict[tuple[str, str], list[tuple[StepRecord, dict[str, Any]]]] = {}
    for step in run.steps:
        for violation in step.accessibility or []:
            groups.setdefault((violation.get("id", ""), page_template(step.url)), []).append((step, violation))
    return groups
