"""Calls to the browser left on their way while the journey goes on, collected later.

Chromium takes about 40 ms to hand over a picture of the page (a new frame, read back and
encoded), and the end-of-step snapshot waited for it at every step. When nothing on the page
had to be covered, nothing the journey does before it next changes the page (the snapshot's
accessibility run, the next step's reads, its readiness wait, the look before a click) can
change the picture: the recorder asks for it, goes on, and collects it just before the
page may change (:meth:`StepPictures.flush <journeyaudit.gather.step_pictures.StepPictures.flush>`).

Playwright's sync API has no call that returns before its answer. The request is started as a
task on the sync API's own event loop, the loop every Playwright call of this thread runs, so it
is sent the next time the thread talks to Playwright, ahead of that call's own message. That
reaches into the sync wrapper (``_impl_obj``, ``_loop``, ``_sync``; Playwright is pinned in
requirements.lock); where they are missing, :func:`start_cdp` returns None and the
caller makes the call the ordinary way.
"""

from __future__ import annotations

import base64
from typing import Any

SCREENSHOT = ("Page.captureScreenshot", {"format": "jpeg", "quality": 60})


def start_cdp(cdp: Any, method: str, params: dict[str, Any]) -> Any | None:
    """The CDP call ``method`` under way on ``cdp`` (a sync CDPSession), not waited for; None when it cannot be."""
    try:
        send, loop = cdp._impl_obj.send, cdp._loop
        try:
            call = send(method, params, None)  # (method, params, timeout): no timeout of its own, as the sync call's
        except TypeError:
            call = send(method, params)
        return loop.create_task(call)
    except Exception:  # noqa: BLE001 - any missing piece of the wrapper: the caller takes the picture itself
        return None


def collect(owner: Any, task: Any) -> Any | None:
    """The answer of a call begun on ``owner`` (the sync CDP session), running the loop until it comes;
    None when it failed."""
    try:
        return owner._sync(task)
    except BaseException as exc:  # noqa: BLE001 - a closed page, a crashed browser, a cancelled task
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return None


def screenshot_bytes(answer: dict[str, Any] | None) -> bytes | None:
    """The JPEG of a ``Page.captureScreenshot`` answer; None when there is none."""
    try:
        return base64.b64decode(answer["data"]) if answer else None
    except (KeyError, TypeError, ValueError):
        return None
