"""The demo catalogue's routes: listings with pagination, product pages, images, sitemaps and robots.txt.

Server-rendered like the rest of the shop, so a plain HTTP crawler sees everything. The seeded
defects (``catalogue_data.DEFECTS``) change only what their own product's pages say.
"""

from __future__ import annotations

import json
import math
from typing import Any

from . import pages
from .catalog import PRODUCTS as SHOP_PRODUCTS
from .catalog import money, plain_amount
from .catalogue_client import client_page
from .catalogue_data import (
    BY_SLUG,
    CATEGORIES,
    PAGE_SIZE,
    PRODUCTS,
    CatalogueProduct,
    in_category,
    listing_price,
    structured_price,
)
from .shop import DemoShop, _int, _Request, _Response, route

e = pages.e
PRODUCTS_PER_SITEMAP = 100
XML = "application/xml; charset=utf-8"

ROBOTS_TXT = """User-agent: *
Disallow: /cart
Disallow: /checkout
Disallow: /api/
Disallow: /account
Disallow: /mail

Sitemap: {base}/sitemap.xml
"""


def _base(req: _Request, shop: DemoShop) -> str:
    return shop.url


@route("GET", "/robots.txt")
def robots(shop: DemoShop, req: _Request) -> _Response:
    return _Response(ROBOTS_TXT.format(base=_base(req, shop)), 200, "text/plain; charset=utf-8")


@route("GET", "/sitemap.xml")
def sitemap_index(shop: DemoShop, req: _Request) -> _Response:
    base = _base(req, shop)
    parts = ["pages"] + [f"products-{n + 1}" for n in range(math.ceil(len(PRODUCTS) / PRODUCTS_PER_SITEMAP))]
    entries = "".join(f"<sitemap><loc>{base}/sitemaps/{part}.xml</loc></sitemap>" for part in parts)
    return _Response(
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>',
        200,
        XML,
    )


def _urlset(base: str, paths: list[str]) -> str:
    entries = "".join(f"<url><loc>{base}{e(path)}</loc></url>" for path in paths)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    )


@route("GET", "/sitemaps/pages.xml")
def sitemap_pages(shop: DemoShop, req: _Request) -> _Response:
    paths = ["/", "/catalogue"] + [f"/catalogue/{c}" for c in CATEGORIES] + [p.url for p in SHOP_PRODUCTS]
    return _Response(_urlset(_base(req, shop), paths), 200, XML)


@route("GET", r"/sitemaps/products-(\d+).xml")
def sitemap_products(shop: DemoShop, req: _Request, number: str) -> _Response:
    start = (int(number) - 1) * PRODUCTS_PER_SITEMAP
    chunk = PRODUCTS[start : start + PRODUCTS_PER_SITEMAP]
    if not chunk or start < 0:
        return _Response(pages.not_found_page(), 404)
    return _Response(_urlset(_base(req, shop), [p.url for p in chunk]), 200, XML)


@route("GET", "/catalogue")
def catalogue_home(shop: DemoShop, req: _Request) -> _Response:
    items = "".join(f'<li><a href="/catalogue/{slug}">{e(name)}</a></li>' for slug, name in CATEGORIES.items())
    return _Response(pages.layout("All categories", f'<h1>All categories</h1><ul class="categories">{items}</ul>'))


def _card(product: CatalogueProduct) -> str:
    price = listing_price(product)
    stock = "In stock" if product.in_stock else "Sold out"
    return f"""<li class="product-card" itemscope itemtype="https://schema.org/Product">
  <a itemprop="url" href="{e(product.url)}"><span itemprop="name">{e(product.name)}</span></a>
  <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
    <meta itemprop="priceCurrency" content="EUR"><meta itemprop="price" content="{plain_amount(price)}">
    <span class="price">{money(price)}</span> <span class="stock">{stock}</span>
  </div>
</li>"""


def _pager(category: str, page: int, pages_total: int) -> str:
    links = []
    if page > 1:
        links.append(f'<a rel="prev" href="/catalogue/{category}?page={page - 1}">Previous</a>')
    links += [
        f'<a href="/catalogue/{category}?page={n}"{" aria-current=page" if n == page else ""}>{n}</a>'
        for n in range(1, pages_total + 1)
    ]
    if page < pages_total:
        links.append(f'<a rel="next" href="/catalogue/{category}?page={page + 1}">Next</a>')
    return f'<nav class="pager" aria-label="Pages">{" ".join(links)}</nav>'


