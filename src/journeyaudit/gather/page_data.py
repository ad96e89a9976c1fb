"""What a step keeps beyond the page's text: JSON-LD, ``dataLayer`` and the shop's own JSON answers.

The recorder's snapshot reads JSON-LD and ``dataLayer`` in the page (capped there:
snapshot_scripts.py); here they are parsed and capped again in characters. A cart
API's answers (small same-origin XHR/fetch JSON) are kept for the promise ledger.
"""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Error as PlaywrightError

from journeyaudit import model
from journeyaudit.gather.limits import cap_items

MAX_JSON_BODIES = 20  # per step
MAX_JSON_BODY = 64 * 1024  # bytes


def read_structured(record: model.StepRecord, json_ld: dict, layer: dict, cap: int) -> None:
    """JSON-LD and dataLayer, each up to ``cap`` characters; what did not fit is counted."""
    items, over = cap_items(parse_json_ld(json_ld.get("blobs") or []), cap)
    record.structured_data = items
    record.data_layer, layer_over = cap_items(list(layer.get("items") or []), cap)
    for kind, count in (("structured_data", over + int(json_ld.get("dropped") or 0)),
                        ("data_layer", layer_over + int(layer.get("dropped") or 0))):
        if count:
            record.dropped[kind] = count


def read_json_bodies(answers: list[tuple[model.NetworkEntry, Any]]) -> None:
    """Keep the JSON of small same-origin XHR/fetch answers (a cart API's totals) for the promise ledger.

    Read at the snapshot, not in the response listener: the listener must not wait on
    the browser. A body the browser no longer has, too big or not JSON is skipped,
    and so is one whose request has not finished loading: ``response.body()``
    would wait for it for ever (a stalled or intercepted answer the page never read).
    """
    for entry, response in answers:
        if entry.duration_ms is None or entry.failure:
            continue
        try:
            raw = response.body()
        except PlaywrightError:
            continue
        if len(raw) > MAX_JSON_BODY:
            continue
        try:
            entry.body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            continue


def json_candidate(entry: model.NetworkEntry, response) -> bool:
    """A small same-origin XHR/fetch answer that says it is JSON."""
    if not entry.same_origin or entry.resource_type not in ("xhr", "fetch"):
        return False
    headers = response.headers  # no round trip to the browser
    if "json" not in headers.get("content-type", "").lower():
        return False
    length = headers.get("content-length")
    return not (length and length.isdigit() and int(length) > MAX_JSON_BODY)


def parse_json_ld(blobs: list[str]) -> list[dict[str, Any]]:
    """Parsed JSON-LD objects; a broken blob is skipped (shops ship broken JSON-LD)."""
    found: list[dict[str, Any]] = []
    for blob in blobs or []:
        try:
            data = json.loads(blob)
        except (TypeError, ValueError):
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict):
                found.append(item)
    return found
