"""``make demo``: the kiosk on embedded defaults — emulated card, emulated printer writing receipt
PNGs, the reference gateway in-process on loopback.

With a display it opens the kiosk window (F2 inserts the demo card, F3 pulls it; PIN 1234).
Without one it runs a scripted walk-through under Xvfb — insert card → PIN → pick a service →
fill → submit → receipt → pull card — and prints the folder holding one screenshot per screen
and the receipt PNG.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import sys
import tempfile
from pathlib import Path

from kiosk.paths import config_dir

DEMO_PIN = "1234"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m devtools.demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default=str(config_dir() / "demo.toml"), help="settings (default: demo.toml)")
    parser.add_argument("--out", default="out/demo", help="folder for screenshots and receipts (emptied first)")
    parser.add_argument("--scripted", action="store_true", help="run the walk-through even with a display")
    parser.add_argument("--language", choices=("lv", "en"), default="lv", help="language of the walk-through")
    parser.add_argument("--screenshots", metavar="DIR",
                        help="walk through in Latvian and English, writing NN-<screen>-lv.png / -en.png to DIR "
                             "(every screen, errors included: python -m devtools.tour --out DIR)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    kivy_home = Path(tempfile.mkdtemp(prefix="pietura-kivy-"))
    os.environ.update({"KIVY_HOME": str(kivy_home), "KIVY_NO_ARGS": "1", "KIVY_NO_CONSOLELOG": "1",
                       "KIVY_NO_FILELOG": "1", "KIVY_LOG_MODE": "PYTHON"})
    from kiosk.logsetup import configure_logging

    configure_logging("WARNING")
    try:
        if args.screenshots:
            return _scripted(args, Path(args.screenshots), ("lv", "en"), clean=False)
        if os.environ.get("DISPLAY") and not args.scripted:
            return _interactive(args)
        return _scripted(args, Path(args.out), (args.language,), clean=True)
    finally:
        shutil.rmtree(kivy_home, ignore_errors=True)


def _scripted(args: argparse.Namespace, out: Path, languages: tuple[str, ...], clean: bool) -> int:
    from devtools.demo_walkthrough import walk_through
    from devtools.xvfb import virtual_display

    if clean and out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    if os.environ.get("DISPLAY"):
        written = [walk_through(args.config, out, lang) for lang in languages]
    else:
        with virtual_display():
            written = [walk_through(args.config, out, lang) for lang in languages]
    files = sorted(p.name for batch in written for p in batch)
    print(f"Demo walk-through finished: {len(files)} files in {out.resolve()}")
    for name in files:
        print(f"  {name}")
    return 0


def _interactive(args: argparse.Namespace) -> int:
    from kiosk import bootstrap
    from kiosk.settings import load_settings
    from kiosk.ui.app import KioskApp

    settings = load_settings(args.config)
    receipts = Path(args.out).resolve() / "receipts"
    receipts.mkdir(parents=True, exist_ok=True)
    printer = settings.printer
    settings = dataclasses.replace(settings, printer=printer.replace(
        emulator=dataclasses.replace(printer.emulator, out_dir=str(receipts))))
    kiosk = bootstrap.build(settings)
    emulation = kiosk.emulation

    class DemoApp(KioskApp):
        def _on_key(self, window, key, scancode, codepoint, modifiers):
            if key == 283:  # F2: insert the demo card
                emulation.insert()
                return True
            if key == 284:  # F3: pull the card
                emulation.remove()
                return True
            return super()._on_key(window, key, scancode, codepoint, modifiers)

    print(f"Pietura demo: F2 inserts the demo card (PIN {DEMO_PIN}), F3 pulls it. "
          f"Receipts are written to {receipts}")
    kiosk.start()
    try:
        app = DemoApp(kiosk.runtime, kiosk.settings, fullscreen=False)
        app.allow_exit()
        app.run()
    finally:
        kiosk.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
