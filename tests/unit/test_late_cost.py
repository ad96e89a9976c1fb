"""JA201 without the shop's words: a total that rises with unchanged items, the new rows that add up to the rise."""

from __future__ import annotations

from journeyaudit.model import ActionRecord, FormField
from tests.unit.recorded import findings, run, step


def _details(index: int, role: str = "shipping", text: str = "Your details\nEmail\nName\nAddress", **kw):
    typed = [ActionRecord("fill", "fill #email", target={"tag": "input", "type": "email", "autocomplete": "email"}),
             ActionRecord("fill", "fill #name", target={"tag": "input", "name": "full_name", "autocomplete": "name"})]
    return step(index, role, text, actions=typed, **kw)


def test_card_processing_fee_at_the_payment_step_is_late():
    trace = run(
        step(1, "cart", "Basket\nMoka Pot\n£40.00\nTotal £40.00"),
        _details(2),
        step(3, "payment", "Pay by card\nMoka Pot £40.00\nCard processing fee £3.95\nTotal £43.95"),
        step(4, "review", "Review\nMoka Pot £40.00\nCard processing fee £3.95\nTotal £43.95"),
    )
    [finding] = findings("JA201", trace)
    assert finding.step == 3
    assert finding.message == (
        "A 'Card processing fee' of £3.95 appeared first at 'Payment' (step 3); "
        "the total went from £40.00 at 'Cart' (step 1) to £43.95."
    )


FLAT_RATE = """<table class="shop_table woocommerce-checkout-review-order-table"><tbody>
  <tr class="cart_item"><td class="product-name">Beanie <strong class="product-quantity">&times;&nbsp;1</strong></td>
  <td class="product-total"><span class="woocommerce-Price-amount amount">$18.00</span></td></tr>
  </tbody><tfoot>
  <tr class="cart-subtotal"><th>Subtotal</th><td><span class="woocommerce-Price-amount amount">$18.00</span></td></tr>
  <tr class="woocommerce-shipping-totals shipping"><th>Delivery</th><td data-title="Delivery">Flat rate shipping:
      <span class="woocommerce-Price-amount amount"><bdi><span class="woocommerce-Price-currencySymbol">$</span>10.00</bdi></span></td></tr>
  <tr class="order-total"><th>Order sum</th><td><strong><span class="woocommerce-Price-amount amount">$28.00</span></strong></td></tr>
  </tfoot></table>"""


def test_flat_rate_shipping_whose_label_is_not_at_the_line_start_is_late():
    trace = run(
        step(1, "cart", "Cart\nBeanie × 1 $18.00\nSubtotal $18.00\nShipping calculated at checkout\nTotal $18.00"),
        _details(2, "account"),
        step(3, "review", "Beanie × 1\t$18.00\nSubtotal\t$18.00\nDelivery\tFlat rate shipping: $10.00\nOrder sum\t$28.00\n"
             "Total $28.00", html=FLAT_RATE),
    )
    [finding] = findings("JA201", trace)
    assert finding.step == 3 and "'Flat rate shipping' of $10.00" in finding.message


def test_a_price_seen_while_choosing_is_not_late():
    methods = [FormField(tag="input", type="radio", name="ship", label="Flat rate shipping $10.00", checked=True),
               FormField(tag="input", type="radio", name="ship", label="Express $25.00", checked=False)]
    trace = run(
        step(1, "cart", "Cart\nBeanie × 1 $18.00\nSubtotal $18.00\nTotal $18.00"),
        _details(2, "account"),
        step(3, "shipping", "Shipping method\nFlat rate shipping $10.00\nExpress $25.00", fields=methods),
        step(4, "review", "Beanie × 1\t$18.00\nSubtotal\t$18.00\nDelivery\tFlat rate shipping: $10.00\nOrder sum\t$28.00\n"
             "Total $28.00", html=FLAT_RATE),
    )
    assert findings("JA201", trace) == []


def test_an_estimate_shown_before_the_details_is_not_late():
    trace = run(
        step(1, "cart", "Cart\nMoka Pot £40.00\nEstimated card processing fee £3.95\nTotal £40.00"),
        _details(2),
        step(3, "payment", "Moka Pot £40.00\nCard processing fee £3.95\nTotal £43.95"),
    )
    assert findings("JA201", trace) == []


def test_a_cost_shown_only_after_the_details_is_still_late_at_review():
    trace = run(
        step(1, "cart", "Cart\nMoka Pot £40.00\nTotal £40.00"),
        _details(2),
        step(3, "payment", "Card\nA card processing fee of £3.95 applies"),  # after the details: too late
        step(4, "review", "Moka Pot £40.00\nCard processing fee £3.95\nTotal £43.95"),
    )
    [finding] = findings("JA201", trace)
    assert finding.step == 4


def test_more_items_are_no_extra_cost():
    trace = run(
        step(1, "cart", "Cart\n1 × Moka Pot £40.00\nTotal £40.00"),
        _details(2),
        step(3, "review", "2 × Moka Pot £80.00\nTotal £80.00"),
    )
    assert findings("JA201", trace) == []
