"""Server-rendered HTML for the demo shop "Kettle & Crumb" (standard library only).

Every function returns a complete HTML document as ``str``. Everything that comes
from the customer or the catalogue goes through :func:`e` (HTML escaping); data for
scripts goes through :func:`js` (JSON safe inside ``<script>``).
"""

from __future__ import annotations

import html
import json
from typing import Any, Iterable

from .catalog import COUNTRIES, COUNTRY_NAMES, SHIPPING_METHODS, Product, money, plain_amount

SHOP_NAME = "Kettle & Crumb"


def e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def js(value: Any) -> str:
    """JSON that is safe to embed in an inline ``<script>``."""
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


CSS = """
:root{--ink:#2b1d14;--muted:#6f5e52;--line:#e6dcd1;--bg:#faf6f1;--card:#fff;--accent:#b5542c;--accent-dark:#8f3f1f;--ok:#2f6b3a;--warn:#9a3412;}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
a{color:var(--accent-dark)}
.topbar{background:var(--ink);color:#f3e9df;font-size:.85rem;text-align:center;padding:.35rem 1rem}
header.site{background:var(--card);border-bottom:1px solid var(--line)}
header.site .inner,main,footer .inner{max-width:1080px;margin:0 auto;padding:0 1.25rem}
header.site .inner{display:flex;align-items:center;justify-content:space-between;height:68px}
.logo{font:700 1.45rem/1 Georgia,"Times New Roman",serif;color:var(--ink);text-decoration:none;letter-spacing:.01em}
.logo span{color:var(--accent)}
nav.main a{margin-left:1.4rem;text-decoration:none;color:var(--ink);font-weight:500}
nav.main a:hover{color:var(--accent)}
main{padding-top:2rem;padding-bottom:3rem;min-height:60vh}
footer{border-top:1px solid var(--line);background:#f3ece4;color:var(--muted);font-size:.9rem}
footer .inner{display:flex;gap:2.5rem;flex-wrap:wrap;padding-top:1.5rem;padding-bottom:2rem}
footer h3{font-size:.95rem;color:var(--ink);margin:.2rem 0 .4rem}
footer p{margin:.2rem 0}
h1{font:700 2rem/1.2 Georgia,"Times New Roman",serif;margin:0 0 .75rem}
h2{font:700 1.3rem/1.3 Georgia,"Times New Roman",serif;margin:1.5rem 0 .75rem}
.hero{background:linear-gradient(120deg,#efe2d3,#f8efe6);border-radius:18px;padding:2.2rem 2rem;margin-bottom:2rem}
.hero p{max-width:560px;color:var(--muted);font-size:1.1rem;margin:0}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:1.25rem}
.tile{background:var(--card);border:1px solid var(--line);border-radius:14px;overflow:hidden;text-decoration:none;color:var(--ink);display:block;transition:box-shadow .15s}
.tile:hover{box-shadow:0 6px 20px rgba(43,29,20,.12)}
.tile .body{padding:.8rem 1rem 1rem}
.tile .name{font-weight:600}
.tile .price{font-weight:700;margin-top:.3rem}
.tile .stock{color:var(--ok);font-size:.85rem}
.pic svg{display:block;width:100%;height:auto}
.crumbs{font-size:.9rem;color:var(--muted);margin-bottom:1rem}
.crumbs a{color:var(--muted)}
.product{display:grid;grid-template-columns:1fr 1fr;gap:2.5rem;align-items:start}
.product .pic{border-radius:18px;overflow:hidden;border:1px solid var(--line)}
.lead{font-size:1.1rem;color:var(--muted)}
.price-big{font-size:1.8rem;font-weight:700;margin:.5rem 0 0}
.vat{color:var(--muted);font-size:.85rem}
.stock{color:var(--ok);font-weight:600}
.buy{display:flex;gap:.75rem;align-items:end;margin:1.25rem 0}
.buy label{display:block;font-size:.85rem;font-weight:600;margin-bottom:.25rem}
.buy input{width:5rem}
ul.features{padding-left:1.2rem;color:var(--ink)}
.rating{color:#a16207;font-weight:600}
.btn{display:inline-block;background:var(--accent);color:#fff;border:0;border-radius:10px;padding:.75rem 1.4rem;font:600 1rem/1.2 inherit;font-family:inherit;cursor:pointer;text-decoration:none;text-align:center}
.btn:hover{background:var(--accent-dark)}
.btn.block{display:block;width:100%}
.btn.secondary{background:#fff;color:var(--ink);border:1px solid var(--ink)}
.btn.link{background:none;color:var(--accent-dark);padding:0;text-decoration:underline;font-weight:500}
input,select{font:inherit;padding:.6rem .7rem;border:1px solid #bfae9f;border-radius:8px;background:#fff;color:var(--ink);width:100%}
input:focus,select:focus{outline:3px solid rgba(181,84,44,.3);border-color:var(--accent)}
.field{margin-bottom:1rem}
.field label,.field .label{display:block;font-weight:600;margin-bottom:.25rem}
.hint{color:var(--muted);font-size:.85rem;margin:.1rem 0 .35rem}
.row{display:grid;grid-template-columns:1fr 2fr;gap:1rem}
.row3{display:grid;grid-template-columns:2fr 1fr 1fr;gap:1rem}
.field-error{color:var(--warn);font-weight:600;font-size:.9rem;margin:.1rem 0 .3rem}
input[aria-invalid=true],select[aria-invalid=true]{border:2px solid var(--warn)}
.error-summary{border:2px solid var(--warn);background:#fff7ed;border-radius:10px;padding:1rem 1.2rem;margin-bottom:1.5rem}
.error-summary h2{margin:0 0 .4rem;font-size:1.1rem;color:var(--warn)}
.error-summary ul{margin:0;padding-left:1.2rem}
.notice{border-radius:10px;padding:.9rem 1.1rem;margin-bottom:1.25rem;font-weight:500}
.notice.error{background:#fef2f2;border:1px solid #fca5a5;color:#991b1b}
.notice.info{background:#eff6ff;border:1px solid #93c5fd;color:#1e3a8a}
.notice.success{background:#f0fdf4;border:1px solid #86efac;color:#14532d}
table.items{width:100%;border-collapse:collapse;background:var(--card);border:1px solid var(--line);border-radius:12px;overflow:hidden}
table.items th,table.items td{padding:.75rem .9rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:middle}
table.items th{font-size:.85rem;color:var(--muted);font-weight:600;background:#fbf8f4}
table.items td.num,table.items th.num{text-align:right;white-space:nowrap}
.sku{color:var(--muted);font-size:.8rem}
.qty-form{display:flex;gap:.4rem;align-items:center}
.qty-form input{width:4.2rem;padding:.4rem}
.layout{display:grid;grid-template-columns:minmax(0,1.7fr) minmax(0,1fr);gap:2rem;align-items:start}
.panel{background:var(--card);border:1px solid var(--line);border-radius:14px;padding:1.25rem 1.4rem;margin-bottom:1.25rem}
.panel h2{margin-top:0}
dl.totals{display:grid;grid-template-columns:1fr auto;gap:.45rem 1rem;margin:0 0 1rem}
dl.totals dt{color:var(--muted)}
dl.totals dd{margin:0;text-align:right;font-weight:600}
dl.totals .grand{font-size:1.2rem;color:var(--ink);font-weight:700;border-top:1px solid var(--line);padding-top:.5rem}
.small{font-size:.85rem;color:var(--muted)}
.steps{display:flex;gap:.5rem;list-style:none;padding:0;margin:0 0 1.5rem;font-size:.9rem;flex-wrap:wrap}
.steps li{padding:.3rem .8rem;border-radius:999px;background:#efe6dc;color:var(--muted)}
.steps li.done{background:#e3efe5;color:var(--ok)}
.steps li.current{background:var(--ink);color:#fff}
.choices{display:grid;grid-template-columns:1fr 1fr;gap:1.5rem}
fieldset{border:1px solid var(--line);border-radius:12px;padding:1rem 1.2rem;margin:0 0 1.25rem;background:#fff}
legend{font-weight:700;padding:0 .4rem}
.radio{display:flex;gap:.6rem;align-items:flex-start;padding:.5rem 0}
.radio input{width:auto;margin-top:.3rem}
.radio label{font-weight:500}
.summary-line{display:flex;justify-content:space-between;gap:1rem;margin:.3rem 0}
.address{font-style:normal;line-height:1.6}
.recs ul{list-style:none;padding:0;display:grid;grid-template-columns:repeat(3,1fr);gap:1rem}
.recs li{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:.9rem 1rem}
.recs li p{margin:.3rem 0 0;color:var(--muted);font-size:.9rem}
.status{display:inline-block;background:#e3efe5;color:var(--ok);border-radius:999px;padding:.2rem .8rem;font-weight:700}
.delivery-box{background:#fbf3e8;border:1px dashed #d9b48f;border-radius:12px;padding:1rem 1.2rem}
.delivery-box h2{font-size:1.05rem;margin:0 0 .4rem}
.center{text-align:center}
.express{min-height:64px}
.express iframe{border:0;width:100%;height:64px;display:block}
.express .loading{color:var(--muted);font-size:.9rem;margin:0}
.badge{display:inline-block;vertical-align:middle;margin:.2rem 0}
.icon-btn{background:#fff;border:1px solid var(--line);border-radius:999px;width:2.9rem;height:2.9rem;display:inline-flex;align-items:center;justify-content:center;cursor:pointer;padding:0}
.icon-btn[aria-pressed=true] path{fill:var(--accent)}
.stock.faint{color:#c9dccd;font-weight:400}
@media (max-width:760px){.product,.layout,.choices,.row,.row3{grid-template-columns:1fr}.recs ul{grid-template-columns:1fr}}
"""

