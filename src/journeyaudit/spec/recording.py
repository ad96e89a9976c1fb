"""``journeyaudit record``: what the customer did in the browser, written as a journey file.

The browser side (``gather/record_session.py``) sends one event per thing the user did:
``page`` (a document was shown: its URL, title and main heading), ``click``, ``fill``,
``select``, ``check``, ``uncheck`` and ``press``, each with the best selector for its
element (role and accessible name, then label, then CSS). This module is pure: it cuts
the events into steps at each page, guesses each step's role, keeps secrets out of
the file, and writes the YAML.

* A step starts with what took the customer to its page (the click or key press that
  navigated, followed by ``expect: {url: ...}``), or with a ``goto`` when nothing did
  (the first page, an address typed by hand). Redirects make no step of their own.
* A password field, and a card-like field (a Luhn-valid number, or a card number or
  security code field: ``spec/cards.py``), is written ``secret: true`` with its value
  replaced by ``${NAME}``: the typed value never reaches the file.
* Each step's role is guessed from its address and what was done on it, and marked
  ``# check: guessed`` for the user to confirm.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from journeyaudit.spec.cards import CARD_FIELD, looks_like_card_number

# Address words, most specific first: the first role whose words appear in the path wins.
_ROLE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("confirmation", ("order-confirmation", "confirmation", "thank", "success", "/order/", "/orders/", "complete")),
    ("payment", ("payment", "/pay", "billing")),
    ("review", ("review", "summary", "/confirm")),
    ("shipping", ("shipping", "delivery", "address")),
    ("account", ("login", "signin", "sign-in", "register", "account", "/checkout")),
    ("cart", ("cart", "basket", "/bag")),
    ("product", ("/product", "/products/", "/p/", "/item", "/dp/", "/shop/")),
)
_SECURITY_CODE = re.compile(r"cvc|cvv|csc|security[-_ ]?code|card[-_ ]?code|pr[uü]fnummer", re.IGNORECASE)
_TRIGGERS = ("click", "press")
_VARYING = re.compile(r"\d")  # a path segment with a digit (an order number) varies between runs


@dataclass
class RecordedStep:
    url: str
    title: str = ""
    heading: str = ""
    actions: list[tuple[str, Any]] = field(default_factory=list)  # (action name, YAML value)
    navigated_by: str = ""  # the action that brought the customer here ("" = goto)


@dataclass
class Recording:
    """The journey file's text and the environment variables its secrets are read from."""

    text: str
    secrets: list[str]  # environment variable names, in order of use
    steps: int


def _path(url: str, start: str) -> str:
    """``url`` as the journey writes it: a path when on the start URL's site, else in full."""
    parts, base = urlsplit(url), urlsplit(start)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return url
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def url_pattern(url: str) -> str:
    """The glob ``expect: {url}`` checks: the path, its varying segments (order numbers) as ``*``."""
    path = urlsplit(url).path or "/"
    segments = ["*" if _VARYING.search(part) else part for part in path.split("/")]
    return "**" + "/".join(segments)


def guess_role(step: RecordedStep, first: bool) -> str:
    """The step's role as guessed from its address and its fields; ``other`` when nothing says."""
    path = urlsplit(step.url).path.lower() + "/"
    for role, words in _ROLE_WORDS:
        if any(word in path for word in words):
            return role
    if any(name == "fill" and isinstance(value, dict) and value.get("secret") for name, value in step.actions):
        return "payment"
    return "product" if first else "other"


def _field_words(event: Mapping[str, Any]) -> str:
    info = event.get("field") or {}
    return " ".join(str(info.get(key, "")) for key in ("name", "id", "label", "autocomplete", "placeholder"))


def is_secret_field(event: Mapping[str, Any]) -> bool:
    """A password field, or one meant for a card number or its security code (or holding a card number)."""
    info = event.get("field") or {}
    if str(info.get("type", "")).lower() == "password":
        return True
    words = _field_words(event)
    if str(info.get("autocomplete", "")).lower() in ("cc-number", "cc-csc", "current-password", "new-password"):
        return True
    if _SECURITY_CODE.search(words):
        return True
    value = str(event.get("value", ""))
    return looks_like_card_number(value) or (bool(CARD_FIELD.search(words)) and re.sub(r"[\s-]", "", value).isdigit())


def env_name(event: Mapping[str, Any], taken: set[str]) -> str:
    """An environment variable name for a secret field (``LOGIN_PASSWORD``), unique in the journey."""
    info = event.get("field") or {}
    raw = str(info.get("id") or info.get("name") or info.get("label") or info.get("type") or "secret")
    name = re.sub(r"[^A-Za-z0-9]+", "_", raw).strip("_").upper() or "SECRET"
    if name[0].isdigit():
        name = f"FIELD_{name}"
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name}_{number}", number + 1
    taken.add(candidate)
    return candidate


