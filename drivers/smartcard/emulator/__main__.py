"""``python -m drivers.smartcard.emulator --variant lv-rsa --vpcd 127.0.0.1:35963 [--pki DIR]``."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from drivers.smartcard.emulator.card import EmulatedCard
from drivers.smartcard.emulator.faults import CardFaults
from drivers.smartcard.emulator.people import DEMO_CITIZEN, DEMO_PIN1, DEMO_PIN2, DEMO_PUK, DEMO_STAFF
from drivers.smartcard.emulator.pki import VARIANTS, CardPki, make_pki
from drivers.smartcard.emulator.vpcd import DEFAULT_PORT, VpcdCard


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m drivers.smartcard.emulator",
                                     description="Plug an emulated eID card into pcscd's vpcd reader.")
    parser.add_argument("--variant", choices=VARIANTS, default="lv-rsa")
    parser.add_argument("--vpcd", default=f"127.0.0.1:{DEFAULT_PORT}", metavar="HOST:PORT")
    parser.add_argument("--pki", type=Path, help="load certificates from DIR, or create and save them there")
    parser.add_argument("--holder", choices=("citizen", "staff"), default="citizen")
    parser.add_argument("--fault", default="", help="e.g. pull-after=5 | mute | slow=0.2 | t0 | corrupt=3 | late=24:3 "
                        "(the first PIN change is done, its answer 3 s late) | pin2-blocked | pin2-tries=1 | sign=error")
    parser.add_argument("--pin1", default=DEMO_PIN1)
    parser.add_argument("--pin2", default=DEMO_PIN2)
    parser.add_argument("--puk", default=DEMO_PUK)
    args = parser.parse_args(argv)

    holder = DEMO_STAFF if args.holder == "staff" else DEMO_CITIZEN
    if args.pki and (args.pki / "auth.pem").exists():
        pki = CardPki.load(args.pki)
    else:
        pki = make_pki(holder, args.variant)
        if args.pki:
            pki.save(args.pki)
    card = EmulatedCard(args.variant, pki=pki, pin1=args.pin1, pin2=args.pin2, puk=args.puk,
                        faults=CardFaults.parse(args.fault))
    host, _, port = args.vpcd.rpartition(":")
    plug = VpcdCard(card, host or "127.0.0.1", int(port))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    plug.insert(timeout=30.0)
    print(f"emulated {args.variant} card inserted into vpcd at {args.vpcd}", file=sys.stderr, flush=True)
    while not stop.is_set() and not plug.wait_closed(0.2):
        pass
    plug.remove()
    return 0


if __name__ == "__main__":
    sys.exit(main())
