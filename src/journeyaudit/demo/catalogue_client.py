"""Product pages rendered in the browser (issue #12, the crawler's browser mode).

The products of ``catalogue_data.CLIENT_CATEGORY`` answer an empty shell: a script fetches the offer
from ``/catalogue/api/offer/<slug>`` and draws the price, the stock line, the add-to-cart button and
the JSON-LD. A plain HTTP crawler sees no product there; a browser sees the same page as the others.
"""

from __future__ import annotations

import json

from . import pages
from .catalog import money
from .catalogue_data import BY_SLUG, CATEGORIES, CatalogueProduct
from .shop import DemoShop, _Request, _Response, route

e = pages.e
SCRIPT_PATH = "/catalogue/static/product-page.js"

SCRIPT = """(function () {
  "use strict";
  var box = document.getElementById("buy-box");
  if (!box) { return; }
  fetch("/catalogue/api/offer/" + encodeURIComponent(box.dataset.slug))
    .then(function (response) { return response.json(); })
    .then(function (offer) {
      var ld = document.createElement("script");
      ld.type = "application/ld+json";
      ld.textContent = JSON.stringify(offer.structured);
      document.head.appendChild(ld);
      var price = document.createElement("p");
      price.className = "price-big";
      price.setAttribute("data-price", "");
      price.textContent = offer.price;
      var stock = document.createElement("p");
      stock.className = "stock";
      stock.id = "availability";
      stock.textContent = offer.stock;
      var form = document.createElement("form");
      form.className = "buy";
      form.method = "post";
      form.action = "/cart/add";
      var slug = document.createElement("input");
      slug.type = "hidden";
      slug.name = "slug";
      slug.value = box.dataset.slug;
      var button = document.createElement("button");
      button.className = "btn";
      button.type = "submit";
      button.disabled = !offer.can_buy;
      button.textContent = "Add to cart";
      form.appendChild(slug);
      form.appendChild(button);
      box.replaceChildren(price, stock, form);
    });
}());
"""


def client_page(product: CatalogueProduct, base: str) -> _Response:
    """The shell a plain HTTP client gets: name and picture, no price, no stock, no structured data."""
    body = f"""<nav class="crumbs"><a href="/catalogue">All categories</a> /
<a href="/catalogue/{product.category}">{e(CATEGORIES[product.category])}</a> / {e(product.name)}</nav>
<div class="product">
  <div class="pic"><img src="{e(product.image)}" alt="{e(product.name)}" width="400" height="300"></div>
  <div><h1>{e(product.name)}</h1>
  <p class="small">SKU {e(product.sku)}</p>
  <div id="buy-box" data-slug="{e(product.slug)}"><p class="small">Loading…</p></div>
  </div>
</div>"""
    return _Response(pages.layout(product.name, body, scripts=f'<script src="{SCRIPT_PATH}" defer></script>'))


@route("GET", SCRIPT_PATH)
def product_script(shop: DemoShop, req: _Request) -> _Response:
    return _Response(SCRIPT, 200, "text/javascript; charset=utf-8")


@route("GET", "/catalogue/api/offer/([a-z0-9-]+)")
def offer(shop: DemoShop, req: _Request, slug: str) -> _Response:
    from .catalogue_routes import structured  # the same JSON-LD as a server-rendered product page

    product = BY_SLUG.get(slug)
    if product is None or not product.client_rendered:
        return _Response(json.dumps({"error": "not found"}), 404, "application/json")
    data = {
        "price": money(product.price),
        "stock": "In stock — ships in 1–2 business days" if product.in_stock else "Sold out",
        "can_buy": product.in_stock,
        "structured": structured(product, shop.url),
    }
    return _Response(json.dumps(data, ensure_ascii=False), 200, "application/json")
