"""JA5xx, technical: console errors, failed requests, uncaught exceptions, insecure checkout, payment frames."""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Iterator, Mapping
from fnmatch import fnmatch
from html import unescape as html_unescape
from typing import Any
from urllib.parse import urljoin, urlsplit

from journeyaudit.facts import computed
from journeyaudit.facts.page_text import text_cache
from journeyaudit.model import Evidence, Finding, Run, StepRecord
from journeyaudit.rules import third_party
from journeyaudit.rules.registry import rule

#: W3C Secure Contexts: these hosts are "potentially trustworthy" even over http.
TRUSTED_HOSTS = ["localhost", "*.localhost", "127.0.0.0/8", "::1"]
CHECKOUT_ROLES = ["account", "shipping", "payment", "review", "confirmation"]


_SECRET_FIELD = re.compile(r"card.?num|cc.?num|cvc|cvv|security.?code|password", re.I)


def _trusted(host: str, trusted: list[str]) -> bool:
    return _trusted_host((host or "").strip("[]").lower(), tuple(trusted))


@text_cache(maxsize=1024)  # every request of every step asks about the same few hosts
def _trusted_host(host: str, trusted: tuple[str, ...]) -> bool:
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


_PROVIDERS = {
    "stripe": "Stripe", "adyen": "Adyen", "braintree": "Braintree", "paypal": "PayPal", "klarna": "Klarna",
    "mollie": "Mollie", "pay.google": "Google Pay", "applepay": "Apple Pay", "checkout.com": "Checkout.com",
    "squareup": "Square",
}
_CARD_PROVIDERS = {"Stripe", "Adyen", "Braintree", "Mollie", "Checkout.com", "Square"}
_CARD_FIELD = re.compile(r"card|cc-?(num|exp|csc)|cvc|cvv|expir", re.IGNORECASE)


def _provider(url: str) -> str:
    host = (urlsplit(url).hostname or "") + urlsplit(url).path[:1]
    return next((name for key, name in _PROVIDERS.items() if key in host.lower()), "")


def _chosen(run: Run, provider: str) -> bool:
    """Did the customer choose this provider: picked a method naming it, or typed a card for a card provider?"""
    for step in run.steps_with_role("payment", "review"):
        for action in step.actions:
            target = action.target or {}
            said = " ".join(str(target.get(k) or "") for k in ("label", "text", "id", "name")) + " " + action.description
            if provider.lower().split()[0] in said.lower():
                return True
            if action.name == "fill" and provider in _CARD_PROVIDERS and _CARD_FIELD.search(said):
                return True
    return False


def _payment_url(url: str, patterns: list[str]) -> bool:
    return any(pattern.search(url) for pattern in _compiled(tuple(patterns)))


