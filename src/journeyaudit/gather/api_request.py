"""The ``request`` action: an HTTP call from the journey itself, through Playwright's API request context.

``share_cookies: true`` sends it through the browser context's own request context
(``context.request``): the customer's cookies go along and cookies the answer sets are
kept. Otherwise a fresh ``playwright.request.new_context()`` is used and disposed of.
What was asked and answered is kept in the action's record (``ActionRecord.effect``):
method, URL, status, duration and the first :data:`BODY_CHARS` characters of the body,
redacted. Header values are never recorded (their names are). A failed expectation on
the answer fails the step like any ``expect``.

``save: {name: dotted.path}`` keeps values of the JSON answer in the journey's context;
a later request writes ``{saved.name}`` in its URL, headers or body (the id of the order
the journey just placed, which no journey file can know in advance).

The same call serves the profile's ``setup:``/``teardown:`` requests (gather/hooks.py).
The schema is spec/request_spec.py.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from journeyaudit.gather.actions import ActionContext, ActionFailed, action
from journeyaudit.history.store import Redactor

BODY_CHARS = 2_000  # of the answer's body, kept in the trace
_MISSING = object()
_SAVED = re.compile(r"\{saved\.([A-Za-z_][A-Za-z0-9_]*)\}")


def send(api: Any, params: dict[str, Any], url: str, timeout_ms: int, redactor: Redactor) -> tuple[dict[str, Any], str]:
    """Send the request on ``api`` (an APIRequestContext): the record to keep, and the full body text."""
    method = str(params.get("method") or "GET").upper()
    options: dict[str, Any] = {"method": method, "timeout": timeout_ms, "fail_on_status_code": False}
    if params.get("headers"):
        options["headers"] = {str(k): str(v) for k, v in params["headers"].items()}
    if params.get("json_body") is not None:
        options["data"] = _plain(params["json_body"])
    if params.get("form") is not None:
        options["form"] = {str(k): str(v) for k, v in params["form"].items()}
    record: dict[str, Any] = {"method": method, "url": redactor.text(url), "headers": sorted(options.get("headers") or {})}
    started = time.monotonic()
    try:
        response = api.fetch(url, **options)
    except PlaywrightError as exc:
        record["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
        first = next((line.strip() for line in str(exc.message or exc).splitlines() if line.strip()), "no answer")
        raise ActionFailed(redactor.text(f"request {method} {url} got no answer: {first[:200]}")) from None
    try:
        body = response.text() if method != "HEAD" else ""
    except PlaywrightError:
        body = ""
    record.update(
        status=response.status,
        duration_ms=round((time.monotonic() - started) * 1000, 1),
        content_type=(response.headers.get("content-type") or "")[:100],
        body=redactor.text(body[:BODY_CHARS]),
        body_chars=len(body),
    )
    return record, body


def _plain(value: Any) -> Any:
    """YAML's numbers-as-written (WrittenInt) and the like, as JSON's own types."""
    return json.loads(json.dumps(value))


def check(record: dict[str, Any], body: str, expect: dict[str, Any] | None, redactor: Redactor) -> None:
    """The answer against ``expect``; raises ActionFailed with what was expected and what came."""
    expect = expect or {}
    what = f"the answer to {record['method']} {_path(record['url'])}"
    status = record["status"]
    wanted = expect.get("status")
    if wanted is None:
        if not 200 <= status < 300:
            raise ActionFailed(f"expected {what} to succeed (2xx); it was HTTP {status}{_excerpt(body, redactor)}")
    elif status not in (wanted if isinstance(wanted, list) else [wanted]):
        raise ActionFailed(f"expected {what} to be HTTP {_or(wanted)}; it was HTTP {status}{_excerpt(body, redactor)}")
    checks = expect.get("json_checks")
    if checks is not None:
        try:
            data = json.loads(body)
        except ValueError:
            raise ActionFailed(f"expected {what} to be JSON; it is not{_excerpt(body, redactor)}") from None
        for item in checks if isinstance(checks, list) else [checks]:
            _check_json(what, data, item, redactor)
    if expect.get("text") is not None and str(expect["text"]) not in body:
        raise ActionFailed(f"expected {expect['text']!r} in {what}; it is not there{_excerpt(body, redactor)}")


def _check_json(what: str, data: Any, item: dict[str, Any], redactor: Redactor) -> None:
    path = item["path"]
    value = find(data, path)
    if value is _MISSING:
        raise ActionFailed(f"expected {path!r} in {what}; there is no such value")
    shown = redactor.text(json.dumps(value, ensure_ascii=False)[:200])
    if "equals" in item:
        expected = _plain(item["equals"])
        same = value == expected or (type(value) is not type(expected) and str(value) == str(expected))
        if not same:
            raise ActionFailed(f"expected {path} in {what} to equal {json.dumps(expected, ensure_ascii=False)}; it is {shown}")
    elif "contains" in item:
        needle = str(item["contains"])
        found = any(needle in str(v) for v in value) if isinstance(value, list) else needle in (
            value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
        if not found:
            raise ActionFailed(f"expected {path} in {what} to contain {needle!r}; it is {shown}")


def find(data: Any, path: str) -> Any:
    """``order.items.0.sku`` in JSON data; ``.`` is the whole; a missing step gives :data:`_MISSING`."""
    if path.strip() in (".", "$"):
        return data
    for part in path.strip().removeprefix("$.").split("."):
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.lstrip("-").isdigit() and -len(data) <= int(part) < len(data):
            data = data[int(part)]
        else:
            return _MISSING
    return data


def _or(wanted: Any) -> str:
    return " or ".join(str(w) for w in wanted) if isinstance(wanted, list) else str(wanted)


def _path(url: str) -> str:
    """The URL without scheme and host: what a reader needs to recognise the call."""
    rest = url.split("://", 1)[-1]
    return "/" + rest.split("/", 1)[1] if "/" in rest else url


def _excerpt(body: str, redactor: Redactor) -> str:
    text = " ".join(body.split())[:160]
    return f" ({redactor.text(text)})" if text else ""


def with_saved(value: Any, saved: dict[str, str]) -> Any:
    """``value`` (text, or a mapping/list of them) with each ``{saved.name}`` replaced."""
    if isinstance(value, str):
        def one(match: re.Match[str]) -> str:
            if match.group(1) not in saved:
                raise ActionFailed(f"request: {match.group(0)} was not saved by an earlier request of this journey")
            return saved[match.group(1)]
        return _SAVED.sub(one, value)
    if isinstance(value, dict):
        return {k: with_saved(v, saved) for k, v in value.items()}
    if isinstance(value, list):
        return [with_saved(v, saved) for v in value]
    return value


def keep(body: str, wanted: dict[str, str], saved: dict[str, str], what: str) -> None:
    """Save the values at ``wanted``'s paths of the JSON ``body`` into ``saved``."""
    try:
        data = json.loads(body)
    except ValueError:
        raise ActionFailed(f"request: {what} is not JSON; nothing to save") from None
    for name, path in wanted.items():
        value = find(data, path)
        if value is _MISSING or value is None:
            raise ActionFailed(f"request: expected {path!r} in {what} to save it as {name!r}; there is no such value")
        saved[name] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@action("request")
def request(page: Page, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    redactor = ctx.extra.get("redactor") or Redactor()
    saved = ctx.extra.setdefault("saved", {})
    params = {k: (v if k in ("expect", "save") else with_saved(v, saved)) for k, v in params.items()}
    url = ctx.url(params["url"])
    timeout = ctx.timeout(params)
    if params.get("share_cookies"):
        api, own = page.context.request, False
    else:
        playwright = ctx.extra.get("playwright")
        if playwright is None:
            raise ActionFailed("request: no Playwright to send it with (the runner did not give one)")
        api, own = playwright.request.new_context(http_credentials=ctx.extra.get("http_credentials")), True
    try:
        record, body = send(api, params, url, timeout, redactor)
        record["share_cookies"] = bool(params.get("share_cookies"))
        ctx.last_effect = record  # kept in the trace even when the check below fails
        check(record, body, params.get("expect"), redactor)
        if params.get("save"):
            keep(body, params["save"], saved, f"the answer to {record['method']} {_path(record['url'])}")
    finally:
        if own:
            try:
                api.dispose()
            except PlaywrightError:
                pass
    return None
