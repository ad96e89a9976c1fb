"""A secret typed in a real run never reaches any file, in any form (issue 14, class 1).

The guest's e-mail address is marked secret and holds characters that shops
encode (``+``, ``@``, ``!``): a link carries it percent-encoded, the order page
shows it, the history database stores the run. Every byte under --out is searched.
"""

from __future__ import annotations

import html
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from journeyaudit.demo import DemoShop

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SECRET = "anna+s3cret!@example.com"


def test_a_secret_email_is_nowhere_on_disk(tmp_path):
    text = (ROOT / "journeys/demo/happy-path.yaml").read_text()
    plain = "fill: {selector: \"#email\", value: anna.schmidt@example.com}"
    assert plain in text
    journey = tmp_path / "secret-email.yaml"
    text = text.replace(plain, f"fill: {{selector: \"#email\", value: \"{SECRET}\", secret: true}}")
    # as a shop that puts the address in a link: the product page's URL carries it percent-encoded
    landing = "goto: /product/aeropress-go"
    assert landing in text
    journey.write_text(text.replace(landing, f"{landing}?ref={urllib.parse.quote(SECRET, safe='')}", 1))
    out = tmp_path / "out"
    with DemoShop() as shop:
        done = subprocess.run([sys.executable, "-m", "journeyaudit.cli.main", "run", str(journey), "--base-url", shop.url,
                               "--out", str(out), "--format", "junit", "--format", "sarif"],
                              cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    forms = {SECRET, urllib.parse.quote(SECRET), urllib.parse.quote_plus(SECRET), urllib.parse.quote(SECRET, safe=""),
             html.escape(SECRET), SECRET.replace("@", "&#64;"), "anna+s3cret", "anna%2Bs3cret", "s3cret!"}
    files = [path for path in out.rglob("*") if path.is_file()]
    assert any(path.name == "trace.json" for path in files) and any(path.name == "history.sqlite" for path in files)
    for path in files:
        data = path.read_bytes()
        for form in forms:
            assert form.encode() not in data, (form, path)
    assert not any(form in done.stdout + done.stderr for form in forms)