FAVICON_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
    '<rect width="64" height="64" rx="14" fill="#2b1d14"/>'
    '<path d="M16 24h26v14a12 12 0 0 1-12 12h-2a12 12 0 0 1-12-12z" fill="#f3e9df"/>'
    '<path d="M42 28h4a6 6 0 0 1 0 12h-4" fill="none" stroke="#f3e9df" stroke-width="4"/>'
    '<path d="M24 12c-3 4 3 6 0 10M32 12c-3 4 3 6 0 10" stroke="#d9b48f" stroke-width="3" fill="none"/>'
    "</svg>"
)


# --------------------------------------------------------------------------
# building blocks
# --------------------------------------------------------------------------


def picture(product: Product) -> str:
    """A small inline SVG drawing of the product (no image requests needed)."""
    c = e(product.color)
    shapes = {
        "press": (
            f'<rect x="150" y="70" width="100" height="170" rx="14" fill="{c}"/>'
            '<rect x="140" y="52" width="120" height="26" rx="8" fill="#4a3728"/>'
            '<rect x="160" y="100" width="80" height="110" rx="8" fill="#fff" opacity=".35"/>'
            '<rect x="128" y="240" width="144" height="16" rx="8" fill="#4a3728"/>'
        ),
        "dripper": (
            f'<path d="M120 80h160l-52 110h-56z" fill="{c}" stroke="#bfae9f" stroke-width="4"/>'
            '<rect x="150" y="190" width="100" height="12" rx="6" fill="#bfae9f"/>'
            '<path d="M150 206h100v40a20 20 0 0 1-20 20h-60a20 20 0 0 1-20-20z" fill="#fff" stroke="#bfae9f" stroke-width="4"/>'
        ),
        "kettle": (
            f'<rect x="130" y="120" width="140" height="120" rx="18" fill="{c}"/>'
            f'<path d="M130 200c-40 0-50-60-82-90" stroke="{c}" stroke-width="12" fill="none" stroke-linecap="round"/>'
            '<path d="M270 140c40 0 40 80 0 80" stroke="#222" stroke-width="14" fill="none"/>'
            '<rect x="180" y="104" width="40" height="18" rx="6" fill="#222"/>'
            '<rect x="112" y="244" width="176" height="16" rx="8" fill="#222"/>'
        ),
        "grinder": (
            f'<rect x="165" y="110" width="70" height="150" rx="10" fill="{c}"/>'
            '<rect x="160" y="96" width="80" height="18" rx="6" fill="#333"/>'
            '<path d="M200 96V60h70" stroke="#333" stroke-width="8" fill="none"/>'
            '<circle cx="275" cy="60" r="16" fill="#6b4a33"/>'
            '<rect x="172" y="200" width="56" height="56" rx="6" fill="#fff" opacity=".35"/>'
        ),
        "machine": (
            f'<rect x="105" y="70" width="190" height="180" rx="12" fill="{c}"/>'
            '<rect x="105" y="70" width="190" height="26" rx="8" fill="#8b9096"/>'
            '<rect x="170" y="120" width="60" height="30" rx="6" fill="#555"/>'
            '<circle cx="140" cy="130" r="14" fill="#fff"/><circle cx="260" cy="130" r="14" fill="#fff"/>'
            '<path d="M180 195h40v22a12 12 0 0 1-12 12h-16a12 12 0 0 1-12-12z" fill="#fff"/>'
            '<rect x="95" y="250" width="210" height="12" rx="6" fill="#555"/>'
        ),
        "scale": (
            f'<rect x="90" y="150" width="220" height="70" rx="22" fill="{c}"/>'
            '<rect x="170" y="170" width="60" height="22" rx="5" fill="#9ee6c4"/>'
            '<rect x="110" y="138" width="180" height="14" rx="7" fill="#40525c"/>'
        ),
    }
    return (
        f'<svg viewBox="0 0 400 300" role="img" aria-label="{e(product.name)}" xmlns="http://www.w3.org/2000/svg">'
        '<rect width="400" height="300" fill="#f1e7dc"/>'
        '<ellipse cx="200" cy="262" rx="130" ry="14" fill="#e2d3c3"/>'
        f'{shapes.get(product.kind, shapes["press"])}</svg>'
    )


