"""Screenshots in the HTML report: small thumbnails where they matter, links to the files elsewhere.

A report must stay mailable, and a large audit's report quick to write (issue 13: 500 journeys
under 2 s and 15 MB). So:

- a report that holds no more than ``EMBED_ALL_UP_TO`` screenshots embeds each of them as a small
  JPEG ``data:`` URI (the CSP allows no other image), ``EMBED_WIDTH`` px wide;
- a larger report embeds only the screenshots of the steps that failed, carry a finding or are
  a finding's evidence, ``LARGE_REPORT_WIDTH`` px wide (a quarter of a 1280 px screenshot,
  which JPEG decodes at that scale directly: about 1 ms each);
- every other step's screenshot is a relative link to its full-size file in ``traces/``, which
  opens when the report is opened (or served) from its run folder; the report says so;
- thumbnails are made quickly (JPEG ``draft``: decoded at 1/2, 1/4 or 1/8 of its size, then a
  bilinear resize) and cached in the run folder (``.thumbnails/``, keyed by the file's path, size
  and modification time), so a report written again for the same run decodes nothing again;
- ``run`` has them made as each journey is saved (:class:`MadeAhead`), while the next one records,
  so the report after the last journey finds them cached (9 journeys, 2 workers: 0.25-0.41 s of
  thumbnails after the last journey became 0.05 s);
- the report asks for the screenshots it will embed before it lays anything out (``Shots.prepare``):
  they are made on every core by a pool of threads (Pillow decodes and encodes without holding the
  GIL) while the report goes on, and ``Shots.get`` waits only for one not made yet.

Screenshots are read only from inside the run's trace directory, and a link only ever points
at a file found there.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import stat
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from PIL import Image

from journeyaudit.history.store import atomic_write_bytes
from journeyaudit.model import Finding, Run

# A screenshot larger than this is not embedded (the report must stay mailable).
MAX_SCREENSHOT_BYTES = 4 * 1024 * 1024
EMBED_ALL_UP_TO = 150  # screenshots: a report with no more embeds every one of them
EMBED_WIDTH = 560  # px: readable when enlarged; the full size is a link away
LARGE_REPORT_WIDTH = 320  # px: the gist of the page; 6 kB instead of 11 kB, 1 ms instead of 5 to make
EMBED_QUALITY = 50
CACHE_FOLDER = ".thumbnails"  # in the run folder, beside traces/

_IMAGE_TYPES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


@dataclass
class Shot:
    src: str = ""  # data: URI, empty when the screenshot is not embedded
    note: str = "no screenshot"
    alt: str = ""
    href: str = ""  # the full-size file, relative to the report's folder ("" = none)
    same_as: str = ""  # evidence: the anchor of the step that shows this screenshot already


def important_steps(run: Run, findings: Iterable[Finding]) -> set[int]:
    """The steps whose screenshot is embedded whatever the report's size: failed, with a finding, or evidence."""
    keep = {step.index for step in run.steps if step.status == "failed"}
    for finding in findings:
        if finding.step is not None:
            keep.add(finding.step)
        keep.update(item.step for item in finding.evidence if item.kind == "screenshot" and item.step is not None)
    return keep


def count_screenshots(runs: Iterable[Run]) -> int:
    return sum(1 for run in runs for step in run.steps if step.screenshot and step.status != "skipped")


