"""Default wording lists of the rules (thank-you pages, stock context, add-ons, cheerful text, declines).

Rules copy them into their default options, so an audit can replace or extend them."""

from __future__ import annotations

THANK_YOU_PHRASES: tuple[str, ...] = (
    "thank you",
    "thanks for your order",
    "thanks for shopping",
    "order confirmed",
    "order is confirmed",
    "order has been placed",
    "order has been received",
    "order received",
    "order complete",
    "order placed",
    "vielen dank",
    "danke für ihre bestellung",
    "bestellung ist eingegangen",
    "bestellbestätigung",
    "merci pour votre commande",
    "commande confirmée",
    "gracias por tu pedido",
    "gracias por su pedido",
    "pedido confirmado",
)





CHEERFUL_PHRASES: tuple[str, ...] = (
    *THANK_YOU_PHRASES,
    "is confirmed",
    "has been confirmed",
    "complete satisfaction",
    "completely satisfied",
    "enjoy your purchase",
    "we hope you enjoy",
    "on its way",
    "successfully placed",
    "payment received",
    "payment successful",
    "ist bestätigt",
    "viel freude",
    "est confirmée",
    "merci pour votre achat",
    "está confirmado",
    "que lo disfrutes",
)


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


# Refusals are not validation: no page can check a card's funds while the customer types.
DECLINE_PHRASES: tuple[str, ...] = (
    "declined", "decline", "refused", "insufficient funds", "do not honor", "not authorised", "not authorized",
    "abgelehnt", "nicht autorisiert", "unzureichende deckung",
    "refusée", "refusé", "refus", "fonds insuffisants",
    "rechazada", "rechazado", "denegada", "fondos insuficientes",
)


ADD_ON_WORDS: tuple[str, ...] = (
    "insurance", "protection", "protect", "warranty", "cover", "care plan", "donate", "donation", "subscribe",
    "subscription", "membership", "gift wrap", "priority",
    "versicherung", "schutz", "garantie", "spende", "abo", "abonnement", "mitgliedschaft", "geschenkverpackung",
    "assurance", "garantie", "don", "adhésion", "emballage cadeau",
    "seguro", "protección", "garantía", "donación", "suscripción", "envoltorio de regalo",
)
