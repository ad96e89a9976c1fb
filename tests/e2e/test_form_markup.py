"""Form fields on markup we did not write, through the real pipeline (real Chromium, real HTTP).

A small form served by the standard library uses the error patterns of common
design systems: Bootstrap (``.is-invalid`` + a sibling ``.invalid-feedback``, no
ARIA), GOV.UK (an error message linked by ``aria-describedby`` with
``aria-invalid``), a label wrapping its input, and a placeholder instead of a
label. The journey submits bad values; the recorder must see which fields the
page flagged after the submit, which came back empty, and what each is called,
and the form rules must report it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from journeyaudit.history import store

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "journeyaudit.cli.main"]

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign up</title>
<style>
.invalid-feedback{{display:none;color:#b00}} .is-invalid ~ .invalid-feedback{{display:block}}
.govuk-visually-hidden{{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}}
</style></head><body>
<h1>Delivery details</h1>
{summary}
<form method="post" action="/signup" novalidate>
  <div class="mb-3">
    <label for="zip" class="form-label">ZIP code</label>
    <input id="zip" name="zip" class="form-control{zip_class}" autocomplete="postal-code" value="{zip}">
    <div class="invalid-feedback">Please enter a valid ZIP code.</div>
  </div>
  <div class="govuk-form-group">
    <label class="govuk-label" for="email">Email address</label>
    <div id="email-hint" class="govuk-hint">We only use it for your receipt.</div>
    {email_error}
    <input class="govuk-input" id="email" name="email" type="email" autocomplete="email" value="{email}"
      aria-describedby="email-hint{email_described}"{email_invalid}>
  </div>
  <div><input name="city" id="city" placeholder="City" value="{city}"></div>
  <div><label>Phone <input name="phone" id="phone" type="tel" value="{phone}"></label></div>
  <button type="submit">Continue</button>
</form></body></html>"""


def render(values: dict[str, str], errors: bool) -> str:
    esc = lambda v: v.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")  # noqa: E731
    return PAGE.format(
        summary='<div class="alert alert-danger" role="alert">There is a problem with your details</div>' if errors else "",
        zip_class=" is-invalid" if errors else "",
        zip=esc(values.get("zip", "")),
        email=esc(values.get("email", "")),
        email_error=(
            '<p id="email-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> '
            "Enter an email address in the correct format, like name@example.com</p>"
        ) if errors else "",
        email_described=" email-error" if errors else "",
        email_invalid=' aria-invalid="true"' if errors else "",
        city="",  # this shop forgets the city after an error
        phone=esc(values.get("phone", "")),
    )


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def _send(self, status: int, body: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802
        self._send(200, render({}, errors=False))

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in urllib.parse.parse_qs(self.rfile.read(length).decode(), keep_blank_values=True).items()}
        self._send(422, render(form, errors=True))


@pytest.fixture(scope="module")
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


JOURNEY = """\
name: Sign up with typos
steps:
  - name: Delivery details
    role: shipping
    actions:
      - goto: /signup
      - fill: {selector: "#zip", value: "1O115"}
      - fill: {selector: "#email", value: "anna.schmidt@"}
      - fill: {selector: "#city", value: Berlin}
      - fill: {selector: "#phone", value: "+49 30 1234567"}
  - name: Delivery details, corrected
    role: shipping
    actions:
      - click: "role=button[name='Continue']"
      - expect: {text: There is a problem}
      - fill: {selector: "#zip", value: "10115"}
"""


@pytest.fixture(scope="module")
def recorded_run(site, tmp_path_factory):
    folder = tmp_path_factory.mktemp("markup")
    path = folder / "signup.yaml"
    path.write_text(textwrap.dedent(JOURNEY))
    out = folder / "out"
    done = subprocess.run(
        [*CLI, "run", str(path), "--base-url", site, "--out", str(out), "--fail-on", "none"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    [result_dir] = [p for p in out.iterdir() if p.is_dir() and not p.is_symlink()]
    result = store.load_result(result_dir / "result.json")
    return store.load_run(result_dir / result.runs[0].trace), result


def test_fields_before_submit_are_unflagged_and_named(recorded_run):
    trace, _ = recorded_run
    fields = {f.id: f for f in trace.steps[0].fields}
    assert all(not f.invalid and not f.error for f in fields.values())
    assert fields["city"].label == "" and fields["city"].placeholder == "City" and fields["city"].has_value
    assert fields["phone"].label == "Phone"


def test_arrival_after_submit_shows_each_design_systems_error(recorded_run):
    trace, _ = recorded_run
    arrival = {f.id: f for f in trace.steps[1].arrival_fields}
    assert arrival["zip"].error == "Please enter a valid ZIP code." and not arrival["zip"].invalid  # Bootstrap: no ARIA
    assert arrival["email"].invalid
    assert arrival["email"].error == "Error: Enter an email address in the correct format, like name@example.com"
    assert "receipt" not in arrival["email"].error  # the hint is not an error
    assert not arrival["city"].has_value and arrival["phone"].has_value
    end = {f.id: f for f in trace.steps[1].fields}
    assert end["zip"].has_value  # the journey corrected it after arriving


def test_the_form_rules_report_it(recorded_run):
    _, result = recorded_run
    by_code = {}
    for finding in result.findings:
        by_code.setdefault(finding.code, []).append(finding)
    [late] = by_code["JA303"]
    assert "'ZIP code': 'Please enter a valid ZIP code.'" in late.message and "'Email address'" in late.message
    [lost] = by_code["JA304"]
    assert "were empty again: 'City'." in lost.message
    assert "'There is a problem with your details'" not in lost.message  # the field's own error is quoted first
    [unlabeled] = by_code["JA604"]
    assert "the field showing only 'City'" in unlabeled.message
    [autocomplete] = by_code["JA603"]
    assert "'City', 'Phone'" in autocomplete.message
