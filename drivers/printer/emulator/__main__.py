"""Run the emulated printer as a server for demos and manual tests.

    python -m drivers.printer.emulator tcp --port 9100 --out /tmp/receipts [--fault near_end]
    python -m drivers.printer.emulator tcp --fault paper_out_mid_job --fault-after 300
    python -m drivers.printer.emulator pty --flow xonxoff --out /tmp/receipts
Each job is written as receipt-NNN.png/.txt in --out. Ctrl-C stops it.
"""

from __future__ import annotations

import argparse
import sys
import time

from drivers.printer.emulator.interpreter import EPSON_CODEPAGES
from drivers.printer.emulator.printer import EmulatedPrinter
from drivers.printer.emulator.servers import PtyPrinterServer, TcpPrinterServer
from drivers.printer.settings import FAULTS, PRESETS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m drivers.printer.emulator", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=("tcp", "pty"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--flow", choices=("none", "xonxoff"), default="xonxoff", help="pty only")
    parser.add_argument("--preset", choices=sorted(PRESETS), default="generic-80",
                        help="code page slot/codec and paper width of the emulated printer")
    parser.add_argument("--out", help="directory for receipt-NNN.png/.txt")
    parser.add_argument("--fault", action="append", default=[], choices=FAULTS)
    parser.add_argument("--fault-after", type=int, default=300, metavar="BYTES",
                        help="job bytes before a *_mid_job fault, stop_reading or reset_once")
    args = parser.parse_args(argv)
    preset = PRESETS[args.preset]
    printer = EmulatedPrinter(out_dir=args.out, faults=args.fault, width_px=preset.width_px, fault_after=args.fault_after,
                              codepages={**EPSON_CODEPAGES, preset.codepage_slot: preset.codec})
    if args.kind == "tcp":
        server = TcpPrinterServer(printer, args.host, args.port).start()
        print(f"emulated printer on tcp {server.address[0]}:{server.address[1]}", flush=True)
    else:
        server = PtyPrinterServer(printer, flow_control=args.flow).start()
        print(f"emulated printer on serial {server.device} ({args.flow})", flush=True)
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        print(f"{len(printer.jobs)} job(s); undecoded sequences: {len(printer.interpreter.unknown)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