class _Builder:
    def __init__(self, start_url: str):
        self.start_url = start_url
        self.steps: list[RecordedStep] = []
        self.secrets: list[str] = []
        self._taken: set[str] = set()

    def page(self, event: Mapping[str, Any]) -> None:
        url = str(event.get("url", ""))
        current = self.steps[-1] if self.steps else None
        if current is not None and not self._user_actions(current):  # a redirect, a reload: the same step
            current.url, current.title, current.heading = url, event.get("title", ""), event.get("heading", "")
            return
        trigger = None
        if current is not None and current.actions and current.actions[-1][0] in _TRIGGERS:
            trigger = current.actions.pop()
        step = RecordedStep(url=url, title=str(event.get("title", "")), heading=str(event.get("heading", "")))
        if trigger is not None:
            step.actions.append(trigger)
            step.navigated_by = trigger[0]
        self.steps.append(step)

    @staticmethod
    def _user_actions(step: RecordedStep) -> list[tuple[str, Any]]:
        return step.actions[1:] if step.navigated_by else step.actions

    def action(self, event: Mapping[str, Any]) -> None:
        if not self.steps:
            self.page({"url": event.get("url") or self.start_url})
        step = self.steps[-1]
        kind, selector = str(event.get("type")), str(event.get("selector", ""))
        if not selector:
            return
        if kind == "fill":
            self._fill(step, event, selector)
        elif kind == "select":
            step.actions.append(("select", {"selector": selector, "value": str(event.get("value", ""))}))
        elif kind in ("check", "uncheck", "click"):
            step.actions.append((kind, selector))
        elif kind == "press":
            step.actions.append(("press", {"key": str(event.get("key") or "Enter"), "selector": selector}))

    def _fill(self, step: RecordedStep, event: Mapping[str, Any], selector: str) -> None:
        last = step.actions[-1] if step.actions else None
        if last and last[0] == "fill" and last[1]["selector"] == selector:  # typing on in the same field
            step.actions.pop()
        if is_secret_field(event):
            if last and last[0] == "fill" and last[1]["selector"] == selector and last[1].get("secret"):
                name = last[1]["value"][2:-1]
            else:
                name = env_name(event, self._taken)
                self.secrets.append(name)
            step.actions.append(("fill", {"selector": selector, "value": "${" + name + "}", "secret": True}))
        else:
            value = str(event.get("value", "")).replace("${", "$${")
            step.actions.append(("fill", {"selector": selector, "value": value}))


def build_steps(events: Iterable[Mapping[str, Any]], start_url: str) -> tuple[list[RecordedStep], list[str]]:
    """The recorded events cut into steps; also the environment variable names of the secrets."""
    builder = _Builder(start_url)
    for event in events:
        if event.get("type") == "page":
            builder.page(event)
        else:
            builder.action(event)
    return builder.steps, list(dict.fromkeys(builder.secrets))


def _scalar(value: Any) -> str:
    """A YAML scalar: JSON's double-quoted string is one (and shows its escapes)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(str(value), ensure_ascii=False)


def _action_line(name: str, value: Any) -> str:
    if isinstance(value, dict):
        inner = ", ".join(f"{key}: {_scalar(item)}" for key, item in value.items())
        return f"{name}: {{{inner}}}"
    return f"{name}: {_scalar(value)}"


def _step_name(step: RecordedStep, index: int, used: set[str]) -> str:
    base = re.sub(r"\s+", " ", step.heading or step.title or urlsplit(step.url).path or f"Step {index}").strip()[:70]
    name, number = base or f"Step {index}", 2
    while name.lower() in used:
        name, number = f"{base} ({number})", number + 1
    used.add(name.lower())
    return name


def _expectations(step: RecordedStep, first: bool) -> list[str]:
    lines = []
    if not first or step.navigated_by:
        lines.append(_action_line("expect", {"url": url_pattern(step.url)}))
    heading = re.sub(r"\s+", " ", step.heading).strip()
    if heading and len(heading) <= 60 and not _VARYING.search(heading):
        lines.append(_action_line("expect", {"text": heading}))
    return lines


def render(steps: list[RecordedStep], secrets: list[str], start_url: str, name: str) -> str:
    """The journey file: steps with a guessed role each (``# check: guessed``), secrets as ``${NAME}``."""
    lines = [
        "# Recorded by `journeyaudit record`. Check each step's role (marked `# check: guessed`),",
        "# its name and its expectations; then: journeyaudit check THIS_FILE",
    ]
    if secrets:
        lines.append("# Secrets are read from the environment: set " + ", ".join(secrets) + " before running it.")
    lines += [f"name: {_scalar(name)}", "steps:"]
    used: set[str] = set()
    for index, step in enumerate(steps, start=1):
        first = index == 1
        actions = [] if step.navigated_by else [_action_line("goto", _path(step.url, start_url))]
        if step.navigated_by:
            actions.append(_action_line(*step.actions[0]))
            actions += _expectations(step, first)
            actions += [_action_line(n, v) for n, v in step.actions[1:]]
        else:
            actions += _expectations(step, first)
            actions += [_action_line(n, v) for n, v in step.actions]
        lines += [
            f"  - name: {_scalar(_step_name(step, index, used))}",
            f"    role: {guess_role(step, first)}  # check: guessed",
            "    actions:",
            *(f"      - {line}" for line in actions),
        ]
    return "\n".join(lines) + "\n"


def record_journey(events: Iterable[Mapping[str, Any]], start_url: str, name: str) -> Recording:
    """The journey file for the recorded events (pure: the caller writes it)."""
    steps, secrets = build_steps(events, start_url)
    if not steps:
        steps = [RecordedStep(url=start_url)]
    return Recording(render(steps, secrets, start_url, name), secrets, len(steps))
