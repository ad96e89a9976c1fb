"""The storefront lab (issue 11): what real storefronts do that journeys must wait for or pick through.

* ``/lab/hydrated``: a product page rendered on the server whose "Add to cart" button does
  nothing until a deferred script (``/lab/app.js``, served late) has run and fetched the
  price (``/api/lab/price``, answered late). Then a click adds the product through
  ``POST /api/lab/cart`` and a toast says so for 2.5 s. Its gift-wrap option lives in a
  web component's open shadow root.
* ``/lab/address``: a native select (Delivery), an ARIA combobox with a listbox popup
  (Country), a custom select, a button that opens a plain list (Grind size), and a
  type-to-filter combobox (Billing country, ``aria-autocomplete="list"``, the downshift /
  Headless UI shape): its listbox is empty until the customer types, then a debounced
  ``GET /api/lab/countries?q=`` (answered late) fills it with the countries whose name or a
  word of it starts with what was typed; the form posts to ``/lab/address``, which shows
  what was chosen.
* ``/lab/hydrated`` also embeds the KettlePay express-checkout iframe (``/payments/kcpay.js``),
  for journeys that act inside a frame.

``?slow=<ms>`` on ``/lab/hydrated`` sets how late the script and the price come (default 300
and 700 ms, at most 5 s).
"""

from __future__ import annotations

import time

from .catalog import BY_SLUG
from .pages import e, layout, money
from .shop import DemoShop, _json, _Request, _Response, route

PRODUCT = "aeropress-go"
COUNTRIES = (("AT", "Austria"), ("BE", "Belgium"), ("DE", "Germany"), ("FR", "France"), ("NL", "Netherlands"))
GRINDS = (("fine", "Fine (espresso)"), ("medium", "Medium (filter)"), ("coarse", "Coarse (French press)"))
# the type-to-filter combobox's countries: enough that the list only makes sense filtered
BILLING_COUNTRIES = (
    ("AT", "Austria"), ("BE", "Belgium"), ("BG", "Bulgaria"), ("HR", "Croatia"), ("CY", "Cyprus"),
    ("CZ", "Czechia"), ("DK", "Denmark"), ("EE", "Estonia"), ("FI", "Finland"), ("FR", "France"),
    ("GE", "Georgia"), ("DE", "Germany"), ("GH", "Ghana"), ("GR", "Greece"), ("HU", "Hungary"),
    ("IE", "Ireland"), ("IT", "Italy"), ("LV", "Latvia"), ("LT", "Lithuania"), ("LU", "Luxembourg"),
    ("MT", "Malta"), ("NL", "Netherlands"), ("NO", "Norway"), ("PL", "Poland"), ("PT", "Portugal"),
    ("RO", "Romania"), ("SK", "Slovakia"), ("SI", "Slovenia"), ("ES", "Spain"), ("SE", "Sweden"),
    ("CH", "Switzerland"), ("GB", "United Kingdom"), ("US", "United States"),
)
DELIVERY = (("standard", "Standard (3–5 days)"), ("express", "Express (next day)"))

_LAB_CSS = """<style>
.toast{position:fixed;right:1.5rem;bottom:1.5rem;background:#2b1d14;color:#fff;padding:.8rem 1.2rem;border-radius:10px}
.combo,.dropdown{position:relative;max-width:22rem}
.combo ul,.dropdown ul{list-style:none;margin:.2rem 0 0;padding:.3rem 0;border:1px solid #d8cfc6;border-radius:8px;background:#fff}
.combo li,.dropdown li{padding:.4rem .8rem;cursor:pointer}
.combo li[aria-selected=true]{font-weight:700}
.lab-field{margin:1rem 0}
.combo ul:empty{display:none}
.combo li.no-match{color:#6b5a4e;cursor:default}
</style>"""


def _delay(req: _Request, default: int) -> float:
    try:
        ms = int((req.query.get("slow") or [default])[0])
    except ValueError:
        ms = default
    return max(0, min(ms, 5_000)) / 1000


@route("GET", "/lab")
def lab_index(shop: DemoShop, req: _Request) -> _Response:
    body = """<h1>Storefront lab</h1><ul>
<li><a href="/lab/hydrated">A product page that hydrates</a></li>
<li><a href="/lab/address">Country, grind size and delivery pickers</a></li></ul>"""
    return _Response(layout("Storefront lab", body))


