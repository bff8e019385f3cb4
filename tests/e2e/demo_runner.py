"""Run the scripted demo journey in its own process (Kivy's window is one per process) and keep
what a privacy check needs: the log, and a copy of the kiosk's data folder taken before shutdown.

``python -m tests.e2e.demo_runner CONFIG OUT PIN`` writes OUT/log.jsonl, OUT/kiosk-data/ (without
the embedded gateway's own folder), OUT/certificate.der and the screenshots.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from pathlib import Path


def main(config: str, out: str, pin: str) -> int:
    os.environ.update({"KIVY_NO_ARGS": "1", "KIVY_NO_CONSOLELOG": "1", "KIVY_NO_FILELOG": "1",
                       "KIVY_LOG_MODE": "PYTHON"})
    from devtools.demo_walkthrough import walk_through
    from kiosk.logsetup import configure_logging

    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    log_file = (out_dir / "log.jsonl").open("w", encoding="utf-8")
    configure_logging("DEBUG", stream=log_file)

    def keep(kiosk) -> None:
        (out_dir / "certificate.der").write_bytes(kiosk.emulation.citizen_pki.auth_der)
        (out_dir / "final-screen.txt").write_text(kiosk.runtime.state.screen.value)
        shutil.copytree(kiosk.workdir, out_dir / "kiosk-data", ignore=shutil.ignore_patterns("gateway"))

    shots = out_dir / "screens"
    shots.mkdir(exist_ok=True)
    walk_through(config, shots, "lv", pin=pin, before_close=keep)
    logging.shutdown()
    log_file.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
