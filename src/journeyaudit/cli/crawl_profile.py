"""The audit profile as ``journeyaudit crawl`` reads it: ``base_url``, ``demo_shop`` and the ``crawl:`` section.

Every problem is a located error (``audits/shop.yaml:7:10: crawl: delay_ms must be ...``) and a usage
error (exit 2), found before anything is fetched.
"""

from __future__ import annotations

from typing import Any

from journeyaudit.spec.yamlsource import Document, LocatedError, load

CRAWL_KEYS = {
    "max_pages", "max_depth", "include", "exclude", "respect_robots", "use_sitemaps", "check_images",
    "per_host_concurrency", "delay_ms", "queue", "queue_name", "render", "buy",
}
BUY_KEYS = ("sample", "per", "include")
RENDER = ("http", "browser")
_COUNTS = {"max_pages": 1, "max_depth": 0, "per_host_concurrency": 1, "delay_ms": 0}  # key -> smallest value
_FLAGS = ("respect_robots", "use_sitemaps", "check_images")
_GLOBS = ("include", "exclude")


def read_profile(path: str) -> tuple[str | None, bool, dict[str, Any], list[str], list[LocatedError]]:
    """base_url, demo_shop, the ``crawl:`` section, the ``formats`` and every problem found in them."""
    from journeyaudit.cli.common import FORMAT_NAMES

    doc = load(path)
    if doc.errors:
        return None, False, {}, [], doc.errors
    data = doc.data if isinstance(doc.data, dict) else {}
    section = data.get("crawl") or {}
    if not isinstance(section, dict):
        return None, False, {}, [], [doc.error(("crawl",), "'crawl' must be a mapping")]
    errors = [error for key, value in section.items() for error in _check(doc, key, value)]
    formats = data.get("formats") or []
    formats = [formats] if isinstance(formats, str) else formats
    bad = [str(name) for name in formats if str(name).lower() not in FORMAT_NAMES] if isinstance(formats, list) else ["formats"]
    if bad:
        errors.append(doc.error(("formats",), f"formats: unknown format(s) {', '.join(bad)} (known: {', '.join(FORMAT_NAMES)})"))
        formats = []
    return data.get("base_url"), bool(data.get("demo_shop")), section, [str(name).lower() for name in formats], errors


def _check(doc: Document, key: str, value: Any) -> list[LocatedError]:
    from journeyaudit.crawl.shared_queue import check_name, check_url

    where = ("crawl", key)
    if key not in CRAWL_KEYS:
        return [doc.error(where, f"crawl: unknown key(s) {key} (known: {', '.join(sorted(CRAWL_KEYS))})", key=True)]
    if key == "buy":
        return _check_buy(doc, value)
    if key in _COUNTS:
        if isinstance(value, bool) or not isinstance(value, int) or value < _COUNTS[key]:
            return [doc.error(where, f"crawl: {key} must be a whole number, at least {_COUNTS[key]} (got {value!r})")]
    elif key in _FLAGS:
        if not isinstance(value, bool):
            return [doc.error(where, f"crawl: {key} must be true or false (got {value!r})")]
    elif key in _GLOBS:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return [doc.error(where, f"crawl: {key} must be a list of URL globs")]
    elif not isinstance(value, str) or not value:
        return [doc.error(where, f"crawl: {key} must be a text")]
    elif key == "render":
        if value not in RENDER:
            return [doc.error(where, f"crawl: render must be one of {', '.join(RENDER)}, not {value!r}")]
    elif (problem := (check_url if key == "queue" else check_name)(value)):
        return [doc.error(where, f"crawl: {problem}")]
    return []


def _check_buy(doc: Document, value: Any) -> list[LocatedError]:
    """``crawl: buy: {sample: 20, per: category, include: [...]}`` (or ``buy: true`` for the defaults)."""
    from journeyaudit.crawl.buy_sample import PER

    if isinstance(value, bool):
        return []
    if not isinstance(value, dict):
        return [doc.error(("crawl", "buy"), "crawl: buy must be a mapping (sample, per, include) or true")]
    errors = []
    for key, item in value.items():
        where = ("crawl", "buy", key)
        if key not in BUY_KEYS:
            errors.append(doc.error(where, f"crawl: buy: unknown key {key} (known: {', '.join(BUY_KEYS)})", key=True))
        elif key == "sample" and item != "all" and (isinstance(item, bool) or not isinstance(item, int) or item < 1):
            errors.append(doc.error(where, f"crawl: buy: sample must be a whole number, at least 1, or all (got {item!r})"))
        elif key == "per" and item not in PER:
            errors.append(doc.error(where, f"crawl: buy: per must be one of {', '.join(PER)} (got {item!r})"))
        elif key == "include" and (not isinstance(item, list) or not all(isinstance(glob, str) for glob in item)):
            errors.append(doc.error(where, "crawl: buy: include must be a list of URL globs"))
    return errors


def buy_settings(value: Any):
    """The checked ``buy:`` value as :class:`~journeyaudit.crawl.buy_sample.BuySettings` (None: no probe)."""
    from journeyaudit.crawl.buy_sample import BuySettings

    if value is None or value is False:
        return None
    if value is True:
        return BuySettings()
    sample = value.get("sample", BuySettings.sample)
    return BuySettings(None if sample == "all" else sample, value.get("per", "category"), list(value.get("include") or []))
