"""The step's screenshot: secrets covered, taken the quick way, and left on its way when it can be.

The snapshot's read (recorder.py) marks the elements showing a secret and draws covers over
them and over the secret fields of the main frame; each child frame covers its own here. The
picture is then taken through the page's CDP session, about half the time of Playwright's
screenshot, which masks otherwise. When no frame drew a cover, the end-of-step picture is
asked for and not waited for (deferred_calls.py): :meth:`StepPictures.flush` collects it
before anything may change the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from journeyaudit import model
from journeyaudit.gather import deferred_calls
from journeyaudit.gather.masks import cover_child_frames, field_masks, marked_secrets, uncover
from journeyaudit.history.store import atomic_write_bytes, step_file_stem


class StepPictures:
    """One page's screenshots, written as ``<step>.jpg`` into the run's folder."""

    def __init__(self, page: Page, run_dir: Path):
        self.page = page
        self.run_dir = Path(run_dir)
        self._cdp: Any = None  # the page's CDP session (None: not opened yet; False: not available)
        # a picture asked for and not collected yet: (record, task, secrets, secret selectors)
        self._on_way: tuple[model.StepRecord, Any, list[str], tuple[str, ...]] | None = None

    @property
    def quick(self) -> bool:
        """The CDP way still works: the snapshot's read is to draw the covers."""
        return self._cdp is not False

    def take(self, record: model.StepRecord, secrets: list[str], selectors: tuple[str, ...], *, full_page: bool = False,
             marked: int | None = None, covered: int | None = None, defer: bool = False) -> str | None:
        """A JPEG with secret fields and every element showing a secret covered; its file name (None: no shot).

        ``marked``: the main frame's elements showing a secret were marked by the snapshot's read;
        ``covered``: it also drew the covers (-1: a selector is not CSS, nothing drawn); both None: neither.
        ``defer``: when no frame drew a cover, the marks come off and the picture is left on its way:
        None now, the file's name in ``record.screenshot`` once :meth:`flush` has it.
        """
        image = None
        if covered is not None and covered >= 0:
            children, clear = cover_child_frames(self.page, secrets)
            marks = [] if not marked else [self.page.main_frame]  # nothing marked, nothing covered: nothing to take off
            if defer and clear and covered == 0 and self._later(record, [*children, *marks], secrets, selectors):
                return None
            image = self._quick()
            uncover(children)
        if covered is not None:  # the covers and the marks come off in one trip
            uncover([self.page.main_frame])
            marked = None
        if image is None:
            masks = field_masks(self.page, selectors)
            try:
                with marked_secrets(self.page, secrets, marked) as shown:
                    image = self.page.screenshot(
                        type="jpeg", quality=60, full_page=full_page, mask=masks + shown, timeout=10_000
                    )
            except PlaywrightError:
                return None
        return self._write(record, image)

    def flush(self, *, gone: bool = False) -> None:
        """Collect the picture still on its way and write it. If it failed, the picture is taken now, the
        Playwright way (the page is still as the step left it), unless the page is ``gone``."""
        pending, self._on_way = self._on_way, None
        if pending is None:
            return
        record, task, secrets, selectors = pending
        image = deferred_calls.screenshot_bytes(deferred_calls.collect(self._cdp, task))
        if image is not None:
            record.screenshot = self._write(record, image)
        elif not gone:
            self._cdp = False
            record.screenshot = self.take(record, secrets, selectors)

    def _later(self, record: model.StepRecord, marked: list, secrets: list[str], selectors: tuple[str, ...]) -> bool:
        """Nothing covered anywhere: the marks off (in the frames ``marked``; the main frame only when it marked
        an element: one trip less per step), then the picture asked for and not waited for; False when it cannot be."""
        session = self._session()
        if session is None:
            return False
        uncover(marked)
        task = deferred_calls.start_cdp(session, *deferred_calls.SCREENSHOT)
        if task is None:
            return False
        self._on_way = (record, task, list(secrets), tuple(selectors))
        return True

    def _write(self, record: model.StepRecord, image: bytes) -> str:
        name = step_file_stem(record.index, record.name) + ".jpg"
        atomic_write_bytes(self.run_dir / name, image)
        return name

    def _session(self):
        """The page's CDP session (opened once); None when it cannot be had."""
        if self._cdp is None:
            try:
                self._cdp = self.page.context.new_cdp_session(self.page)
            except PlaywrightError:
                self._cdp = False
        return self._cdp or None

    def _quick(self) -> bytes | None:
        """The viewport as a JPEG through the page's CDP session; None (and never again) when it cannot."""
        session = self._session()
        if session is None:
            return None
        try:
            image = deferred_calls.screenshot_bytes(session.send(*deferred_calls.SCREENSHOT))
        except PlaywrightError:
            image = None
        if image is None:
            self._cdp = False
        return image
