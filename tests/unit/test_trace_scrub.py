"""--trace: a Playwright trace.zip is scrubbed of a journey's secrets in every member, or not kept."""

from __future__ import annotations

import base64
import io
import json
import urllib.parse
import zipfile

import pytest

from journeyaudit.history.store import REDACTED, Redactor
from journeyaudit.history.trace_scrub import TraceNotKept, scrub_trace, secret_forms
from journeyaudit.model import Result, RunSummary
from journeyaudit.report.html import render_html

CARD = "4242 4242 4242 4242"
PASSWORD = "pa ss!w0rd"


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _trace_lines() -> bytes:
    events = [
        {"type": "before", "method": "fill", "params": {"selector": "#card-number", "value": CARD}},
        {"type": "frame-snapshot", "snapshot": {"html": ["INPUT", {"__playwright_value_": "4242424242424242"}]}},
        {"type": "screencast-frame", "sha1": "page@1.jpeg", "width": 800},
        {"type": "log", "message": "pw=" + urllib.parse.quote(PASSWORD, safe="")},
    ]
    return "\n".join(json.dumps(event) for event in events).encode() + b"\n"


def test_every_text_member_is_scrubbed_in_every_encoding_and_screenshots_left_out():
    members = {
        "trace.trace": _trace_lines(),
        "trace.network": b'{"postData": "n1=4242&n2=4242&n3=4242&n4=4242&pw=pa+ss%21w0rd"}\n',
        "resources/a.html": "<p>4242-4242-4242-4242 &#52;242 4242 4242 4242 pa&#32;ss&excl;w0rd</p>".encode(),
        "resources/page@1.jpeg": b"\xff\xd8\xff\xe0 pixels",
        "resources/b.css": b"body { color: red }",
    }
    redactor = Redactor([CARD, PASSWORD])
    scrubbed = scrub_trace(_zip(members), redactor)
    out = _members(scrubbed.data)
    assert "resources/page@1.jpeg" not in out and scrubbed.dropped_pictures == 1
    assert out["resources/b.css"] == b"body { color: red }"
    for name, data in out.items():
        for form in (b"4242424242424242", b"4242 4242", b"4242-4242", b"&#52;242", b"pa+ss", b"pa ss", b"w0rd"):
            assert form not in data, (name, form)
        assert not any(pattern.search(data) for secret in (CARD, PASSWORD) for pattern in secret_forms(secret))
    lines = out["trace.trace"].decode().splitlines()
    assert all(json.loads(line) for line in lines)  # still one JSON event a line: the viewer reads it
    assert not any("screencast-frame" in line for line in lines)
    assert REDACTED in out["trace.trace"].decode()


def test_a_secret_in_a_binary_member_drops_the_trace():
    hidden = b"\x89PNG\r\n\x1a\n\x00\x01" + base64.b64encode(b"xx" + PASSWORD.encode()) + b"\x00\xff\xfe"
    with pytest.raises(TraceNotKept, match="binary member 'resources/font.woff2'"):
        scrub_trace(_zip({"trace.trace": b"{}\n", "resources/font.woff2": hidden}), Redactor([PASSWORD]))
    utf16 = b"\xff\xfe" + PASSWORD.encode("utf-16-le") + b"\x00\xff"
    with pytest.raises(TraceNotKept):
        scrub_trace(_zip({"resources/x.dat": utf16}), Redactor([PASSWORD]))


def test_without_secrets_everything_is_kept_and_a_cvc_is_not_a_longer_number():
    members = {"trace.trace": _trace_lines(), "resources/page@1.jpeg": b"\xff\xd8\xff"}
    kept = _members(scrub_trace(_zip(members), Redactor()).data)
    assert set(kept) == set(members)
    # a three-digit CVC never matches inside a longer number, in a binary member either
    binary = b"\xff\xd8 order 10123 \xff\xfe"
    assert scrub_trace(_zip({"resources/x.bin": binary}), Redactor(["123"])).data


def test_not_a_zip_is_not_kept():
    with pytest.raises(TraceNotKept, match="not a readable zip"):
        scrub_trace(b"not a zip", Redactor())


def test_the_report_links_the_trace_with_the_command_or_says_why_there_is_none():
    result = Result(audit="a", base_url="http://shop.test", started_at=1.0, runs=[
        RunSummary(journey_id="kept", journey_name="Kept", journey_path="j/k.yaml", status="failed",
                   trace="traces/kept", playwright_trace="traces/kept/trace.zip"),
        RunSummary(journey_id="gone", journey_name="Gone", journey_path="j/g.yaml", status="failed",
                   playwright_trace_note="no Playwright trace: <the secrets> could not be scrubbed"),
    ])
    page = render_html(result, {}, trace_root=None, rules=[])
    assert 'href="traces/kept/trace.zip"' in page
    assert "playwright show-trace traces/kept/trace.zip" in page
    assert "no Playwright trace: &lt;the secrets&gt; could not be scrubbed" in page
