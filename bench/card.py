"""Card benchmarks through real pcscd + vpcd + the emulator (figures printed, never asserted).

* card-present event → identity ready (median, p95 over ≥30 insertions), with pcscd's own time to
  notice the card reported separately (vpcd is polled by pcscd; outside our control);
* PIN → signature (Web eID token, signature verified locally);
* APDUs per operation next to the floor;
* OpenSC ``pkcs15-tool --read-certificate`` on the ee-2018 variant (APDUs, time) for comparison;
* pcscd killed → ServiceUnavailable → restarted → ServiceRestored (only with a pcscd started here).

Run: ``.venv/bin/python bench/card.py [--runs 30]``.
"""

from __future__ import annotations

import argparse
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drivers.smartcard.cards import CHUNK, open_eid  # noqa: E402
from drivers.smartcard.emulator import EmulatedCard, make_pki  # noqa: E402
from drivers.smartcard.emulator.pcscd import (  # noqa: E402
    VPCD_READER,
    PcscdService,
    PcscdUnavailable,
    machine_pcscd,
)
from drivers.smartcard.emulator.vpcd import VpcdCard  # noqa: E402
from drivers.smartcard.pins import Pin  # noqa: E402
from drivers.smartcard.readers import (  # noqa: E402
    CardInserted,
    CardRemoved,
    PcscReaders,
    ServiceRestored,
    ServiceUnavailable,
)
from kiosk.auth.webeid import build_auth_token  # noqa: E402

ORIGIN = "https://bench.example"
NONCE = "QmVuY2htYXJrIG5vbmNlIGZvciBQaWV0dXJhIGNhcmRzIQ=="


def ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"median {statistics.median(ordered) * 1000:7.2f} ms   p95 {p95 * 1000:7.2f} ms   (n={len(ordered)})"


class Events:
    def __init__(self) -> None:
        self.q: queue.Queue = queue.Queue()

    def __call__(self, event) -> None:
        self.q.put((time.perf_counter(), event))

    def wait(self, kind: type, timeout: float = 20.0):
        deadline = time.monotonic() + timeout
        while True:
            stamp, event = self.q.get(timeout=max(0.01, deadline - time.monotonic()))
            if isinstance(event, kind) and getattr(event, "reader", VPCD_READER) == VPCD_READER:
                return stamp, event


