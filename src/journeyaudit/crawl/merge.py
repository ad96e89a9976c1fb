"""Join the results of crawl processes that shared one queue (``crawl --queue``) into one crawl: ``crawl --merge``.

Each process writes the pages it fetched. A listing one process read may speak of a product another
fetched: such claims are in the listing's result.json as ``unmatched_listing_claims``, and are attached
here, so the joined pages are checked as one crawl would have checked them. A page two processes
fetched (the pages a dead process was fetching) counts once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from journeyaudit.crawl.discovery import CrawlOutcome, _key
from journeyaudit.crawl.records import ListingClaim, PageRecord
from journeyaudit.crawl.result import NotACrawlResult, load_result


class MergeError(Exception):
    """A folder without a crawl's result.json, or results of different shops."""


def read_result(folder: Path) -> dict[str, Any]:
    try:
        return load_result(folder)
    except NotACrawlResult as exc:
        raise MergeError(f"{folder}: {exc}") from None


def merge_results(results: list[dict[str, Any]]) -> tuple[str, CrawlOutcome]:
    """The shop and one outcome made of every page the results fetched, with every listing claim attached."""
    shops = {str(r.get("base_url", "")).rstrip("/") for r in results}
    if len(shops) != 1:
        raise MergeError(f"the results are of different shops: {', '.join(sorted(shops))}")
    records: dict[str, PageRecord] = {}
    claims: dict[str, list[ListingClaim]] = {}
    for result in results:
        pages = [PageRecord.from_dict(p) for p in result.get("products", [])]
        pages += [PageRecord.from_dict({k: v for k, v in p.items() if k in _OTHER_FIELDS}) for p in result.get("other_pages", [])]
        for page in pages:
            seen = records.setdefault(_key(page.url), page)
            if seen is not page:  # fetched twice: one record, every way it was found
                seen.sources = sorted(set(seen.sources) | set(page.sources))
                seen.listings += [c for c in page.listings if c not in seen.listings]
        for url, found in (result.get("unmatched_listing_claims") or {}).items():
            claims.setdefault(_key(url), []).extend(ListingClaim(**c) for c in found)
    for key, found in claims.items():
        record = records.get(key)
        if record is not None:
            record.listings += [c for c in found if c not in record.listings]
            record.sources = sorted(set(record.sources) | {"listing"})
    pages = sorted(records.values(), key=lambda r: r.url)
    outcome = CrawlOutcome(
        pages, [p.url for p in pages if "sitemap" in p.sources], max(float(r.get("seconds") or 0) for r in results),
        interrupted=any(r.get("interrupted") for r in results),
    )
    return shops.pop(), outcome


_OTHER_FIELDS = {"url", "status", "sources", "soft_404", "listings"}
