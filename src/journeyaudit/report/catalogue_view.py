"""The catalogue section of the HTML report (issue #12): what a crawl found, laid out for the template.

Reads a crawl's ``result.json`` data (a plain dict, already redacted; docs/crawl.md describes it),
so it serves both the crawl's own page (``crawl.html``) and the catalogue section of a journey
report whose profile crawled first. Page text stays plain ``str``: the template escapes it.
Jinja-free, like the other ``*_view`` modules.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from journeyaudit.model import SEVERITIES, severity_rank
from journeyaudit.report.rules_view import SEVERITY_LABELS

# How the template names the page structures that made a page a product (crawl/reading.py's signals).
SIGNAL_NAMES = {"json-ld": "JSON-LD", "microdata": "microdata", "opengraph": "OpenGraph", "add-to-cart": "cart button"}


@dataclass
class ClaimRow:
    """One product's claims side by side, and what the checks made of them."""

    anchor: str
    name: str
    url: str
    category: str
    template: str
    visible_price: str
    structured_price: str
    listing_prices: str
    structured_availability: str
    visible_availability: str
    add_to_cart: str
    image: str
    cart: str = ""  # what the add-to-cart probe saw ("" when not probed)
    codes: list[str] = field(default_factory=list)  # JA8xx codes found on this product
    worst: str = ""  # worst severity among them

    def disagrees(self, claim: str) -> bool:
        """The cells a finding is about, highlighted in the table."""
        return any(claim in _CLAIMS.get(code, ()) for code in self.codes)


# Which columns each rule compares (the cells the table highlights).
_CLAIMS: dict[str, tuple[str, ...]] = {
    "JA801": ("visible_price", "structured_price"),
    "JA802": ("visible_price", "listing_prices"),
    "JA803": ("structured_availability", "visible_availability", "add_to_cart"),
    "JA806": ("image",),
    "JA807": ("structured_price", "structured_availability"),
    "JA808": ("visible_availability", "cart"),
    "JA809": ("visible_price", "cart"),
}


@dataclass
class CatalogueFinding:
    code: str
    slug: str
    severity: str
    severity_label: str
    rank: int  # for sorting: higher is worse
    product: str
    url: str
    message: str
    claims: list[tuple[str, str]]
    product_anchor: str = ""


@dataclass
class CatalogueView:
    base_url: str
    pages: int
    products: int
    seconds: float
    render: str
    interrupted: bool
    categories: list[tuple[str, int]]
    templates: list[tuple[str, int]]
    findings: list[CatalogueFinding]
    rows: list[ClaimRow]
    severities: list[dict[str, Any]]
    rules: list[tuple[str, str]]  # (code, slug) of the rules that found something, for the filter
    flagged: int  # products with at least one finding
    pages_per_second: float = 0.0
    other_pages: int = 0
    probed: int = 0  # products the add-to-cart probe tried


def template_of(product: Mapping[str, Any]) -> str:
    """A product page's template, as far as the crawl can tell: the structures it carries."""
    signals = [SIGNAL_NAMES.get(s, s) for s in product.get("product_signals") or []]
    return " + ".join(signals) or "unknown"


def _claim_row(number: int, product: Mapping[str, Any], codes: list[str]) -> ClaimRow:
    listings = product.get("listings") or []
    image_status = product.get("image_status")
    probe = product.get("cart_probe") or {}
    return ClaimRow(
        anchor=f"cat-p{number}",
        name=str(product.get("name") or ""),
        url=str(product.get("url") or ""),
        category=str(product.get("category") or ""),
        template=template_of(product),
        visible_price=str(product.get("visible_price") or ""),
        structured_price=str(product.get("structured_price") or ""),
        listing_prices=", ".join(dict.fromkeys(str(item.get("price") or "") for item in listings if item.get("price"))),
        structured_availability=str(product.get("structured_availability") or ""),
        visible_availability=str(product.get("visible_availability_text") or product.get("visible_availability") or ""),
        add_to_cart=str(product.get("add_to_cart") or ""),
        image="" if image_status is None else str(image_status),
        cart=_cart_text(probe),
        codes=codes,
    )


def _cart_text(probe: Mapping[str, Any]) -> str:
    if not probe:
        return ""
    if not probe.get("accepted"):
        return f"refused: {probe.get('message') or 'no line in the cart'}"
    price = probe.get("price") or "?"
    return f"accepted at {price}" + (f"; says {probe['message']}" if probe.get("message") else "")


def catalogue_view(data: Mapping[str, Any]) -> CatalogueView:
    """The section's view from a crawl's result data (``result.json`` with ``"kind": "crawl"``)."""
    products: Sequence[Mapping[str, Any]] = data.get("products") or []
    raw_findings: Sequence[Mapping[str, Any]] = data.get("findings") or []
    anchors = {str(p.get("url")): f"cat-p{n}" for n, p in enumerate(products, start=1)}
    by_url: dict[str, list[Mapping[str, Any]]] = {}
    for finding in raw_findings:
        by_url.setdefault(str(finding.get("url")), []).append(finding)
    rows = []
    for number, product in enumerate(products, start=1):
        own = by_url.get(str(product.get("url")), [])
        row = _claim_row(number, product, sorted({str(f.get("code")) for f in own}))
        row.worst = max((str(f.get("severity")) for f in own), key=severity_rank, default="")
        rows.append(row)
    names = {str(p.get("url")): str(p.get("name") or "") for p in products}
    findings = sorted(
        (_finding_view(f, names, anchors) for f in raw_findings), key=lambda f: (-f.rank, f.code, f.product)
    )
    counts = Counter(f.severity for f in findings)
    seconds = float(data.get("seconds") or 0.0)
    pages = int(data.get("pages") or 0)
    return CatalogueView(
        base_url=str(data.get("base_url") or ""),
        pages=pages,
        products=len(products),
        seconds=seconds,
        render=str(data.get("render") or "http"),
        interrupted=bool(data.get("interrupted")),
        categories=sorted(Counter(str(p.get("category") or "") for p in products).items()),
        templates=Counter(template_of(p) for p in products).most_common(),
        findings=findings,
        rows=rows,
        severities=[
            {"key": s, "label": SEVERITY_LABELS[s], "count": counts.get(s, 0)} for s in reversed(SEVERITIES)
        ],
        rules=sorted({(f.code, f.slug) for f in findings}),
        flagged=sum(1 for row in rows if row.codes),
        pages_per_second=round(pages / seconds, 1) if seconds else 0.0,
        other_pages=len(data.get("other_pages") or []),
        probed=sum(1 for p in products if p.get("cart_probe")),
    )


def _finding_view(finding: Mapping[str, Any], names: Mapping[str, str], anchors: Mapping[str, str]) -> CatalogueFinding:
    severity = str(finding.get("severity") or "low")
    severity = severity if severity in SEVERITY_LABELS else "low"
    url = str(finding.get("url") or "")
    claims = [
        (str(item.get("label") or ""), str(item.get("value") or ""))
        for item in finding.get("evidence") or []
        if item.get("label") != "Product page"  # the URL is its own column
    ]
    return CatalogueFinding(
        code=str(finding.get("code") or ""),
        slug=str(finding.get("slug") or ""),
        severity=severity,
        severity_label=SEVERITY_LABELS[severity],
        rank=severity_rank(severity),
        product=names.get(url) or url,
        url=url,
        message=str(finding.get("message") or ""),
        claims=claims,
        product_anchor=anchors.get(url, ""),
    )