def layout(
    title: str,
    body: str,
    *,
    cart_count: int = 0,
    scripts: str = "",
    head: str = "",
) -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} — {e(SHOP_NAME)}</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>{CSS}</style>
<script>window.dataLayer = window.dataLayer || [];</script>
{head}
</head>
<body>
<div class="topbar">Free returns within 30 days · Roasted and shipped from Leipzig</div>
<header class="site"><div class="inner">
  <a class="logo" href="/">Kettle <span>&amp;</span> Crumb</a>
  <nav class="main" aria-label="Main">
    <a href="/">Shop</a>
    <a href="/cart">Cart (<span data-cart-count>{cart_count}</span>)</a>
  </nav>
</div></header>
<main>
{body}
</main>
<footer><div class="inner">
  <div><h3>Kettle &amp; Crumb</h3><p>Coffee gear we use ourselves.</p><p>Karl-Liebknecht-Str. 40, 04107 Leipzig</p></div>
  <div><h3>Help</h3><p>hello@kettleandcrumb.example</p><p>Mon–Fri 9:00–17:00</p></div>
  <div><h3>Delivery</h3><p>Standard or Express, chosen at checkout.</p><p>Free returns within 30 days.</p></div>
</div></footer>
{scripts}
</body>
</html>
"""


def datalayer_push(event: dict[str, Any]) -> str:
    return f"<script>window.dataLayer.push({js(event)});</script>"


def notices(flashes: Iterable[tuple[str, str]]) -> str:
    out = []
    for kind, message in flashes:
        role = ' role="alert"' if kind == "error" else ' role="status"'
        out.append(f'<div class="notice {e(kind)}"{role}>{e(message)}</div>')
    return "\n".join(out)


def checkout_steps(current: str) -> str:
    names = [("account", "Account"), ("shipping", "Shipping"), ("payment", "Payment"), ("review", "Review")]
    keys = [k for k, _ in names]
    idx = keys.index(current)
    items = []
    for i, (key, label) in enumerate(names):
        cls = "current" if i == idx else ("done" if i < idx else "")
        aria = ' aria-current="step"' if i == idx else ""
        items.append(f'<li class="{cls}"{aria}>{i + 1}. {label}</li>')
    return f'<ol class="steps" aria-label="Checkout progress">{"".join(items)}</ol>'


def items_table(lines: list[dict[str, Any]], *, editable: bool = False) -> str:
    rows = []
    for line in lines:
        product: Product = line["product"]
        if editable:
            qty = f"""<form class="qty-form" method="post" action="/cart/update">
  <input type="hidden" name="slug" value="{e(product.slug)}">
  <input type="number" name="quantity" id="qty-{e(product.slug)}" value="{line['quantity']}" min="0" max="10" inputmode="numeric" aria-label="Quantity of {e(product.name)}">
  <button class="btn link" type="submit">Update</button>
</form>"""
            remove = f"""<form method="post" action="/cart/remove"><input type="hidden" name="slug" value="{e(product.slug)}"><button class="btn link" type="submit" aria-label="Remove {e(product.name)}">Remove</button></form>"""
        else:
            qty = str(line["quantity"])
            remove = ""
        rows.append(
            f"""<tr>
  <td><a href="{e(product.url)}">{e(product.name)}</a><div class="sku">SKU {e(product.sku)}</div></td>
  <td>{qty}</td>
  <td class="num">{money(line['unit_price'])}</td>
  <td class="num">{money(line['line_total'])}</td>
  {"<td>" + remove + "</td>" if editable else ""}
