"""A request queue in Redis that several crawl processes, on several machines, share (``crawl --queue URL``).

Crawlee's ``RedisStorageClient`` keeps the queue: a list of URLs waiting, a hash of the requests in
progress (each locked to the process that took it), and exact sets of the URLs added and handled, so
no URL is queued twice and no process takes a URL another one holds. The queue is opened by *name*:
Crawlee purges an *alias* queue whenever a process opens it, which would empty the queue under the
processes already working on it. Only the queue is in Redis; each process keeps its own results.

Crawlee needs Redis 8, or Redis 7 with the RedisJSON module (the queue's metadata is a JSON
document; RedisBloom too if the Bloom deduplication were chosen, which it is not: a Bloom filter's
false positives would skip pages). A process that dies holds the requests it had taken for
``LOCK_SECONDS`` (Crawlee's ``_BLOCK_REQUEST_TIME``); then any other process takes them again.
"""

from __future__ import annotations

import re
import warnings
from urllib.parse import urlsplit

from crawlee.configuration import Configuration
from crawlee.storages import RequestQueue

#: How long a request taken by a process stays locked to it (Crawlee's RedisRequestQueueClient._BLOCK_REQUEST_TIME).
LOCK_SECONDS = 300
SCHEMES = ("redis", "rediss", "unix")


class SharedQueueError(Exception):
    """The shared queue cannot be used: Redis unreachable, or without the JSON commands."""


def check_url(url: str) -> str | None:
    """Why ``url`` cannot name a Redis server, or None when it can."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        return f"the queue must be a Redis URL (redis://host:port/db, rediss://..., unix://...), not {url!r}"
    if parts.scheme != "unix" and not parts.hostname:
        return f"the queue URL {url!r} names no host (redis://host:port/db)"
    return None


def check_name(name: str) -> str | None:
    """Why ``name`` cannot name a queue (Crawlee's rule for storage names), or None when it can."""
    if not re.fullmatch(r"[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?", name):
        return f"a queue name has letters, digits and inner hyphens only, not {name!r}"
    return None


def masked(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(//[^:/@]*:)[^@/]*@", r"\1***@", url)


class SharedQueue:
    def __init__(self, url: str, name: str) -> None:
        self.url = url
        self.name = name
        self._redis = None

    @staticmethod
    def default_name(base_url: str) -> str:
        """One queue per shop: ``journeyaudit-<host>-<port>``."""
        parts = urlsplit(base_url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return re.sub(r"[^a-z0-9]+", "-", f"journeyaudit-{parts.hostname or 'shop'}-{port}".lower()).strip("-")

    async def open(self) -> RequestQueue:
        from crawlee import service_locator
        from crawlee.storage_clients import RedisStorageClient
        from redis.asyncio import Redis
        from redis.exceptions import RedisError, ResponseError

        # a queue cached by an earlier crawl in this process is bound to that crawl's closed connection
        service_locator.storage_instance_manager.clear_cache()
        self._redis = Redis.from_url(self.url)
        try:
            await self._redis.ping()
        except RedisError as exc:
            await self.close()
            raise SharedQueueError(f"cannot reach the shared queue at {masked(self.url)}: {exc}") from exc
        with warnings.catch_warnings():  # "RedisStorageClient is experimental": the user cannot act on it
            warnings.simplefilter("ignore", UserWarning)
            storage = RedisStorageClient(redis=self._redis)
        try:
            # named, and never purged on start: the other processes are already working on it
            queue = await RequestQueue.open(name=self.name, storage_client=storage,
                                            configuration=Configuration(purge_on_start=False))
            metadata = await queue.get_metadata()
        except ResponseError as exc:
            await self.close()
            raise SharedQueueError(
                f"the Redis server at {masked(self.url)} cannot hold the queue ({exc}): it needs Redis 8, or Redis 7 "
                "with the RedisJSON module loaded (see docs/crawl.md)"
            ) from exc
        if metadata.handled_request_count and not metadata.pending_request_count:
            await self.close()
            raise SharedQueueError(
                f"the shared crawl {self.name!r} at {masked(self.url)} has already finished "
                f"({metadata.handled_request_count} pages): give a new crawl a new --queue-name"
            )
        return queue

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None
