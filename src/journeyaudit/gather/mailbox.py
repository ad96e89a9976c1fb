"""Mail capture: where the shop's email to a journey's customer is read from.

One small interface, :class:`Mailbox`, with two implementations:

* :class:`SmtpSink` - an SMTP server (aiosmtpd) on 127.0.0.1 that ``journeyaudit run``
  starts when the profile says ``mail: {capture: smtp}``; a staging shop (or the
  built-in demo shop) is pointed at it and delivers its mail there;
* :class:`MailpitMailbox` - reads a Mailpit server's HTTP API
  (``mail: {mailpit: http://host:8025}``) for teams that already run one.

Every journey gets its own recipient address (:func:`inbox_address`): the base
address plus-addressed with a per-audit token and the journey's id, so parallel
runs and other journeys never see each other's mail. Both mailboxes hand back
:class:`journeyaudit.model.EmailMessage`, parsed from the raw message by
:func:`parse_message`, so the rules see the same thing whichever mailbox caught it.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import hashlib
import json
import re
import secrets
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from bs4 import BeautifulSoup

from journeyaudit import model

#: Headers kept on each message: the ones rules and reports reason about.
HEADERS_OF_INTEREST: tuple[str, ...] = (
    "From",
    "To",
    "Date",
    "Message-ID",
    "Reply-To",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "List-Id",
    "Precedence",
    "Auto-Submitted",
    "X-Campaign",
)

#: The placeholder a journey writes where the customer's email address goes.
INBOX_PLACEHOLDER = "{inbox}"

#: every email action's name (journey.py validates them, mail_actions.py runs them)
EMAIL_ACTIONS = (
    "wait_for_email",
    "expect_emails",
    "follow_email_link",
    "expect_email_header",
    "trigger_mailing",
    "watch_inbox",
)

_URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)


# --------------------------------------------------------------------------
# Addresses
# --------------------------------------------------------------------------


def new_token() -> str:
    """A short random token that makes one audit's addresses its own."""
    return secrets.token_hex(4)


def inbox_address(base: str, journey_id: str, token: str) -> str:
    """``customer@mail.test`` -> ``customer+<token>-<journey-id>@mail.test``.

    Plus-addressing keeps the address deliverable by any shop (RFC 5233 subaddress),
    while making it unique per audit run and journey.
    """
    local, _, domain = base.rpartition("@")
    if not local or not domain:
        raise ValueError(f"mail address {base!r} is not of the form name@domain")
    tag = re.sub(r"[^a-z0-9-]+", "-", journey_id.lower()).strip("-")[:40] or "journey"
    return f"{local}+{token}-{tag}@{domain}"


def uses_inbox(journey: model.Journey) -> bool:
    """True when the journey writes ``{inbox}`` anywhere or has an email action."""
    for step in journey.steps:
        for action in step.actions:
            if action.name in EMAIL_ACTIONS:
                return True
            if any(isinstance(v, str) and INBOX_PLACEHOLDER in v for v in action.params.values()):
                return True
    return False


def fill_inbox(params: dict[str, Any], address: str) -> dict[str, Any]:
    """The action's parameters with ``{inbox}`` replaced by the journey's address."""
    return {
        key: value.replace(INBOX_PLACEHOLDER, address) if isinstance(value, str) else value
        for key, value in params.items()
    }


# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------


def _html_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "head"]):
        tag.decompose()
    text = soup.get_text("\n")
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def html_links(html: str) -> list[tuple[str, str]]:
    """(anchor text, href) of every link in an HTML body, in order."""
    if not html:
        return []
    soup = BeautifulSoup(html, "html.parser")
    return [(a.get_text(" ", strip=True), str(a["href"])) for a in soup.find_all("a", href=True)]


def _links(text: str, html: str) -> list[str]:
    found: list[str] = [href for _, href in html_links(html) if href.lower().startswith(("http://", "https://"))]
    found += [m.group(0).rstrip(".,;:") for m in _URL.finditer(text or "")]
    return list(dict.fromkeys(found))


