"""JA8xx: the catalogue contradicts itself (issue #12).

Pure functions over the crawl's page records (``journeyaudit.crawl.records``), not over a journey
run, so they live in their own table here instead of the journey registry: the judge runs every
registered rule on every journey, and these have nothing to say about one. Same shape as the
journey rules (permanent code, slug, severity, docstring = documentation).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from journeyaudit.crawl.records import PageRecord
from journeyaudit.model import Evidence, Finding
from journeyaudit.rules.registry import CODE_PATTERN, SLUG_PATTERN, RuleInfo

CatalogueRule = Callable[[list[PageRecord]], Iterable[Finding]]
_CATALOGUE: dict[str, RuleInfo] = {}


def catalogue_rule(code: str, slug: str, *, title: str, severity: str) -> Callable[[CatalogueRule], CatalogueRule]:
    """Register a catalogue rule under a permanent JA8xx code."""
    if not CODE_PATTERN.match(code) or not code.startswith("JA8") or not SLUG_PATTERN.match(slug):
        raise ValueError(f"catalogue rule {code} {slug}: code must be JA8xx, slug kebab-case")

    def register(function: CatalogueRule) -> CatalogueRule:
        _CATALOGUE[code] = RuleInfo(code, slug, title, severity, frozenset(), {}, function)  # type: ignore[arg-type]
        return function

    return register


def catalogue_rules() -> list[RuleInfo]:
    return [_CATALOGUE[code] for code in sorted(_CATALOGUE)]


def get_catalogue_rule(code_or_slug: str) -> RuleInfo | None:
    key = code_or_slug.strip()
    return _CATALOGUE.get(key.upper()) or next((r for r in _CATALOGUE.values() if r.slug == key.lower()), None)


def check_catalogue(pages: list[PageRecord]) -> list[Finding]:
    """Every JA8xx finding over the crawl, with code, slug and severity filled in."""
    findings = []
    for info in catalogue_rules():
        for finding in info.function(pages):  # type: ignore[arg-type,call-arg]
            finding.code, finding.slug = info.code, info.slug
            finding.severity = finding.severity or info.severity
            finding.journey = "catalogue"
            finding.fingerprint = f"{info.code}|{finding.step_name}"
            findings.append(finding)
    return findings + _at_scale(pages)


def _at_scale(pages: list[PageRecord]) -> list[Finding]:
    """Journey rules' stories the add-to-cart probe finds across the catalogue (JA301), under their own code."""
    from journeyaudit.rules.ja8xx_buy import STOCK_CODE, refused_in_stock
    from journeyaudit.rules.registry import get_rule

    info = get_rule(STOCK_CODE)
    findings = []
    for finding in refused_in_stock(pages):
        finding.code, finding.slug = STOCK_CODE, info.slug if info else "unannounced-stock-out"
        finding.severity = info.severity if info else "high"
        finding.journey = "catalogue"
        finding.fingerprint = f"{STOCK_CODE}|{finding.step_name}"
        findings.append(finding)
    return findings


def _finding(page: PageRecord, message: str, *claims: tuple[str, str]) -> Finding:
    evidence = [Evidence("page", "Product page", page.url)] + [Evidence("claim", label, value) for label, value in claims]
    return Finding(step_name=page.url, message=message, evidence=evidence)


def _products(pages: list[PageRecord]) -> Iterator[PageRecord]:
    return (page for page in pages if page.is_product)


def _amount(amount: str, page: PageRecord) -> str:
    """``132.10 EUR`` when the product's structured data names its currency (ISO 4217), else ``132.10``."""
    currency = (page.structured_currency or "").strip().upper()
    return f"{Decimal(amount):.2f}" + (f" {currency}" if len(currency) == 3 and currency.isalpha() else "")


@catalogue_rule("JA801", "structured-price-mismatch", title="Structured data shows another price", severity="high")
def structured_price_mismatch(pages: list[PageRecord]) -> Iterator[Finding]:
    """The product's structured data (JSON-LD ``offers.price``) differs from the price the page shows.

    Search engines and price comparison sites show the structured price; the customer who clicks
    through sees the other one, and in the EU a price shown in an ad must be the price charged.
    Evidence: the visible price and the structured price.
    """
    for page in _products(pages):
        if page.visible_price and page.structured_price and Decimal(page.visible_price) != Decimal(page.structured_price):
            yield _finding(
                page,
                f"{page.label}: the page shows {_amount(page.visible_price, page)}, its structured data says "
                f"{_amount(page.structured_price, page)}.",
                ("Visible price", page.visible_price),
                ("Structured price", page.structured_price),
            )


@catalogue_rule("JA802", "listing-price-mismatch", title="Listing and product page disagree on the price", severity="high")
def listing_price_mismatch(pages: list[PageRecord]) -> Iterator[Finding]:
    """A listing (category page, home page tile) shows another price than the product page.

    The customer chose the product at the listing's price; the product page asks for more (or
    less, which means one of the two is stale). Compared with the product page's visible price,
    else its structured price. Evidence: the listing URL and both prices.
    """
    for page in _products(pages):
        own = page.visible_price or page.structured_price
        if not own:
            continue
        seen: set[Decimal] = set()
        for claim in page.listings:
            if claim.price and Decimal(claim.price) != Decimal(own) and Decimal(claim.price) not in seen:
                seen.add(Decimal(claim.price))
                yield _finding(
                    page,
                    f"{page.label}: listed at {_amount(claim.price, page)} on {claim.listing_url}, the product page says "
                    f"{_amount(own, page)}.",
                    ("Listing price", f"{claim.price} on {claim.listing_url}"),
                    ("Product page price", own),
                )


