"""Faults told truthfully (issue 14, class 6), the parts that need no browser: exit codes, the shop's answer."""

from __future__ import annotations

import http.server
import socket
import threading

from journeyaudit import model
from journeyaudit.cli.common import EXIT_CANNOT_RUN, EXIT_FINDINGS, EXIT_OK, exit_code
from journeyaudit.gather import shopcheck


def _result(fail_on: str, *statuses: str, error: str = "the browser closed") -> model.Result:
    result = model.Result(audit="a", base_url="http://shop.test", started_at=0.0, fail_on=fail_on)
    for n, status in enumerate(statuses):
        result.runs.append(model.RunSummary(journey_id=f"j{n}", journey_name="J", journey_path="j.yaml", status=status,
                                            error=error if status == "error" else ""))
    return result


def test_a_journey_not_recorded_exits_1_even_with_fail_on_none():
    assert exit_code(_result("none", "passed", "error")) == EXIT_FINDINGS
    assert exit_code(_result("none", "passed", "failed")) == EXIT_OK


def test_a_shop_that_stopped_answering_is_exit_3():
    gone = f"{shopcheck.SHOP_GONE} (connection refused)"
    assert exit_code(_result("high", "passed", "error", "error", error=gone)) == EXIT_CANNOT_RUN
    assert exit_code(_result("high", "passed", "error")) == EXIT_FINDINGS


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_shop_answers_any_http_status_and_silence_is_named():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)  # 501 to every GET
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert shopcheck.silence(f"http://127.0.0.1:{server.server_port}/") is None
        assert shopcheck.silence(f"http://user:pa%40ss@127.0.0.1:{server.server_port}/") is None  # credentials stay out
    finally:
        server.shutdown()
        server.server_close()
    reason = shopcheck.silence(f"http://127.0.0.1:{_free_port()}/", timeout=2)
    assert reason is not None and "refused" in reason.lower()
