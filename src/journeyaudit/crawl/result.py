"""A crawl's ``result.json``: its shape (dataclasses, so its JSON Schema is generated), and the crawl as a
:class:`~journeyaudit.model.Result` for the CI formats.

``schema/crawl-result.schema.json`` is generated from :class:`CrawlResult` (``make schema``);
docs/crawl.md describes it field by field. The data is redacted before it is written
(a base URL's password, credential parameters in page URLs), and the CI formats are written from
the redacted data, so no writer sees what the file would not hold.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from journeyaudit import __version__
from journeyaudit.crawl.records import BuySummary, ListingClaim, PageRecord
from journeyaudit.model import Evidence, Finding, Result, RunSummary

CRAWL_SCHEMA_VERSION = 1
CATALOGUE_JOURNEY = "catalogue"  # the journey id the JA8xx findings carry (rules/ja8xx_catalogue.py)


class NotACrawlResult(ValueError):
    """A path that holds no readable result.json of ``journeyaudit crawl``; the caller says what it was for."""


def load_result(folder: str | Path) -> dict[str, Any]:
    """The result data of the crawl in ``folder`` (its result.json, or the file itself): for ``run --crawl``
    and ``crawl --merge`` alike."""
    path = Path(folder)
    path = path / "result.json" if path.is_dir() else path
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise NotACrawlResult(f"no crawl result.json readable there ({exc.__class__.__name__})") from None
    if not isinstance(data, dict) or data.get("kind") != "crawl":
        raise NotACrawlResult(f'{path.name} is not the result of `journeyaudit crawl` (no "kind": "crawl")')
    return data


@dataclass
class OtherPage:
    """A page that is not a product (home, category, listing, sitemap URL), with its status."""

    url: str
    status: int
    sources: list[str] = field(default_factory=list)
    soft_404: bool = False
    listings: list[ListingClaim] = field(default_factory=list)  # the products a listing page showed, and at what price


@dataclass
class CrawlEvidence:
    label: str
    value: str


@dataclass
class CrawlFinding:
    """A JA8xx finding: the product page (``url``) and the two claims that disagree (``evidence``)."""

    code: str
    slug: str
    severity: str
    url: str
    message: str
    evidence: list[CrawlEvidence] = field(default_factory=list)


@dataclass
class CrawlResult:
    """``result.json`` of ``journeyaudit crawl`` (``"kind": "crawl"``)."""

    base_url: str
    kind: str = "crawl"
    schema_version: int = CRAWL_SCHEMA_VERSION
    tool_version: str = __version__
    started_at: float = 0.0  # Unix time
    render: str = "http"  # http | browser | auto: how pages were fetched
    fail_on: str = "high"
    seconds: float = 0.0
    interrupted: bool = False  # stopped (Ctrl-C, SIGTERM) before the end: `crawl --resume` continues
    resumed_pages: int = 0  # pages read by the stopped crawl this one resumed
    pages: int = 0  # pages fetched, products included
    sitemap_urls: int = 0
    products: list[PageRecord] = field(default_factory=list)
    other_pages: list[OtherPage] = field(default_factory=list)
    findings: list[CrawlFinding] = field(default_factory=list)
    buy: BuySummary | None = None  # the add-to-cart probe (crawl --buy), when it ran; each product's visit is its `buy`
    # with a shared queue (--queue): a listing's claims about products another process fetched (crawl --merge)
    unmatched_listing_claims: dict[str, list[ListingClaim]] = field(default_factory=dict)


def crawl_result(
    base_url: str, outcome: Any, findings: list[Finding], *, fail_on: str, render: str = "http", buy: BuySummary | None = None,
) -> dict[str, Any]:
    """The crawl's result data (not yet redacted): what ``result.json`` holds."""
    result = CrawlResult(
        base_url=base_url,
        started_at=round(time.time() - outcome.seconds, 3),
        render=render,
        fail_on=fail_on,
        seconds=round(outcome.seconds, 2),
        interrupted=outcome.interrupted,
        resumed_pages=outcome.resumed,
        pages=len(outcome.pages),
        sitemap_urls=len(outcome.sitemap_urls),
        products=[page for page in outcome.pages if page.is_product],
        other_pages=[OtherPage(p.url, p.status, list(p.sources), p.soft_404, list(p.listings))
                     for p in outcome.pages if not p.is_product],
        findings=[
            CrawlFinding(f.code, f.slug, f.severity, f.step_name, f.message,
                         [CrawlEvidence(ev.label, str(ev.value)) for ev in f.evidence])
            for f in findings
        ],
        buy=buy,
        unmatched_listing_claims={url: list(found) for url, found in (getattr(outcome, "unmatched_claims", None) or {}).items()},
    )
    return asdict(result)


def as_result(data: dict[str, Any], *, profile_path: str = "", audit: str = "") -> Result:
    """The crawl as a journey-audit Result: one pseudo-journey ``catalogue`` holding the JA8xx findings.

    The CI formats (JUnit, SARIF, GitHub, GitLab) take a Result; this lets them write crawl findings
    unchanged. ``profile_path`` (the audit profile, if any) is where SARIF and annotations point.
    """
    findings = [
        Finding(
            code=str(item["code"]),
            slug=str(item.get("slug") or ""),
            severity=str(item["severity"]),
            journey=CATALOGUE_JOURNEY,
            step=None,
            step_name=str(item.get("url") or ""),
            message=str(item.get("message") or ""),
            evidence=[Evidence("claim", str(ev.get("label") or ""), str(ev.get("value") or "")) for ev in item.get("evidence") or []],
            fingerprint=f"{item['code']}|{item.get('url') or ''}",
        )
        for item in data.get("findings") or []
    ]
    products = len(data.get("products") or [])
    summary = RunSummary(
        journey_id=CATALOGUE_JOURNEY,
        journey_name=f"Catalogue crawl ({products} products)",
        journey_path=profile_path,
        status="failed" if findings else "passed",
        error=None,
        steps_total=products,
        steps_passed=products - len({f.step_name for f in findings}),
        duration_ms=float(data.get("seconds") or 0.0) * 1000,
    )
    return Result(
        audit=audit or "catalogue crawl",
        base_url=str(data.get("base_url") or ""),
        started_at=float(data.get("started_at") or 0.0),
        duration_ms=summary.duration_ms,
        fail_on=str(data.get("fail_on") or "high"),
        tool_version=str(data.get("tool_version") or __version__),
        runs=[summary],
        findings=findings,
    )


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a crawl's result.json (``journeyaudit schema --kind crawl-result``)."""
    from pydantic import TypeAdapter  # only needed when the schema is asked for

    schema = TypeAdapter(CrawlResult).json_schema(mode="serialization")
    schema["title"] = "journeyaudit crawl result.json"
    schema["description"] = (
        "What `journeyaudit crawl` found: every product with its claims, the other pages, and the JA8xx "
        "findings. Fields: docs/crawl.md. Readers should ignore properties they do not know."
    )
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