</tr>"""
        )
    extra = "<th><span class=\"small\">&nbsp;</span></th>" if editable else ""
    return f"""<table class="items">
<thead><tr><th scope="col">Product</th><th scope="col">Quantity</th><th scope="col" class="num">Price</th><th scope="col" class="num">Total</th>{extra}</tr></thead>
<tbody>
{"".join(rows)}
</tbody>
</table>"""


def totals_block(totals: dict[str, Any], *, final_label: str = "Total") -> str:
    """Subtotal, shipping (if chosen), fees, total."""
    parts = [f"<dt>Subtotal</dt><dd>{money(totals['subtotal'])}</dd>"]
    method = totals.get("shipping_method")
    if method is not None:
        parts.append(f"<dt>Shipping ({e(method.name)})</dt><dd>{money(method.price)}</dd>")
    for label, amount in totals.get("fees", []):
        parts.append(f"<dt>{e(label)}</dt><dd>{money(amount)}</dd>")
    if method is not None:
        parts.append(f'<dt class="grand">{e(final_label)}</dt><dd class="grand">{money(totals["total"])}</dd>')
    return f'<dl class="totals">{"".join(parts)}</dl>'


def address_block(address: dict[str, str]) -> str:
    return (
        '<address class="address">'
        f"{e(address.get('name', ''))}<br>{e(address.get('street', ''))}<br>"
        f"{e(address.get('postal_code', ''))} {e(address.get('city', ''))}<br>"
        f"{e(COUNTRY_NAMES.get(address.get('country', ''), address.get('country', '')))}"
        "</address>"
    )


def order_summary_panel(lines: list[dict[str, Any]], totals: dict[str, Any]) -> str:
    rows = "".join(
        f'<div class="summary-line"><span>{line["quantity"]} × {e(line["product"].name)}</span>'
        f"<span>{money(line['line_total'])}</span></div>"
        for line in lines
    )
    return f"""<aside class="panel" aria-label="Order summary">
<h2>Order summary</h2>
{rows}
<hr style="border:0;border-top:1px solid var(--line);margin:.8rem 0">
{totals_block(totals)}
</aside>"""


def error_summary(errors: dict[str, str]) -> str:
    if not errors:
        return ""
    items = "".join(f'<li><a href="#{e(field)}">{e(message)}</a></li>' for field, message in errors.items())
    return f"""<div class="error-summary" role="alert" tabindex="-1">
<h2>There is a problem</h2>
<ul>{items}</ul>
</div>"""


def text_field(
    field_id: str,
    name: str,
    label: str,
    *,
    value: str = "",
    autocomplete: str = "",
    type_: str = "text",
    error: str = "",
    hint: str = "",
    inputmode: str = "",
    placeholder: str = "",
    required: bool = True,
    keep_value: bool = True,
    extra: str = "",
) -> str:
    described = []
    hint_html = ""
    if hint:
        hint_html = f'<p class="hint" id="{e(field_id)}-hint">{e(hint)}</p>'
        described.append(f"{field_id}-hint")
    error_html = ""
    if error:
        error_html = f'<p class="field-error" id="{e(field_id)}-error">{e(error)}</p>'
        described.append(f"{field_id}-error")
    attrs = [
        f'type="{e(type_)}"',
        f'id="{e(field_id)}"',
        f'name="{e(name)}"',
    ]
    if keep_value and value:
        attrs.append(f'value="{e(value)}"')
    if autocomplete:
        attrs.append(f'autocomplete="{e(autocomplete)}"')
    if inputmode:
        attrs.append(f'inputmode="{e(inputmode)}"')
    if placeholder:
        attrs.append(f'placeholder="{e(placeholder)}"')
    if required:
        attrs.append('required aria-required="true"')
    if error:
        attrs.append('aria-invalid="true"')
    if described:
        attrs.append(f'aria-describedby="{e(" ".join(described))}"')
    if extra:
        attrs.append(extra)
    return f"""<div class="field">
  <label for="{e(field_id)}">{e(label)}</label>
  {hint_html}{error_html}
  <input {" ".join(attrs)}>
</div>"""


# --------------------------------------------------------------------------
# pages
# --------------------------------------------------------------------------


def home_page(products: Iterable[Product], *, unit_price, cart_count: int) -> str:
    tiles = "".join(
        f"""<a class="tile" href="{e(p.url)}">
  <div class="pic">{picture(p)}</div>
  <div class="body"><div class="name">{e(p.name)}</div>
  <div class="small">{e(p.summary)}</div>
  <div class="price">{money(unit_price(p))}</div>
  <div class="stock">In stock</div></div>
</a>"""
        for p in products
    )
    body = f"""<section class="hero">
  <h1>Brew better at home.</h1>
  <p>Brewers, grinders and kettles we use every day in our Leipzig roastery, tested before they go on the shelf.</p>
</section>
<h2>All coffee gear</h2>
<div class="grid">{tiles}</div>"""
    return layout("Coffee gear for better coffee at home", body, cart_count=cart_count)


def product_page(
    product: Product, *, cart_count: int, reviews_key: str, structured: dict[str, Any], a11y_faults: bool = False,
    sold_out: bool = False,
) -> str:
    features = "".join(f"<li>{e(f)}</li>" for f in product.features)
    badge_alt = "" if a11y_faults else ' alt="Barista\'s pick: tested in our roastery"'
    wish_label = "" if a11y_faults else ' aria-label="Save to wishlist"'
    stock_class = "stock faint" if a11y_faults else "stock"
    body = f"""<nav class="crumbs" aria-label="Breadcrumb"><a href="/">Shop</a> / {e(product.category)} / {e(product.name)}</nav>
