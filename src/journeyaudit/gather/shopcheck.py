"""Does the shop still answer? Asked after a journey that did not pass, so a shop that went away
mid-run is told as such (exit code 3), not as findings against every journey after it.

Standard library only (no Playwright), so the command line can read SHOP_GONE cheaply.
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.parse
import urllib.request

#: the start of a Run's error when the shop stopped answering; the exit code (3) is read from it
SHOP_GONE = "the shop stopped answering"


def silence(base_url: str, timeout: float = 10.0) -> str | None:
    """None when the shop gives any HTTP answer (a 404 or 500 is an answer); else why not, in a few words."""
    parts = urllib.parse.urlsplit(base_url)
    bare = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()  # user:password@ is not urllib's: a 401 is an answer
    try:
        urllib.request.urlopen(urllib.request.Request(bare, method="GET"), timeout=timeout).close()
    except (urllib.error.HTTPError, ValueError):  # an answer, or a URL we cannot ask: not silence
        return None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, socket.timeout | TimeoutError):
            return f"no answer within {timeout:g} s"
        return str(getattr(reason, "strerror", None) or reason)[:200]
    return None
