"""The audit profile as ``journeyaudit crawl`` reads it: ``base_url``, ``demo_shop`` and the ``crawl:`` section.

Every problem is a located error (``audits/shop.yaml:7:10: crawl: delay_ms must be ...``) and a usage
error (exit 2), found before anything is fetched.
"""

from __future__ import annotations

from typing import Any

from journeyaudit.spec.yamlsource import Document, LocatedError, load

CRAWL_KEYS = {
    "max_pages", "max_depth", "include", "exclude", "respect_robots", "use_sitemaps", "check_images",
    "per_host_concurrency", "delay_ms", "queue", "queue_name", "render",
}
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
