"""The demo shop's storefront: home, product pages (with JSON-LD), recommendations, the cart and its API."""

from __future__ import annotations

from typing import Any

from . import pages
from .catalog import (  # the ledger's faults
    BY_SLUG,
    PRODUCTS,
    SNEAKED_ADD_ON,
    Product,
    plain_amount,
    recommendations_for,
)
from .catalogue_data import cart_product, cart_refuses
from .shop import REVIEWS_KEY, DemoShop, Session, _int, _json, _redirect, _Request, _Response, route


def _cart_count(session: Session) -> int:
    return sum(q for q in session.cart.values() if q > 0)


@route("GET", "/healthz")
def healthz(shop: DemoShop, req: _Request) -> _Response:
    return _json({"status": "ok", "shop": pages.SHOP_NAME})


@route("GET", "/favicon.(?:svg|ico)")
def favicon(shop: DemoShop, req: _Request) -> _Response:
    return _Response(pages.FAVICON_SVG, 200, "image/svg+xml")


@route("GET", "/")
def home(shop: DemoShop, req: _Request) -> _Response:
    return _Response(
        pages.home_page(
            PRODUCTS, unit_price=lambda p: p.price, cart_count=_cart_count(req.session)
        )
    )


def _structured_data(product: Product, sold_out: bool = False) -> dict[str, Any]:
    """schema.org Product as the product page publishes it (always the list price; InStock unless sold out)."""
    return {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "sku": product.sku,
        "description": product.summary,
        "brand": {"@type": "Brand", "name": product.brand},
        "category": product.category,
        "url": product.url,
        "aggregateRating": {"@type": "AggregateRating", "ratingValue": str(product.rating), "reviewCount": product.reviews},
        "offers": {
            "@type": "Offer",
            "price": plain_amount(product.price),
            "priceCurrency": "EUR",
            "availability": "https://schema.org/" + ("OutOfStock" if sold_out else "InStock"),
            "itemCondition": "https://schema.org/NewCondition",
            "url": product.url,
        },
    }


@route("GET", "/product/([a-z0-9-]+)")
def product_page(shop: DemoShop, req: _Request, slug: str) -> _Response:
    product = BY_SLUG.get(slug)
    if product is None:
        return _Response(pages.not_found_page("We couldn't find that product. It may have moved."), 404)
    key = "" if "console-error" in req.faults else REVIEWS_KEY
    return _Response(
        pages.product_page(
            product,
            cart_count=_cart_count(req.session),
            reviews_key=key,
            structured=_structured_data(product, slug in req.session.sold_out),
            a11y_faults="a11y-violations" in req.faults,
            sold_out=slug in req.session.sold_out,
        )
    )


@route("GET", "/api/recommendations")
def api_recommendations(shop: DemoShop, req: _Request) -> _Response:
    if "failing-request" in req.faults:
        return _json({"error": "internal_error", "message": "upstream recommendations service unavailable"}, 500)
    slug = req.arg("product")
    items = [
        {"slug": p.slug, "name": p.name, "summary": p.summary, "url": p.url, "price": plain_amount(p.price), "currency": "EUR"}
        for p in recommendations_for(slug)
    ]
    return _json({"product": slug, "items": items})


def _cart_json(shop: DemoShop, req: _Request, *, with_promotion: bool = True) -> dict[str, Any]:
    lines = shop._lines(req.session, req.faults)
    data: dict[str, Any] = {
        "currency": "EUR",
        "count": sum(line["quantity"] for line in lines),
        "items": [
            {
                "slug": line["product"].slug,
                "sku": line["product"].sku,
                "name": line["product"].name,
                "quantity": line["quantity"],
                "unit_price": plain_amount(line["unit_price"]),
                "line_total": plain_amount(line["line_total"]),
            }
            for line in lines
        ],
        "subtotal": plain_amount(sum(line["line_total"] for line in lines)),
    }
    if with_promotion:
        data["promotion"] = {"code": None, "label": ""}
    return data


@route("GET", "/api/cart")
def api_cart(shop: DemoShop, req: _Request) -> _Response:
    return _json(_cart_json(shop, req))


@route("POST", "/cart/add")
def cart_add(shop: DemoShop, req: _Request) -> _Response:
    slug = req.form.get("slug", "")
    product = BY_SLUG.get(slug) or cart_product(slug)
    if product is None:
        return _Response(pages.not_found_page("We couldn't find that product."), 404)
    if cart_refuses(slug):  # a catalogue product sold out, or 'cart-refuses' (its page says "In stock")
        with shop._lock:
            req.session.flashes.append(("error", f"Sorry, {product.name} is out of stock and could not be added to your cart."))
        return _redirect("/cart")
    quantity = _int(req.form.get("quantity"), 1)
    quantity = max(1, min(quantity, 10))
    with shop._lock:
        cart = req.session.cart
        cart[product.slug] = min(cart.get(product.slug, 0) + quantity, 10)
        if "sneaked-item" in req.faults and product.slug != SNEAKED_ADD_ON:
            cart.setdefault(SNEAKED_ADD_ON, 1)  # 'sneaked-item': a paid add-on nobody asked for
    return _redirect("/cart")


@route("POST", "/cart/update")
def cart_update(shop: DemoShop, req: _Request) -> _Response:
    slug = req.form.get("slug", "")
    quantity = max(0, min(_int(req.form.get("quantity"), 1), 10))
    with shop._lock:
        if slug in req.session.cart:
            if quantity == 0:
                del req.session.cart[slug]
            else:
                req.session.cart[slug] = quantity
    return _redirect("/cart")


@route("POST", "/cart/remove")
def cart_remove(shop: DemoShop, req: _Request) -> _Response:
    slug = req.form.get("slug", "")
    with shop._lock:
        product = BY_SLUG.get(slug) or cart_product(slug)
        if req.session.cart.pop(slug, None) is not None and product is not None:
            req.session.flashes.append(("info", f"{product.name} was removed from your cart."))
    return _redirect("/cart")


@route("GET", "/cart")
def cart(shop: DemoShop, req: _Request) -> _Response:
    lines = shop._lines(req.session, req.faults)
    totals = shop._totals(lines, req.session, req.faults)
    return _Response(
        pages.cart_page(
            lines,
            totals,
            flashes=req.session.pop_flashes(),
            cart_data=_cart_json(shop, req, with_promotion="js-exception" not in req.faults),
            delivery_error="generic-error" in req.faults,
        )
    )
