"""Every call a Playwright client makes to its driver, timed: where a script's wall time goes.

    .venv/bin/python benchmarks/playwright_calls.py [--rounds 2]

On its own: the demo happy path by the bare script and by journeyaudit (accessibility off), the
last of ``--rounds`` runs of each timed call by call and printed side by side. As a module:

    with CallClock() as clock:
        ...  # any Playwright code, in this process
    print("\n".join(side_by_side(bare_clock, clock, ("bare", "journeyaudit"))))

Used by ``overhead.py --calls`` to set the bare script's calls beside journeyaudit's, method by
method: how much of the difference is waiting (``Frame.waitForTimeout``), looking at elements
(``Frame.evalOnSelector``), reading the page (``Frame.evaluateExpression``) or taking pictures
(``CDPSession.send``). Wraps ``Connection.send_message_to_server`` of Playwright's Python client
(pinned in requirements.lock): a call is timed from the moment its message goes out until its
answer's future is done. Calls that overlap (a picture left on its way) are each counted whole;
the time with at least one call under way is counted once (``busy_s``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict


class Call:
    """One call: ``method`` is the object's type and the protocol method ("Frame.click")."""

    def __init__(self, method: str, start: float) -> None:
        self.method, self.start = method, start
        self.end: float | None = None


class CallClock:
    """The calls made while the block runs (plain classes: the benchmarks load this file without a package)."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.started = self.ended = 0.0

    def __enter__(self) -> CallClock:
        from playwright._impl import connection

        self._owner = connection.Connection
        self._original = original = connection.Connection.send_message_to_server
        calls = self.calls

        def timed(conn, owner, method, params, options):
            call = Call(f"{getattr(owner, '_type', '?')}.{method}", time.perf_counter())
            calls.append(call)
            future = original(conn, owner, method, params, options)
            try:
                future.add_done_callback(lambda _future: setattr(call, "end", time.perf_counter()))
            except AttributeError:  # not a future (an older client): counted as instant
                call.end = call.start
            return future

        self._owner.send_message_to_server = timed
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.ended = time.perf_counter()
        self._owner.send_message_to_server = self._original

    def by_method(self) -> dict[str, tuple[int, float]]:
        """method -> (calls, seconds), the calls that were answered."""
        totals: dict[str, list] = defaultdict(lambda: [0, 0.0])
        for call in self.calls:
            if call.end is not None:
                totals[call.method][0] += 1
                totals[call.method][1] += call.end - call.start
        return {method: (count, seconds) for method, (count, seconds) in totals.items()}

    def busy_s(self) -> float:
        """Seconds with at least one call under way (overlapping calls counted once)."""
        spans = sorted((call.start, call.end) for call in self.calls if call.end is not None)
        busy, reach = 0.0, float("-inf")
        for start, end in spans:
            if end > reach:
                busy += end - max(start, reach)
                reach = end
        return busy

    def wall_s(self) -> float:
        return self.ended - self.started


def side_by_side(left: CallClock, right: CallClock, names: tuple[str, str], top: int = 14) -> list[str]:
    """Lines: each method's calls and milliseconds on both sides, largest difference first."""
    a, b = left.by_method(), right.by_method()
    methods = sorted(set(a) | set(b), key=lambda m: -abs(b.get(m, (0, 0.0))[1] - a.get(m, (0, 0.0))[1]))
    lines = [f"  {'Playwright call':34} {names[0]:>16} {names[1]:>16} {'difference':>11}"]
    for method in methods[:top]:
        (na, sa), (nb, sb) = a.get(method, (0, 0.0)), b.get(method, (0, 0.0))
        lines.append(f"  {method:34} {na:5} {sa * 1000:7.0f} ms {nb:5} {sb * 1000:7.0f} ms {(sb - sa) * 1000:+8.0f} ms")
    for label, clock_a, clock_b in (("wall", left.wall_s(), right.wall_s()), ("a call under way", left.busy_s(), right.busy_s())):
        lines.append(f"  {label:34} {'':5} {clock_a * 1000:7.0f} ms {'':5} {clock_b * 1000:7.0f} ms "
                     f"{(clock_b - clock_a) * 1000:+8.0f} ms")
    idle = (left.wall_s() - left.busy_s(), right.wall_s() - right.busy_s())
    lines.append(f"  {'no call under way (Python, judging)':34} {'':5} {idle[0] * 1000:7.0f} ms {'':5} "
                 f"{idle[1] * 1000:7.0f} ms {(idle[1] - idle[0]) * 1000:+8.0f} ms")
    return lines


def happy_path_calls(base_url: str, out: str) -> list[str]:
    """One bare run and one journeyaudit run (accessibility off) of the demo happy path, side by side."""
    import bare_happy_path
    import overhead

    with CallClock() as bare:
        bare_happy_path.run(base_url)
    with CallClock() as ours:
        overhead.run_journeyaudit(base_url, False, out)
    return side_by_side(bare, ours, ("bare script", "journeyaudit"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="runs of each; the last is printed (the first warms up)")
    args = parser.parse_args()
    import overhead  # noqa: F401 - puts src/ on the path

    from journeyaudit.demo import DemoShop

    with DemoShop(host="127.0.0.1", port=0) as shop, tempfile.TemporaryDirectory() as out:
        for _ in range(max(1, args.rounds)):
            lines = happy_path_calls(shop.url, out)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
