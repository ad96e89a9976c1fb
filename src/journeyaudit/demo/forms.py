"""The demo shop's checkout forms: inline validation, and the form fault switches.

By default the checkout behaves like a good shop: a small same-origin script
(``/static/checkout-forms.js``) checks a value as soon as the customer leaves the
field (or pastes/autofills it) and says what is wrong next to it; the server
re-checks on submit and re-shows the form with the customer's entries kept.

The form faults (see FAULTS in shop.py) each break one of those habits:
``late-validation`` drops the script, ``no-autocomplete`` strips autofill tokens,
``unlabeled-fields`` replaces labels with placeholders, ``long-form`` adds a
dozen fields to the shipping step, ``forced-account`` replaces the guest option
with a mandatory registration. ``input-lost`` and ``card-cleared`` live in the
submit handlers of shop.py, where the form is re-shown after an error.

:func:`finish` is applied to every checkout page the shop sends, so pages.py
stays one page per function and the faults stay in one place.
"""

from __future__ import annotations

import re
from typing import Any

from . import pages
from .catalog import COUNTRIES

SCRIPT_PATH = "/static/checkout-forms.js"

# Inline validation: the same messages the server gives, shown when the customer
# leaves a field with a value in it, or enters a value in one go (paste, autofill).
# An error already shown is re-checked on every keystroke, so it goes away as soon
# as the value is right. Nothing is said about a field the customer has not touched.
INLINE_JS = r"""(function () {
  'use strict';
  var EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
  function luhn(digits) {
    var sum = 0;
    for (var i = 0; i < digits.length; i++) {
      var n = +digits[digits.length - 1 - i];
      if (i % 2) { n *= 2; if (n > 9) n -= 9; }
      sum += n;
    }
    return sum % 10 === 0;
  }
  var CHECKS = {
    'email': function (v) { return EMAIL.test(v) ? '' : 'Enter an email address in the correct format, like name@example.com'; },
    'register-email': function (v) { return EMAIL.test(v) ? '' : 'Enter an email address in the correct format, like name@example.com'; },
    'postal-code': function (v) { return /^[A-Za-z0-9][A-Za-z0-9 -]{2,9}$/.test(v) ? '' : 'Enter a real postcode, like 10115'; },
    'billing-postal-code': function (v) { return /^[A-Za-z0-9][A-Za-z0-9 -]{2,9}$/.test(v) ? '' : 'Enter a real postcode, like 10115'; },
    'phone': function (v) { return /^\+?[0-9 ()\/-]{6,20}$/.test(v) ? '' : 'Enter a phone number, like +49 30 1234567'; },
    'card-number': function (v) {
      var d = v.replace(/[\s-]/g, '');
      if (!/^\d+$/.test(d)) return 'Card numbers contain only digits (spaces are fine)';
      if (d.length < 12 || d.length > 19) return 'Card numbers are 12 to 19 digits long; check the number on your card';
      return luhn(d) ? '' : 'This card number is not valid; check for a mistyped digit';
    },
    'card-expiry': function (v) {
      var m = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(v);
      if (!m || +m[1] < 1 || +m[1] > 12) return 'Enter the expiry date as MM/YY, like 08/27';
      var year = +m[2] < 100 ? 2000 + +m[2] : +m[2], now = new Date();
      if (year < now.getFullYear() || (year === now.getFullYear() && +m[1] < now.getMonth() + 1))
        return 'This card has expired; use a card with a future expiry date';
      return '';
    },
    'card-cvc': function (v) { return /^\d{3,4}$/.test(v.trim()) ? '' : 'The security code is the 3 digits on the back of your card (4 on the front for Amex)'; }
  };
  function describedBy(input, id, add) {
    var ids = (input.getAttribute('aria-describedby') || '').split(/\s+/).filter(function (x) { return x && x !== id; });
    if (add) ids.push(id);
    if (ids.length) input.setAttribute('aria-describedby', ids.join(' ')); else input.removeAttribute('aria-describedby');
  }
  function show(input, message) {
    var id = input.id + '-error', el = document.getElementById(id);
    if (!message) {
      if (el) el.remove();
      input.removeAttribute('aria-invalid');
      describedBy(input, id, false);
      return;
    }
    if (!el) {
      el = document.createElement('p');
      el.className = 'field-error';
      el.id = id;
      input.parentNode.insertBefore(el, input);
    }
    el.textContent = message;
    input.setAttribute('aria-invalid', 'true');
    describedBy(input, id, true);
  }
  function check(input) {
    var rule = CHECKS[input.id];
    if (!rule) return;
    show(input, input.value.trim() ? rule(input.value) : '');
  }
  document.addEventListener('focusout', function (event) { check(event.target); });
  document.addEventListener('input', function (event) {
    var input = event.target;
    var whole = event.inputType === 'insertFromPaste' || event.inputType === 'insertReplacementText'
      || (event.data && event.data.length > 1) || !event.inputType;
    if (whole || input.getAttribute('aria-invalid') === 'true') check(input);
  });
})();
"""


