"""Credentials that are not marked secret (issue 14, class 1).

Query-string parameters named like credentials, the password of a
``user:password@`` base URL, and a card number typed without ``secret: true``
never reach a file or the terminal. Screenshots that cover every element showing
a secret, and the base URL's credentials reaching the browser, are tested in
tests/e2e/test_security_recording.py.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from pydantic_core import PydanticCustomError

from journeyaudit import model
from journeyaudit.cli.main import main
from journeyaudit.history import store
from journeyaudit.spec import cards, config
from journeyaudit.spec.journey import load_journey
from journeyaudit.spec.profile import check_url, masked_url, split_credentials

MASKED = [
    ("https://shop.test/cb?code=1&access_token=abc.def&state=2", "https://shop.test/cb?code=1&access_token=[redacted]&state=2"),
    ('<a href="/p?a=1&amp;apiKey=XYZ&amp;page=3">', '<a href="/p?a=1&amp;apiKey=[redacted]&amp;page=3">'),
    ("/img?X-Amz-Signature=abcd&X-Amz-Date=1", "/img?X-Amz-Signature=[redacted]&X-Amz-Date=1"),
    ("/s?sessionid=99&sig=1&authorization=x&client_secret=y&password=z", "/s?sessionid=[redacted]&sig=[redacted]"
     "&authorization=[redacted]&client_secret=[redacted]&password=[redacted]"),
    ("/x?oauth_token=t#frag", "/x?oauth_token=[redacted]#frag"),
]
KEPT = ["/search?keyword=mugs&author=anna&design=blue&page=2", "token=not-a-query", "see https://shop.test/?q=token"]


@pytest.mark.parametrize(("text", "masked"), MASKED)
def test_credential_parameters_are_masked_without_any_secret(text, masked):
    assert store.Redactor().text(text) == masked


@pytest.mark.parametrize("text", KEPT)
def test_other_parameters_are_left_alone(text):
    assert store.Redactor().text(text) == text


def test_the_list_of_credential_names_is_configurable():
    redactor = store.Redactor(params=["voucher"])
    assert redactor.text("/cart?voucher=FREE100&token=t") == "/cart?voucher=[redacted]&token=t"


def test_a_url_password_is_masked_in_any_text():
    redactor = store.Redactor()
    assert redactor.text("GET https://anna:s3cr%21t@shop.test/x failed") == "GET https://anna:[redacted]@shop.test/x failed"
    assert redactor.text("mailto:anna@shop.test") == "mailto:anna@shop.test"


def test_credentials_are_masked_on_save_and_on_load(tmp_path):
    url = "https://shop.test/checkout?step=pay&session_token=TOPSECRET1"
    step = model.StepRecord(1, "Pay", "payment", url=url, html=f'<a href="{url}">pay</a>',
                            network=[model.NetworkEntry("GET", url, "document", 200)])
    run = model.Run("pay", "Pay", "pay.yaml", "https://shop.test", steps=[step], error=f"timeout at {url}")
    store.save_run(run, tmp_path / "saved")
    store.save_result(model.Result("a", "https://shop.test", errors=[run.error]), tmp_path / "saved" / "result.json")
    for path in (tmp_path / "saved").iterdir():
        assert b"TOPSECRET1" not in path.read_bytes(), path.name
    # a trace written before the parameter was masked (or by hand) is masked when read
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / store.TRACE_FILE).write_text(json.dumps(model.to_dict(run)))
    loaded = store.load_run(tmp_path / "old")
    assert "TOPSECRET1" not in json.dumps(model.to_dict(loaded))
    assert loaded.steps[0].url.endswith("session_token=[redacted]")


def test_a_base_url_with_credentials_is_split_for_the_browser():
    clean, credentials = split_credentials("https://an%40na:p%21ss@shop.test:8443/de/?x=1")
    assert clean == "https://shop.test:8443/de/?x=1"
    assert credentials == {"username": "an@na", "password": "p!ss", "origin": "https://shop.test:8443"}
    assert split_credentials("https://shop.test/") == ("https://shop.test/", None)
    assert masked_url("https://anna:p/ss@w@rd@shop.test/x") == "https://anna:***@shop.test/x"


def test_the_url_check_never_quotes_the_password():
    for bad in ("ftp://anna:hunter22@shop.test/", "https://anna:hunter22@shop.test:port/", "https://anna:hunter22@"):
        with pytest.raises(PydanticCustomError) as failed:
            check_url(bad)
        assert "hunter22" not in failed.value.message() and "anna:***@" in failed.value.message()
    assert check_url("https://anna:hunter22@shop.test/") == "https://anna:hunter22@shop.test/"


def test_settings_carry_the_credentials_apart_from_the_url(tmp_path):
    journey = tmp_path / "j.yaml"
    journey.write_text("name: J\nsteps:\n  - name: Home\n    role: product\n    actions:\n      - goto: /\n")
    settings = config.resolve([journey], {"base_url": "https://anna:hunter22@staging.shop.test"})
    assert settings.base_url == "https://staging.shop.test"
    assert settings.http_credentials["password"] == "hunter22"
    profile = tmp_path / "a.yaml"
    profile.write_text("name: a\nbase_url: ftp://anna:hunter22@x\njourneys: [j.yaml]\n")
    done = CliRunner().invoke(main, ["check", str(profile)])
    assert done.exit_code != 0 and "hunter22" not in done.output
    done = CliRunner().invoke(main, ["run", str(journey), "--base-url", "ftp://anna:hunter22@x"])
    assert done.exit_code == 2 and "hunter22" not in done.output and "anna:***@x" in done.output


def test_luhn_and_card_numbers():
    assert cards.looks_like_card_number("4242 4242 4242 4242") and cards.looks_like_card_number("4000-0000-0000-0002")
    assert cards.looks_like_card_number("378282246310005")  # Amex, 15 digits
    assert not cards.looks_like_card_number("4242 4242 4242 4241")  # Luhn fails
    assert not cards.looks_like_card_number("424242424242")  # 12 digits
    assert not cards.looks_like_card_number("+49 30 1234567890")


CARD_JOURNEY = """name: Pay
steps:
  - name: Address
    role: shipping
    actions:
      - fill: {selector: "#phone", value: "4242424242424242"}
  - name: Pay
    role: payment
    actions:
      - fill: {selector: "#cc", value: "4242 4242 4242 4242"}
      - fill: {selector: "#card-number", value: "5555 5555 5555 4444", secret: false}
  - name: Gift card
    role: review
    actions:
      - fill: {selector: "input[name=cardnumber]", value: "4000 0000 0000 0002"}
