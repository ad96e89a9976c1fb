"""Delivery dates in every supported locale: month names come from Babel's CLDR data."""

from __future__ import annotations

import pytest
from babel import Locale

from journeyaudit.facts import delivery


@pytest.mark.parametrize(("line", "date"), [
    ("Livraison le 5 déc.", "12-05"),
    ("Livraison prévue le 5 décembre", "12-05"),
    ("Livraison le 14 juil.", "07-14"),
    ("Livraison le 3 févr.", "02-03"),
    ("Livraison le 15 aout", "08-15"),  # no accent
    ("Lieferung am 5. März", "03-05"),
    ("Lieferung am 5. Marz", "03-05"),
    ("Zustellung bis 24. Dez.", "12-24"),
    ("Entrega el 5 dic", "12-05"),
    ("Entrega el 12 de abr.", "04-12"),
    ("Entrega a 5 de dezembro", "12-05"),
    ("Entrega em 9 de set.", "09-09"),
    ("Consegna prevista 3 giu", "06-03"),
    ("Consegna 5 dicembre", "12-05"),
    ("Levering op 5 mei", "05-05"),
    ("Levering 2 mrt.", "03-02"),
    ("Get it by Friday, 5 December", "12-05"),
    ("Arrives Sept. 9", "09-09"),
    ("Arrives Dec 5th", "12-05"),
])
def test_month_names_are_read_in_every_locale(line, date):
    promise = delivery.parse_promise(line)
    assert promise is not None and promise["date"] == date, promise


@pytest.mark.parametrize("line", [
    "Arrives in 3 business days",
    "Delivery for juniors 5 days",
    "Delivery 5 days ago",  # "ago" (Italian August) follows no day number here
])
def test_words_that_are_not_months_make_no_date(line):
    promise = delivery.parse_promise(line)
    assert promise is None or "date" not in promise


@pytest.mark.parametrize("code", ["en", "de", "fr", "es", "it", "nl", "pt"])
def test_the_table_holds_each_locales_wide_and_abbreviated_names(code):
    months = Locale.parse(code).months["format"]
    assert len(delivery.month_table()) > 100
    for width in ("wide", "abbreviated"):
        for number, name in months[width].items():
            for form in (name, name.rstrip(".") + ".", name.upper()):
                assert delivery._month(form) == number, (code, width, form)


def test_a_prefix_shared_by_two_months_is_no_month():
    assert delivery._month("jui") is None  # juin or juillet
    assert delivery._month("ju") is None
