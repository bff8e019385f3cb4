"""The audit's ratchet (``tests/ui/audit-ratchet.json``): the most findings per rule that CI accepts.

``python -m devtools.audit.ratchet`` lowers the ratchet to the counts of the last report where they
fell (never raises it). ``--reset`` writes the report's counts as they are: a deliberate decision, for
a change that brings new screens or a new rule, made in a commit of its own.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from devtools.audit.rules import Rule

ABOUT = ("The most layout-audit findings per rule that tests/ui/test_ui_audit.py accepts (make ui-audit). "
         "Lower these numbers when the counts fall (python -m devtools.audit.ratchet); never raise them to "
         "make a change pass.")


def lowered(ratchet: dict[str, int], counts: dict[str, int]) -> dict[str, int]:
    """Each rule's limit, lowered to its count where the count is below it (a new rule starts at its count)."""
    return {rule.value: min(ratchet.get(rule.value, counts[rule.value]), counts[rule.value]) for rule in Rule}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.audit.ratchet", description=__doc__.splitlines()[0])
    parser.add_argument("--report", default="out/ui-audit/report.json")
    parser.add_argument("--ratchet", default="tests/ui/audit-ratchet.json")
    parser.add_argument("--reset", action="store_true", help="write the report's counts even where they grew")
    args = parser.parse_args(argv)
    counts = json.loads(Path(args.report).read_text(encoding="utf-8"))["counts"]
    path = Path(args.ratchet)
    old = json.loads(path.read_text(encoding="utf-8"))["counts"] if path.exists() and not args.reset else {}
    new = dict(counts) if args.reset else lowered(old, counts)
    path.write_text(json.dumps({"about": ABOUT, "counts": new}, ensure_ascii=False, indent=1) + "\n",
                    encoding="utf-8")
    for rule, limit in new.items():
        was = old.get(rule)
        note = "" if was is None or was == limit else f" (was {was})"
        grown = "  ← more findings than the ratchet allows" if not args.reset and counts[rule] > limit else ""
        print(f"{rule:<18} {limit}{note}{grown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
