"""A crawl's progress on disk, so a stopped crawl continues with ``crawl --resume``.

Two things make a crawl resumable: Crawlee's request queue (which URLs are waiting,
which are done) and the pages already read. The queue lives in Crawlee's
file-system storage under ``<out>/.crawl-state/crawlee`` as a *named* queue (Crawlee
never purges a named queue on start); each page read is appended to
``pages.jsonl`` as soon as it is read, with the listing claims it made. A crawl
that finishes removes the folder; one that is stopped (Ctrl-C, SIGTERM) keeps it.

On resume, a page already in ``pages.jsonl`` is not fetched again. Pages that
were being fetched at the moment of the stop were not finished, so they are
fetched once more.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from journeyaudit.crawl.records import ListingClaim, PageRecord
from journeyaudit.history.store import Redactor

STATE_DIR = ".crawl-state"
QUEUE_NAME = "catalogue"


class CrawlState:
    """The folder that holds a crawl's queue and pages between a stop and a resume."""

    def __init__(self, out: Path, *, resume: bool) -> None:
        self.folder = Path(out) / STATE_DIR
        self.pages_file = self.folder / "pages.jsonl"
        if not resume and self.folder.exists():
            shutil.rmtree(self.folder)  # a new crawl starts from nothing
        self.folder.mkdir(parents=True, exist_ok=True)

    @staticmethod
    def exists(out: Path) -> bool:
        return (Path(out) / STATE_DIR / "pages.jsonl").exists()

    @property
    def storage_dir(self) -> str:
        return str(self.folder / "crawlee")

    def load(self) -> tuple[dict[str, PageRecord], dict[str, list[ListingClaim]], dict[str, Any]]:
        """The pages read before the stop, the claims their listings made, and the crawl's start facts."""
        records: dict[str, PageRecord] = {}
        claims: dict[str, list[ListingClaim]] = {}
        start: dict[str, Any] = {}
        if not self.pages_file.exists():
            return records, claims, start
        for line in self.pages_file.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:  # the last line, cut by the stop
                continue
            if "start" in entry:
                start = entry["start"]
                continue
            record = PageRecord.from_dict(entry["page"])
            records[record.url] = record
            for url, claim in entry.get("claims", {}).items():
                claims.setdefault(url, []).append(ListingClaim(**claim))
        return records, claims, start

    def remember_start(self, facts: dict[str, Any]) -> None:
        """What the crawl began with (base URL, sitemap URLs): a resume checks and reuses it."""
        self._append({"start": facts})

    def add(self, record: PageRecord, claims: dict[str, ListingClaim]) -> None:
        self._append({"page": record.to_dict(), "claims": {url: vars(c) for url, c in claims.items()}})

    def _append(self, entry: dict[str, Any]) -> None:
        entry = Redactor().data(entry)  # credential parameters in page URLs never reach disk
        with self.pages_file.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def finished(self) -> None:
        """The crawl came to its end: nothing to resume."""
        shutil.rmtree(self.folder, ignore_errors=True)
