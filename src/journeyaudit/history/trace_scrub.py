"""Scrubbing a Playwright ``trace.zip`` of a journey's secrets, or saying why it cannot be kept.

A Playwright trace holds the DOM snapshots, the network (bodies as ``resources/``), the
actions with their parameters and screenshots. A journey that typed a password or a card
number has that value in it, in every form the page and the network used. Every member is
read: a text member (UTF-8) goes through the journey's :class:`~journeyaudit.history.store.Redactor`
(raw, percent-encoded, HTML-entity, backslash-escaped, spaced or dashed, split over query
parameters); a binary member (a screenshot, an image, a font) cannot be rewritten safely, so a
secret found in its bytes (raw, UTF-16 or base64) drops the whole trace. Screenshots of a
journey with secrets are always left out: a typed value shows in the pixels, where no byte
search finds it. Last, every member of the scrubbed zip is searched again; one secret left
anywhere drops the trace.
"""

from __future__ import annotations

import base64
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from journeyaudit.history.store import Redactor

# screencast frames and action screenshots: pictures of the page, where a typed secret shows
_PICTURE = re.compile(r"\.(?:jpe?g|png|webp)$", re.IGNORECASE)
_FRAME_EVENT = re.compile(rb"^\{\"type\":\s*\"screencast-frame\".*$\n?", re.MULTILINE)


class TraceNotKept(Exception):
    """The trace holds a secret that cannot be scrubbed: it is deleted, and this says why."""


@dataclass
class Scrubbed:
    data: bytes  # the zip to keep
    dropped_pictures: int = 0  # screenshots left out (a journey with secrets)


def secret_forms(secret: str) -> list[re.Pattern[bytes]]:
    """Byte patterns that betray ``secret`` in a member: as typed or compact (any case), UTF-16, base64.

    A number never matches inside a longer number (a CVC ``123`` is not the ``123`` of ``10123``).
    """
    compact = re.sub(r"[\s-]", "", secret) or secret
    forms: list[re.Pattern[bytes]] = []
    for text in dict.fromkeys((secret, compact)):
        digits = text.isdigit()
        for raw in (text.encode("utf-8"), text.encode("utf-16-le")):
            body = re.escape(raw)
            forms.append(re.compile(rb"(?<![0-9])" + body + rb"(?![0-9])" if digits else rb"(?i:" + body + rb")"))
        if len(text) < 6:
            continue
        raw = text.encode("utf-8")
        for shift in range(3):  # base64 of the value at each of the three alignments, edges cut off
            encoded = base64.b64encode(b"\0" * shift + raw)[4 if shift else 0:].rstrip(b"=")[:-2]
            if len(encoded) >= 6:
                forms.append(re.compile(re.escape(encoded)))
    return forms


def _leaks(data: bytes, forms: Iterable[re.Pattern[bytes]]) -> bool:
    return any(form.search(data) for form in forms)


def _text(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def scrub_trace(zip_bytes: bytes, redactor: Redactor) -> Scrubbed:
    """The trace with every secret of ``redactor`` scrubbed from every member; raises TraceNotKept."""
    secrets = list(redactor.secrets)
    forms = [form for secret in secrets for form in secret_forms(secret)]
    out = io.BytesIO()
    dropped = 0
    try:
        source = zipfile.ZipFile(io.BytesIO(zip_bytes))
    except zipfile.BadZipFile:
        raise TraceNotKept("Playwright's trace file is not a readable zip") from None
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.is_dir():
                continue
            data = source.read(info)
            if secrets and _PICTURE.search(info.filename):
                dropped += 1
                continue
            text = _text(data)
            if text is not None:
                if secrets and info.filename.endswith(".trace"):
                    data = _FRAME_EVENT.sub(b"", data)  # the frames' pictures are gone: so are their events
                    text = data.decode("utf-8")
                data = redactor.text(text).encode("utf-8")
            elif _leaks(data, forms):
                raise TraceNotKept(f"a secret value is in the binary member {info.filename!r}, which cannot be scrubbed")
            if _leaks(data, forms):
                raise TraceNotKept(f"a secret value is still in {info.filename!r} after scrubbing")
            target.writestr(info.filename, data)
    return Scrubbed(out.getvalue(), dropped)
