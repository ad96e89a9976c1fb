"""Secrets in every form (issue 14, class 1): no byte written to disk shows a secret, however encoded."""

from __future__ import annotations

import html
import json
import re
import urllib.parse
from pathlib import Path

import pytest

from journeyaudit import model
from journeyaudit.history import store

PASSWORD = "Pässwort 4! x&y"
CARD = "4242 4242 4242 4242"


def forms(secret: str) -> list[str]:
    """The secret as shops, browsers and scripts write it, made by the standard library's own encoders."""
    compact = secret.replace(" ", "").replace("-", "")
    return sorted({
        secret,
        urllib.parse.quote(secret),
        re.sub("%[0-9A-F]{2}", lambda m: m.group().lower(), urllib.parse.quote(secret)),
        urllib.parse.quote_plus(secret),
        urllib.parse.quote(secret, safe=""),
        html.escape(secret),
        "".join(f"&#{ord(c)};" for c in secret),
        "".join(f"&#x{ord(c):X};" for c in secret),
        secret.replace("!", "&excl;").replace("&y", "&amp;y").replace(" ", "&nbsp;"),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=True)[1:-1],
        "".join(f"\\u{ord(c):04x}" for c in secret),
        compact,
        secret.replace(" ", "-"),
        " ".join(compact[i:i + 4] for i in range(0, len(compact), 4)),
    })


def _hostile_run(secrets: list[str]) -> model.Run:
    shown = [form for secret in secrets for form in forms(secret)]
    everything = " | ".join(shown)
    step = model.StepRecord(
        index=1,
        name="Payment",
        role="payment",
        url="https://shop.example/pay?" + "&".join(f"v{i}={form}" for i, form in enumerate(shown)),
        visible_text=everything,
        html=f"<p>{everything}</p><script>var s = {json.dumps(everything)};</script>",
        error=everything,
        console=[model.ConsoleMessage("error", form) for form in shown],
        network=[model.NetworkEntry("POST", f"https://shop.example/api?q={form}", "fetch", 200) for form in shown],
        data_layer=[{"event": "payment", "values": shown}],
    )
    return model.Run("pay", "Pay", "journeys/pay.yaml", "https://shop.example", steps=[step])


def written_bytes(folder: Path) -> list[tuple[Path, bytes]]:
    return [(path, path.read_bytes()) for path in sorted(folder.rglob("*")) if path.is_file()]


@pytest.mark.parametrize("secret", [PASSWORD, CARD, "s3cr3t-t0ken_ABC"])
def test_no_form_of_a_secret_reaches_any_file(tmp_path, secret):
    run = _hostile_run([secret])
    store.save_run(run, tmp_path / "traces" / "pay", store.Redactor([secret]))
    files = written_bytes(tmp_path)
    assert files
    for form in forms(secret):
        for path, data in files:
            assert form.encode("utf-8") not in data, (form, path.name)


def test_every_form_is_replaced_and_nothing_else():
    redactor = store.Redactor([PASSWORD, CARD])
    for form in forms(PASSWORD) + forms(CARD):
        assert redactor.text(f"before {form} after") == "before [redacted] after", form
    assert redactor.text("order KC-4242424242424242-1 of 4242 items") == "order KC-[redacted]-1 of 4242 items"
    assert redactor.text("Passwort, x and y") == "Passwort, x and y"


def test_forms_the_encoders_do_not_make_are_replaced_too():
    email = "anna+s3cret!@example.com"
    redactor = store.Redactor([PASSWORD, CARD, email])
    shown = [
        PASSWORD.upper(), email.upper(),  # a shop that shows it in capitals
        urllib.parse.quote(urllib.parse.quote(PASSWORD)), urllib.parse.quote(urllib.parse.quote(email)),  # nested URL
        urllib.parse.quote(urllib.parse.quote(CARD)),
        "4242  4242  4242  4242", "4242 - 4242 - 4242 - 4242",  # several separators
    ]
    for form in shown:
        assert redactor.text(f"before {form} after") == "before [redacted] after", form


@pytest.mark.parametrize(
    "text",
    [
        "https://pay.test/3ds?n1=4242&n2=4242&n3=4242&n4=4242&amount=10",  # a query string
        "n1=4242+4242&n2=4242-4242",  # a form body, the pieces spaced and dashed
        "/pay?a=4242&amp;b=424242424242",  # an HTML attribute, two pieces of unequal length
        "p1=hun&p2=ter%32%32",  # a password in two pieces, one of them percent-encoded
    ],
)
def test_a_secret_split_over_several_parameters_is_masked_piece_by_piece(text):
    redactor = store.Redactor(["4242 4242 4242 4242", "hunter22"])
    out = redactor.text(text)
    assert "4242" not in out and "hun" not in out and "%32" not in out
    assert out.count(store.REDACTED) >= 2


@pytest.mark.parametrize(
    "text",
    ["q=4242&x=1&r=42424242", "order=KC-4242&page=2", "a=hun&b=ted22", "page=4242&n=4242"],
)
def test_pieces_that_do_not_make_a_secret_stay(text):
    assert store.Redactor(["4242 4242 4242 4242", "hunter22"]).text(text) == text