# --------------------------------------------------------------------------
# page post-processing
# --------------------------------------------------------------------------

_LABEL = re.compile(r'<label for="([^"]+)">([^<]*)</label>\s*')


def finish(html: str, *, path: str, method: str, form: dict[str, str], faults: frozenset[str]) -> str:
    """A checkout page as the active faults have it."""
    if 'class="field"' not in html:
        return html
    if path.startswith("/checkout/shipping") and "long-form" in faults:
        html = _with_long_form(html, form if method == "POST" else {})
    if "no-autocomplete" in faults:
        html = re.sub(r'\sautocomplete="[^"]*"', "", html)
        html = html.replace("<form ", '<form autocomplete="off" ')
    if "unlabeled-fields" in faults:
        html = _without_labels(html)
    if "late-validation" not in faults:
        html = html.replace("</body>", f'<script src="{SCRIPT_PATH}" defer></script>\n</body>', 1)
    return html


def _without_labels(html: str) -> str:
    """Placeholders instead of labels on text fields and selects (the label vanishes as you type)."""

    removed: list[tuple[str, str]] = []

    def swap(match: re.Match[str]) -> str:
        field_id, text = match.group(1), match.group(2)
        tag = re.search(rf'<(input|select)\b[^>]*\bid="{re.escape(field_id)}"[^>]*>', html)
        if tag is None or re.search(r'type="(radio|checkbox)"', tag.group(0)):
            return match.group(0)
        removed.append((field_id, text))
        return ""

    stripped = _LABEL.sub(swap, html)
    for field_id, text in removed:
        pattern = re.compile(rf'(<input\b(?![^>]*placeholder=)[^>]*\bid="{re.escape(field_id)}")')
        stripped = pattern.sub(lambda m, text=text: f'{m.group(1)} placeholder="{pages.e(text)}"', stripped, count=1)
    return stripped


# --------------------------------------------------------------------------
# long-form: everything a shop could ask for, asked at once
# --------------------------------------------------------------------------

LONG_FORM_REQUIRED = {
    "phone": "Enter a phone number, like +49 30 1234567",
    "birth_date": "Enter your date of birth",
    "email_confirm": "Enter your email address again",
    "billing_name": "Enter the name for the billing address",
    "billing_street": "Enter the billing street and house number",
    "billing_postal_code": "Enter the billing postcode",
    "billing_city": "Enter the billing town or city",
}


def long_form_errors(form: dict[str, str]) -> dict[str, str]:
    """Errors for the long form's extra required fields, keyed by field id."""
    return {
        key.replace("_", "-"): message for key, message in LONG_FORM_REQUIRED.items() if not form.get(key, "").strip()
    }


def _select(field_id: str, name: str, label: str, options: list[tuple[str, str]], value: str, *, autocomplete: str = "") -> str:
    opts = "".join(
        f'<option value="{pages.e(code)}"{" selected" if code == value else ""}>{pages.e(text)}</option>'
        for code, text in options
    )
    auto = f' autocomplete="{pages.e(autocomplete)}"' if autocomplete else ""
    return f"""<div class="field">
  <label for="{pages.e(field_id)}">{pages.e(label)}</label>
  <select id="{pages.e(field_id)}" name="{pages.e(name)}"{auto}>{opts}</select>
</div>"""


