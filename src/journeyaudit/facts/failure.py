"""Why a step failed, in the customer's words: what was expected, and what the page said instead.

The recorder keeps the tool's own one-line error (``StepRecord.error``, e.g. ``could not find
"button:has-text('Add to cart')" on the page within 5 s`` or, from an older recording,
``Locator.wait_for: Timeout 15000ms exceeded.``). That stays the raw, secondary reason. This
module reads the failed action, the error and the page as it was left (HTML snapshot and text)
and says it the way a customer would: "'Add to cart' was on the page but could not be clicked
(it was disabled) after 5 s; the page said 'Combination not available'".
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from journeyaudit.facts import computed, phrase_search, wording
from journeyaudit.model import ActionRecord, StepRecord

_SECONDS = re.compile(r"within (\d+(?:\.\d+)?) s|Timeout (\d+)\s*ms exceeded", re.IGNORECASE)
_NOT_FOUND = re.compile(r"^could not find (.+?) on the page within", re.IGNORECASE)
_TEXT_MISSING = re.compile(r"^expected '(.+)' on the page; it did not appear", re.IGNORECASE)
_WRONG_PAGE = re.compile(r"^expected to arrive at '(.+)', but the page is (\S+)", re.IGNORECASE)
_NO_LOAD = re.compile(r"^page (\S+) did not load within", re.IGNORECASE)
_TEXT_SELECTOR = (
    re.compile(r"""has-text\(\s*["'](.+?)["']\s*\)"""),
    re.compile(r"""\[name\s*=\s*["'](.+?)["']\s*[i]?\]"""),
    re.compile(r"""^text\s*=\s*["']?(.+?)["']?$"""),
    re.compile(r"""^["'](.+)["']$"""),
)
_ELEMENT_ACTIONS = {"click", "fill", "select", "check", "uncheck", "press", "wait_for"}
_VERBS = {"click": "clicked", "fill": "typed into", "select": "chosen from", "check": "ticked", "uncheck": "unticked",
          "press": "used"}
_MAX_SAID = 160


def failed_action(step: StepRecord) -> ActionRecord | None:
    return next((a for a in reversed(step.actions) if a.status == "failed"), None)


def _seconds(error: str) -> str:
    match = _SECONDS.search(error)
    if not match:
        return ""
    value = float(match.group(1)) if match.group(1) else int(match.group(2)) / 1000
    return f"{value:g} s"


def _selector(action: ActionRecord | None, error: str) -> str:
    match = _NOT_FOUND.match(error)
    if match:
        return match.group(1).strip().strip("'\"")
    if action is None:
        return ""
    described = action.description.split(" ", 1)[1] if " " in action.description else ""
    described = re.sub(r"\s+timeout_ms=\d+\s*$", "", described)
    return described.removeprefix("selector=").split(" value=")[0].strip()


def element_name(selector: str, step: StepRecord) -> str:
    """How a customer would name the element a selector points at: its text or label."""
    for pattern in _TEXT_SELECTOR:
        match = pattern.search(selector)
        if match:
            return match.group(1)
    if selector.startswith("#"):
        ident = selector[1:]
        field = next((f for f in step.fields if f.id == ident or f.name == ident), None)
        if field is not None and (field.label or field.placeholder):
            return field.label or field.placeholder
    return selector


def _element_state(selector: str, name: str, step: StepRecord) -> str:
    """'disabled', 'hidden', 'present' or '' (not found in the snapshot, or no snapshot)."""
    if not step.html:
        return ""
    soup = computed.soup(step)
    found: list[Any] = []
    if re.fullmatch(r"#[\w-]+", selector):
        tag = soup.find(True, {"id": selector[1:]})
        found = [tag] if tag is not None else []
    elif name and name != selector:
        wanted = " ".join(name.split()).lower()
        for tag in soup.find_all(["button", "a", "input", "label", "summary"]):
            text = " ".join((tag.get_text(" ") or tag.get("value") or "").split()).lower()
            if text == wanted or (wanted in text and len(text) <= 2 * len(wanted)):
                found.append(tag)
    if not found:
        return ""
    tag = found[0]
    if tag.has_attr("disabled") or str(tag.get("aria-disabled", "")).lower() == "true":
        return "disabled"
    if tag.has_attr("hidden") or "display:none" in str(tag.get("style", "")).replace(" ", "").lower():
        return "hidden"
    return "present"


def page_said(step: StepRecord) -> str:
    """The page's own message where the customer was left: a notice or error, else a stock or error line."""
    for text in computed.error_texts(step):
        if text.strip():
            return text.strip()
    for phrases in (wording.OUT_OF_STOCK_PHRASES, wording.PAYMENT_REFUSED_PHRASES, wording.GENERIC_ERROR_PHRASES):
        lines = phrase_search.find_phrases(step.visible_text, phrases)
        if lines:
            return lines[0]
    if step.http_status and step.http_status >= 400 and step.title:
        return step.title
    return ""


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_SAID else text[: _MAX_SAID - 1] + "…"


def expected_page(pattern: str) -> str:
    """A journey's URL glob as a reader of the report says it: ``**/order/*`` -> ``a page under /order/``.

    Product owners read JA101's sentence; the glob's stars are the tool's syntax, not the shop's.
    """
    shown = re.sub(r"…(/?…)+", "…", re.sub(r"\*+", "…", pattern.removeprefix("**")))
    if not shown.strip("…/"):
        return pattern
    return f"a page under {shown[:-1]}" if shown.endswith("/…") else shown


def on_the_shop(url: str, base_url: str = "") -> str:
    """``url`` as a reader says it: its path when it is on the audited shop (``base_url``'s scheme, host and
    port), else as it is (another site, a payment provider's page, or no base URL to tell)."""
    if not base_url:
        return url
    try:
        page, shop = urlsplit(url), urlsplit(base_url)
    except ValueError:
        return url
    if not page.netloc or (page.scheme, page.netloc.lower()) != (shop.scheme, shop.netloc.lower()):
        return url
    return page.path or "/"


def customer_reason(step: StepRecord, base_url: str = "") -> str:
    """The failed step's reason in the customer's words; the raw error when nothing better can be said.

    ``base_url``: the run's, so that a page of the shop is named by its path ("stayed on /checkout/review");
    only the path, as a finding's fingerprint keeps of any address (history/fingerprint.py)."""
    error = (step.error or "").strip()
    if step.status != "failed" or not error:
        return error
    action = failed_action(step)
    seconds = _seconds(error)
    after = f" after {seconds}" if seconds else ""
    said = page_said(step)
    tail = f"; the page said '{_quote(said)}'" if said else ""
    match = _TEXT_MISSING.match(error)
    if match:
        return f"'{_quote(match.group(1))}' never appeared on the page{after}{tail}"
    match = _WRONG_PAGE.match(error)
    if match:
        stayed = on_the_shop(match.group(2), base_url)
        return f"the customer stayed on {stayed} instead of reaching {expected_page(match.group(1))}{tail}"
    match = _NO_LOAD.match(error)
    if match:
        return f"the page {on_the_shop(match.group(1), base_url)} did not load{after}{tail}"
    if action is not None and action.name in _ELEMENT_ACTIONS and (_NOT_FOUND.match(error) or "Timeout" in error):
        selector = _selector(action, error)
        name = element_name(selector, step)
        state = _element_state(selector, name, step)
        verb = _VERBS.get(action.name, "used")
        if state == "disabled":
            what = f"'{name}' was on the page but could not be {verb} (it was disabled){after}"
        elif state == "hidden":
            what = f"'{name}' was on the page but hidden{after}"
        else:
            what = f"'{name}' was not there{after}"
        return what + tail
    return error + tail
