"""Receipt figures: bytes per receipt and build time per preset and QR mode.

Goal: <= 2 KB with native QR, <= 50 ms to build. Also prints the time the bytes take
on a serial line at common baud rates (10 bits per byte). Run: .venv/bin/python bench/receipt.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from pathlib import Path

from drivers.printer.emulator import EscposInterpreter
from drivers.printer.emulator.interpreter import codepages_for
from drivers.printer.printer import ReceiptPrinter
from drivers.printer.settings import PRESETS
from kiosk.i18n import Translator
from kiosk.receipts import ProxyFacts, Receipt, ReceiptFacts, Site, build_receipt, to_document

RUNS = 30


SAMPLE = {  # the service's words as the flow hands them over, in the session's language
    "lv": dict(service_title="Dzīvesvietas deklarēšana",
               institution="Pilsonības un migrācijas lietu pārvalde (PMLP)",
               summary=(("Deklarē dzīvesvietu", "Savu"), ("Dzīvo tur kopš", "01.11.2026."))),
    "en": dict(service_title="Declaring your place of residence",
               institution="Office of Citizenship and Migration Affairs (PMLP)",
               summary=(("Whose residence", "My own"), ("Living there since", "1 November 2026"))),
}


def sample_receipt(language: str = "lv") -> Receipt:
    facts = ReceiptFacts(
        language=language, reference="EP-2026-0004711", pending=False,
        processing_time=10, short_code="K7Q2", status_url="https://pietura.example.lv/s",
        assisted=True, proxy=ProxyFacts("ANNA LIEPA", "PLN-2026-17"), citizen_initials="JĀNIS BĒRZIŅŠ",
        **SAMPLE[language])  # type: ignore[arg-type]
    site = Site("Rīgas Centrālā bibliotēka", "Brīvības iela 49/53, Rīga", "LV-RCB-01", "+371 67 000 000")
    return build_receipt(facts, site, dt.datetime(2026, 11, 26, 14, 5, tzinfo=dt.UTC))


def main() -> None:
    translator = Translator("lv")
    receipt = sample_receipt()
    print(f"{'preset':16} {'qr':7} {'bytes':>6} {'build ms (median)':>18} {'max ms':>7} "
          f"{'9600 Bd s':>9} {'38400 Bd s':>10} {'115200 Bd s':>11}  goal")
    for name, preset in PRESETS.items():
        for mode in ("native", "image"):
            settings = preset.replace(qr_mode=mode)
            printer = ReceiptPrinter(settings)
            printer.build(to_document(receipt, translator, settings.paper_mm))  # warm-up: profile load, fonts
            times = []
            for _ in range(RUNS):
                start = time.perf_counter()
                data = printer.build(to_document(receipt, translator, settings.paper_mm))
                times.append((time.perf_counter() - start) * 1000)
            median = statistics.median(times)
            goal = "ok" if median <= 50 and (mode == "image" or len(data) <= 2048) else "MISSED"
            print(f"{name:16} {mode:7} {len(data):6d} {median:18.2f} {max(times):7.2f} "
                  f"{len(data) * 10 / 9600:9.2f} {len(data) * 10 / 38400:10.2f} {len(data) * 10 / 115200:11.3f}  {goal}")


def previews(out_dir: Path) -> None:
    """PNG + TXT of the sample receipt for every preset (lv), decoded from the exact bytes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = [(name, "lv") for name in PRESETS] + [("epson-tm-t20ii", "en"), ("generic-58", "en")]
    for name, lang in jobs:
        settings = PRESETS[name]
        data = ReceiptPrinter(settings).build(to_document(sample_receipt(lang), Translator(lang), settings.paper_mm))
        interp = EscposInterpreter(codepages_for(settings.codepage_slot, settings.codec))
        interp.feed(data)
        interp.finish()
        if interp.unknown or interp.replacements:
            raise SystemExit(f"{name}: undecoded bytes {interp.unknown[:3]} / {interp.replacements} replacements")
        stem = out_dir / f"receipt-{name}-{lang}"
        interp.render_png(f"{stem}.png", settings.width_px)
        Path(f"{stem}.txt").write_text(interp.transcript(), encoding="utf-8")
        print(f"{stem}.png  {len(data)} bytes")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--previews", metavar="DIR", type=Path, help="also write receipt PNGs (docs/receipts)")
    options = parser.parse_args()
    main()
    if options.previews:
        previews(options.previews)