<div class="product">
  <div class="pic">{picture(product)}</div>
  <div>
    <h1>{e(product.name)}</h1>
    <img class="badge" src="/badges/barista-pick.svg" width="132" height="28"{badge_alt}>
    <p class="lead">{e(product.summary)}</p>
    <div id="reviews" class="rating" aria-live="polite"></div>
    <p class="price-big" data-price>{money(product.price)}</p>
    <p class="vat">incl. VAT</p>
    <p class="{stock_class}" id="availability">{"Sold out" if sold_out else "In stock — ships in 1–2 business days"}</p>
    <form class="buy" method="post" action="/cart/add">
      <input type="hidden" name="slug" value="{e(product.slug)}">
      <div><label for="quantity">Quantity</label>
      <input type="number" id="quantity" name="quantity" value="1" min="1" max="10" inputmode="numeric"></div>
      <button class="btn" type="submit"{" disabled" if sold_out else ""}>Add to cart</button>
      <button class="icon-btn" type="button" id="wishlist"{wish_label} aria-pressed="false"><svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M12 21s-7.5-4.6-9.5-9.2C1.1 8.4 3.3 5 6.7 5c2 0 3.4 1.1 4.3 2.4h2C13.9 6.1 15.3 5 17.3 5c3.4 0 5.6 3.4 4.2 6.8C19.5 16.4 12 21 12 21z" fill="none" stroke="#8f3f1f" stroke-width="2"/></svg></button>
    </form>
    <p>{e(product.description)}</p>
    <ul class="features">{features}</ul>
    <p class="small">SKU {e(product.sku)} · Brand: {e(product.brand)}</p>
  </div>
</div>
<section class="recs" id="recs" hidden>
  <h2>You may also like</h2>
  <ul id="recommendations"></ul>
</section>"""
    head = f'<script type="application/ld+json">{js(structured)}</script>'
    reviews_cfg = {"store": "kettle-crumb-eu", "key": reviews_key, "rating": product.rating, "count": product.reviews}
    scripts = f"""<script>
document.getElementById('wishlist').addEventListener('click', function () {{
  this.setAttribute('aria-pressed', this.getAttribute('aria-pressed') === 'true' ? 'false' : 'true');
}});
window.kcReviewsConfig = {js(reviews_cfg)};
(function () {{
  /* Reviews widget */
  var cfg = window.kcReviewsConfig;
  var box = document.getElementById('reviews');
  if (!cfg.key) {{
    console.error("Reviews widget failed to initialise: no API key configured for store '" + cfg.store + "'");
    return;
  }}
  var stars = Math.round(cfg.rating);
  box.textContent = '\\u2605\\u2605\\u2605\\u2605\\u2605'.slice(0, stars) + ' ' + cfg.rating.toFixed(1) + ' out of 5 (' + cfg.count + ' reviews)';
}})();
(function () {{
  /* "You may also like": optional, so the page works without it */
  var section = document.getElementById('recs');
  var list = document.getElementById('recommendations');
  fetch('/api/recommendations?product=' + encodeURIComponent({js(product.slug)}), {{headers: {{'Accept': 'application/json'}}}})
    .then(function (response) {{
      return response.json().then(function (data) {{
        if (!response.ok) {{ throw new Error('recommendations unavailable'); }}
        return data;
      }});
    }})
    .then(function (data) {{
      (data.items || []).forEach(function (item) {{
        var li = document.createElement('li');
        var a = document.createElement('a');
        a.href = item.url;
        a.textContent = item.name;
        var p = document.createElement('p');
        p.textContent = item.summary;
        li.appendChild(a);
        li.appendChild(p);
        list.appendChild(li);
      }});
      section.hidden = list.children.length === 0;
    }})
    .catch(function () {{ section.hidden = true; }});
}})();
</script>
{datalayer_push({"event": "view_item", "ecommerce": {"currency": "EUR", "value": float(plain_amount(product.price)), "items": [{"item_id": product.sku, "item_name": product.name, "price": float(plain_amount(product.price)), "quantity": 1}]}})}"""
    return layout(product.name, body, cart_count=cart_count, head=head, scripts=scripts)


def cart_page(
    lines: list[dict[str, Any]],
    totals: dict[str, Any],
    *,
    flashes: list[tuple[str, str]],
    cart_data: dict[str, Any],
    delivery_error: bool,
) -> str:
    count = sum(line["quantity"] for line in lines)
    if not lines:
        body = f"""<h1>Your cart</h1>
{notices(flashes)}
<div class="panel center"><p>Your cart is empty.</p><a class="btn" href="/">Continue shopping</a></div>"""
        return layout("Your cart", body, cart_count=0)
    standard, express = SHIPPING_METHODS["standard"], SHIPPING_METHODS["express"]
    if delivery_error:
        delivery = '<p class="notice error" role="alert">Oops! Something went wrong. Please try again later.</p>'
    else:
        delivery = (
            f"<p><strong>Standard:</strong> {e(standard.promise)}.<br>"
            f"<strong>Express:</strong> {e(express.promise)} when you order before 14:00.</p>"
        )
    body = f"""<h1>Your cart</h1>
{notices(flashes)}
<p id="promo" class="notice info" hidden></p>
<div class="layout">
  <div>
    {items_table(lines, editable=True)}
    <p><a href="/">← Continue shopping</a></p>
  </div>
  <div>
    <aside class="panel" aria-label="Cart summary">
      <h2>Summary</h2>
      {totals_block(totals)}
      <p class="small">Shipping is chosen at checkout: Standard {money(standard.price)} or Express {money(express.price)}.</p>
      <a class="btn block" href="/checkout" id="checkout-button">Checkout</a>
    </aside>
    <section class="delivery-box" aria-label="Delivery estimate">
      <h2>Delivery estimate</h2>
      {delivery}
    </section>
  </div>
</div>"""
    scripts = f"""<script>window.kcCart = {js(cart_data)};</script>
