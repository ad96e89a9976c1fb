"""Seed a Shuup 3.1 shop with demo products, shipping, payment methods, a confirmation email
and the defect switches described in README.md. Run with the shop's Python (setup.sh does, with its environment):

    python seed.py

Everything here goes through Shuup's own models, the same objects its admin edits. Idempotent.
"""
import os
from decimal import Decimal

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuup_workbench.settings")
django.setup()

from django.contrib.auth import get_user_model
from django.db.transaction import atomic

from shuup.core.models import (
    CustomCarrier, CustomPaymentProcessor, FixedCostBehaviorComponent, PaymentMethod, SalesUnit, Shop,
    ShippingMethod, ShopProductVisibility, Supplier, SupplierModule,
)
from shuup.front.notify_script_templates.generics import OrderConfirmationEmailScriptTemplate
from shuup.notify.actions import SendEmail
from shuup.notify.conditions import NonEmpty
from shuup.notify.script import Step, StepNext
from shuup.notify.models import Script
from shuup.core.models import Tax, TaxClass
from shuup.default_tax.models import TaxRule
from shuup.simple_supplier.models import StockCount
from shuup.testing import factories
from shuup.testing.models import PseudoPaymentProcessor
from shuup.xtheme.models import Snippet, SnippetType

IN_STOCK = "In stock at our Berlin warehouse, ships in 1-2 business days."
PRODUCTS = [
    # sku, name, price (EUR, tax included), stock, description
    ("aeropress-go", "AeroPress Go", "39.90", 50, "Travel coffee press. " + IN_STOCK),
    ("hario-v60", "Hario V60 Dripper", "24.50", 50, "Ceramic pour-over dripper. " + IN_STOCK),
    ("fellow-stagg", "Fellow Stagg Kettle", "89.00", 50, "Pour-over kettle. " + IN_STOCK),
    # Defect 'stock-out': its description (written when it was in stock) still says so, and the
    # shop keeps selling it, but the supplier's stock count is 0 (see README.md).
    ("comandante-c40", "Comandante C40 Grinder", "249.00", 0, "Hand grinder. " + IN_STOCK),
    # Defect 'third-party-script': only this product's page carries the SCALE_WIDGET snippet below.
    ("timemore-scale", "Timemore Black Mirror Scale", "45.00", 50, "Coffee scale with timer. " + IN_STOCK),
]

# Defect 'third-party-script': a widget the shop's admin pasted as an xtheme Snippet ("Inline Jinja
# HTML" at the end of <head>, Content > Snippets), shown on the Timemore scale's page only. It loads
# its own copy of jQuery from a "CDN" that answers 404 (the version was removed): here
# http://localhost:<the shop's port>/static/cdn/..., another origin than 127.0.0.1, answered by Django's
# plain 404 page, so no other server is needed. Then it uses `$`. Shuup's own jQuery (vendor.js) comes only at the end of <body>, so the widget's
# code runs without any `$`: "ReferenceError: $ is not defined". The shop's own buttons still work.
SCALE_WIDGET = (
    '{% if request.path.startswith("/p/") and "timemore" in request.path %}'
    '<script src="http://localhost:{{ request.get_port() }}/static/cdn/jquery/3.6.0/jquery.min.js"></script>'
    '<script>$(function () { $(".product-name").after('
    '"<p class=\'scale-demo\'>Watch the scale in action</p>"); });</script>'
    '{% endif %}'
)


def service(provider, model, identifier, name, choice, shop, tax_class, fee=None, fee_text=""):
    svc = model.objects.filter(identifier=identifier).first()
    if svc is None:
        svc = provider.create_service(choice, identifier=identifier, shop=shop, enabled=True,
                                      name=name, tax_class=tax_class)
    svc.behavior_components.all().delete()   # provider defaults (pseudo payment adds a fee) out
    if fee is not None:
        svc.behavior_components.add(FixedCostBehaviorComponent.objects.create(
            price_value=Decimal(fee), description=fee_text))
    return svc