def _decode(part: Any) -> str:
    try:
        return str(part.get_content())
    except (LookupError, UnicodeError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", "replace")


def parse_message(
    raw: bytes,
    *,
    message_id: str = "",
    received_at: float | None = None,
    envelope_from: str = "",
    envelope_to: Iterable[str] = (),
) -> model.EmailMessage:
    """Raw RFC 5322 bytes -> :class:`EmailMessage` (text, HTML, headers of interest, links)."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    text_part = msg.get_body(preferencelist=("plain",))
    html_part = msg.get_body(preferencelist=("html",))
    html = _decode(html_part) if html_part is not None else ""
    text = _decode(text_part) if text_part is not None else (_html_text(html) if html else "")
    headers: dict[str, str] = {}
    for name in HEADERS_OF_INTEREST:
        value = msg.get(name)
        if value is not None:
            headers[name] = " ".join(str(value).split())
    recipients = [addr for _, addr in email.utils.getaddresses([str(v) for v in msg.get_all("To", [])]) if addr]
    for rcpt in envelope_to:
        if rcpt.lower() not in {r.lower() for r in recipients}:
            recipients.append(rcpt)
    sender = email.utils.parseaddr(str(msg.get("From", "")))[1] or envelope_from
    if received_at is None:
        try:
            received_at = email.utils.parsedate_to_datetime(str(msg["Date"])).timestamp()
        except (TypeError, ValueError):
            received_at = time.time()
    if not message_id:
        message_id = hashlib.sha1(raw).hexdigest()[:16]
    return model.EmailMessage(
        id=message_id,
        received_at=received_at,
        sender=sender,
        recipients=recipients,
        subject=" ".join(str(msg.get("Subject", "")).split()),
        text=text.strip(),
        html=html,
        headers=headers,
        links=_links(text, html),
    )


# --------------------------------------------------------------------------
# The interface
# --------------------------------------------------------------------------


class Mailbox(Protocol):
    """Where captured mail is read from. Implementations are thread-safe."""

    #: one line for reports and logs: "SMTP sink on 127.0.0.1:40125"
    description: str
    #: where a shop should deliver (host, port), when this mailbox knows it
    smtp_address: tuple[str, int] | None

    def messages(self, recipient: str) -> list[model.EmailMessage]:
        """Every message to ``recipient`` so far, oldest first."""
        ...

    def close(self) -> None: ...


class MailboxError(RuntimeError):
    """The mailbox could not be started or read (a clear one-line reason)."""


# --------------------------------------------------------------------------
# The built-in SMTP sink
# --------------------------------------------------------------------------


class _Collector:
    """aiosmtpd handler: keeps every message it is given, with its envelope."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[tuple[str, float, str, list[str], bytes]] = []
        self.count = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        with self.lock:
            self.count += 1
            self.received.append(
                (f"smtp-{self.count}", time.time(), envelope.mail_from or "", list(envelope.rcpt_tos), raw)
            )
        return "250 Message accepted for delivery"


class SmtpSink:
    """An SMTP server on 127.0.0.1 that accepts every message and keeps it in memory.

    ``SmtpSink(port=0)`` picks a free port; :attr:`smtp_address` tells the shop
    where to deliver. Nothing is relayed anywhere.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        from aiosmtpd.controller import Controller

        class _Controller(Controller):
            def _trigger_server(self) -> None:  # learn the port the OS chose for port 0
                if self.port == 0 and self.server is not None:
                    self.port = self.server.sockets[0].getsockname()[1]
                super()._trigger_server()

        self._collector = _Collector()
        self._controller = _Controller(self._collector, hostname=host, port=port, ready_timeout=10)
        try:
            self._controller.start()
        except OSError as exc:
            raise MailboxError(f"cannot start the SMTP sink on {host}:{port}: {exc.strerror or exc}") from None
        self.smtp_address: tuple[str, int] | None = (host, int(self._controller.port))
        self.description = f"SMTP sink on {host}:{self._controller.port}"
        self._parsed: dict[str, model.EmailMessage] = {}

    def messages(self, recipient: str) -> list[model.EmailMessage]:
        with self._collector.lock:
            received = list(self._collector.received)
        out = []
        for message_id, at, mail_from, rcpt_tos, raw in received:
            if recipient.lower() not in {r.lower() for r in rcpt_tos}:
                continue
            if message_id not in self._parsed:
                self._parsed[message_id] = parse_message(
                    raw, message_id=message_id, received_at=at, envelope_from=mail_from, envelope_to=rcpt_tos
                )
            out.append(self._parsed[message_id])
        return out

    def close(self) -> None:
        if self.smtp_address is not None:
            self._controller.stop()
            self.smtp_address = None

    def __enter__(self) -> SmtpSink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --------------------------------------------------------------------------
# Mailpit
# --------------------------------------------------------------------------


class MailpitMailbox:
    """Reads a Mailpit server through its HTTP API (``/api/v1/search``, ``/api/v1/message/{ID}/raw``).

    The raw message is parsed by :func:`parse_message`, so headers, bodies and links
    are read exactly as for the SMTP sink. ``smtp`` ("host:port") is where the shop
    delivers to Mailpit, needed only when journeyaudit starts the demo shop.
    """

    def __init__(self, url: str, smtp: str | None = None, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.description = f"Mailpit at {self.url}"
        self.smtp_address: tuple[str, int] | None = None
        if smtp:
            host, _, port = smtp.rpartition(":")
            self.smtp_address = (host or "127.0.0.1", int(port))
        self._parsed: dict[str, model.EmailMessage] = {}

    def _get(self, path: str, **query: Any) -> bytes:
        address = f"{self.url}{path}"
        if query:
            address += "?" + urllib.parse.urlencode(query)
        try:
            with urllib.request.urlopen(address, timeout=self.timeout) as response:
                return response.read()
        except OSError as exc:
            raise MailboxError(f"cannot read Mailpit at {self.url}: {getattr(exc, 'reason', exc)}") from None

    def messages(self, recipient: str) -> list[model.EmailMessage]:
        data = json.loads(self._get("/api/v1/search", query=f'to:"{recipient}"', limit=500))
        summaries = [m for m in data.get("messages") or [] if _mailpit_to(m, recipient)]
        out = []
        for summary in summaries:
            message_id = str(summary["ID"])
            if message_id not in self._parsed:
                raw = self._get(f"/api/v1/message/{urllib.parse.quote(message_id)}/raw")
                self._parsed[message_id] = parse_message(
                    raw, message_id=message_id, received_at=_mailpit_time(summary.get("Created")), envelope_to=[recipient]
                )
            out.append(self._parsed[message_id])
        return sorted(out, key=lambda m: m.received_at)

    def close(self) -> None:
        pass


def _mailpit_to(summary: dict[str, Any], recipient: str) -> bool:
    """Mailpit's search is a substring match; keep only exact recipients."""
    people = (summary.get("To") or []) + (summary.get("Cc") or []) + (summary.get("Bcc") or [])
    return any(str(p.get("Address", "")).lower() == recipient.lower() for p in people)


def _mailpit_time(value: Any) -> float | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


# --------------------------------------------------------------------------
# From a profile
# --------------------------------------------------------------------------


def open_mailbox(settings: Any) -> Mailbox:
    """The mailbox an audit's ``mail`` settings ask for (see config.MailSpec)."""
    if settings.mailpit:
        return MailpitMailbox(settings.mailpit, smtp=settings.smtp)
    return SmtpSink(host=settings.host, port=settings.port)