def _with_long_form(html: str, values: dict[str, str]) -> str:
    errors = long_form_errors(values) if values else {}
    v = values.get
    tf = pages.text_field
    personal = "\n".join(
        [
            _select("salutation", "salutation", "Title", [("", "Choose"), ("ms", "Ms"), ("mr", "Mr"), ("mx", "Mx"), ("dr", "Dr")], v("salutation", ""), autocomplete="honorific-prefix"),
            tf("company", "company", "Company (optional)", value=v("company", ""), autocomplete="organization", required=False),
            tf("address-line2", "address_line2", "Apartment, suite, floor (optional)", value=v("address_line2", ""), autocomplete="address-line2", required=False),
            tf("phone", "phone", "Phone number", value=v("phone", ""), autocomplete="tel", type_="tel", error=errors.get("phone", "")),
            tf("birth-date", "birth_date", "Date of birth (DD.MM.YYYY)", value=v("birth_date", ""), autocomplete="bday", error=errors.get("birth-date", "")),
            tf("email-confirm", "email_confirm", "Confirm your email address", value=v("email_confirm", ""), autocomplete="email", type_="email", error=errors.get("email-confirm", "")),
        ]
    )
    countries = [("", "Choose your country"), *COUNTRIES]
    billing = f"""<fieldset>
        <legend>Billing address</legend>
        {tf("billing-name", "billing_name", "Full name", value=v("billing_name", ""), autocomplete="billing name", error=errors.get("billing-name", ""))}
        {tf("billing-street", "billing_street", "Street address", value=v("billing_street", ""), autocomplete="billing street-address", error=errors.get("billing-street", ""))}
        {tf("billing-postal-code", "billing_postal_code", "Postcode", value=v("billing_postal_code", ""), autocomplete="billing postal-code", error=errors.get("billing-postal-code", ""))}
        {tf("billing-city", "billing_city", "Town or city", value=v("billing_city", ""), autocomplete="billing address-level2", error=errors.get("billing-city", ""))}
        {_select("billing-country", "billing_country", "Country", countries, v("billing_country", ""), autocomplete="billing country")}
      </fieldset>
      <fieldset>
        <legend>About you</legend>
        {_select("referral", "referral", "How did you hear about us?", [("", "Please choose"), ("search", "Search engine"), ("friend", "A friend"), ("social", "Social media"), ("press", "Press"), ("other", "Other")], v("referral", ""))}
      </fieldset>
      """
    marker = '<fieldset id="shipping_method">'
    html = html.replace("</fieldset>", f"{personal}\n      </fieldset>", 1)
    return html.replace(marker, billing + marker, 1)


# --------------------------------------------------------------------------
# forced-account: register before you may pay
# --------------------------------------------------------------------------


def register_errors(form: dict[str, str], email_re: re.Pattern[str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    email = form.get("email", "").strip()
    password = form.get("password", "")
    if not email:
        errors["register-email"] = "Enter your email address"
    elif not email_re.match(email):
        errors["register-email"] = "Enter an email address in the correct format, like name@example.com"
    if len(password) < 8:
        errors["register-password"] = "Choose a password with at least 8 characters"
    elif form.get("password_confirm", "") != password:
        errors["register-password-confirm"] = "The two passwords are not the same"
    return errors


def forced_account_page(
    lines: list[dict[str, Any]], totals: dict[str, Any], *, email: str = "", errors: dict[str, str] | None = None
) -> str:
    """The account step of a shop that sells only to registered customers."""
    errors = errors or {}
    count = sum(line["quantity"] for line in lines)
    tf = pages.text_field
    body = f"""{pages.checkout_steps("account")}
<h1>Checkout</h1>
<div class="layout">
  <div class="choices">
    <section class="panel">
      <h2>Create your account</h2>
      <p>To place an order you need a Kettle &amp; Crumb account: it keeps your orders and addresses in one place.</p>
      {pages.error_summary(errors)}
      <form method="post" action="/checkout/register" novalidate>
        {tf("register-email", "email", "Email", value=email, autocomplete="email", type_="email", error=errors.get("register-email", ""), extra='autocapitalize="off" spellcheck="false"')}
        {tf("register-password", "password", "Choose a password", autocomplete="new-password", type_="password", keep_value=False, error=errors.get("register-password", ""), hint="At least 8 characters.")}
        {tf("register-password-confirm", "password_confirm", "Repeat the password", autocomplete="new-password", type_="password", keep_value=False, error=errors.get("register-password-confirm", ""))}
        <button class="btn block" type="submit">Create account and continue</button>
      </form>
    </section>
    <section class="panel">
      <h2>Returning customer</h2>
      <form method="post" action="/checkout/signin" novalidate>
        {tf("signin-email", "email", "Email address", autocomplete="username", type_="email", required=False, extra='autocapitalize="off" spellcheck="false"')}
        {tf("signin-password", "password", "Password", autocomplete="current-password", type_="password", required=False, keep_value=False)}
        <button class="btn secondary block" type="submit">Sign in</button>
      </form>
    </section>
  </div>
  {pages.order_summary_panel(lines, totals)}
</div>"""
    return pages.layout("Checkout", body, cart_count=count)