class Shots:
    """The screenshots of one report: embedded thumbnails (cached on disk) or links, counted."""

    def __init__(self, trace_root: Path | None, report_dir: Path | None = None, *, embed_all: bool = True,
                 workers: int | None = None):
        self.trace_root = Path(trace_root) if trace_root is not None else None
        self.report_dir = Path(report_dir) if report_dir is not None else self.trace_root
        self.embed_all = embed_all
        self.width = EMBED_WIDTH if embed_all else LARGE_REPORT_WIDTH
        self.embedded = 0
        self.linked = 0
        self._uris: dict[Path, str] = {}
        self._made: dict[Path, Future[str]] = {}  # thumbnails asked for ahead (prepare), made by the pool
        self._workers = workers if workers is not None else _cores()
        self._pool: ThreadPoolExecutor | None = None
        self._bases: dict[Path, Path] = {}  # trace dir -> resolved, once per journey
        self._folder_hrefs: dict[Path, str] = {}  # a screenshot folder's link from the report, once per folder
        self._report_dir = self.report_dir.resolve() if self.report_dir is not None else None

    def prepare(self, wanted: Iterable[tuple[Path | None, str | None]]) -> None:
        """Start making the thumbnails of these screenshots (trace dir, name) on the pool; ``get`` takes them.

        Only files that ``get`` would read are read (the same check of the trace folder). Asking for one
        that is not embedded in the end costs a thumbnail, nothing else."""
        if self._workers < 2:
            return
        for trace_dir, name in wanted:
            file = self._inside(trace_dir, name)
            if file is None or file in self._made:
                continue
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="thumbnail")
            self._made[file] = self._pool.submit(self._embeddable, file)

    def close(self, *, finish: bool = False) -> None:
        """Stop the pool (its threads end here: a process that forks later must have none left); the thumbnails
        not started yet are dropped, or made first when ``finish``."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=not finish)
            self._pool = None

    def __enter__(self) -> Shots:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def get(self, trace_dir: Path | None, name: str | None, alt: str, *, embed: bool = True) -> Shot:
        """A screenshot of ``trace_dir``: embedded when ``embed`` (or embed_all), else a link to its file."""
        file = self._inside(trace_dir, name)
        if file is None:
            return Shot(alt=alt)
        href = self._href(file)
        if not (embed or self.embed_all) and href:
            self.linked += 1
            return Shot(note="screenshot in traces/", alt=alt, href=href)
        try:
            uri = self._uris.get(file)
            if uri is None:
                made = self._made.pop(file, None)
                uri = made.result() if made is not None and not made.cancelled() else self._embeddable(file)
        except _TooLarge:
            return Shot(note="screenshot too large to embed", alt=alt, href=href)
        except OSError:
            return Shot(alt=alt)
        if not uri:
            return Shot(note="screenshot unreadable", alt=alt, href=href)
        self._uris[file] = uri
        self.embedded += 1
        return Shot(src=uri, note="", alt=alt, href=href)

    def _inside(self, trace_dir: Path | None, name: str | None) -> Path | None:
        """The file ``name`` of ``trace_dir``, or None when it is missing or lies outside it."""
        if not name or trace_dir is None:
            return None
        try:
            base = self._bases.get(trace_dir) or self._bases.setdefault(trace_dir, trace_dir.resolve())
            file = base / name
            if not (os.sep in name or name in (".", "..") or (os.altsep and os.altsep in name)):
                mode = os.lstat(file).st_mode  # one look: a plain file of this folder, or a link to follow
                if not stat.S_ISLNK(mode):
                    return file if stat.S_ISREG(mode) else None
            file = Path(os.path.realpath(file))  # a path or a link: where it really leads (5x slower)
            return file if file.is_relative_to(base) and file.is_file() else None
        except (OSError, ValueError):  # ValueError: a NUL in the name
            return None

    def _href(self, file: Path) -> str:
        if self._report_dir is None:
            return ""
        folder = self._folder_hrefs.get(file.parent)
        if folder is None:  # once per folder: relpath walks both paths
            try:
                folder = quote(os.path.relpath(file.parent, self._report_dir).replace(os.sep, "/"))
            except ValueError:  # another drive (Windows): no relative link
                folder = ""
            self._folder_hrefs[file.parent] = folder
        if not folder:
            return ""
        return quote(file.name) if folder == "." else f"{folder}/{quote(file.name)}"

    def _embeddable(self, file: Path) -> str:
        """The ``data:`` URI of ``file``'s thumbnail, "" when unreadable; _TooLarge, OSError (also on the pool)."""
        info = file.stat()
        if info.st_size > MAX_SCREENSHOT_BYTES:
            raise _TooLarge
        return self._thumbnail(file, info)

    def _thumbnail(self, file: Path, info: os.stat_result) -> str:
        version = f"{self.width}q{EMBED_QUALITY}v1"
        key = hashlib.sha1(f"{file}\0{info.st_size}\0{info.st_mtime_ns}\0{version}".encode()).hexdigest()[:24]
        cached = self.trace_root / CACHE_FOLDER / f"{key}.jpg" if self.trace_root is not None else None
        if cached is not None:
            try:
                return _uri(cached.read_bytes(), "image/jpeg")
            except OSError:
                pass
        data = file.read_bytes()
        mime = next((m for magic, m in _IMAGE_TYPES if data.startswith(magic)), None)
        if mime is None:
            return ""
        small = downscale(data, self.width)
        if small is None:  # already small, or not decodable by Pillow: the original bytes, the browser may show them
            return _uri(data, mime)
        if cached is not None:
            try:
                atomic_write_bytes(cached, small)
            except OSError:
                pass  # a read-only run folder: the next report makes the thumbnail again
        return _uri(small, "image/jpeg")


class MadeAhead:
    """Thumbnails made while the audit runs, one journey at a time, into the cache the report reads.

    The report made every thumbnail after the last journey, while the user waited for it. Asked as each
    journey is saved, the pool makes them while the next journey records (or, after the last one, while
    it is judged and the history written); the report then reads them from ``.thumbnails/``. Only while
    the audit's screenshots would all be embedded (``EMBED_ALL_UP_TO``): a larger report embeds a few of
    them, smaller, and makes those itself.
    """

    def __init__(self, trace_root: Path):
        self._shots: Shots | None = Shots(trace_root, embed_all=True)
        self._count = 0

    def journey(self, trace_dir: Path, run: Run) -> None:
        """Start the thumbnails of this journey's screenshots (``trace_dir``: its saved trace folder)."""
        if self._shots is None:
            return
        names = [step.screenshot for step in run.steps if step.screenshot and step.status != "skipped"]
        self._count += len(names)
        if self._count > EMBED_ALL_UP_TO:  # the report will not embed them all, nor at this width
            self._shots.close()
            self._shots = None
            return
        self._shots.prepare((trace_dir, name) for name in names)

    def close(self) -> None:
        """Make the thumbnails asked for (the report reads them next); nothing more is asked after this."""
        if self._shots is not None:
            self._shots.close(finish=True)
            self._shots = None


class _TooLarge(Exception):
    """A screenshot larger than MAX_SCREENSHOT_BYTES: linked, not embedded."""


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def downscale(data: bytes, width: int = EMBED_WIDTH) -> bytes | None:
    """A JPEG ``width`` px wide, or None when the image is no wider or Pillow cannot read it."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width <= width:
                return None
            size = (width, max(1, round(image.height * width / image.width)))
            image.draft("RGB", size)  # JPEG: decode at the smallest scale still at least this size
            small = image.convert("RGB")
            if small.size != size:
                small = small.resize(size, Image.BILINEAR, reducing_gap=2.0)
            buffer = io.BytesIO()
            small.save(buffer, "JPEG", quality=EMBED_QUALITY)
            return buffer.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def _uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
