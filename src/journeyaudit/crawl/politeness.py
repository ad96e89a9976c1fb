"""Per-host politeness: at most N requests in flight to one host, and a gap between two of them.

Crawlee's concurrency settings are per crawler, not per host, and its Crawl-delay support
(``ThrottlingRequestManager``) keeps per-host queues cached for the life of the process. The crawl
sends every request, pages, robots.txt, sitemaps and product images, through one HTTP client, so
the limit sits there: :class:`PoliteHttpClient` is Crawlee's ``ImpitHttpClient`` with a
:class:`HostLimiter` around each request. The limits hold per process: several processes on a
shared queue (``--queue``) each keep their own.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from crawlee.http_clients import ImpitHttpClient


class HostLimiter:
    """At most ``concurrency`` requests in flight per host; ``delay`` seconds between the starts of two."""

    def __init__(self, concurrency: int | None = None, delay: float = 0.0) -> None:
        self.concurrency = concurrency
        self.delay = delay
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._turns: dict[str, asyncio.Lock] = {}
        self._next_start: dict[str, float] = {}

    @asynccontextmanager
    async def slot(self, url: str) -> AsyncIterator[None]:
        host = urlsplit(url).netloc.lower()
        if self.concurrency:
            semaphore = self._slots.setdefault(host, asyncio.Semaphore(self.concurrency))
            async with semaphore:
                await self._wait_turn(host)
                yield
        else:
            await self._wait_turn(host)
            yield

    async def _wait_turn(self, host: str) -> None:
        if self.delay <= 0:
            return
        loop = asyncio.get_running_loop()
        async with self._turns.setdefault(host, asyncio.Lock()):
            wait = self._next_start.get(host, 0.0) - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            self._next_start[host] = loop.time() + self.delay


class PoliteHttpClient(ImpitHttpClient):
    """Crawlee's impit client, each request taking its turn at its host (:class:`HostLimiter`)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.limiter = HostLimiter()

    def limit(self, concurrency: int | None, delay: float) -> None:
        """Set the limits; the hosts' last starts are kept (robots.txt is fetched before its Crawl-delay is known)."""
        if concurrency != self.limiter.concurrency:
            self.limiter._slots.clear()
        self.limiter.concurrency = concurrency
        self.limiter.delay = delay

    async def crawl(self, request, **kwargs):  # type: ignore[override]
        async with self.limiter.slot(request.url):
            return await super().crawl(request, **kwargs)

    async def send_request(self, url: str, **kwargs):  # type: ignore[override]
        async with self.limiter.slot(url):
            return await super().send_request(url, **kwargs)