def _availability_claims(page: PageRecord) -> tuple[str, str] | None:
    structured = page.structured_availability
    if structured == "InStock" and page.visible_availability == "sold_out":
        return f"structured data: {structured}", f"page: {page.visible_availability_text}"
    if structured in ("OutOfStock", "SoldOut", "Discontinued") and page.visible_availability == "in_stock":
        return f"structured data: {structured}", f"page: {page.visible_availability_text}"
    if page.visible_availability == "in_stock" and page.add_to_cart == "disabled":
        return f"page: {page.visible_availability_text}", "add-to-cart button: disabled"
    if structured == "InStock" and page.add_to_cart == "disabled" and page.visible_availability != "sold_out":
        return f"structured data: {structured}", "add-to-cart button: disabled"
    return None


@catalogue_rule("JA803", "availability-contradiction", title="The product is in stock and sold out at once", severity="high")
def availability_contradiction(pages: list[PageRecord]) -> Iterator[Finding]:
    """Structured availability, the visible stock line and the add-to-cart control disagree.

    "InStock" in search results with "Sold out" on the page, or "In stock" next to a disabled
    add-to-cart button: the customer is promised what the shop will not sell. Evidence: the two
    claims that disagree.
    """
    for page in _products(pages):
        claims = _availability_claims(page)
        if claims:
            yield _finding(page, f"{page.label}: {claims[0]}, but {claims[1]}.", ("Claim", claims[0]), ("Contradiction", claims[1]))


def _dead(page: PageRecord) -> bool:
    return page.status >= 400 or page.status == 0


@catalogue_rule("JA804", "product-page-error", title="A product the shop links to does not answer", severity="high")
def product_page_error(pages: list[PageRecord]) -> Iterator[Finding]:
    """A product the shop links to from a listing answers 4xx/5xx, or a "not found" page with status 200.

    A soft 404 (200 with "not found") also hides the dead page from search engines' clean-up, so
    it stays in results. Pages known only from the sitemap are JA805. Evidence: the status and
    where the link was found.
    """
    for page in pages:
        listed = bool(page.listings) or "listing" in page.sources
        if page.soft_404 and ("sitemap" in page.sources or listed):
            yield _finding(page, f"{page.url} answers 200 but says the product was not found.",
                           ("Linked as", "a product"), ("Page says", "not found (soft 404)"))
        elif _dead(page) and listed:
            where = page.listings[0].listing_url if page.listings else "a listing"
            yield _finding(page, f"{page.url}, linked as a product from {where}, answers HTTP {page.status}.",
                           ("Linked from", where), ("Status", str(page.status) or page.error))


@catalogue_rule("JA805", "dead-sitemap-url", title="The sitemap lists a page that does not exist", severity="medium")
def dead_sitemap_url(pages: list[PageRecord]) -> Iterator[Finding]:
    """A URL listed in the shop's sitemap answers 4xx/5xx.

    Search engines crawl what the sitemap promises; a dead entry wastes their crawl budget and
    often means a product was removed without a redirect. Evidence: the URL and its status.
    """
    for page in pages:
        if "sitemap" in page.sources and _dead(page) and not page.listings:
            yield _finding(page, f"The sitemap lists {page.url}, which answers HTTP {page.status}.",
                           ("Sitemap", "lists the URL"), ("Status", str(page.status)))


@catalogue_rule("JA806", "product-image-failed", title="The main product image does not load", severity="medium")
def product_image_failed(pages: list[PageRecord]) -> Iterator[Finding]:
    """The product's main image (structured data ``image``, else ``og:image``) fails to load.

    Customers do not buy what they cannot see, and shopping ads need the image. Evidence: the
    image URL and its status.
    """
    for page in _products(pages):
        if page.image_url and page.image_status is not None and (page.image_status >= 400 or page.image_status == 0):
            yield _finding(page, f"{page.label}: its main image {page.image_url} answers HTTP {page.image_status}.",
                           ("Main image", page.image_url), ("Status", str(page.image_status)))


@catalogue_rule("JA807", "missing-offer-data", title="Structured data has no price or availability", severity="low")
def missing_offer_data(pages: list[PageRecord]) -> Iterator[Finding]:
    """The product's JSON-LD has no offer price or availability.

    Without them search engines show no price or stock and shopping listings reject the product.
    Only products that publish JSON-LD at all are checked. Evidence: what is missing.
    """
    for page in _products(pages):
        if "json-ld" in page.product_signals and not page.has_structured_offer:
            missing = [name for name, value in (("price", page.structured_price),
                                                ("availability", page.structured_availability)) if not value]
            yield _finding(page, f"{page.label}: its structured data has no {' or '.join(missing)}.",
                           ("Structured data", f"no {', no '.join(missing)}"), ("Visible price", page.visible_price or "none"))


from journeyaudit.rules import ja8xx_buy  # noqa: E402,F401  (registers JA808)