@route("GET", "/catalogue/([a-z]+)")
def listing(shop: DemoShop, req: _Request, category: str) -> _Response:
    if category not in CATEGORIES:
        return _Response(pages.not_found_page("We couldn't find that category."), 404)
    products = in_category(category)
    pages_total = max(1, math.ceil(len(products) / PAGE_SIZE))
    page = _int(req.arg("page", "1"), 1)
    if page < 1 or page > pages_total:
        return _Response(pages.not_found_page("That page of the category does not exist."), 404)
    shown = products[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    cards = "".join(_card(p) for p in shown)
    body = (
        f'<nav class="crumbs"><a href="/catalogue">All categories</a> / {e(CATEGORIES[category])}</nav>'
        f"<h1>{e(CATEGORIES[category])}</h1><p>Page {page} of {pages_total}</p>"
        f'<ul class="product-list">{cards}</ul>{_pager(category, page, pages_total)}'
    )
    return _Response(pages.layout(f"{CATEGORIES[category]}, page {page}", body))


def structured(product: CatalogueProduct, base: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "sku": product.sku,
        "image": base + product.image,
        "category": CATEGORIES[product.category],
        "url": base + product.url,
    }
    if product.defect == "no-offer":
        return data
    in_stock = product.in_stock or product.defect == "structured-in-stock-sold-out"
    data["offers"] = {
        "@type": "Offer",
        "price": plain_amount(structured_price(product)),
        "priceCurrency": "EUR",
        "availability": "https://schema.org/" + ("InStock" if in_stock else "OutOfStock"),
    }
    return data


def _buy_box(product: CatalogueProduct) -> str:
    disabled = "" if product.in_stock and product.defect != "in-stock-button-disabled" else " disabled"
    stock = "In stock — ships in 1–2 business days" if product.in_stock else "Sold out"
    return f"""<p class="price-big" data-price>{money(product.price)}</p>
<p class="stock" id="availability">{stock}</p>
<form class="buy" method="post" action="/cart/add">
  <input type="hidden" name="slug" value="{e(product.slug)}">
  <button class="btn" type="submit"{disabled}>Add to cart</button>
</form>"""


@route("GET", "/catalogue/p/([a-z0-9-]+)")
def catalogue_product(shop: DemoShop, req: _Request, slug: str) -> _Response:
    product = BY_SLUG.get(slug)
    if product is None or product.defect == "dead-sitemap-url":
        return _Response(pages.not_found_page("We couldn't find that product. It may have moved."), 404)
    if product.defect == "soft-404":  # a 200 that says the product is gone
        return _Response(pages.not_found_page("Product not found. It may have been discontinued."), 200)
    base = _base(req, shop)
    if product.client_rendered:  # an empty shell, drawn by a script (catalogue_client.py)
        return client_page(product, base)
    structured_data = json.dumps(structured(product, base), ensure_ascii=False).replace("</", "<\\/")
    body = f"""<nav class="crumbs"><a href="/catalogue">All categories</a> /
<a href="/catalogue/{product.category}">{e(CATEGORIES[product.category])}</a> / {e(product.name)}</nav>
<div class="product">
  <div class="pic"><img src="{e(product.image)}" alt="{e(product.name)}" width="400" height="300"></div>
  <div><h1>{e(product.name)}</h1>
  <p class="small">SKU {e(product.sku)}</p>
  {_buy_box(product)}
  </div>
</div>"""
    head = (
        f'<script type="application/ld+json">{structured_data}</script>'
        f'<meta property="og:type" content="product"><meta property="og:title" content="{e(product.name)}">'
        f'<meta property="og:image" content="{e(base + product.image)}">'
    )
    return _Response(pages.layout(product.name, body, head=head))


@route("GET", r"/catalogue/img/([a-z0-9-]+)\.svg")
def catalogue_image(shop: DemoShop, req: _Request, slug: str) -> _Response:
    product = BY_SLUG.get(slug)
    if product is None or product.defect == "broken-image":
        return _Response("Not Found", 404, "text/plain; charset=utf-8")
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300"><rect width="400" height="300" fill="#f1e7dc"/>'
        f'<text x="200" y="150" text-anchor="middle" font-size="20">{e(product.name)}</text></svg>'
    )
    return _Response(svg, 200, "image/svg+xml")