"""


def test_a_card_number_without_secret_true_is_secret_and_warned_about(tmp_path):
    path = tmp_path / "pay.yaml"
    path.write_text(CARD_JOURNEY)
    journey = load_journey(path)
    fills = [step.actions[0] for step in journey.steps] + [journey.steps[1].actions[1]]
    assert [action.secret for action in fills] == [False, True, True, False]  # explicit secret: false is respected
    assert journey.secrets() == ["4242 4242 4242 4242", "4000 0000 0000 0002"]
    assert [w.split(": ", 1)[0] for w in journey.warnings] == [f"{path}:10", f"{path}:15"]
    assert all("secret: true" in w and "4242" not in w and "4000" not in w for w in journey.warnings)


def test_run_prints_the_warning(tmp_path):
    path = tmp_path / "pay.yaml"
    path.write_text(CARD_JOURNEY)
    done = CliRunner().invoke(main, ["run", str(path), "--base-url", "https://shop.test", "--browser-path", str(tmp_path / "none")])
    assert done.exit_code == 3
    assert "warning: " in done.output and f"{path}:10: the value typed into #cc looks like a card number" in done.output
    assert "4242" not in done.output


def test_check_prints_the_card_warning_for_a_journey_and_for_a_profile_listing_it(tmp_path):
    path = tmp_path / "pay.yaml"
    path.write_text(CARD_JOURNEY)
    profile = tmp_path / "audit.yaml"
    profile.write_text("name: shop\nbase_url: https://shop.test\njourneys: [pay.yaml]\n")
    for target in (path, profile):
        done = CliRunner().invoke(main, ["check", str(target)])
        assert done.exit_code == 0, done.output  # a warning is not a problem
        assert f"{path}:10: the value typed into #cc looks like a card number" in done.output
        assert "4242" not in done.output
