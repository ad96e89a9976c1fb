"""JA402, JA504, JA505, JA605: the page works against the customer (dead buttons,
insecure card forms, a payment widget that never loads, accessibility barriers)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator, Mapping
from fnmatch import fnmatch
from html import unescape as html_unescape
from typing import Any
from urllib.parse import urljoin, urlsplit

from journeyaudit.facts import computed
from journeyaudit.model import Evidence, Finding, Run, StepRecord
from journeyaudit.rules.registry import rule

# --------------------------------------------------------------------------
# JA402 dead-click
# --------------------------------------------------------------------------

_BUTTON_TYPES = {"submit", "button", "image", "reset"}


def _is_button(target: Mapping[str, Any]) -> bool:
    tag = (target.get("tag") or "").lower()
    return tag in ("button", "a", "summary") or (tag == "input" and (target.get("type") or "").lower() in _BUTTON_TYPES)


def _click_name(action, target: Mapping[str, Any]) -> str:
    name = (target.get("text") or target.get("label") or "").strip()
    if name:
        return name.splitlines()[0][:80]
    return action.description.removeprefix("click ").strip()[:80]


@rule(
    "JA402",
    "dead-click",
    title="A button click changed nothing",
    severity="high",
    options={"min_wait_ms": 1000},
)
def dead_click(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """The customer clicked a button or link and nothing happened.

    After each click the recorder watches the page for a short while: did the
    address change, did anything on the page change (a DOM mutation: a
    message, a spinner, a disabled button), did the page send a request, open
    a dialog or a window? A click on a button or link that did none of these
    is a dead click: the customer clicks again, waits, and leaves. Typical
    causes are a script that failed to load or a handler bound to an element
    a theme update renamed.

    Only buttons, links and submit inputs count (checkboxes and radios change
    state without touching the DOM). Options: ``min_wait_ms``: a click counts
    as dead only when the recorder watched it for at least this long.
    Evidence: the click, the address before and after, what was watched.
    """
    for step in run.steps:
        for action in step.actions:
            effect = action.effect or {}
            if action.name != "click" or action.status != "passed" or not effect.get("observed"):
                continue
            if not _is_button(action.target or {}):
                continue
            alive = effect.get("navigated") or effect.get("dom_changed") or effect.get("requests") or effect.get(
                "dialogs"
            ) or effect.get("popups")
            waited = effect.get("waited_ms") or 0
            if alive or waited < options["min_wait_ms"]:
                continue
            name = _click_name(action, action.target or {})
            seconds = f"{waited / 1000:.1f}".rstrip("0").rstrip(".")
            yield Finding(
                step=step.index,
                message=(
                    f"At {step.label} the customer clicked '{name}' and nothing happened: the page stayed at "
                    f"{effect.get('url_after') or step.url}, nothing on it changed and no request was sent "
                    f"within {seconds} s."
                ),
                evidence=[
                    Evidence("text", f"Click at {step.label}", action.description, step.index),
                    Evidence("url", "Address before and after the click", effect.get("url_after") or "", step.index),
                    Evidence(
                        "timing",
                        "Watched after the click",
                        f"{waited} ms: no navigation, no DOM change, {effect.get('requests', 0)} requests, "
                        f"{effect.get('dialogs', 0)} dialogs, {effect.get('popups', 0)} new windows",
                        step.index,
                    ),
                ],
            )


# --------------------------------------------------------------------------
# JA504 insecure-checkout
# --------------------------------------------------------------------------

#: W3C Secure Contexts: these hosts are "potentially trustworthy" even over http.
TRUSTED_HOSTS = ["localhost", "*.localhost", "127.0.0.0/8", "::1"]
CHECKOUT_ROLES = ["account", "shipping", "payment", "review", "confirmation"]
_SECRET_FIELD = re.compile(r"card.?num|cc.?num|cvc|cvv|security.?code|password", re.I)


def _trusted(host: str, trusted: list[str]) -> bool:
    host = (host or "").strip("[]").lower()
    for pattern in trusted:
        if "/" in pattern:
            try:
                if ipaddress.ip_address(host) in ipaddress.ip_network(pattern, strict=False):
                    return True
            except ValueError:
                continue
        elif fnmatch(host, pattern.lower()):
            return True
    return False


def _insecure(url: str, trusted: list[str]) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "ws") and not _trusted(parts.hostname or "", trusted)


_FORM_TAG = re.compile(r"<form\b[^>]*>", re.IGNORECASE)
_ACTION = re.compile(r"""\baction\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def _form_actions(step: StepRecord) -> list[str]:
    """Every form's absolute action URL, found without parsing the page (cheap)."""
    actions = []
    for tag in _FORM_TAG.findall(step.html or ""):
        match = _ACTION.search(tag)
        raw = next((g for g in match.groups() if g is not None), "") if match else ""
        actions.append(urljoin(step.url, html_unescape(raw) or step.url))
    return actions


