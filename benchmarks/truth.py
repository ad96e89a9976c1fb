"""Truth on real markup: re-judge the recorded real-storefront corpus and print what was found.

    .venv/bin/python benchmarks/truth.py

For each shop in tests/fixtures/shops/<shop>/ (recorded from examples/shops/<shop>/, no
browser needed) and its examples/shops/<shop>/expected.yaml: the induced defects found by
their codes, the controls that stayed silent, every high or critical finding that no
induced defect nor a known defect of the shop explains (false alarms or mis-weighted findings),
and the high or critical findings on clean journeys (no induced defect) counting the known ones
too: a known finding does not make a red CI job on a healthy shop less red; and the rules that
failed with an error on a journey (such a rule is silent, which would pass for "no finding"). Every finding of a
known code is listed with its severity. Printed, not asserted.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from journeyaudit.history import store  # noqa: E402
from journeyaudit.judge.engine import judge  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "shops"
SHOPS = ROOT / "examples" / "shops"
SERIOUS = ("high", "critical")


def _defects(spec: dict) -> list[list[str]]:
    return [[d] if isinstance(d, str) else list(d) for d in spec.get("expect", [])]


def judge_shop(shop: Path) -> dict:
    expected = yaml.safe_load((SHOPS / shop.name / "expected.yaml").read_text(encoding="utf-8")) or {}
    figures = {"defects": 0, "found": 0, "missed": [], "unexpected": [], "clean_serious": 0, "clean_serious_all": 0,
               "known": [], "journeys": 0, "errors": []}
    for folder in sorted(p for p in shop.iterdir() if (p / store.TRACE_FILE).is_file()):
        run = store.load_run(folder)
        spec = expected.get(run.journey_id, {})
        findings, outcomes = judge([run])
        codes = {f.code for f in findings}
        # a rule that crashed on this markup is silent: say so, or a miss or a false alarm hides behind it
        figures["errors"] += [f"{run.journey_id}: {o.code} {_line(o.detail)}" for o in outcomes if o.status == "error"]
        defects = _defects(spec)
        explained = {code for defect in defects for code in defect} | set(spec.get("known", []))
        figures["journeys"] += 1
        for defect in defects:
            figures["defects"] += 1
            if codes & set(defect):
                figures["found"] += 1
            else:
                figures["missed"].append(f"{run.journey_id}: none of {'/'.join(defect)}")
        for code in spec.get("absent", []):
            if code in codes:
                figures["unexpected"].append(f"{run.journey_id}: {code} fired on a control")
        known = set(spec.get("known", []))
        for finding in findings:
            if finding.code in known:
                figures["known"].append(f"{run.journey_id}: {finding.severity} {finding.code} {_line(finding.message)}")
            if finding.severity in SERIOUS and not defects:
                figures["clean_serious_all"] += 1
            if finding.severity in SERIOUS and finding.code not in explained:
                figures["unexpected"].append(f"{run.journey_id}: {finding.severity} {finding.code} {_line(finding.message)}")
                if not defects:
                    figures["clean_serious"] += 1
    return figures


def _line(message: str) -> str:
    """A finding's message on one line, shortened: page text may hold newlines or escape codes."""
    flat = " ".join("".join(ch if ch.isprintable() else " " for ch in message).split())
    return flat[:110]


def main() -> int:
    shops = sorted(p for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []
    if not shops:
        print("no recorded shops under tests/fixtures/shops")
        return 1
    for shop in shops:
        f = judge_shop(shop)
        print(f"{shop.name}: {f['journeys']} journeys; induced defects found {f['found']}/{f['defects']}; "
              f"unexpected high/critical findings {len(f['unexpected'])}; "
              f"high/critical on clean journeys {f['clean_serious']}; "
              f"high/critical on clean journeys, known included {f['clean_serious_all']}; rule errors {len(f['errors'])}")
        for line in f["errors"]:
            print(f"  error       {line}")
        for line in f["missed"]:
            print(f"  missed      {line}")
        for line in f["unexpected"]:
            print(f"  unexpected  {line}")
        for line in f["known"]:
            print(f"  known       {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
