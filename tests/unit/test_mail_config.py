"""The profile's mail section, and journeys that read email without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeyaudit.spec.config import resolve
from journeyaudit.spec.yamlsource import ValidationFailed

ROOT = Path(__file__).resolve().parents[2]
MAIL_JOURNEY = ROOT / "journeys" / "demo" / "mail-order.yaml"


def profile(tmp_path: Path, mail: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(f"name: p\nbase_url: http://127.0.0.1:9\njourneys: [{MAIL_JOURNEY}]\n{mail}\njourneys_root: /\n", encoding="utf-8")
    return path


def errors(paths, **overrides) -> list[str]:
    with pytest.raises(ValidationFailed) as caught:
        resolve([str(p) for p in paths], overrides, env={})
    return [str(e) for e in caught.value.errors]


def test_mail_settings_reach_the_run(tmp_path):
    settings = resolve([str(profile(tmp_path, "mail: {capture: smtp, port: 0, trigger: {url: /jobs/news}}"))], env={})
    assert settings.mail.capture == "smtp" and settings.mail.port == 0
    assert settings.mail.address == "customer@journeyaudit.test" and settings.mail.trigger.method == "POST"
    mailpit = resolve([str(profile(tmp_path, "mail: {mailpit: 'http://127.0.0.1:8025', smtp: '127.0.0.1:1025'}"))], env={})
    assert mailpit.mail.mailpit == "http://127.0.0.1:8025" and mailpit.mail.capture is None


@pytest.mark.parametrize(
    "mail, message",
    [
        ("mail: {port: 25}", "4:7: mail needs exactly one of capture: smtp or mailpit: URL"),
        ("mail: {capture: smtp, mailpit: 'http://m:8025'}", "4:7: mail needs exactly one of capture: smtp or mailpit: URL"),
        ("mail: {capture: pop3}", "4:17: 'capture' must be one of smtp, got 'pop3'"),
        ("mail: {mailpit: 'ftp://m'}", "4:7: mail.mailpit must be an http(s) URL, got 'ftp://m'"),
        ("mail: {mailpit: 'http://m:8025', smtp: 'nowhere'}", "4:7: mail.smtp must be host:port, got 'nowhere'"),
        ("mail: {capture: smtp, address: nobody}", "4:7: mail.address must be name@domain, got 'nobody'"),
    ],
)
def test_bad_mail_settings_are_located(tmp_path, mail, message):
    path = profile(tmp_path, mail)
    (error,) = errors([path])
    assert error.startswith(f"{path}:{message}"), error


def test_a_journey_that_reads_mail_needs_capture(tmp_path):
    (error,) = errors([MAIL_JOURNEY], base_url="http://127.0.0.1:9")
    assert error.startswith(f"{MAIL_JOURNEY}:26:9: this journey reads email ({{inbox}} or an email action), but no mail")
