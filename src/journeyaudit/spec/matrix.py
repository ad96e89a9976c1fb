"""Devices and locales: ``matrix:`` in a journey or a profile runs each combination as its own journey.

::

    matrix:
      device: ["Desktop Chrome", "iPhone 13"]   # Playwright's device descriptors (playwright.devices)
      locale: [en-US, de-DE]                    # the browser's language (navigator.language, Accept-Language)
      timezone: [Europe/Berlin]                 # IANA time zone
      geolocation: [{latitude: 52.52, longitude: 13.40}]

``checkout`` becomes ``checkout[iPhone 13,de-DE]`` and so on: one journey per combination, in
the order written (devices outermost). Each variant's browser context gets the device's
viewport, user agent, touch and scale, and the locale, time zone and position
(gather/contexts.py). Names are checked here, before a browser starts: an unknown device is
a located error that lists the names closest to it.
"""

from __future__ import annotations

import copy
import difflib
import itertools
import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from journeyaudit import model
from journeyaudit.spec.actions import _Strict
from journeyaudit.spec.device_names import DEVICE_NAMES

MAX_VARIANTS = 64  # a matrix that multiplies past this is a mistake, not an audit


def _close(name: str, known: tuple[str, ...] | list[str]) -> str:
    lower = {item.lower(): item for item in known}
    close = [lower[m] for m in difflib.get_close_matches(name.lower(), list(lower), n=4, cutoff=0.5)]
    if not close:
        close = [item for item in known if name.lower().split()[0] in item.lower()][:4] if name.strip() else []
    return f" (close: {', '.join(repr(c) for c in close)})" if close else ""


def _device(name: str) -> str:
    if name in DEVICE_NAMES:
        return name
    raise PydanticCustomError(
        "matrix_device",
        "unknown device '{name}': use a name from Playwright's device list{close}",
        {"name": name, "close": _close(name, DEVICE_NAMES)},
    )


_LOCALE = re.compile(r"^[a-zA-Z]{2,3}(?:[-_][a-zA-Z0-9]{2,8})*$")


def _locale(tag: str) -> str:
    if not _LOCALE.match(tag):
        raise PydanticCustomError(
            "matrix_locale", "'{tag}' is not a locale: write a language tag such as en-US or de-DE", {"tag": tag}
        )
    return tag.replace("_", "-")


def _timezone(name: str) -> str:
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(name)
        return name
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        pass
    try:
        known = sorted(zoneinfo.available_timezones())
    except Exception:  # noqa: BLE001 - no time zone data at all: say so without suggestions
        known = []
    raise PydanticCustomError(
        "matrix_timezone",
        "unknown time zone '{name}': use an IANA name such as Europe/Berlin{close}",
        {"name": name, "close": _close(name, known)},
    )


DeviceName = Annotated[str, AfterValidator(_device)]
LocaleTag = Annotated[str, AfterValidator(_locale)]
TimeZone = Annotated[str, AfterValidator(_timezone)]


class Geolocation(_Strict):
    """Where the browser says it is (the page may ask; permission is granted)."""

    __noun__ = "geolocation"
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    accuracy: float | None = Field(None, ge=0, description="In metres.")


def _listed(kind: str) -> Any:
    return Field(None, min_length=1, description=f"The {kind} to run each journey with, one variant each.")


class MatrixSpec(_Strict):
    """Run the journey once per combination of these values (each list at least one value)."""

    __noun__ = "matrix"
    device: list[DeviceName] | None = _listed("devices (Playwright's names: 'Desktop Chrome', 'iPhone 13', 'Pixel 7')")
    locale: list[LocaleTag] | None = _listed("locales (en-US, de-DE)")
    timezone: list[TimeZone] | None = _listed("time zones (IANA: Europe/Berlin)")
    geolocation: list[Geolocation] | None = _listed("positions ({latitude, longitude})")

    @model_validator(mode="after")
    def _not_too_many(self) -> MatrixSpec:
        sizes = [len(values) for values in (self.device, self.locale, self.timezone, self.geolocation) if values]
        if not sizes:
            raise PydanticCustomError("matrix_empty", "matrix needs at least one of device, locale, timezone, geolocation")
        count = 1
        for size in sizes:
            count *= size
        if count > MAX_VARIANTS:
            raise PydanticCustomError(
                "matrix_size", "matrix makes {count} variants of each journey: at most {most}",
                {"count": count, "most": MAX_VARIANTS},
            )
        for name in ("device", "locale", "timezone"):
            values = getattr(self, name) or []
            if len(set(values)) != len(values):
                raise PydanticCustomError("matrix_twice", "matrix.{name} lists a value twice", {"name": name})
        return self


def _geo_label(geo: dict[str, Any]) -> str:
    return f"{geo['latitude']:g} {geo['longitude']:g}"


def combinations(matrix: dict[str, Any]) -> list[tuple[dict[str, str], dict[str, Any]]]:
    """Each combination: (its values as shown, the browser context settings it makes)."""
    axes = []
    for key in ("device", "locale", "timezone", "geolocation"):
        values = matrix.get(key) or []
        if values:
            axes.append([(key, value) for value in values])
    out = []
    for combo in itertools.product(*axes):
        shown: dict[str, str] = {}
        context: dict[str, Any] = {}
        for key, value in combo:
            if key == "geolocation":
                shown[key] = _geo_label(value)
                context["geolocation"] = {k: v for k, v in value.items() if v is not None}
            else:
                shown[key] = str(value)
                context["timezone_id" if key == "timezone" else key] = value
        out.append((shown, context))
    return out


def expand(journey: model.Journey, matrix: dict[str, Any] | None) -> list[model.Journey]:
    """The journey's variants, one per combination; the journey itself when there is no matrix."""
    if not matrix or journey.probe is not None or journey.setup:
        return [journey]
    variants = []
    for shown, context in combinations(matrix):
        label = ",".join(shown.values())
        variant = copy.deepcopy(journey)
        variant.id = f"{journey.id}[{label}]"
        variant.name = f"{journey.name} [{label}]"
        variant.context = {**journey.context, **context}
        variant.variant = model.Variant(of=journey.id, values=shown)
        variants.append(variant)
    return variants


def expand_all(journeys: list[model.Journey], profile: dict[str, Any] | None) -> list[model.Journey]:
    """Every journey expanded by its own matrix, or else by the profile's (probe and setup journeys: as they are)."""
    out: list[model.Journey] = []
    for journey in journeys:
        out.extend(expand(journey, journey.matrix or profile))
    return out