<script>
(function () {{
  var cart = window.kcCart;
  var count = cart.items.reduce(function (n, item) {{ return n + item.quantity; }}, 0);
  document.querySelectorAll('[data-cart-count]').forEach(function (el) {{ el.textContent = count; }});
  window.dataLayer.push({{event: 'view_cart', ecommerce: {{currency: cart.currency, value: Number(cart.subtotal),
    items: cart.items.map(function (i) {{ return {{item_id: i.sku, item_name: i.name, price: Number(i.unit_price), quantity: i.quantity}}; }})}}}});
  var promo = document.getElementById('promo');
  if (cart.promotion.code) {{
    promo.textContent = cart.promotion.label;
    promo.hidden = false;
  }}
}})();
</script>"""
    return layout("Your cart", body, cart_count=count, scripts=scripts)


def checkout_account_page(
    lines: list[dict[str, Any]],
    totals: dict[str, Any],
    *,
    guest_email: str = "",
    guest_error: str = "",
    signin_email: str = "",
    signin_error: str = "",
) -> str:
    count = sum(line["quantity"] for line in lines)
    signin_notice = f'<p class="notice error" role="alert">{e(signin_error)}</p>' if signin_error else ""
    body = f"""{checkout_steps("account")}
<h1>Checkout</h1>
<div class="layout">
  <div class="choices">
    <section class="panel">
      <h2>New customer</h2>
      <p>No account needed — you can save your details after your order.</p>
      <form method="post" action="/checkout/guest" novalidate>
        {text_field("email", "email", "Email", value=guest_email, autocomplete="email", type_="email", error=guest_error, hint="We'll send your order confirmation here.", extra='autocapitalize="off" spellcheck="false"')}
        <button class="btn block" type="submit">Continue as guest</button>
      </form>
    </section>
    <section class="panel">
      <h2>Returning customer</h2>
      {signin_notice}
      <form method="post" action="/checkout/signin" novalidate>
        {text_field("signin-email", "email", "Email address", value=signin_email, autocomplete="username", type_="email", required=False, extra='autocapitalize="off" spellcheck="false"')}
        {text_field("signin-password", "password", "Password", autocomplete="current-password", type_="password", required=False, keep_value=False)}
        <button class="btn secondary block" type="submit">Sign in</button>
      </form>
    </section>
  </div>
  {order_summary_panel(lines, totals)}
</div>"""
    return layout("Checkout", body, cart_count=count)


#: 'postcode-mask': a mask written for 4-digit postcodes keeps only the first four digits typed
POSTCODE_MASK = ' oninput="this.value = this.value.replace(/[^0-9]/g, \'\').slice(0, 4)"'


def shipping_page(
    lines: list[dict[str, Any]],
    totals: dict[str, Any],
    *,
    email: str,
    values: dict[str, str],
    errors: dict[str, str],
    mask_postcode: bool = False,
) -> str:
    count = sum(line["quantity"] for line in lines)
    postcode_extra = 'autocapitalize="characters"' + (POSTCODE_MASK if mask_postcode else "")
    country_value = values.get("country", "")
    options = ['<option value="">Choose your country</option>'] + [
        f'<option value="{e(code)}"{" selected" if code == country_value else ""}>{e(name)}</option>'
        for code, name in COUNTRIES
    ]
    country_error = errors.get("country", "")
    country_err_html = f'<p class="field-error" id="country-error">{e(country_error)}</p>' if country_error else ""
    country_attrs = ' aria-invalid="true" aria-describedby="country-error"' if country_error else ""
    chosen = values.get("shipping_method", "")
    radios = "".join(
        f"""<div class="radio">
  <input type="radio" id="ship-{e(m.code)}" name="shipping_method" value="{e(m.code)}"{" checked" if m.code == chosen else ""}>
  <label for="ship-{e(m.code)}">{e(m.label)}</label>
</div>"""
        for m in SHIPPING_METHODS.values()
    )
    method_error = errors.get("shipping_method", "")
    method_err_html = f'<p class="field-error" id="ship-standard-error">{e(method_error)}</p>' if method_error else ""
    body = f"""{checkout_steps("shipping")}
<h1>Shipping</h1>
<div class="layout">
  <div>
    {error_summary(errors)}
    <p class="small">Contact: {e(email)} · <a href="/checkout">Change</a></p>
    <form method="post" action="/checkout/shipping" novalidate>
      <fieldset>
        <legend>Shipping address</legend>
        {text_field("full-name", "name", "Full name", value=values.get("name", ""), autocomplete="name", error=errors.get("full-name", ""))}
        {text_field("street-address", "street", "Street address", value=values.get("street", ""), autocomplete="street-address", error=errors.get("street-address", ""), hint="Street and house number, plus flat or floor if needed.")}
        <div class="row">
          {text_field("postal-code", "postal_code", "Postcode", value=values.get("postal_code", ""), autocomplete="postal-code", error=errors.get("postal-code", ""), extra=postcode_extra)}
          {text_field("city", "city", "Town or city", value=values.get("city", ""), autocomplete="address-level2", error=errors.get("city", ""))}
        </div>
        <div class="field">
          <label for="country">Country</label>
          {country_err_html}
          <select id="country" name="country" autocomplete="country" required aria-required="true"{country_attrs}>{"".join(options)}</select>
        </div>
      </fieldset>
      <fieldset id="shipping_method">
        <legend>Shipping method</legend>
        {method_err_html}
        {radios}
        <p class="field-error" id="rates-error" role="alert" hidden></p>
      </fieldset>
      <button class="btn" type="submit">Continue to payment</button>
    </form>
  </div>
  {order_summary_panel(lines, totals)}
