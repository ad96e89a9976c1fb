"""JA301, stock: the product page said in stock, and then the shop would not sell it."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from journeyaudit.facts import failure, ledger, page_text, phrase_search, product_naming, recheck, wording
from journeyaudit.facts.computed import customer_texts
from journeyaudit.facts.ledger import mentions
from journeyaudit.model import Evidence, Finding, Ledger, Run, StepRecord
from journeyaudit.rules import phrases
from journeyaudit.rules.evidence import full_stop, page_evidence, quote
from journeyaudit.rules.registry import rule


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
    said = phrase_search.out_of_stock_texts(customer_texts(step), options["out_of_stock_phrases"], options["in_stock_phrases"])
    for text in said:  # the texts that say so, in order
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
        remainder = page_text.word_pattern(re.escape(phrase)).sub(" ", remainder)
    return remainder


def _removed_by_customer(steps: list[StepRecord]) -> bool:
    for step in steps:
        for action in step.actions:
            words = " ".join([action.description, *(str(v) for v in (action.target or {}).values())])
            if action.name == "click" and phrase_search.find_phrases(words, phrases.REMOVE_WORDS):
                return True
            if action.name in ("fill", "select") and "quantity" in words.lower():
                return True
    return False


@rule(
    "JA301",
    "unannounced-stock-out",
    title="The product page said in stock; the shop then would not sell it",
    severity="high",
    roles=["product"],
    options={
        "in_stock_phrases": list(wording.IN_STOCK_PHRASES),
        "out_of_stock_phrases": list(wording.OUT_OF_STOCK_PHRASES),
        "available_terms": list(phrases.AVAILABLE_TERMS),
        "context_words": list(phrases.STOCK_CONTEXT_WORDS),
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

    When the shop refuses the order with a message that names no cause ("We
    could not place your order. Please try again.", an error page), journeyaudit
    does what the customer would: it opens the product pages of the journey
    again (a *recheck*, recorded after the refusal). If the page now says the
    item is unavailable ("Sold out", its buy button disabled), that is the cause
    the refusal did not name, and this rule reports it at the refusal.

    The same product page can contradict itself too: it says "In stock" (in its
    description, say) while its own "Add to cart" button is disabled and a line
    of it says the item cannot be had ("Sold out", "Combination not available").
    The customer is told one thing and refused the other before any checkout
    step, so this finding is medium, at the product step (with the step where
    the customer's attempt to buy then failed, if any).

    The message names the product: the product page's JSON-LD offer or its
    ``<h1>``; on a page whose ``<h1>`` is only the logo, the heading the page
    title names ("Tent - Vendure Remix Storefront" and an ``<h2>`` "Tent"), else
    the item row the product added to the next basket.

    One finding per product step. Evidence: the availability claim with its
    step, and what the later step said (verbatim) or the basket that lost the
    item. Confidence is medium: claims are recognised by their wording. Not
    applicable without a product step; silent when the product page made no
    availability claim.
    """
    reached = run.reached()
    basket_roles = set(options.get("basket_roles") or ())
    book = ledger.build(run, ledger.Labels.from_options(options))
    unexplained = recheck.unexplained_refusal(run)
    sold_out = [c for c in recheck.changes(run) if c.kind == "unavailable"] if unexplained is not None else []
    for step in reached:
        if step.role != "product":
            continue
        claim = _claim(book, step, options)
        if claim is None:
            continue
        names = product_naming.product_names(reached, step, basket_roles)
        finding = (
            _after_claim(reached, step, claim, names, basket_roles, options)
            or _sold_out_when_looked_at_again(
                unexplained, [c for c in sold_out if c.product.index == step.index], claim, names
            )
            or _refused_on_the_same_page(book, reached, step, claim, names, run.base_url)
        )
        if finding is not None:
            yield finding


def _sold_out_when_looked_at_again(
    unexplained: recheck.Refusal | None, changes: list[recheck.Change], claim: str, names: list[str]
) -> Finding | None:
    """The order was refused without a cause, and the product page, looked at again, says the item is gone."""
    if unexplained is None or not changes:
        return None
    change, refused = changes[0], unexplained.step
    name = names[0] if names else change.name
    return Finding(
        step=refused.index,
        message=(
            f"'{name}' was '{quote(claim, 80)}' at {change.product.label}; at {refused.label} the shop refused "
            f"the order with only '{quote(unexplained.message.text, 120)}', and its product page, looked at again, "
            f"now says '{quote(change.now, 80)}': the refusal did not tell the customer that the item sold out."
        ),
        evidence=[
            Evidence("text", f"Availability claimed at {change.product.label}", claim, change.product.index),
            Evidence("text", f"Refusal shown at {refused.label}", unexplained.message.text, refused.index),
            Evidence("text", "The product page, looked at again after the refusal", change.now, change.product.index),
            Evidence("url", "Page looked at again", change.recheck.url, change.product.index),
            *(e for e in page_evidence(refused) if e.kind in ("url", "screenshot")),
        ],
        confidence="medium",
    )


def _refused_on_the_same_page(
    book: Ledger, reached: list[StepRecord], step: StepRecord, claim: str, names: list[str], base_url: str = ""
) -> Finding | None:
    """The product page that claims availability disables its own buy button and says the item cannot be had."""
    facts = ledger.facts(book, "availability", step=step.index)
    button = next((f for f in facts if f.source == "element" and f.detail.get("button") == "disabled"), None)
    said = next((f for f in facts if f.source == "text" and f.state == "out_of_stock" and f.text != claim), None)
    if button is None or said is None:
        return None
    name = names[0] if names else "The product"
    tried = next(
        (s for s in reached if s.index > step.index and s.status == "failed" and s.url == step.url and s.actions), None
    )
    then = f"; the customer could not buy it at {tried.label}" if tried else ""
    evidence = [
        Evidence("text", f"Availability claimed at {step.label}", claim, step.index),
        Evidence("text", f"What the same page said at {step.label}", said.text, step.index),
        Evidence("text", f"Buy button at {step.label}", f"{button.text or 'Add to cart'} (disabled)", step.index),
    ]
    if tried is not None:
        evidence.append(Evidence("text", f"What happened at {tried.label}", failure.customer_reason(tried, base_url), tried.index))
    return Finding(
        step=step.index,
        severity="medium",
        message=(
            f"'{name}' was '{quote(claim, 80)}' at {step.label}, but the same page said '{quote(said.text, 120)}' "
            f"and its '{quote(button.text or 'Add to cart', 40)}' button was disabled{then}."
        ),
        evidence=[*evidence, *(e for e in page_evidence(step) if e.kind in ("url", "screenshot"))],
        confidence="medium",
    )


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