@route("GET", "/lab/hydrated")
def hydrated_page(shop: DemoShop, req: _Request) -> _Response:
    product = BY_SLUG[PRODUCT]
    slow = (req.query.get("slow") or [""])[0]
    query = f"?slow={e(slow)}" if slow else ""
    count = sum(q for q in req.session.cart.values() if q > 0)
    body = f"""<section class="product" data-hydrated="false">
<div><h1>{e(product.name)}</h1>
<p class="price" data-price>Price loading…</p>
<kc-gift-wrap></kc-gift-wrap>
<button type="button" id="add-to-cart" class="btn">Add to cart</button>
<p id="cart-note"></p>
<section class="panel express" aria-label="Express checkout"><h2>Express checkout</h2>
<div id="express-pay" data-amount="{e(money(product.price).replace('€', '').strip())}" data-currency="EUR">
<p class="loading">Loading express checkout…</p></div></section></div></section>
<div id="toasts" aria-live="polite"></div>"""
    scripts = f'<script defer src="/lab/app.js{query}"></script><script defer src="/payments/kcpay.js"></script>'
    return _Response(layout(product.name, body, cart_count=count, scripts=scripts, head=_LAB_CSS))


_APP_JS = """
customElements.define('kc-gift-wrap', class extends HTMLElement {
  connectedCallback() {
    const root = this.attachShadow({mode: 'open'});
    root.innerHTML = '<label><input type="checkbox" id="gift-wrap"> Gift wrap (free)</label>';
  }
});
(function () {
  const slow = new URLSearchParams(location.search).get('slow');
  const button = document.getElementById('add-to-cart');
  fetch('/api/lab/price' + (slow ? '?slow=' + encodeURIComponent(slow) : ''))
    .then(r => r.json())
    .then(data => {
      document.querySelector('[data-price]').textContent = data.price;
      button.addEventListener('click', () => {
        fetch('/api/lab/cart', {method: 'POST', headers: {'Content-Type': 'application/json'},
                                body: JSON.stringify({slug: data.slug})})
          .then(r => r.json())
          .then(cart => {
            document.querySelectorAll('[data-cart-count]').forEach(n => { n.textContent = cart.count; });
            const toast = document.createElement('div');
            toast.className = 'toast'; toast.setAttribute('role', 'status');
            toast.textContent = cart.message;
            document.getElementById('toasts').appendChild(toast);
            setTimeout(() => toast.remove(), 2500);
          });
      });
      document.querySelector('[data-hydrated]').setAttribute('data-hydrated', 'true');
    });
})();
"""


@route("GET", "/lab/app.js")
def lab_script(shop: DemoShop, req: _Request) -> _Response:
    time.sleep(_delay(req, 300))
    return _Response(_APP_JS, 200, "text/javascript; charset=utf-8")


@route("GET", "/api/lab/price")
def lab_price(shop: DemoShop, req: _Request) -> _Response:
    time.sleep(_delay(req, 700))
    product = BY_SLUG[PRODUCT]
    return _json({"slug": product.slug, "price": money(product.price)})


@route("POST", "/api/lab/cart")
def lab_cart(shop: DemoShop, req: _Request) -> _Response:
    product = BY_SLUG.get(str(req.form.get("slug", "")))
    if product is None:
        return _json({"error": "no such product"}, 404)
    cart = req.session.cart
    cart[product.slug] = cart.get(product.slug, 0) + 1
    count = sum(q for q in cart.values() if q > 0)
    return _json({"count": count, "message": f"{product.name} was added to your cart"})


def _combobox() -> str:
    items = "".join(f'<li role="option" id="country-{code}" data-value="{code}" aria-selected="false">{e(name)}</li>'
                    for code, name in COUNTRIES)
    return f"""<div class="lab-field combo"><label id="country-label" for="country-input">Country</label>
<input id="country-input" role="combobox" readonly aria-labelledby="country-label" aria-expanded="false"
 aria-controls="country-list" aria-autocomplete="none" placeholder="Select a country">
<ul id="country-list" role="listbox" aria-labelledby="country-label" hidden>{items}</ul>
<input type="hidden" name="country" id="country-value"></div>"""


def _custom_select() -> str:
    items = "".join(f'<li data-value="{value}">{e(name)}</li>' for value, name in GRINDS)
    return f"""<div class="lab-field"><span id="grind-label">Grind size</span>
<div class="dropdown"><button type="button" id="grind" aria-labelledby="grind-label">Choose…</button>
<ul class="dropdown-menu" hidden>{items}</ul></div><input type="hidden" name="grind" id="grind-value"></div>"""


def _autocomplete() -> str:
    return """<div class="lab-field combo"><label id="billing-country-label" for="billing-country-input">Billing country</label>
<input id="billing-country-input" role="combobox" aria-autocomplete="list" aria-expanded="false"
 aria-controls="billing-country-list" autocomplete="off" placeholder="Start typing a country">
<ul id="billing-country-list" role="listbox" aria-labelledby="billing-country-label"></ul>
<input type="hidden" name="billing_country" id="billing-country-value"></div>"""


