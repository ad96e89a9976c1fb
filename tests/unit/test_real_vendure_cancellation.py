"""Vendure's silent cancellation as recorded (tests/fixtures/shops/vendure/silent-cancellation).

A customer signs up, verifies the address with the mailed link, buys the Tripod; the admin API
cancels the paid order; Vendure mails nothing about it. The purchase history's order card says
"Order number" / "<code>" / "CANCELLED" (a badge, no "Status" label). The checkout's shipping
methods are a headless-UI radio group: ``role="radio"`` cards "Standard Shipping" / "$5.00", no
native radio the recorder lists as a field.
"""

from __future__ import annotations

from journeyaudit.rules import email_reading
from tests.unit.recorded import findings, shop_recorded


def _history(trace):
    return next(s for s in trace.steps if s.name == "Purchase history")


def test_vendure_cancelled_badge_beside_the_order_number_is_a_silent_cancellation():
    trace = shop_recorded("vendure", "silent-cancellation")
    number = email_reading.order_number(trace)[1]
    assert f"Order number\n{number}\nCANCELLED" in _history(trace).visible_text
    assert [m.subject.split(" for ")[0] for m in trace.emails] == ["Please verify your email address", "Order confirmation"]
    (finding,) = findings("JA104", trace)
    assert finding.severity == "critical" and finding.step == _history(trace).index
    assert finding.message.startswith(f"The shop cancelled order {number} ('Purchase history' (step 11) says "
                                      f"'{number}: CANCELLED') and no email told you")


def test_a_cancellation_mail_silences_it():
    trace = shop_recorded("vendure", "silent-cancellation")
    trace.emails[-1].subject = "Your order has been cancelled"
    assert findings("JA104", trace) == []


def test_a_badge_is_read_only_alone_and_near_the_order_number():
    trace = shop_recorded("vendure", "silent-cancellation")
    number = email_reading.order_number(trace)[1]
    history = _history(trace)
    text = history.visible_text
    history.visible_text = text.replace("CANCELLED", "Orders can be cancelled within 14 days")
    assert findings("JA104", trace) == []  # a sentence, not a status
    history.visible_text = text.replace(f"{number}\nCANCELLED", f"{number}\nA\nB\nC\nD\nCANCELLED")
    assert findings("JA104", trace) == []  # too far from the order to be its status
    history.visible_text = text.replace(number, "SOMEONE-ELSES")
    assert findings("JA104", trace) == []  # another order's card


def test_vendure_shipping_method_chosen_from_an_aria_radio_group_with_its_price_is_not_late():
    """The customer gave their details at sign-up, long before the shipping step: the $5.00 of the method they
    clicked ("Standard Shipping" / "$5.00", role=radio) raises the total, but they chose it with its price."""
    trace = shop_recorded("vendure", "silent-cancellation")
    assert findings("JA201", trace) == []
    shipping = next(s for s in trace.steps if s.role == "shipping")
    shipping.html = shipping.html.replace('role="radio"', 'role="presentation"')
    (late,) = findings("JA201", trace)  # without the radio group the method's price would be an unannounced cost
    assert late.step == shipping.index and "$5.00" in late.message
