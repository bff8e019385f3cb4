"""``python -m devtools.audit`` (``make ui-audit``): every reference panel in its own process, then
``OUT/report.json``, ``OUT/contact-sheet-<panel>.png`` and the totals printed last.

Findings do not change the exit status (``--strict`` makes any finding an error): while the screens
are redesigned, ``tests/ui/test_ui_audit.py`` holds the counts to the ratchet in
``tests/ui/audit-ratchet.json``. A panel process that fails is an error.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from devtools.audit.report import contact_sheet, merge, sheet_name, totals, write_report
from devtools.panels import REFERENCE_PANELS, parse_panel

PANEL_TIMEOUT_S = 2400  # a panel takes 2–5 min on a quiet 2-core machine, 15 on a loaded one


def _start(panel: str, out: Path, parts: list[str] | None) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "devtools.audit.panel", "--panel", panel, "--out", str(out / panel)]
    cmd += [a for part in parts or () for a in ("--part", part)]
    with (out / f"{panel}.log").open("wb") as log:
        return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                env={**os.environ, "KIVY_NO_CONSOLELOG": "1"})


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Interrupt a panel's process (it then stops its Xvfb and kiosk); kill it if it does not end."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.audit", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out/ui-audit", help="folder for report.json and the contact sheets")
    parser.add_argument("--panel", action="append", dest="panels", help="WIDTHxHEIGHT@INCH (repeatable; "
                        f"default: {' '.join(REFERENCE_PANELS)})")
    parser.add_argument("--jobs", type=int, default=2, help="panels audited at the same time")
    parser.add_argument("--part", action="append", dest="parts", help="only this part of the tour (repeatable)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when there is any finding")
    parser.add_argument("--keep", action="store_true",
                        help="keep OUT and reuse the panels that already have a part.json (resume a run)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the panels' processes on the way out
    panels = [parse_panel(p).name for p in (args.panels or REFERENCE_PANELS)]
    out = Path(args.out)
    if not args.keep:
        shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    waiting = [p for p in panels if not (args.keep and (out / p / "part.json").exists())]
    running: list[tuple[str, subprocess.Popen[bytes], float]] = []
    failed: list[str] = []
    try:
        while waiting or running:
            while waiting and len(running) < max(1, args.jobs):
                panel = waiting.pop(0)
                running.append((panel, _start(panel, out, args.parts), time.monotonic()))
            time.sleep(0.2)
            for item in list(running):
                panel, proc, since = item
                if proc.poll() is None and time.monotonic() - since > PANEL_TIMEOUT_S:
                    _stop(proc)
                if proc.poll() is not None:
                    running.remove(item)
                    if proc.returncode != 0:
                        failed.append(panel)
                        tail = (out / f"{panel}.log").read_text(errors="replace")[-3000:]
                        print(f"panel {panel} failed ({proc.returncode}):\n{tail}", file=sys.stderr)
    finally:
        for _panel, proc, _since in running:  # interrupted: each panel stops its own Xvfb and kiosk
            _stop(proc)
    if failed:
        return 2
    parts = [json.loads((out / panel / "part.json").read_text(encoding="utf-8")) for panel in panels]
    for part in parts:
        contact_sheet(part, out / part["panel"], out / sheet_name(part["panel"]))
    report = merge(parts)
    report["seconds"] = round(time.monotonic() - started, 1)
    path = write_report(report, out)
    print(f"report: {path}; contact sheets: {', '.join(str(out / sheet_name(p)) for p in panels)}")
    print(totals(report) + f"\n  ({report['seconds']} s)")
    return 1 if args.strict and report["findings"] else 0


if __name__ == "__main__":
    sys.exit(main())