@atomic
def seed():
    shop = Shop.objects.get(identifier="default")
    shop.name = shop.public_name = "Brew Bench"
    shop.currency = "EUR"
    # Defect 'late-tax': the admin's "Prices include tax" is off (net prices, as a B2B shop
    # would show them) and a 19 % VAT rule applies to German addresses for the "Standard rate"
    # tax class, which only the Fellow Stagg Kettle carries. The other products carry the
    # default tax class, which no rule taxes, so their journeys are unchanged.
    shop.prices_include_tax = False
    shop.contact_address = None
    shop.save()
    tax_class = factories.get_default_tax_class()

    supplier = Supplier.objects.get(identifier="default")
    supplier.stock_managed = True
    supplier.save()
    module, _ = SupplierModule.objects.get_or_create(module_identifier="simple_supplier")
    supplier.supplier_modules.add(module)

    pcs = SalesUnit.objects.get(identifier="pcs")
    standard_rate = TaxClass.objects.filter(identifier="standard-rate").first() or \
        TaxClass.objects.create(identifier="standard-rate", name="Standard rate")
    vat = Tax.objects.filter(code="DE-VAT19").first() or \
        Tax.objects.create(code="DE-VAT19", name="VAT 19%", rate=Decimal("0.19"))
    rule = TaxRule.objects.filter(tax=vat).first() or TaxRule.objects.create(tax=vat, country_codes_pattern="DE")
    rule.tax_classes.set([standard_rate])
    for sku, name, price, stock, description in PRODUCTS:
        product = factories.Product.objects.filter(sku=sku).first()
        if product is None:
            product = factories.create_product(sku, shop=shop, supplier=supplier, default_price=price, name=name,
                                               sales_unit=pcs)
        product.description = description
        if sku == "fellow-stagg":
            product.tax_class = standard_rate
        product.save()
        sp = product.get_shop_instance(shop)
        sp.visibility = ShopProductVisibility.ALWAYS_VISIBLE
        sp.save()
        count, _ = StockCount.objects.get_or_create(supplier=supplier, product=product)
        count.stock_managed = True
        count.save()
        have = supplier.get_stock_status(product.pk).physical_count
        if have != stock:
            supplier.adjust_stock(product.pk, stock - have)

    carrier = CustomCarrier.objects.filter(identifier="carrier").first() or \
        CustomCarrier.objects.create(identifier="carrier", name="Brew Bench Post")
    service(carrier, ShippingMethod, "standard", "Standard shipping", None, shop, tax_class, fee="4.90",
            fee_text="Shipping")

    manual = CustomPaymentProcessor.objects.filter(identifier="manual").first() or \
        CustomPaymentProcessor.objects.create(identifier="manual", name="Manual payments")
    service(manual, PaymentMethod, "invoice", "Invoice", "manual", shop, tax_class)
    # Defect 'late-fee': a payment method whose fee the admin set as a behaviour component.
    service(manual, PaymentMethod, "bank-transfer", "Bank transfer", "manual", shop, tax_class,
            fee="3.50", fee_text="Payment handling")

    pseudo = PseudoPaymentProcessor.objects.filter(identifier="pseudo").first() or \
        PseudoPaymentProcessor.objects.create(identifier="pseudo", name="Pseudo payment")
    service(pseudo, PaymentMethod, "card", "Card (test provider)", "normal", shop, tax_class)

    # The order confirmation email: Shuup's own notification script template, as the admin's
    # "Notifications > Scripts > New from template > Send Order Confirmation Email" creates it.
    tmpl = OrderConfirmationEmailScriptTemplate()
    initial = getattr(tmpl, "initial", None) or tmpl.get_initial()
    script = Script.objects.filter(shop=shop, template="order_received_email").first()
    if script is None:
        script = Script(shop=shop, event_identifier="order_received", name="Order confirmation",
                        enabled=True, template="order_received_email")
    action = SendEmail({
        "template_data": {"en": {"content_type": "html",
                                  "subject": str(initial.get("en-subject")),
                                  "body": str(initial.get("en-body"))}},
        "language": {"constant": "en"},
        "recipient": {"variable": "customer_email"},
    })
    script.set_steps([Step(next=StepNext.STOP, actions=(action,))])
    script.enabled = True
    script.save()

    # Defect 'duplicate-email': a second script made from the same template, meant for the
    # customers who leave a phone number (a "call-back" list the admin planned), condition
    # "Non-Empty: Customer Phone", still sending the template's confirmation email. Only the
    # duplicate-email journey types a phone number, so only its customer gets two identical
    # "Order N Received" emails; the other journeys are unchanged.
    second = Script.objects.filter(shop=shop, name="Order confirmation (phone orders)").first() or \
        Script(shop=shop, event_identifier="order_received", name="Order confirmation (phone orders)",
               template="order_received_email")
    second.set_steps([Step(next=StepNext.STOP, actions=(action,),
                           conditions=(NonEmpty({"v": {"variable": "customer_phone"}}),))])
    second.enabled = True
    second.save()

    snippet = Snippet.objects.filter(shop=shop, name="Scale demo widget").first() or \
        Snippet(shop=shop, name="Scale demo widget")
    snippet.location = "head_end"
    snippet.snippet_type = SnippetType.InlineJinjaHTMLMarkup
    snippet.snippet = SCALE_WIDGET
    snippet.save()

    User = get_user_model()
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@shuup-demo.test", "admin")
    print("seeded: shop %s, %d products" % (shop, len(PRODUCTS)))


seed()