@functools.lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """The option's patterns compiled once: every request of every run is matched against them (re.search
    per pattern and URL was 9,000 lookups in re's cache in a re-judgement of the fixtures). Each on its
    own, not joined: a pattern may start with its own inline flags."""
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in patterns)


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
        "not_chosen_severity": "medium",
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

    A provider the customer did not choose (they picked another method, e.g.
    invoice, and the checkout went on) is weighed lower
    (``not_chosen_severity``, default medium): it breaks that provider's
    method for the customers who would choose it, or is a script the page
    loads for nothing. So is a provider the page does not name at all (no
    method of that provider on offer) at a step the customer got past, also
    when the journey stopped later for another reason: its failure broke
    nothing the customer could choose.

    Options: ``provider_patterns`` (regular expressions on request URLs),
    ``own_patterns`` (the same for a shop's own payment widget, e.g.
    ``/payments/``), ``resource_types``, ``not_chosen_severity``.
    Evidence: each failed request with its status or network error.
    """
    own = list(options.get("own_patterns") or [])
    patterns = list(options["provider_patterns"]) + own
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
        provider = "" if _payment_url(first.url, own) else _provider(first.url)
        later_passed = any(s.index > step.index and s.status == "passed" for s in run.steps)
        evidence = [
            Evidence("request", f"Payment {entry.resource_type}", f"{entry.method} {entry.url} -> {reason}", step.index)
            for entry, reason in failed
        ]
        offered = bool(provider) and provider.lower() in (step.visible_text or "").lower()
        passed_here = step.status == "passed" and not offered  # nothing offered broke (Vendure's Stripe.js)
        if provider and (later_passed or passed_here) and not _chosen(run, provider):
            yield Finding(
                step=step.index,
                severity=options["not_chosen_severity"],
                message=(
                    f"{provider}'s {what} at {step.label} did not load ({first.url} {why})"
                    + (", but the customer paid another way and the checkout went on. " if later_passed else ". ")
                    + (f"Customers who choose {provider} on this page may not be able to pay."
                       if offered else f"The page offers no {provider} payment: it loads a script it does not use.")
                ),
                evidence=evidence,
            )
            continue
        yield Finding(
            step=step.index,
            message=(
                f"The payment widget at {step.label} did not load: its {what} {first.url} {why}. "
                "The customer sees an empty payment box and may not be able to pay."
            ),
            evidence=evidence,
        )


def _ignored(text: str, patterns: list[str]) -> bool:
    return any(re.search(pattern, text, re.IGNORECASE) for pattern in patterns)


@rule(
    "JA501",
    "console-error",
    title="Console errors on a journey step",
    severity="low",
    options={
        # Chrome logs every failed resource load as a console error; JA502 reports
        # those requests with their URL and status, so they are not repeated here.
        "ignore_patterns": [r"^Failed to load resource"],
        "max_per_step": 5,
    },
)
def console_error(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """The page logged errors to the browser console while the customer used it.

    A console error is the page telling its developers that something it tried
    did not work: a widget that did not start, a script that could not load its
    data, a tracking or payment library that failed. The customer may see a
    half-working page (a price that never appears, a button that does nothing)
    without any message. One finding per step, listing the messages.

    Options: ``ignore_patterns`` (regular expressions matched against the
    message; failed resource loads are ignored by default because JA502 reports
    them), ``max_per_step`` (messages quoted as evidence).
    """
    patterns = list(options.get("ignore_patterns") or [])
    for step in run.steps:
        errors = [m for m in step.console if m.type == "error" and not _ignored(m.text, patterns)]
        if not errors:
            continue
        evidence = [
            Evidence("console", "Console error" + (f" from {m.url}" if m.url else ""), m.text, step.index)
            for m in errors[: options["max_per_step"]]
        ]
        count = f"{len(errors)} console errors" if len(errors) > 1 else "a console error"
        yield Finding(
            step=step.index,
            message=f"The page at {step.label} logged {count}: {errors[0].text[:160]}",
            evidence=evidence,
        )


def _error_status(entry, min_status: int) -> bool:
    return entry.status is not None and entry.status >= min_status


def _form_answer(entry, statuses: set[int]) -> bool:
    """A submitted form's page coming back with its validation answer (422 and friends)."""
    return entry.method == "POST" and entry.resource_type == "document" and entry.status in statuses


def _real_failure(entry) -> bool:
    # net::ERR_ABORTED is the browser cancelling a request because the customer
    # moved on (a new navigation); that is not the shop failing.
    return bool(entry.failure) and "ERR_ABORTED" not in entry.failure


