"""The browser context a journey runs in: the profile's viewport and locale, a matrix variant's device,
locale, time zone and position (spec/matrix.py), and a setup journey's storage state (login_state.py)."""

from __future__ import annotations

from typing import Any

from journeyaudit import model

DEFAULT_LOCALE = "en-GB"


def context_options(playwright: Any, journey: model.Journey, viewport: tuple[int, int],
                    http_credentials: dict[str, str] | None, storage_state: str | None = None) -> dict[str, Any]:
    """Keyword arguments of ``browser.new_context`` for this journey."""
    options: dict[str, Any] = {
        "viewport": {"width": viewport[0], "height": viewport[1]},
        "locale": DEFAULT_LOCALE,
        "http_credentials": http_credentials,
    }
    wanted = journey.context or {}
    if wanted.get("device"):
        device = dict(playwright.devices[wanted["device"]])  # names were checked by spec/matrix.py
        device.pop("default_browser_type", None)  # always Chromium here
        options.update(device)
    if wanted.get("locale"):
        options["locale"] = wanted["locale"]
    if wanted.get("timezone_id"):
        options["timezone_id"] = wanted["timezone_id"]
    if wanted.get("geolocation"):
        options["geolocation"] = dict(wanted["geolocation"])
        options["permissions"] = ["geolocation"]
    if storage_state:
        options["storage_state"] = storage_state
    return options