def insert_to_identity(readers: PcscReaders, events: Events, pki, variant: str, runs: int) -> None:
    notice, ours, sign, apdus = [], [], [], []
    for _ in range(runs):
        card = EmulatedCard(variant, pki=pki)
        plug = VpcdCard(card)
        plug.insert()
        plugged = time.perf_counter()
        seen, _event = events.wait(CardInserted)
        transport = readers.connect(VPCD_READER)
        eid = open_eid(transport)
        eid.read_identity()
        ready = time.perf_counter()
        identity_apdus = transport.apdu_count
        started = time.perf_counter()
        build_auth_token(eid, bytearray(b"1234"), ORIGIN, NONCE)
        signed = time.perf_counter()
        auth_apdus = transport.apdu_count - identity_apdus
        eid.pin_tries((Pin.PIN1, Pin.PUK, Pin.PIN2))
        eid.close()
        plug.remove()
        events.wait(CardRemoved)
        notice.append(seen - plugged)
        ours.append(ready - seen)
        sign.append(signed - started)
        apdus.append((identity_apdus, auth_apdus, transport.apdu_count - identity_apdus - auth_apdus))
    cert_len = len(pki.auth_der)
    chunks = -(-cert_len // CHUNK)
    id_floor = (2 + chunks) if variant == "ee-2018" else (5 + 2 + chunks)
    auth_floor = 4 if variant == "ee-2018" else 4 + 2
    print(f"[{variant}] certificate {cert_len} bytes = {chunks} READ BINARY of 0x{CHUNK:X}")
    print(f"  pcscd notices the card (vpcd connect → CardInserted): {ms(notice)}")
    print(f"  CardInserted → identity ready (ours):                 {ms(ours)}")
    print(f"  PIN → signature (token built, verified locally):      {ms(sign)}")
    print(f"  APDUs: identity {apdus[0][0]} (floor {id_floor}), authentication {apdus[0][1]} "
          f"(floor {auth_floor}: SELECT, MSE, VERIFY, INTERNAL AUTHENTICATE"
          f"{'' if variant == 'ee-2018' else ' + PrKDF SELECT/READ once'})")
    print(f"  APDUs: all three PIN counters {apdus[0][2]} (floor 5: SELECT MAIN, PIN1, PUK, SELECT QSCD, PIN2)")


def opensc_comparison(pki, readers: PcscReaders, events: Events) -> None:
    if not shutil.which("pkcs15-tool"):
        print("[opensc] pkcs15-tool not installed: comparison skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        conf = Path(tmp) / "opensc.conf"
        conf.write_text("app default {\n  framework pkcs15 {\n    use_file_caching = no;\n  }\n}\n")
        env = {**os.environ, "OPENSC_CONF": str(conf)}
        card = EmulatedCard("ee-2018", pki=pki)
        plug = VpcdCard(card)
        plug.insert()
        events.wait(CardInserted)
        before = card.apdu_count
        started = time.perf_counter()
        subprocess.run(["pkcs15-tool", "--reader", VPCD_READER, "--read-certificate", "01"], env=env,
                       capture_output=True, check=True, timeout=60)
        opensc_time = time.perf_counter() - started
        opensc_apdus = card.apdu_count - before
        before = card.apdu_count
        started = time.perf_counter()
        transport = readers.connect(VPCD_READER)
        eid = open_eid(transport)
        eid.read_auth_certificate()
        ours_time = time.perf_counter() - started
        ours_apdus = card.apdu_count - before
        eid.close()
        plug.remove()
        events.wait(CardRemoved)
    print("[opensc] same ee-2018 authentication certificate:")
    print(f"  OpenSC pkcs15-tool --read-certificate: {opensc_apdus:3d} APDUs, {opensc_time * 1000:7.1f} ms "
          "(whole process)")
    print(f"  Pietura driver (connect + identify + read): {ours_apdus:3d} APDUs, {ours_time * 1000:7.1f} ms")


def recovery(service: PcscdService, readers: PcscReaders, events: Events, pki) -> None:
    card = EmulatedCard("lv-ec", pki=pki)
    plug = VpcdCard(card)
    plug.insert()
    events.wait(CardInserted)
    killed = time.perf_counter()
    service.kill()
    gone, _ = events.wait(ServiceUnavailable)
    plug.remove()
    restarted = time.perf_counter()
    service.start()
    back, _ = events.wait(ServiceRestored, timeout=30)
    plug = VpcdCard(EmulatedCard("lv-ec", pki=pki))
    plug.insert()
    events.wait(CardInserted)
    eid = open_eid(readers.connect(VPCD_READER))
    eid.read_identity()
    ready = time.perf_counter()
    eid.close()
    plug.remove()
    events.wait(CardRemoved)
    print("[recovery] pcscd killed and restarted:")
    print(f"  kill → ServiceUnavailable: {(gone - killed) * 1000:7.1f} ms")
    print(f"  pcscd start → ServiceRestored: {(back - restarted) * 1000:7.1f} ms "
          f"(pcscd startup included; monitor retry interval {readers.retry_interval * 1000:.0f} ms)")
    print(f"  pcscd start → card re-inserted → identity: {(ready - restarted) * 1000:7.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    try:
        with machine_pcscd("pietura-bench-") as service:
            return _bench(service, args.runs)
    except PcscdUnavailable as exc:
        print(exc, file=sys.stderr)
        return 1


def _bench(service: PcscdService, runs: int) -> int:
    events = Events()
    readers = PcscReaders(poll_timeout=0.5, retry_interval=0.1)
    readers.start(events)
    try:
        pkis = {v: make_pki(variant=v) for v in ("lv-rsa", "lv-ec", "ee-2018")}
        for variant in ("lv-ec", "lv-rsa", "ee-2018"):
            insert_to_identity(readers, events, pkis[variant], variant, runs)
        opensc_comparison(pkis["ee-2018"], readers, events)
        if service.owned:
            recovery(service, readers, events, pkis["lv-ec"])
        else:
            print("[recovery] skipped: the machine's own pcscd is in use")
    finally:
        readers.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
