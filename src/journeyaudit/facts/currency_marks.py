"""The currency markers :mod:`money` recognises: symbols, symbols made of letters, ISO codes (data only)."""

from __future__ import annotations

# Symbols, longest first where one is a prefix of another. Value: ISO code, or
# the symbol itself where several currencies share it.
_SYMBOLS: dict[str, str] = {
    "US$": "USD",
    "U$S": "USD",
    "AU$": "AUD",
    "A$": "AUD",
    "CA$": "CAD",
    "C$": "CAD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "NT$": "TWD",
    "MX$": "MXN",
    "S$": "SGD",
    "R$": "BRL",
    "$": "$",
    "€": "EUR",
    "£": "GBP",
    "¥": "¥",
    "￥": "¥",
    "₹": "INR",
    "₩": "KRW",
    "₽": "RUB",
    "₺": "TRY",
    "₪": "ILS",
    "₫": "VND",
    "฿": "THB",
    "₴": "UAH",
    "₱": "PHP",
    "₦": "NGN",
    "₡": "CRC",
    "₸": "KZT",
}
# Markers made of letters: they must not touch other letters.
_WORD_SYMBOLS: dict[str, str] = {
    "SFr.": "CHF",  # not "Fr.": German "Fr. 14.06." is a Friday, not 14.06 francs
    "zł": "PLN",
    "Kč": "CZK",
    "kr.": "kr",
    "kr": "kr",
    "Rs.": "INR",
    "Rs": "INR",
    "lei": "RON",
    "Ft": "HUF",
    "Rp.": "IDR",
    "Rp": "IDR",
}
# Upper case only. Codes that are also English words ("TRY", "PEN", "MAD", "ALL") are left
# out: inner_text applies text-transform, so "TRY 30 DAYS FREE" is common on pages.
_ISO_CODES = (
    "USD EUR GBP JPY CNY RMB CHF CAD AUD NZD SEK NOK DKK ISK PLN CZK HUF RON BGN RUB UAH ILS "
    "AED SAR QAR KWD INR PKR BRL MXN ARS CLP COP UYU ZAR NGN KES EGP HKD SGD TWD KRW THB "
    "VND IDR MYR PHP"
).split()
# Symbols shared by several currencies, and the ISO codes each may stand for.
_AMBIGUOUS = {
    "$": {"USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN", "TWD", "ARS", "CLP", "COP", "UYU"},
    "¥": {"JPY", "CNY", "RMB"},
    "kr": {"SEK", "NOK", "DKK", "ISK"},
}