</div>"""
    return layout("Shipping", body, cart_count=count, scripts=SHIPPING_RATES_SCRIPT)


def payment_page(
    lines: list[dict[str, Any]],
    totals: dict[str, Any],
    *,
    email: str,
    address: dict[str, str],
    values: dict[str, str],
    errors: dict[str, str],
    form_action: str = "/checkout/payment",
    form_hidden: dict[str, str] | None = None,
    flashes: Iterable[tuple[str, str]] = (),
) -> str:
    count = sum(line["quantity"] for line in lines)
    method = totals["shipping_method"]
    hidden = "".join(f'<input type="hidden" name="{e(k)}" value="{e(v)}">' for k, v in (form_hidden or {}).items())
    body = f"""{checkout_steps("payment")}
<h1>Payment</h1>
{notices(flashes)}
<div class="layout">
  <div>
    {error_summary(errors)}
    <div class="panel">
      <div class="summary-line"><span><strong>Contact</strong> {e(email)}</span><a href="/checkout">Change</a></div>
      <div class="summary-line"><span><strong>Ship to</strong> {e(address.get("street", ""))}, {e(address.get("postal_code", ""))} {e(address.get("city", ""))}</span><a href="/checkout/shipping">Change</a></div>
      <div class="summary-line"><span><strong>Method</strong> {e(method.name)} · {e(method.promise)}</span></div>
    </div>
    {express_checkout_panel(totals)}
    <form method="post" action="{e(form_action)}" novalidate autocomplete="on">{hidden}
      <fieldset>
        <legend>Card details</legend>
        <p class="small">We accept Visa, Mastercard and American Express. Your card is charged when you place the order.</p>
        {text_field("card-name", "card_name", "Name on card", value=values.get("card_name", ""), autocomplete="cc-name", error=errors.get("card-name", ""), extra='spellcheck="false"')}
        {text_field("card-number", "card_number", "Card number", autocomplete="cc-number", inputmode="numeric", error=errors.get("card-number", ""), keep_value=False, placeholder="1234 5678 9012 3456", extra='maxlength="23" spellcheck="false"')}
        <div class="row">
          {text_field("card-expiry", "card_expiry", "Expiry date (MM/YY)", value=values.get("card_expiry", ""), autocomplete="cc-exp", inputmode="numeric", error=errors.get("card-expiry", ""), placeholder="MM/YY", extra='maxlength="7"')}
          {text_field("card-cvc", "card_cvc", "Security code (CVC)", autocomplete="cc-csc", inputmode="numeric", error=errors.get("card-cvc", ""), keep_value=False, hint="3 digits on the back, 4 on the front for Amex.", extra='maxlength="4"')}
        </div>
      </fieldset>
      <button class="btn" type="submit">Review order</button>
    </form>
  </div>
  {order_summary_panel(lines, totals)}
</div>"""
    return layout("Payment", body, cart_count=count, scripts='<script src="/payments/kcpay.js" defer></script>')


def review_page(
    lines: list[dict[str, Any]],
    totals: dict[str, Any],
    *,
    email: str,
    address: dict[str, str],
    card: dict[str, str],
    flashes: list[tuple[str, str]],
    place_order_hook: str = "data-place-order",
) -> str:
    count = sum(line["quantity"] for line in lines)
    method = totals["shipping_method"]
    body = f"""{checkout_steps("review")}
<h1>Review your order</h1>
{notices(flashes)}
<div class="layout">
  <div>
    {items_table(lines)}
    <div class="choices" style="margin-top:1.25rem">
      <section class="panel"><h2>Shipping to</h2>{address_block(address)}
        <p>{e(method.name)} — {e(method.promise)}</p><a href="/checkout/shipping">Change</a></section>
      <section class="panel"><h2>Contact and payment</h2><p>{e(email)}</p>
        <p>{e(card["brand"])} — Card ending {e(card["last4"])}<br><span class="small">Expires {e(card["expiry"])}</span></p>
        <a href="/checkout/payment">Change</a></section>
    </div>
  </div>
  <aside class="panel" aria-label="Order total">
    <h2>Order total</h2>
    {totals_block(totals)}
    <form method="post" action="/checkout/place" id="place-order-form">
      <button class="btn block" type="button" id="place-order" {e(place_order_hook)}>Place order</button>
    </form>
    <p class="small">By placing your order you agree to our terms of sale. You can return anything within 30 days.</p>
  </aside>
</div>"""
    # The button submits through the checkout script (it disables itself against double orders).
    scripts = """<script>
(function () {
  var button = document.querySelector('[data-place-order]');
  if (!button) { return; }
  button.addEventListener('click', function () {
    button.disabled = true;
    button.textContent = 'Placing your order…';
    document.getElementById('place-order-form').submit();
  });
})();
</script>"""
    return layout("Review your order", body, cart_count=count, scripts=scripts)


def _order_lines(order: dict[str, Any]) -> list[dict[str, Any]]:
    return order["lines"]


def confirmation_page(order: dict[str, Any], *, minimal: bool) -> str:
    if minimal:
        body = """<div class="panel center">
<h1>Thank you for your order!</h1>
<p><a class="btn" href="/">Continue shopping</a></p>
</div>"""
        return layout("Thank you", body)
    method = order["totals"]["shipping_method"]
    promise = order.get("delivery_promise") or method.promise
    notice = '<div class="notice success" role="status">Payment received.</div>'
    paid = f'Paid with {e(order["card"]["brand"])} •••• {e(order["card"]["last4"])}'
    if order.get("payment_failed"):  # the 'cheerful-failure' fault: the template's header stays cheerful
        notice = (
            '<div class="notice error" role="alert">Your payment could not be processed, so your order has been '
            "cancelled. You have not been charged.</div>"
        )
        paid = f'Payment failed: {e(order["card"]["brand"])} •••• {e(order["card"]["last4"])}'
    body = f"""{notice}
