"""A site of fixed pages on 127.0.0.1, for the end-to-end tests that need pages of their own, and a journey run on it."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from journeyaudit import model


@contextlib.contextmanager
def serve(pages: Mapping[str, bytes], types: Mapping[str, str] | None = None) -> Iterator[str]:
    """Serve ``pages`` (path -> body; the query is ignored) as HTML, or as ``types`` says; yields the base URL."""
    types = dict(types or {})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            path = self.path.split("?", 1)[0]
            body = pages.get(path)
            self.send_response(200 if body is not None else 404)
            body = body if body is not None else b"not found"
            self.send_header("Content-Type", types.get(path, "text/html; charset=utf-8"))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def run_steps(site: str, run_dir: Path, steps: list[model.Step], name: str) -> model.Run:
    """The steps as journey ``name`` in real Chromium against ``site`` (accessibility off); it must pass."""
    from journeyaudit.gather.browser import find_browser
    from journeyaudit.gather.runner import Runner, RunnerOptions

    journey = model.Journey(name, name, f"{name}.yaml", steps=steps)
    options = RunnerOptions(base_url=site, browser=find_browser(), action_timeout_ms=8000, accessibility=False)
    with Runner(options) as runner:
        run = runner.run(journey, run_dir)
    assert run.status == "passed", (run.error, [s.error for s in run.steps])
    return run
