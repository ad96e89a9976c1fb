"""JA3xx: what the shop tells the customer is wrong, late or useless."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from journeyaudit.facts import ledger, page_text, phrase_search, wording
from journeyaudit.model import Evidence, Finding, Ledger, Run, StepRecord
from journeyaudit.rules.journey_rules import customer_texts, full_stop, mentions, page_evidence, product_names, quote
from journeyaudit.rules.registry import rule

# Words that make an "unavailable" line about stock rather than, say, a delivery
# option or a payment method ("Express is not available on Sundays").
STOCK_CONTEXT_WORDS: tuple[str, ...] = (
    "stock",
    "item",
    "items",
    "product",
    "products",
    "article",
    "articles",
    "removed",
    "cart",
    "basket",
    "lager",
    "artikel",
    "produkt",
    "warenkorb",
    "entfernt",
    "produit",
    "produits",
    "panier",
    "retiré",
    "producto",
    "productos",
    "artículo",
    "artículos",
    "existencias",
    "carrito",
    "eliminado",
)

REMOVE_WORDS: tuple[str, ...] = ("remove", "delete", "entfernen", "löschen", "supprimer", "retirer", "eliminar", "quitar")

AVAILABLE_TERMS: tuple[str, ...] = ("InStock", "LimitedAvailability", "OnlineOnly", "InStoreOnly")


def _claim(book: Ledger, step: StepRecord, options: Mapping[str, Any]) -> str | None:
    """What the product page said about availability (the ledger's): its stock line, else its JSON-LD availability."""
    claims = [f for f in ledger.facts(book, "availability", step=step.index) if f.state in ("in_stock", "low_stock")]
    for fact in claims:
        if fact.source == "text":
            return fact.text
    available = set(options.get("available_terms") or ())
    for fact in claims:
        if fact.source == "structured_data" and fact.text in available:
            return fact.text
    return None


def _stock_out_text(step: StepRecord, names: list[str], options: Mapping[str, Any]) -> str | None:
    """The first thing the step told the customer that says the item is unavailable."""
    context = list(options.get("context_words") or ())
    for text in customer_texts(step):
        if not phrase_search.out_of_stock(text, options["out_of_stock_phrases"], options["in_stock_phrases"]):
            continue
        if any(mentions(text, name) for name in names):
            return text
        if step.role != "product" and context and phrase_search.find_phrases(_without_stock_phrases(text, options), context):
            return text
    return None


def _without_stock_phrases(text: str, options: Mapping[str, Any]) -> str:
    """The text minus its stock phrases: a bare "Sold out" badge is not about the customer's item."""
    remainder = page_text.normalise(text)
    phrases = [*options["out_of_stock_phrases"], *options["in_stock_phrases"]]
    for phrase in sorted({page_text.normalise(p) for p in phrases if p.strip()}, key=len, reverse=True):
        remainder = re.sub(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", " ", remainder)
    return remainder


def _removed_by_customer(steps: list[StepRecord]) -> bool:
    for step in steps:
        for action in step.actions:
            words = " ".join([action.description, *(str(v) for v in (action.target or {}).values())])
            if action.name == "click" and phrase_search.find_phrases(words, REMOVE_WORDS):
                return True
            if action.name in ("fill", "select") and "quantity" in words.lower():
                return True
    return False


@rule(
    "JA301",
    "unannounced-stock-out",
    title="The product page said in stock; a later step says it is not",
    severity="high",
    roles=["product"],
    options={
        "in_stock_phrases": list(wording.IN_STOCK_PHRASES),
        "out_of_stock_phrases": list(wording.OUT_OF_STOCK_PHRASES),
        "available_terms": list(AVAILABLE_TERMS),
        "context_words": list(STOCK_CONTEXT_WORDS),
        "basket_roles": ["cart", "review"],
    },
)
def unannounced_stock_out(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """The product page claimed the item was available; later in the journey the shop says it is not.

    The customer chose the product because the page said "In stock", went
    through cart, address and payment, and only then learns the item is not
    available, or finds it silently gone from the basket (research H3; customer
    story C2). The time spent is lost, and a customer told this after paying
    does not know whether they were charged. Stock should be checked, and told,
    where the customer decides: on the product page and when adding to the cart.

    A product step claims availability with a line of visible text that says so
    (``in_stock_phrases``, default the built-in IN_STOCK_PHRASES, negations such as
    "not in stock" excluded) or with a JSON-LD offer availability in
    ``available_terms`` (default InStock, LimitedAvailability, OnlineOnly,
    InStoreOnly): the promise ledger's availability facts of the product step
    (``ledger.build``). The rule then reports the first later step that:

    * tells the customer (an error or notice in the HTML, a dialog, or a line
      of visible text) that an item is unavailable (``out_of_stock_phrases``,
      default the built-in OUT_OF_STOCK_PHRASES: "no longer available", "sold
      out", "removed from your order"...), when the text names the product or
      uses one of ``context_words`` besides the stock phrase itself ("this
      item", "your cart"...): "Express is not available on Sundays" and a bare
      "Sold out" badge (of a recommended product, say) are not the customer's
      stock-out; on a later product page the text must name the product; or
    * no longer lists the product in the basket (a step with one of
      ``basket_roles``, default cart and review) although an earlier basket step
      did and the customer neither clicked a "Remove" button nor changed a
      quantity in between.

    One finding per product step. Evidence: the availability claim with its
    step, and what the later step said (verbatim) or the basket that lost the
    item. Confidence is medium: claims are recognised by their wording. Not
    applicable without a product step; silent when the product page made no
    availability claim.
    """
    reached = run.reached()
    basket_roles = set(options.get("basket_roles") or ())
    book = ledger.build(run, ledger.Labels.from_options(options))
    for step in reached:
        if step.role != "product":
            continue
        claim = _claim(book, step, options)
        if claim is None:
            continue
        names = product_names(step)
        finding = _after_claim(reached, step, claim, names, basket_roles, options)
        if finding is not None:
            yield finding


def _after_claim(
    reached: list[StepRecord], step: StepRecord, claim: str, names: list[str], basket_roles: set[str],
    options: Mapping[str, Any],
) -> Finding | None:
    """The first later step that says the product is out of stock, or whose basket lost it without a word."""
    name = names[0] if names else "The product"
    listed_at: StepRecord | None = None
    for later in reached:
        if later.index <= step.index:
            continue
        said = _stock_out_text(later, names, options)
        if said is not None:
            return Finding(
                step=later.index,
                message=full_stop(
                    f"'{name}' was '{quote(claim, 80)}' at {step.label}, but at {later.label} "
                    f"the shop said: '{quote(said)}'"
                ),
                evidence=[
                    Evidence("text", f"Availability claimed at {step.label}", claim, step.index),
                    Evidence("text", f"What the shop said at {later.label}", said, later.index),
                    *(e for e in page_evidence(later) if e.kind in ("url", "screenshot")),
                ],
                confidence="medium",
            )
        if later.role in basket_roles and names:
            listed = any(mentions(later.visible_text, n) for n in names)
            if listed:
                listed_at = later
            elif listed_at is not None and not _removed_by_customer(
                [s for s in reached if listed_at.index < s.index <= later.index]
            ):
                return Finding(
                    step=later.index,
                    message=(
                        f"'{name}' was '{quote(claim, 80)}' at {step.label} and in the basket at "
                        f"{listed_at.label}, but at {later.label} it was gone from the basket without a word."
                    ),
                    evidence=[
                        Evidence("text", f"Availability claimed at {step.label}", claim, step.index),
                        Evidence("text", f"Basket at {listed_at.label}", name, listed_at.index),
                        *page_evidence(later),
                    ],
                    confidence="medium",
                )
    return None


@rule(
    "JA302",
    "generic-error-message",
    title="An error message that says nothing useful",
    severity="medium",
    options={
        "phrases": list(wording.GENERIC_ERROR_PHRASES),
        "extra_phrases": [],
        "max_chars": 200,
    },
)
def generic_error_message(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """The shop showed the customer an error that says nothing useful.

    "Something went wrong", "An error occurred", "Error 500": the customer does
    not learn what failed, whether their order or payment went through, or what
    to do next, so they retry blindly, pay twice, or leave (research H24;
    Baymard: adaptive error messages; GOV.UK: say what went wrong and how to
    fix it). A good message names the problem and the way out ("The postcode
    must have 5 digits", "Your card was declined by your bank: try another card").

    For each step the customer reached, the rule reads the error and notice
    texts of the page's HTML (``role=alert``, ``aria-live`` regions, elements
    whose class or id says error, alert, notice...), dialogs, and the lines of
    its visible text, and reports those that contain one of ``phrases``
    (default the built-in GENERIC_ERROR_PHRASES: "something went wrong", "please
    try again later", "internal server error"...) or ``extra_phrases`` (for a
    profile to add its shop's own wording without repeating the defaults).
    Texts longer than ``max_chars`` characters (they usually explain) and
    questions (FAQ headings such as "What if something went wrong?") are
    skipped. No role is needed: an error can appear on any step.

    One finding per step. Evidence: every such text, quoted verbatim, with the
    page's URL and screenshot. Confidence is medium: messages are recognised by
    their wording.
    """
    phrases = [*options.get("phrases", ()), *options.get("extra_phrases", ())]
    max_chars = int(options.get("max_chars") or 200)
    for step in run.reached():
        quotes: list[str] = []
        for text in customer_texts(step):
            if len(text) > max_chars or text.rstrip().endswith("?"):
                continue
            if not phrase_search.find_phrases(text, phrases):
                continue
            norm = page_text.normalise(text)
            if any(norm in page_text.normalise(q) for q in quotes):
                continue  # the same message, already quoted from the page's notices
            quotes.append(text)
        if not quotes:
            continue
        shown = "'; '".join(quote(q, 160) for q in quotes[:3])
        yield Finding(
            step=step.index,
            message=full_stop(
                f"At {step.label} the customer was shown an error that says neither what went wrong "
                f"nor what to do next: '{shown}'"
            ),
            evidence=[
                *(Evidence("text", f"Message shown at {step.label}", q, step.index) for q in quotes),
                *(e for e in page_evidence(step) if e.kind in ("url", "request", "screenshot")),
            ],
            confidence="medium",
        )