_PICKERS_JS = """<script>
(function () {
  const input = document.getElementById('country-input'), list = document.getElementById('country-list');
  input.addEventListener('click', () => { list.hidden = !list.hidden; input.setAttribute('aria-expanded', String(!list.hidden)); });
  list.querySelectorAll('[role=option]').forEach(option => option.addEventListener('click', () => {
    list.querySelectorAll('[role=option]').forEach(o => o.setAttribute('aria-selected', 'false'));
    option.setAttribute('aria-selected', 'true');
    input.value = option.textContent; document.getElementById('country-value').value = option.dataset.value;
    list.hidden = true; input.setAttribute('aria-expanded', 'false');
  }));
  const grind = document.getElementById('grind'), menu = grind.nextElementSibling;
  grind.addEventListener('click', () => { menu.hidden = !menu.hidden; });
  menu.querySelectorAll('li').forEach(item => item.addEventListener('click', () => {
    grind.textContent = item.textContent; document.getElementById('grind-value').value = item.dataset.value;
    menu.hidden = true;
  }));
  // type-to-filter: nothing to pick until the customer types; options come from the server
  const auto = document.getElementById('billing-country-input'), found = document.getElementById('billing-country-list');
  let timer = null, asked = 0;
  const show = (countries) => {
    found.innerHTML = '';
    countries.forEach(c => {
      const li = document.createElement('li');
      li.setAttribute('role', 'option'); li.id = 'billing-' + c.code; li.dataset.value = c.code; li.textContent = c.name;
      li.addEventListener('click', () => {
        auto.value = c.name; document.getElementById('billing-country-value').value = c.code;
        found.innerHTML = ''; auto.setAttribute('aria-expanded', 'false');
      });
      found.appendChild(li);
    });
    if (!countries.length) { const li = document.createElement('li'); li.className = 'no-match'; li.textContent = 'No countries match'; found.appendChild(li); }
    auto.setAttribute('aria-expanded', 'true');
  };
  auto.addEventListener('input', () => {
    clearTimeout(timer); document.getElementById('billing-country-value').value = '';
    const q = auto.value.trim();
    if (!q) { found.innerHTML = ''; auto.setAttribute('aria-expanded', 'false'); return; }
    timer = setTimeout(() => {
      const mine = ++asked;
      fetch('/api/lab/countries?q=' + encodeURIComponent(q)).then(r => r.json())
        .then(data => { if (mine === asked) show(data.countries); });
    }, 150);
  });
  auto.addEventListener('keydown', (event) => { if (event.key === 'Escape') { found.innerHTML = ''; auto.setAttribute('aria-expanded', 'false'); } });
})();
</script>"""


@route("GET", "/api/lab/countries")
def lab_countries(shop: DemoShop, req: _Request) -> _Response:
    """The countries whose name, or a word of it, starts with ``q`` (or whose code is ``q``); answered late."""
    time.sleep(_delay(req, 250))
    q = str((req.query.get("q") or [""])[0]).strip().casefold()
    hits = [{"code": code, "name": name} for code, name in BILLING_COUNTRIES
            if q and (code.casefold() == q or any(word.casefold().startswith(q) for word in [name, *name.split()]))]
    return _json({"countries": hits[:8]})


@route("GET", "/lab/address")
def address_page(shop: DemoShop, req: _Request) -> _Response:
    delivery = "".join(f'<option value="{value}">{e(name)}</option>' for value, name in DELIVERY)
    body = f"""<h1>Where should we send it?</h1>
<form method="post" action="/lab/address">
{_combobox()}
{_custom_select()}
{_autocomplete()}
<div class="lab-field"><label for="delivery">Delivery</label>
<select id="delivery" name="delivery">{delivery}</select></div>
<button type="submit" class="btn">Continue</button></form>"""
    return _Response(layout("Your address", body, scripts=_PICKERS_JS, head=_LAB_CSS))


@route("POST", "/lab/address")
def address_chosen(shop: DemoShop, req: _Request) -> _Response:
    fields = (("country", "Country", COUNTRIES), ("grind", "Grind size", GRINDS),
              ("billing_country", "Billing country", BILLING_COUNTRIES), ("delivery", "Delivery", DELIVERY))
    lines = "".join(f"<li>{e(label)}: {e(dict(names).get(str(req.form.get(key, '')), 'not chosen'))}</li>"
                    for key, label, names in fields)
    return _Response(layout("Your choices", f"<h1>Your choices</h1><ul class=\"choices-made\">{lines}</ul>"))