@rule(
    "JA502",
    "failed-request",
    title="A request of the shop failed",
    severity="medium",
    options={
        "resource_types": ["document", "xhr", "fetch"],
        "min_status": 400,
        "ignore_url_patterns": [],
        "form_answer_statuses": [400, 401, 422],
        "third_party_types": ["script"],
    },
)
def failed_request(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """A page, or data a page asked the shop for, failed to load.

    When the shop's own server answers a page request or a background request
    (XHR/fetch: cart updates, shipping rates, payment calls) with an error
    status (>= 400) or not at all, the customer sees an error page, a spinner
    that never ends, or a page with missing parts.

    A script the page loads from another site (a CDN copy of jQuery, a
    widget) that fails to load is reported too, once per address with its URL,
    by what it broke for the customer: high when the page's scripts then crashed
    as they do without a library (``$ is not defined``, ``... is not a
    function``) and the customer was stopped on that page (that step failed, or
    the next one failed without leaving it); medium when they crashed but the
    customer went on; low when nothing visibly broke.
    Payment providers' scripts are JA505's.

    A submitted form (a POST for a page) answered with one of
    ``form_answer_statuses`` (default 400, 401, 422) is the shop showing the form
    again with what to fix: how well it says so is for JA302, JA303 and JA304 to
    judge, it is not a failed request.

    Options: ``resource_types`` (default document, xhr, fetch), ``min_status``
    (default 400), ``ignore_url_patterns`` (regular expressions for URLs whose
    failure is expected), ``form_answer_statuses``, ``third_party_types``
    (resource types checked on other sites, default script).
    Evidence: method, URL, status or network error, for each failed request.
    """
    types = set(options["resource_types"])
    patterns = list(options.get("ignore_url_patterns") or [])
    form_answers = set(options.get("form_answer_statuses") or ())
    for step in run.steps:
        failed = [
            entry
            for entry in step.network
            if entry.same_origin
            and entry.resource_type in types
            and (_error_status(entry, options["min_status"]) or _real_failure(entry))
            and not _ignored(entry.url, patterns)
            and not _form_answer(entry, form_answers)
        ]
        if not failed:
            continue
        evidence = [
            Evidence(
                "request",
                f"{entry.resource_type} request",
                f"{entry.method} {entry.url} -> {entry.status if _error_status(entry, options['min_status']) else entry.failure}",
                step.index,
            )
            for entry in failed
        ]
        first = failed[0]
        what = "The page" if first.resource_type == "document" else "A background request of the page"
        outcome = f"answered {first.status}" if _error_status(first, options["min_status"]) else f"failed ({first.failure})"
        more = f" ({len(failed)} failed requests)" if len(failed) > 1 else ""
        yield Finding(
            step=step.index,
            message=f"{what} at {step.label} {outcome}: {first.method} {first.url}{more}",
            evidence=evidence,
        )
    yield from third_party.failed_scripts(run, options, patterns, PAYMENT_PATTERNS)


@rule(
    "JA503",
    "uncaught-exception",
    title="An uncaught JavaScript exception",
    severity="medium",
    options={"ignore_patterns": [], "leave_missing_scripts_to_ja502": True},
)
def uncaught_exception(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """A script on the page crashed with an uncaught exception.

    An uncaught exception stops the script that threw it: whatever that script
    was doing for the customer (updating the basket total, validating the form,
    starting the payment widget) silently stops. One finding per step.

    A crash that reads like a missing library (``$ is not defined``) on a step
    where a script from another site failed to load is JA502's: it reports the
    script's URL with the crash as evidence, one cause, one finding.

    Options: ``ignore_patterns`` (regular expressions matched against the
    exception message), ``leave_missing_scripts_to_ja502`` (false: report
    those crashes here too).
    Evidence: the exception message and the top of its stack.
    """
    patterns = list(options.get("ignore_patterns") or [])
    leave = bool(options.get("leave_missing_scripts_to_ja502"))
    for step in run.steps:
        explained = third_party.explained_crashes(step, PAYMENT_PATTERNS) if leave else set()
        errors = [e for e in step.page_errors if not _ignored(e.message, patterns) and e.message not in explained]
        if not errors:
            continue
        evidence = []
        for error in errors:
            top = next((line.strip() for line in error.stack.splitlines()[1:] if line.strip()), "")
            evidence.append(Evidence("error", "Uncaught exception", error.message + (f"\n{top}" if top else ""), step.index))
        yield Finding(
            step=step.index,
            message=f"A script on the page at {step.label} crashed: {errors[0].message[:160]}",
            evidence=evidence,
        )

