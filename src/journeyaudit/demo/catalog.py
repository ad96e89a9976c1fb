"""The demo shop's product range and money formatting (standard library only)."""

from __future__ import annotations

from dataclasses import dataclass, field

CURRENCY = "EUR"


def money(cents: int) -> str:
    """Integer cents -> customer-facing euros in English format: 123456 -> '€1,234.56'."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}€{euros:,}.{rest:02d}"


def plain_amount(cents: int) -> str:
    """Integer cents -> schema.org / dataLayer amount: 3990 -> '39.90'."""
    euros, rest = divmod(cents, 100)
    return f"{euros}.{rest:02d}"


@dataclass(frozen=True)
class Product:
    slug: str
    name: str
    sku: str
    brand: str
    category: str
    price: int  # cents, incl. VAT
    summary: str
    description: str
    features: tuple[str, ...] = field(default_factory=tuple)
    kind: str = "press"  # drawing used for the product picture
    color: str = "#c8a27a"
    rating: float = 4.7
    reviews: int = 120

    @property
    def url(self) -> str:
        return f"/product/{self.slug}"


PRODUCTS: tuple[Product, ...] = (
    Product(
        slug="aeropress-go",
        name="AeroPress Go",
        sku="KC-AP-GO-01",
        brand="AeroPress",
        category="Brewers",
        price=3990,
        summary="The travel coffee press that packs into its own mug.",
        description=(
            "Everything you love about the original AeroPress, nested into a 15 oz mug with "
            "a lid that doubles as a stirrer holder. Brews one to three cups of smooth, "
            "grit-free coffee in about a minute, at home or at the campsite."
        ),
        features=(
            "Brews espresso-style or American-style coffee in one minute",
            "Includes 350 micro-filters, scoop and stirrer",
            "BPA-free, shatterproof polypropylene",
        ),
        kind="press",
        color="#d9b48f",
        rating=4.8,
        reviews=214,
    ),
    Product(
        slug="hario-v60",
        name="Hario V60 Ceramic Dripper 02",
        sku="KC-HV60-02W",
        brand="Hario",
        category="Brewers",
        price=2450,
        summary="The classic cone dripper for bright, clean pour-over.",
        description=(
            "Spiral ribs and one large opening let you control the flow with your pour. "
            "Arita porcelain keeps the brew temperature steady from bloom to last drop."
        ),
        features=("Size 02: 1–4 cups", "Made in Arita, Japan", "Dishwasher safe"),
        kind="dripper",
        color="#e8ddd0",
        rating=4.9,
        reviews=388,
    ),
    Product(
        slug="fellow-stagg-ekg",
        name="Fellow Stagg EKG Electric Kettle",
        sku="KC-FS-EKG-MB",
        brand="Fellow",
        category="Kettles",
        price=16900,
        summary="Precision pour-over kettle with variable temperature.",
        description=(
            "A counterbalanced handle and a precision spout give you a steady pour; the base "
            "holds any temperature from 57 to 100 °C for up to an hour."
        ),
        features=("0.9 litre capacity", "1200 W quick heating", "Brew-stopwatch built in"),
        kind="kettle",
        color="#3b3b3b",
        rating=4.6,
        reviews=97,
    ),
    Product(
        slug="comandante-c40",
        name="Comandante C40 MK4 Hand Grinder",
        sku="KC-CM-C40-MK4",
        brand="Comandante",
        category="Grinders",
        price=27900,
        summary="High-nitrogen steel burrs for a uniform grind, espresso to French press.",
        description=(
            "Hand-assembled in Germany, the C40 has become the reference hand grinder for "
            "filter coffee, with a grind you can dial in click by click."
        ),
        features=("Nitro Blade burrs", "40 g bean capacity", "Glass bean jars included"),
        kind="grinder",
        color="#8a5a3c",
        rating=4.9,
        reviews=163,
    ),
    Product(
        slug="lelit-mara-x",
        name="Lelit Mara X V2 Espresso Machine",
        sku="KC-LL-MARAX-V2",
        brand="Lelit",
        category="Espresso",
        price=124900,
        summary="Heat-exchanger espresso machine with temperature stability of a dual boiler.",
        description=(
            "The Mara X steers its heat exchanger by brew temperature instead of steam "
            "pressure, so back-to-back shots taste the same. Steam power for two flat whites "
            "at once; ready in about 20 minutes."
        ),
        features=("E61 group head", "1.8 litre boiler", "Quiet vibration pump"),
        kind="machine",
        color="#b7bcc2",
        rating=4.7,
        reviews=58,
    ),
    Product(
        slug="acaia-pearl",
        name="Acaia Pearl Coffee Scale",
        sku="KC-AC-PEARL-B",
        brand="Acaia",
        category="Accessories",
        price=15900,
        summary="0.1 g precision with a built-in flow-rate timer.",
        description=(
            "Weigh your dose and your pour in one place; the Pearl starts its timer when the "
            "first drop lands and pairs with the Acaia app for recipes."
        ),
        features=("0.1 g resolution up to 2 kg", "USB-C rechargeable", "Water-resistant"),
        kind="scale",
        color="#1f2a30",
        rating=4.5,
        reviews=76,
    ),
)

BY_SLUG: dict[str, Product] = {product.slug: product for product in PRODUCTS}


@dataclass(frozen=True)
class ShippingMethod:
    code: str
    name: str
    price: int
    promise: str  # "arrives in 3–5 business days"

    @property
    def label(self) -> str:
        return f"{self.name} — {money(self.price)} — {self.promise}"


SHIPPING_METHODS: dict[str, ShippingMethod] = {
    "standard": ShippingMethod("standard", "Standard", 490, "arrives in 3–5 business days"),
    "express": ShippingMethod("express", "Express", 990, "arrives tomorrow"),
}

COUNTRIES: tuple[tuple[str, str], ...] = (
    ("AT", "Austria"),
    ("BE", "Belgium"),
    ("DK", "Denmark"),
    ("FR", "France"),
    ("DE", "Germany"),
    ("IE", "Ireland"),
    ("IT", "Italy"),
    ("LU", "Luxembourg"),
    ("NL", "Netherlands"),
    ("ES", "Spain"),
)
COUNTRY_NAMES = dict(COUNTRIES)

SERVICE_FEE = 295  # the 'late-fee' fault


def recommendations_for(slug: str, count: int = 3) -> list[Product]:
    """Other products, in catalogue order starting after ``slug``."""
    slugs = [p.slug for p in PRODUCTS]
    start = slugs.index(slug) + 1 if slug in slugs else 0
    ordered = [PRODUCTS[(start + i) % len(PRODUCTS)] for i in range(len(PRODUCTS))]
    return [p for p in ordered if p.slug != slug][:count]


# ---- paid add-ons: sold with a product, never listed in the shop's range ----------------

ADD_ONS: tuple[Product, ...] = (
    Product(
        slug="brew-care-plan",
        name="Brew Care Plan (2 years)",
        sku="KC-CARE-2Y",
        brand="Kettle & Crumb",
        category="Services",
        price=690,
        summary="Two years of accidental damage cover for your brewer.",
        description="Drops, cracks and spills: we repair or replace your brewer within two years of purchase.",
        features=("Accidental damage cover", "Free repair or replacement", "Cancel within 30 days"),
        kind="scale",
        color="#7a8b6f",
        rating=4.1,
        reviews=12,
    ),
)
BY_SLUG.update({product.slug: product for product in ADD_ONS})
SNEAKED_ADD_ON = "brew-care-plan"  # the 'sneaked-item' fault puts it in the cart with any product
DRIFTED_PROMISE = "arrives in 7–10 business days"  # the 'delivery-drift' fault's confirmation
