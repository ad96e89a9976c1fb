"""``python -m journeyaudit.demo [--host H] [--port N] [--verbose]``: serve the demo shop until Ctrl-C."""

from __future__ import annotations

import argparse
import sys

from .shop import FAULTS, DemoShop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m journeyaudit.demo", description="Serve the Kettle & Crumb demo shop.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    parser.add_argument("--verbose", "-v", action="store_true", help="log every request")
    parser.add_argument("--smtp", metavar="HOST:PORT", help="deliver the shop's email over SMTP here")
    args = parser.parse_args(argv)
    smtp = None
    if args.smtp:
        host, _, port = args.smtp.rpartition(":")
        if not port.isdigit():
            parser.error(f"--smtp: expected HOST:PORT, got {args.smtp!r}")
        smtp = (host or "127.0.0.1", int(port))
    try:
        shop = DemoShop(host=args.host, port=args.port, quiet=not args.verbose, smtp=smtp).start()
    except OSError as exc:
        print(f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"Kettle & Crumb demo shop: {shop.url}/   (Ctrl-C to stop)")
    print(f"Fault switches: add ?fault=<name> to any URL ({', '.join(FAULTS)}); ?fault=none clears.", flush=True)
    try:
        shop.serve_forever()
    except KeyboardInterrupt:
        print("\nstopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
