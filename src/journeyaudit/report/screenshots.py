"""Screenshots embedded in the HTML report as small ``data:`` URIs.

A report must stay mailable and work offline: screenshots are read only from inside
the run's trace directory, scaled down to a small JPEG, and embedded; the full-size
files stay in ``traces/``.
"""

from __future__ import annotations

import base64
import functools
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

# A screenshot larger than this is not embedded (the report must stay mailable).
MAX_SCREENSHOT_BYTES = 4 * 1024 * 1024

_IMAGE_TYPES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


@dataclass
class Shot:
    src: str = ""  # data: URI, empty when there is nothing to show
    note: str = "no screenshot"
    alt: str = ""


def shot(trace_dir: Path | None, name: str | None, alt: str) -> Shot:
    """A screenshot as a data: URI; never reads outside the run's trace directory."""
    if not name or trace_dir is None:
        return Shot(alt=alt)
    try:
        base = trace_dir.resolve()
        file = (base / name).resolve()
        if not file.is_relative_to(base) or not file.is_file():
            return Shot(alt=alt)
        if file.stat().st_size > MAX_SCREENSHOT_BYTES:
            return Shot(note="screenshot too large to embed", alt=alt)
        data = file.read_bytes()
    except OSError:
        return Shot(alt=alt)
    mime = next((m for magic, m in _IMAGE_TYPES if data.startswith(magic)), None)
    if mime is None:
        return Shot(note="screenshot unreadable", alt=alt)
    return Shot(src=embedded(str(file), file.stat().st_mtime, data, mime), note="", alt=alt)


EMBED_WIDTH = 560  # px: readable when enlarged, small enough to mail a report of many steps
EMBED_QUALITY = 50


@functools.lru_cache(maxsize=256)
def embedded(path: str, mtime: float, data: bytes, mime: str) -> str:
    """A data: URI of the screenshot, scaled down to a small JPEG (the full size stays in traces/)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            if image.width <= EMBED_WIDTH:
                return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
            height = round(image.height * EMBED_WIDTH / image.width)
            image = image.resize((EMBED_WIDTH, height), Image.LANCZOS)
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, "JPEG", quality=EMBED_QUALITY, optimize=True)
            data, mime = buffer.getvalue(), "image/jpeg"
    except (OSError, ValueError):
        pass  # not decodable by Pillow: embed the original bytes, the browser may still show them
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