<h1>Thank you! Your order {e(order["number"])} is confirmed.</h1>
<p>We've sent a confirmation email to <strong>{e(order["email"])}</strong>.</p>
<div class="layout">
  <div>
    {items_table(_order_lines(order))}
    <div class="choices" style="margin-top:1.25rem">
      <section class="panel"><h2>Delivery estimate</h2>
        <p>{e(method.name)} — {e(promise)}</p>
        {address_block(order["address"])}</section>
      <section class="panel"><h2>Payment</h2>
        <p>{paid}</p>
        <p><a href="/account/orders/{e(order["number"])}">Track your order</a></p></section>
    </div>
  </div>
  <aside class="panel" aria-label="Order total">
    <h2>Order {e(order["number"])}</h2>
    {totals_block(order["totals"])}
    <a class="btn secondary block" href="/">Continue shopping</a>
  </aside>
</div>"""
    purchase = {
        "event": "purchase",
        "ecommerce": {
            "transaction_id": order["number"],
            "currency": "EUR",
            "value": float(plain_amount(order["totals"]["total"])),
            "shipping": float(plain_amount(method.price)),
            "items": [
                {
                    "item_id": line["product"].sku,
                    "item_name": line["product"].name,
                    "price": float(plain_amount(line["unit_price"])),
                    "quantity": line["quantity"],
                }
                for line in _order_lines(order)
            ],
        },
    }
    return layout(f"Order {order['number']} confirmed", body, scripts=datalayer_push(purchase))


def order_status_page(order: dict[str, Any]) -> str:
    method = order["totals"]["shipping_method"]
    body = f"""<nav class="crumbs" aria-label="Breadcrumb"><a href="/">Shop</a> / Your orders / {e(order["number"])}</nav>
<h1>Order {e(order["number"])}</h1>
<p>Status: <span class="status">{e(order["status"])}</span></p>
<p class="small">Placed on {e(order["placed"])} · Confirmation sent to {e(order["email"])}</p>
<div class="layout">
  <div>{items_table(_order_lines(order))}
    <section class="panel" style="margin-top:1.25rem"><h2>Delivery</h2><p>{e(method.name)} — {e(order.get("delivery_promise") or method.promise)}</p>{address_block(order["address"])}</section>
  </div>
  <aside class="panel" aria-label="Order total"><h2>Total</h2>{totals_block(order["totals"])}</aside>
</div>"""
    return layout(f"Order {order['number']}", body)


def not_found_page(message: str = "We couldn't find that page.") -> str:
    body = f"""<div class="panel center"><h1>Page not found</h1><p>{e(message)}</p>
<p><a class="btn" href="/">Back to the shop</a></p></div>"""
    return layout("Page not found", body)


BARE_500 = (
    "<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n"
    "<center><h1>500 Internal Server Error</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


# --------------------------------------------------------------------------
# payment widget (KettlePay express checkout), served by the shop itself
# --------------------------------------------------------------------------


def express_checkout_panel(totals: dict[str, Any]) -> str:
    """A box the KettlePay script fills with its express-checkout iframe."""
    return f"""<section class="panel express" aria-label="Express checkout">
  <h2>Express checkout</h2>
  <div id="express-pay" data-amount="{e(plain_amount(totals['total']))}" data-currency="EUR">
    <p class="loading">Loading express checkout…</p>
  </div>
</section>"""


KCPAY_JS = """/* KettlePay express checkout v2.3 */
(function () {
  var box = document.getElementById('express-pay');
  if (!box) { return; }
  var frame = document.createElement('iframe');
  frame.src = '/payments/express?amount=' + encodeURIComponent(box.dataset.amount) + '&currency=' + encodeURIComponent(box.dataset.currency);
  frame.title = 'Express checkout with KettlePay';
  frame.addEventListener('load', function () {
    var loading = box.querySelector('.loading');
    if (loading) { loading.remove(); }
    box.dataset.state = 'ready';
  });
  box.appendChild(frame);
})();
"""


def express_frame_page(amount: str, currency: str) -> str:
    """The express-checkout iframe's document: one wallet button."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>KettlePay express checkout</title>
<style>body{{margin:0;font:15px/1.4 system-ui,sans-serif;color:#2b1d14;display:flex;gap:1rem;align-items:center}}
button{{background:#2b1d14;color:#fff;border:0;border-radius:10px;padding:.7rem 1.2rem;font:600 1rem system-ui,sans-serif;cursor:pointer}}
p{{margin:0;color:#5f5046;font-size:.85rem}}</style></head>
<body><button type="button" id="kp-pay">Pay {e(amount)} {e(currency)} with KettlePay</button>
<p>Saved cards and wallets, confirmed in one tap.</p>
<script>document.getElementById('kp-pay').addEventListener('click', function () {{
  this.textContent = 'Sign in to KettlePay in the window that opens';
}});</script></body></html>"""


BADGE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="132" height="28" viewBox="0 0 132 28">'
    '<rect width="132" height="28" rx="14" fill="#2b1d14"/>'
    '<text x="66" y="18.5" text-anchor="middle" font-family="system-ui,sans-serif" font-size="12" '
    'font-weight="700" fill="#f3e9df">BARISTA\u2019S PICK</text></svg>'
)


# Shipping prices depend on the country: the shipping page asks the shop's API again
# whenever the customer picks one. When that request fails, the page says so, vaguely.
SHIPPING_RATES_SCRIPT = """<script>
(function () {
  var country = document.getElementById('country');
  var problem = document.getElementById('rates-error');
  if (!country || !problem) return;
  function refresh() {
    if (!country.value) return;
    fetch('/api/shipping-rates?country=' + encodeURIComponent(country.value), {headers: {'Accept': 'application/json'}})
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(function (data) {
        (data.rates || []).forEach(function (rate) {
          var label = document.querySelector('label[for="ship-' + rate.code + '"]');
          if (label && rate.label) label.textContent = rate.label;
        });
        problem.hidden = true;
        problem.textContent = '';
      })
      .catch(function () {
        problem.textContent = 'An error occurred. Please try again later.';
        problem.hidden = false;
      });
  }
  country.addEventListener('change', refresh);
  refresh();
})();
</script>"""