def _secret_forms(step: StepRecord, trusted: list[str]) -> list[tuple[str, list[str]]]:
    """(absolute action URL, labels of its card/password fields) for each insecure form that takes secrets."""
    if not any(_insecure(url, trusted) for url in _form_actions(step)):
        return []  # the common case: parse nothing
    soup = computed.soup(step)
    found = []
    for form in soup.find_all("form"):
        secret = []
        for field in form.find_all("input"):
            kind = (field.get("type") or "").lower()
            autocomplete = (field.get("autocomplete") or "").lower()
            ident = f"{field.get('name') or ''} {field.get('id') or ''}"
            if kind == "password" or autocomplete.startswith("cc-") and autocomplete != "cc-name" or _SECRET_FIELD.search(ident):
                secret.append(field.get("name") or field.get("id") or kind)
        if secret:
            found.append((urljoin(step.url, form.get("action") or step.url), _labels(step, secret)))
    return found


def _labels(step: StepRecord, names: list[str]) -> list[str]:
    """Fields as the customer knows them: their labels where the recorder saw them."""
    by_name = {f.name or f.id: f.label for f in step.fields if f.label}
    return [by_name.get(name) or name for name in names]


@rule(
    "JA504",
    "insecure-checkout",
    title="Checkout or card data over plain HTTP",
    severity="critical",
    options={"trusted_hosts": TRUSTED_HOSTS, "checkout_roles": CHECKOUT_ROLES},
)
def insecure_checkout(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Checkout pages, card forms or their data travel over plain HTTP.

    Anything sent over plain HTTP can be read and changed by whoever sits on
    the network between the customer and the shop: a café's Wi-Fi, a hotel
    proxy. For a checkout that means addresses, passwords and card numbers in
    the clear, and browsers mark such pages "Not secure". The rule reports:
    a checkout step served over HTTP; a page served over HTTPS that loads
    parts over HTTP (mixed content); a card or password form whose data is
    posted to an HTTP address; a form submission (POST) sent over HTTP.

    Hosts the browser itself treats as secure even over HTTP (W3C Secure
    Contexts: ``localhost``, ``127.0.0.0/8``, ``::1``) are trusted, so a shop
    on a developer's machine is not reported. Options: ``trusted_hosts``
    (host names with ``*`` wildcards, or IP networks), ``checkout_roles``
    (steps whose own page must be secure). One finding per insecure address.
    """
    trusted = list(options["trusted_hosts"])
    roles = set(options["checkout_roles"])
    reported: set[str] = set()

    def once(url: str) -> bool:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}{parts.path}"
        if key in reported:
            return False
        reported.add(key)
        return True

    for step in run.reached():
        if step.role in roles and step.url and _insecure(step.url, trusted) and once(step.url):
            yield Finding(
                step=step.index,
                message=f"The checkout page at {step.label} was served over plain HTTP, not HTTPS: {step.url}",
                evidence=[Evidence("url", f"Address of {step.label}", step.url, step.index)],
            )
        for action_url, fields in _secret_forms(step, trusted):
            if _insecure(action_url, trusted) and once(action_url):
                yield Finding(
                    step=step.index,
                    message=(
                        f"The form at {step.label} sends the customer's {', '.join(fields)} over plain HTTP, "
                        f"not HTTPS, to {action_url}: anyone on the network can read them."
                    ),
                    evidence=[
                        Evidence("url", f"Form action at {step.label}", action_url, step.index),
                        Evidence("field", "Fields it sends", ", ".join(fields), step.index),
                    ],
                )
        page_secure = urlsplit(step.url or "").scheme == "https"
        for entry in step.network:
            if not _insecure(entry.url, trusted):
                continue
            if entry.method == "POST":
                if once(entry.url):
                    yield Finding(
                        step=step.index,
                        message=f"At {step.label} the customer's data was sent over plain HTTP, not HTTPS: POST {entry.url}",
                        evidence=[Evidence("request", f"{entry.resource_type} request", f"POST {entry.url}", step.index)],
                    )
            elif page_secure and entry.resource_type != "document" and once(entry.url):
                yield Finding(
                    step=step.index,
                    message=f"The secure page at {step.label} loads a {entry.resource_type} over plain HTTP (mixed content): {entry.url}",
                    evidence=[Evidence("request", f"{entry.resource_type} request", f"{entry.method} {entry.url}", step.index)],
                )


# --------------------------------------------------------------------------
# JA505 payment-frame-failed
# --------------------------------------------------------------------------

#: Where the common payment providers serve their scripts, iframes and APIs.
PAYMENT_PATTERNS = [
    r"//js\.stripe\.com/",
    r"//(m|api|hooks|r)\.stripe\.(com|network)/",
    r"//checkoutshopper-[a-z]+\.adyen\.com/",
    r"//[a-z0-9.-]*\.adyen(payments)?\.com/",
    r"//(js|assets|api|client-analytics)\.braintreegateway\.com/",
    r"//[a-z0-9.-]*\.braintree-api\.com/",
    r"//www\.(sandbox\.)?paypal(objects)?\.com/",
    r"//[a-z0-9.-]*\.paypal\.com/sdk/",
    r"//x\.klarnacdn\.net/",
    r"//[a-z0-9.-]*\.klarna\.com/",
    r"//js\.mollie\.com/",
    r"//[a-z0-9.-]*\.mollie\.com/",
    r"//pay\.google\.com/",
    r"//applepay\.cdn-apple\.com/",
    r"//[a-z0-9.-]*\.checkout\.com/",
    r"//[a-z0-9.-]*\.squareup(sandbox)?\.com/",
]


def _payment_url(url: str, patterns: list[str]) -> bool:
    return any(re.search(pattern, url, re.IGNORECASE) for pattern in patterns)


def _failed(entry) -> str | None:
    if entry.status is not None and entry.status >= 400:
        return f"answered {entry.status}"
    if entry.failure and "ERR_ABORTED" not in entry.failure:
        return f"failed ({entry.failure})"
    return None


@rule(
    "JA505",
    "payment-frame-failed",
    title="The payment widget failed to load",
    severity="high",
    options={
        "provider_patterns": PAYMENT_PATTERNS,
        "own_patterns": [],
        "resource_types": ["script", "document", "xhr", "fetch", "stylesheet"],
    },
)
def payment_frame_failed(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """The payment provider's script, iframe or API did not load.

    Card fields, wallet buttons (PayPal, Apple Pay, Google Pay) and 3-D Secure
    run inside a payment provider's script and iframe. When one of those
    fails to load, the customer sees an empty box or an endless "Loading",
    and cannot pay, though the shop's own pages work fine. The rule
    recognises providers by the addresses they serve from (Stripe, Adyen,
    Braintree, PayPal, Klarna, Mollie, Google Pay, Apple Pay, Checkout.com,
    Square) and reports each step where such a request failed or answered
    an error status.

    Options: ``provider_patterns`` (regular expressions on request URLs),
    ``own_patterns`` (the same for a shop's own payment widget, e.g.
    ``/payments/``), ``resource_types``.
    Evidence: each failed request with its status or network error.
    """
    patterns = list(options["provider_patterns"]) + list(options.get("own_patterns") or [])
    types = set(options["resource_types"])
    for step in run.steps:
        failed = [
            (entry, why)
            for entry in step.network
            if entry.resource_type in types and _payment_url(entry.url, patterns) and (why := _failed(entry))
        ]
        if not failed:
            continue
        first, why = failed[0]
        what = {"script": "script", "document": "frame", "stylesheet": "styles"}.get(first.resource_type, "request")
        yield Finding(
            step=step.index,
            message=(
                f"The payment widget at {step.label} did not load: its {what} {first.url} {why}. "
                "The customer sees an empty payment box and may not be able to pay."
            ),
            evidence=[
                Evidence("request", f"Payment {entry.resource_type}", f"{entry.method} {entry.url} -> {reason}", step.index)
                for entry, reason in failed
            ],
        )


# --------------------------------------------------------------------------
# JA605 accessibility-violation
# --------------------------------------------------------------------------

IMPACT_SEVERITY = {"critical": "high", "serious": "medium", "moderate": "low", "minor": "low"}
_IMPACT_ORDER = ["minor", "moderate", "serious", "critical"]


@rule(
    "JA605",
    "accessibility-violation",
    title="Accessibility barriers (axe-core)",
    severity="medium",
    options={"impact_severity": IMPACT_SEVERITY, "min_impact": "moderate", "ignore_rules": [], "max_elements": 3},
    needs=["accessibility"],
)
def accessibility_violation(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """axe-core found accessibility barriers on a step's page.

    The recorder runs axe-core (the engine behind the browsers' own
    accessibility audits) on every step's page, error states included,
    against WCAG 2.x A and AA. Each violation is a barrier for some customers:
    an image without a text alternative says nothing to a screen reader, a
    button without a name cannot be found by voice control, faint text cannot
    be read in sunlight or with low vision. Shops are bound by accessibility
    law in many markets (the European Accessibility Act since June 2025).

    One finding per axe rule per journey, at the first step it appears on,
    listing the other steps. axe's impact sets the severity (``impact_severity``:
    critical -> high, serious -> medium, moderate and minor -> low).
    Options: ``min_impact`` (ignore less severe violations), ``ignore_rules``
    (axe rule ids such as ``color-contrast``), ``max_elements`` (quoted per finding).
    """
    mapping = {**IMPACT_SEVERITY, **dict(options.get("impact_severity") or {})}
    floor = _IMPACT_ORDER.index(options["min_impact"]) if options["min_impact"] in _IMPACT_ORDER else 0
    ignored = set(options.get("ignore_rules") or [])
    seen: dict[str, tuple[StepRecord, dict[str, Any], list[StepRecord]]] = {}
    for step in run.steps:
        for violation in step.accessibility or []:
            rule_id, impact = violation.get("id", ""), violation.get("impact", "")
            if rule_id in ignored or impact not in _IMPACT_ORDER or _IMPACT_ORDER.index(impact) < floor:
                continue
            if rule_id in seen:
                seen[rule_id][2].append(step)
            else:
                seen[rule_id] = (step, violation, [])
    for rule_id, (step, violation, later) in seen.items():
        count = violation.get("count") or len(violation.get("nodes") or [])
        elements = "1 element" if count == 1 else f"{count} elements"
        also = f"; also on {', '.join(s.label for s in later)}" if later else ""
        evidence = [
            Evidence("field", f"{violation.get('help', rule_id)} ({rule_id}, {violation.get('impact')})", _node_text(node), step.index)
            for node in (violation.get("nodes") or [])[: options["max_elements"]]
        ]
        if violation.get("help_url"):
            evidence.append(Evidence("url", "How to fix it (axe-core)", violation["help_url"], step.index))
        yield Finding(
            step=step.index,
            severity=mapping.get(violation.get("impact", ""), ""),
            message=(
                f"At {step.label} some customers meet a barrier: {violation.get('help', rule_id)} "
                f"({elements}; axe-core rule {rule_id}, {violation.get('impact')} impact{also})."
            ),
            evidence=evidence,
        )


def _node_text(node: Mapping[str, Any]) -> str:
    summary = (node.get("summary") or "").replace("Fix any of the following:", "").replace("Fix all of the following:", "")
    summary = " ".join(summary.split())
    return f"{node.get('html', '')}\n{summary}".strip()
