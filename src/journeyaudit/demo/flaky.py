"""A flaky page, for retries (``run --retries N``): ``/demo/flaky/<key>`` fails the first time it is asked for.

The first request for each key in the shop's lifetime answers 503 "busy"; every later one
answers 200 with "Ready: <key>". The count is the shop's, not the visitor's, so it holds
across fresh browser contexts: a journey that opens the page fails on its first attempt
and passes on its second, every run of a freshly started demo shop (each audit starts its own).
"""

from __future__ import annotations

import re

from . import pages
from .shop import DemoShop, _Request, _Response, route


@route("GET", "/demo/flaky/([A-Za-z0-9_-]{1,60})")
def flaky(shop: DemoShop, req: _Request, key: str) -> _Response:
    with shop._lock:
        first = key not in shop.flaky_seen
        shop.flaky_seen.add(key)
    if first:
        body = ('<div class="panel center"><h1>We\'re busy</h1>'
                "<p>Too many customers at once. Please try again in a moment.</p></div>")
        return _Response(pages.layout("Busy", body), 503, headers=[("Retry-After", "1")])
    safe = re.sub(r"[^A-Za-z0-9_-]", "", key)
    return _Response(pages.layout("Ready", f'<div class="panel center"><h1>Ready: {pages.e(safe)}</h1></div>'))
