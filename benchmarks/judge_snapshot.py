"""What judging the fixtures says, as one canonical JSON file: the check that a speed-up changed no finding.

    .venv/bin/python benchmarks/judge_snapshot.py --write /tmp/before.json   # on the commit before
    .venv/bin/python benchmarks/judge_snapshot.py --check /tmp/before.json   # on the commit after

Every recorded run in tests/fixtures/traces and tests/fixtures/shops is judged by every
rule with default settings. Kept per run: each finding (code, slug, severity, step, step
name, message, evidence, confidence), each rule's outcome, the promise ledger (built
inside a judgement and outside one), and each step's basket block and label/value pairs.
``--check`` prints the runs that differ and exits 1 if any does. Not a test: the file it
compares with belongs to one commit, and other branches change what rules say.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from journeyaudit.facts import computed, ledger, page_text  # noqa: E402
from journeyaudit.history import store  # noqa: E402
from journeyaudit.judge.engine import RuleSettings, judge_run, selected_rules  # noqa: E402
from journeyaudit.model_json import to_dict  # noqa: E402

FIXTURES = (ROOT / "tests" / "fixtures" / "traces", ROOT / "tests" / "fixtures" / "shops")


def snapshot_run(trace_dir: Path) -> dict[str, Any]:
    """One run judged, in plain data."""
    settings = RuleSettings()
    page_text.clear_text_caches()
    run = store.load_run(trace_dir)
    findings, outcomes = judge_run(run, selected_rules(settings), settings)
    outside = to_dict(ledger.build(store.load_run(trace_dir)))
    with computed.judging(run):
        inside = to_dict(ledger.build(run))
        steps = [{"index": step.index,
                  "block": repr(computed.basket_block(step)),
                  "pairs": [repr(pair) for pair in computed.label_value_pairs(step)],
                  "customer_texts": computed.customer_texts(step)} for step in run.steps]
    return {
        "findings": [{"code": f.code, "slug": f.slug, "severity": f.severity, "step": f.step,
                      "step_name": f.step_name, "message": f.message, "confidence": f.confidence,
                      "evidence": to_dict(f.evidence)} for f in findings],
        "outcomes": [[o.code, o.status, o.detail] for o in outcomes],
        "ledger": outside,
        "ledger_in_judgement_same": inside == outside,
        "steps": steps,
    }


def snapshot() -> dict[str, Any]:
    runs = {}
    for root in FIXTURES:
        for trace_dir in store.find_trace_dirs(root):
            runs[str(trace_dir.relative_to(ROOT))] = snapshot_run(trace_dir)
    return runs


def _differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    lines = []
    for name in sorted(set(before) | set(after)):
        if name not in before or name not in after:
            lines.append(f"{name}: only {'after' if name in after else 'before'}")
            continue
        for part in before[name]:
            if before[name][part] != after[name].get(part):
                lines.append(f"{name}: {part} differs")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path, help="write the snapshot to this file")
    group.add_argument("--check", type=Path, help="compare with a snapshot written before")
    args = parser.parse_args()
    now = snapshot()
    findings = sum(len(run["findings"]) for run in now.values())
    if args.write:
        args.write.write_text(json.dumps(now, indent=1, sort_keys=True, default=str), encoding="utf-8")
        print(f"{len(now)} runs, {findings} findings written to {args.write}")
        return 0
    before = json.loads(args.check.read_text(encoding="utf-8"))
    now = json.loads(json.dumps(now, default=str))
    differences = _differences(before, now)
    for line in differences:
        print(line)
    print(f"{len(now)} runs, {findings} findings: {'identical' if not differences else f'{len(differences)} differences'}")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
