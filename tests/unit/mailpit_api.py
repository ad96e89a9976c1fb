"""A Mailpit-compatible HTTP API, fed by real SMTP, for testing journeyaudit's Mailpit adapter.

No Mailpit binary is installable from the package registries this project uses
(Debian has Go 1.19, Mailpit needs Go >= 1.23; PyPI and npm only carry clients), so
this serves the part of Mailpit's documented API v1 the adapter reads, with the
documented response shapes:

* ``GET /api/v1/messages`` and ``GET /api/v1/search?query=...`` - message summaries,
  newest first (``ID``, ``MessageID``, ``From``, ``To``, ``Cc``, ``Bcc``, ``Subject``,
  ``Created`` as RFC 3339, ``Size``, ``Snippet``, ...), with ``total``/``count``/``start``;
  search understands ``to:``, ``from:`` and ``subject:`` terms (quoted or not) and
  plain words, as substring matches like Mailpit's;
* ``GET /api/v1/message/{ID}`` (or ``latest``), ``/raw`` and ``/headers``;
* ``DELETE /api/v1/messages``.

Messages arrive over real SMTP (aiosmtpd) on 127.0.0.1, as they would at Mailpit's
SMTP port. What this does NOT cover: Mailpit's full search language (dates, tags,
``is:``, negation), its storage, pagination limits and defaults, authentication,
its web UI and websocket events, and any difference between Mailpit versions.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import json
import re
import shlex
import threading
import urllib.parse
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


class _Store:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: list[dict] = []  # oldest first
        self.counter = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        raw = envelope.original_content or envelope.content
        with self.lock:
            self.counter += 1
            self.messages.append(
                {"ID": f"mp{self.counter:06d}X", "raw": raw, "created": datetime.now(timezone.utc), "rcpt": list(envelope.rcpt_tos)}
            )
        return "250 2.0.0 Ok: queued"


def _people(value) -> list[dict]:
    return [{"Name": name, "Address": addr} for name, addr in email.utils.getaddresses([str(v) for v in value or []]) if addr]


def _summary(item: dict) -> dict:
    msg = email.message_from_bytes(item["raw"], policy=email.policy.default)
    body = msg.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    sender = _people([msg.get("From", "")])
    return {
        "ID": item["ID"],
        "MessageID": str(msg.get("Message-ID", "")).strip("<>"),
        "Read": False,
        "From": sender[0] if sender else {"Name": "", "Address": ""},
        "To": _people(msg.get_all("To", [])),
        "Cc": _people(msg.get_all("Cc", [])),
        "Bcc": [{"Name": "", "Address": a} for a in item["rcpt"] if a.lower() not in str(msg.get("To", "")).lower()],
        "ReplyTo": _people(msg.get_all("Reply-To", [])),
        "Subject": str(msg.get("Subject", "")),
        "Created": item["created"].isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "Tags": [],
        "Size": len(item["raw"]),
        "Attachments": 0,
        "Snippet": " ".join(text.split())[:250],
    }


def _matches(summary: dict, query: str) -> bool:
    for term in shlex.split(query):
        field, sep, value = term.partition(":")
        if not sep:
            field, value = "", term
        value = value.lower()
        if field == "to":
            if not any(value in p["Address"].lower() for p in summary["To"] + summary["Cc"] + summary["Bcc"]):
                return False
        elif field == "from":
            if value not in summary["From"]["Address"].lower():
                return False
        elif field == "subject":
            if value not in summary["Subject"].lower():
                return False
        elif value not in (summary["Subject"] + " " + summary["Snippet"]).lower():
            return False
    return True


class _SmtpController(Controller):
    """aiosmtpd's controller on port 0: learns the port the system chose."""

    def _trigger_server(self):
        if self.port == 0 and self.server is not None:
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class _ApiHandler(BaseHTTPRequestHandler):
    """The subset of Mailpit's HTTP API that the adapter uses."""

    store: _Store  # set on a subclass per server

    def log_message(self, *args):
        pass

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, data, status: int = 200) -> None:
        self._send(status, json.dumps(data).encode())

    def do_GET(self):  # noqa: N802
        split = urllib.parse.urlsplit(self.path)
        with self.store.lock:
            items = list(self.store.messages)
        if split.path in ("/api/v1/messages", "/api/v1/search"):
            return self._list(split, items)
        match = re.fullmatch(r"/api/v1/message/([^/]+)(/raw|/headers)?", split.path)
        if match:
            return self._message(match.group(1), match.group(2), items)
        self._send(404, b"404 page not found", "text/plain")

    def _list(self, split, items) -> None:
        query = urllib.parse.parse_qs(split.query)
        summaries = [_summary(item) for item in reversed(items)]
        if split.path == "/api/v1/search":
            if not query.get("query"):
                return self._send(400, b"no search query", "text/plain")
            summaries = [s for s in summaries if _matches(s, query["query"][0])]
        start = int(query.get("start", ["0"])[0])
        limit = int(query.get("limit", ["50"])[0])
        page = summaries[start : start + limit]
        self._json(
            {"total": len(items), "unread": len(items), "count": len(page), "messages_count": len(summaries),
             "start": start, "tags": [], "messages": page}
        )

    def _message(self, wanted: str, part: str | None, items) -> None:
        item = items[-1] if wanted == "latest" and items else next((i for i in items if i["ID"] == wanted), None)
        if item is None:
            return self._send(404, b"message not found", "text/plain")
        if part == "/raw":
            return self._send(200, item["raw"], "text/plain; charset=utf-8")
        msg = email.message_from_bytes(item["raw"], policy=email.policy.default)
        if part == "/headers":
            headers: dict[str, list[str]] = {}
            for name, value in msg.items():
                headers.setdefault(name, []).append(str(value))
            return self._json(headers)
        text = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
        data = _summary(item)
        data.update(Text=text.get_content() if text else "", HTML=html.get_content() if html else "",
                    Date=data["Created"], ReturnPath="", Inline=[], Attachments=[])
        self._json(data)

    def do_DELETE(self):  # noqa: N802
        if urllib.parse.urlsplit(self.path).path != "/api/v1/messages":
            return self._send(404, b"404 page not found", "text/plain")
        with self.store.lock:
            self.store.messages.clear()
        self._send(200, b"ok", "text/plain")


class MailpitCompatible:
    """``with MailpitCompatible() as mp:`` - ``mp.url`` (HTTP API) and ``mp.smtp`` ("host:port")."""

    def __init__(self) -> None:
        self.store = _Store()
        self._smtp = _SmtpController(self.store, hostname="127.0.0.1", port=0)
        handler = type("Handler", (_ApiHandler,), {"store": self.store})
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._http.daemon_threads = True
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}"

    @property
    def smtp(self) -> str:
        return f"127.0.0.1:{self._smtp.port}"

    def __enter__(self) -> MailpitCompatible:
        self._smtp.start()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._smtp.stop()
