"""Stable fingerprints for findings: "the same problem" recognised across runs.

A fingerprint is a short hash (16 hex digits of SHA-256) of

* the rule code,
* the journey id,
* the step's **name** (not its index: adding a step to a journey must not make
  every later finding "new"),
* the finding's evidence, normalised so that what changes from one recording of
  the same journey to the next does not change the hash.

What is dropped before hashing:

* timing evidence (``kind == "timing"``, and the "Slowest request" of a slow step):
  a step that took 6.7 s today and 7.1 s tomorrow is the same slow step;
* context that only illustrates a finding: screenshots and the "What the page
  said" excerpt of a page (it carries cart counters, banners, recommendations);
* in URLs: scheme, host and port (the demo shop runs on a random port; staging and
  production differ by host), query string and fragment, and ``:line:column`` of
  script positions;
* order numbers (``KC-10240``, ``#10240``), ids (UUIDs, hex and other long
  letter/digit tokens, numbers of 5 digits or more), timestamps and dates, the
  numbers inside durations (``6.0 s`` -> ``# s``), step indexes (``(step 5)``),
  case and runs of whitespace.

What is kept: amounts (``€2.95`` is the problem when a fee appears late, so a
different fee is a different finding), HTTP statuses, and the phrases the shop
showed ("Something went wrong").

The finding's message is not hashed: it is prose for people, and it repeats the
evidence together with volatile details (ports, durations).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from journeyaudit.model import Evidence, Finding, FindingChange, Result, severity_rank

LENGTH = 16  # hex digits kept of the SHA-256

# Evidence that is context, not the problem itself (compared case-insensitively).
_DROPPED_KINDS = {"timing", "screenshot"}
_DROPPED_LABEL_PREFIXES = ("what the page said", "slowest request", "screenshot")

_CURRENCY_CODES = "EUR|USD|GBP|CHF|SEK|NOK|DKK|PLN|CZK|HUF|JPY|CAD|AUD|NZD|INR|BRL|MXN"
_NUMBER = r"\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d{1,2})?"
_AMOUNT = re.compile(
    rf"(?:[€$£¥₹]|\b(?:{_CURRENCY_CODES})\b)\s?-?{_NUMBER}"
    rf"|{_NUMBER}\s?(?:[€$£¥₹]|\b(?:{_CURRENCY_CODES})\b)"
)
_URL = re.compile(r"\b(?:https?|wss?|ftp)://[^\s'\"<>()\[\]{}]+", re.IGNORECASE)
_BARE_HOST = re.compile(r"\b(?:(?:\d{1,3}\.){3}\d{1,3}|localhost|\[[0-9a-f:]+\])(?::\d{1,5})?\b", re.IGNORECASE)
_LINE_COLUMN = re.compile(r"(?::\d+){1,2}$")
_STEP_INDEX = re.compile(r"\s*\(step \d+\)", re.IGNORECASE)
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE)
_ISO_TIME = re.compile(
    r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b"
)
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s?[ap]\.?m\.?)?(?!\d)", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b")
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_WORD_DATE = re.compile(
    rf"\b{_WEEKDAY}(?:\d{{1,2}}(?:st|nd|rd|th)?\.?\s+{_MONTHS}(?:\s+\d{{4}})?"
    rf"|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?)",
    re.IGNORECASE,
)
_DURATION = re.compile(
    r"\b\d+(?:[.,]\d+)?\s?(?:ms|milliseconds?|s|secs?|seconds?|min|mins|minutes?|h|hrs?|hours?)\b",
    re.IGNORECASE,
)
_DURATION_UNIT = re.compile(r"[a-z]+$", re.IGNORECASE)
_ORDER_NUMBER = re.compile(r"\b[A-Z]{1,6}-?\d{3,}\b|#\d{3,}\b")
_HEX_ID = re.compile(r"\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b", re.IGNORECASE)
_MIXED_ID = re.compile(r"\b(?=\w*\d\w*\d\w*\d)(?=\w*[a-z])\w{8,}\b", re.IGNORECASE)
_LONG_NUMBER = re.compile(r"\b\d{5,}\b")
_SPACE = re.compile(r"\s+")
_PLACEHOLDER = re.compile(r"\x00(\d+)\x00")


def _url_path(match: re.Match[str]) -> str:
    text = match.group(0)
    trailing = ""
    while text and text[-1] in ".,;:!?":
        trailing = text[-1] + trailing
        text = text[:-1]
    try:
        path = urlsplit(text).path or "/"
    except ValueError:
        path = "/"
    return _LINE_COLUMN.sub("", path) + trailing


def normalise(text: str) -> str:
    """Text with volatile details replaced, amounts and phrases kept (see the module doc)."""
    if not text:
        return ""
    amounts: list[str] = []

    def keep_amount(match: re.Match[str]) -> str:
        amounts.append(_SPACE.sub(" ", match.group(0)))
        return f"\x00{len(amounts) - 1}\x00"

    text = _URL.sub(_url_path, text)
    text = _BARE_HOST.sub("<host>", text)
    text = _STEP_INDEX.sub("", text)
    text = _UUID.sub("<id>", text)
    text = _ISO_TIME.sub("<time>", text)
    text = _NUMERIC_DATE.sub("<date>", text)
    text = _WORD_DATE.sub("<date>", text)
    text = _CLOCK.sub("<time>", text)
    text = _AMOUNT.sub(keep_amount, text)
    text = _DURATION.sub(lambda m: "# " + _DURATION_UNIT.search(m.group(0)).group(0).lower(), text)  # type: ignore[union-attr]
    text = _ORDER_NUMBER.sub("<order>", text)
    text = _HEX_ID.sub("<id>", text)
    text = _MIXED_ID.sub("<id>", text)
    text = _LONG_NUMBER.sub("<n>", text)
    text = _SPACE.sub(" ", text).strip().lower()
    return _PLACEHOLDER.sub(lambda m: amounts[int(m.group(1))].lower(), text)


def _counts(evidence: Evidence) -> bool:
    if evidence.kind.lower() in _DROPPED_KINDS:
        return False
    label = evidence.label.strip().lower()
    return not label.startswith(_DROPPED_LABEL_PREFIXES)


def fingerprint_parts(finding: Finding) -> list[str]:
    """What is hashed, in order: useful to see why two findings differ."""
    parts = [finding.code.strip().upper(), finding.journey.strip(), _SPACE.sub(" ", finding.step_name).strip()]
    for evidence in finding.evidence:
        if _counts(evidence):
            parts.append(f"{evidence.kind.lower()}|{normalise(evidence.label)}|{normalise(evidence.value)}")
    return parts


def fingerprint(finding: Finding) -> str:
    """A short stable hash of rule, journey, step name and normalised evidence."""
    payload = "\x1f".join(fingerprint_parts(finding)).encode("utf-8")
    return hashlib.sha256(payload).hexdigest()[:LENGTH]


def fingerprint_of(finding: Finding) -> str:
    """The finding's fingerprint as history and baselines know it: its own, else computed.

    Every CI format (GitLab, SARIF) uses this, so a finding has one identity everywhere.
    """
    return finding.fingerprint or fingerprint(finding)


def assign(findings: Iterable[Finding], *, overwrite: bool = True) -> list[Finding]:
    """Set ``finding.fingerprint`` on each finding (only where empty unless ``overwrite``)."""
    done = []
    for finding in findings:
        if overwrite or not finding.fingerprint:
            finding.fingerprint = fingerprint(finding)
        done.append(finding)
    return done


def _change(finding: Finding | FindingChange, status: str) -> FindingChange:
    return FindingChange(
        fingerprint=finding.fingerprint,
        code=finding.code,
        journey=finding.journey,
        step_name=finding.step_name,
        severity=finding.severity,
        message=finding.message,
        status=status,
    )


_STATUS_ORDER = {"new": 0, "fixed": 1, "still_open": 2}


def judged_in(result: Result) -> Callable[[FindingChange | Finding], bool]:
    """Whether this result really checked an earlier finding's rule on its journey.

    A run narrowed with ``--select`` or with fewer journeys says nothing about the
    rules and journeys it left out: their earlier findings are not "fixed".
    A result without outcomes (an old file) is taken to have checked everything.
    """
    checked = {(o.code, o.journey) for o in result.outcomes if o.status in ("passed", "failed")}
    if not result.outcomes:
        return lambda item: True
    return lambda item: (item.code, item.journey) in checked


def compare_findings(current: Iterable[Finding], earlier: Iterable[FindingChange | Finding]) -> list[FindingChange]:
    """new / fixed / still_open by fingerprint, counting duplicates (two equal findings
    now and one before: one still open, one new). Findings without a fingerprint get one.

    Sorted: new, fixed, still_open; worst severity first within each.
    """
    current = assign(current, overwrite=False)
    earlier = list(earlier)
    for item in earlier:
        if not item.fingerprint and isinstance(item, Finding):
            item.fingerprint = fingerprint(item)
    before = Counter(item.fingerprint for item in earlier)
    now = Counter(finding.fingerprint for finding in current)
    changes: list[FindingChange] = []
    seen: Counter[str] = Counter()
    for finding in current:
        seen[finding.fingerprint] += 1
        status = "still_open" if seen[finding.fingerprint] <= before[finding.fingerprint] else "new"
        changes.append(_change(finding, status))
    gone: Counter[str] = Counter()
    for item in earlier:
        gone[item.fingerprint] += 1
        if gone[item.fingerprint] > now[item.fingerprint]:
            changes.append(_change(item, "fixed"))
    changes.sort(key=lambda c: (_STATUS_ORDER.get(c.status, 9), -severity_rank(c.severity), c.journey, c.code))
    return changes
