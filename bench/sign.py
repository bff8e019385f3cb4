"""Signing benchmark, the card part, through real pcscd + vpcd + the emulator (figures printed, never
asserted; every signature is verified against the signing certificate by the driver itself).

Per variant: the first signature of a card session (reads the signing certificate and the PrKDF in
ADF2) and the following ones (SELECT QSCD, MSE:SET DST, VERIFY PIN2, PSO:CDS — the floor), in APDUs
and ms (median, p95).

The gateway part (``--part gateway``): the embedded gateway on loopback with its test TSA and OCSP
responder, the kiosk's client signed requests, the in-process emulated card: ms for
``/v1/sign/prepare`` and ``/v1/sign/finalise`` (the latter includes the TSA and OCSP calls), the
kiosk's own check of the prepared document and of the finished container, and the container's
bytes over the files' bytes, for one small and one 1 MiB file.

Run: ``.venv/bin/python bench/sign.py [--runs 30] [--part card|gateway|all]``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drivers.smartcard.cards import CHUNK, open_eid  # noqa: E402
from drivers.smartcard.emulator import DEMO_PIN2, EmulatedCard, make_pki  # noqa: E402
from drivers.smartcard.emulator.pcscd import (  # noqa: E402
    VPCD_READER,
    PcscdUnavailable,
    card_present,
    machine_pcscd,
    wait_for,
)
from drivers.smartcard.emulator.vpcd import VpcdCard  # noqa: E402
from drivers.smartcard.readers import PcscReaders  # noqa: E402
from kiosk.flow.events import DigestSigned  # noqa: E402
from kiosk.provisioning.test_sign import SigningRig  # noqa: E402
from kiosk.signing.documents import Document  # noqa: E402
from kiosk.signing.service import check_prepared  # noqa: E402
from wire.edoc.build import SIGNATURE_FILE, write_container  # noqa: E402
from wire.edoc.verify import verify_container  # noqa: E402

VARIANTS = ("lv-ec", "lv-rsa", "lv-cosmox", "ee-2018")
SIGN_FLOOR = 4  # SELECT QSCD, MSE:SET DST, VERIFY PIN2, PSO:CDS


def ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"median {statistics.median(ordered) * 1000:7.2f} ms   p95 {p95 * 1000:7.2f} ms   (n={len(ordered)})"


def bench_variant(readers: PcscReaders, variant: str, runs: int) -> None:
    pki = make_pki(variant=variant)
    card = EmulatedCard(variant, pki=pki)
    plug = VpcdCard(card)
    plug.insert()
    wait_for(lambda: card_present(VPCD_READER) is True, 20, "pcscd to see the card")
    transport = readers.connect(VPCD_READER)
    eid = open_eid(transport)
    digest = hashlib.sha256(b"Pietura signing benchmark").digest()
    before, started = transport.apdu_count, time.perf_counter()
    eid.sign(digest, bytearray(DEMO_PIN2.encode()))
    first_ms, first_apdus = time.perf_counter() - started, transport.apdu_count - before
    times, apdus = [], []
    for run in range(runs):
        digest = hashlib.sha256(run.to_bytes(4, "big")).digest()
        before, started = transport.apdu_count, time.perf_counter()
        eid.sign(digest, bytearray(DEMO_PIN2.encode()))
        times.append(time.perf_counter() - started)
        apdus.append(transport.apdu_count - before)
    key = eid.sign_key()
    eid.close()
    plug.remove()
    wait_for(lambda: card_present(VPCD_READER) is not True, 20, "pcscd to see the card go")
    reads = -(-len(pki.sign_der) // CHUNK)
    print(f"[{variant}] key {key.kind} {key.size_bits} bits, reference {key.reference:02X}; "
          f"signing certificate {len(pki.sign_der)} bytes = {reads} READ BINARY of 0x{CHUNK:X}")
    print(f"  first signature of a session (certificate, PrKDF, sign): {first_apdus:3d} APDUs "
          f"{first_ms * 1000:7.2f} ms")
    print(f"  each further signature: {statistics.median(apdus):3.0f} APDUs (floor {SIGN_FLOOR})   {ms(times)}")


def bench_gateway(runs: int, variant: str = "lv-ec") -> None:
    sizes = {"small (2 KiB)": 2048, "1 MiB": 1 << 20}
    with tempfile.TemporaryDirectory(prefix="pietura-bench-sign-gw-") as folder, \
            SigningRig(Path(folder), variant=variant) as rig:
        assert rig.session is not None and rig.client is not None
        certificate = rig.session.signing_certificate()
        print(f"[gateway, {variant} card in-process, gateway + TSA + OCSP on loopback]")
        for label, size in sizes.items():
            docs = [Document("Dokuments.pdf", os.urandom(size))]
            files = [(d.name, d.media_type, d.sha256) for d in docs]
            prepare, check, card, finalise, verify, sizes_out = [], [], [], [], [], []
            for _ in range(runs):
                started = time.perf_counter()
                prepared = rig.client.sign_prepare(rig.token, certificate, files)
                prepare.append(time.perf_counter() - started)
                started = time.perf_counter()
                assert check_prepared(prepared, docs)
                check.append(time.perf_counter() - started)
                started = time.perf_counter()
                signed = rig.session.sign(prepared.digest, bytearray(DEMO_PIN2.encode()))
                card.append(time.perf_counter() - started)
                assert isinstance(signed, DigestSigned), signed
                started = time.perf_counter()
                document = rig.client.sign_finalise(rig.token, certificate, prepared, signed.signature)
                finalise.append(time.perf_counter() - started)
                container = write_container([(d.name, d.media_type, d.content) for d in docs], {SIGNATURE_FILE: document})
                started = time.perf_counter()
                verify_container(container, anchors=[rig.pki.intermediate_cert])
                verify.append(time.perf_counter() - started)
                sizes_out.append(len(container))
            over = statistics.median(sizes_out) - size
            print(f"  {label}: container {statistics.median(sizes_out):.0f} bytes = files + {over:.0f} bytes")
            print(f"    prepare (HTTP)            {ms(prepare)}")
            print(f"    kiosk check of prepared   {ms(check)}")
            print(f"    card (in-process)         {ms(card)}")
            print(f"    finalise (HTTP, TSA, OCSP) {ms(finalise)}")
            print(f"    kiosk verify container    {ms(verify)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--part", choices=("card", "gateway", "all"), default="all")
    args = parser.parse_args()
    if args.part in ("gateway", "all"):
        bench_gateway(min(args.runs, 20))
    if args.part == "gateway":
        return 0
    try:
        with machine_pcscd("pietura-bench-sign-"):
            readers = PcscReaders(poll_timeout=0.5, retry_interval=0.1)
            for variant in VARIANTS:
                bench_variant(readers, variant, args.runs)
    except PcscdUnavailable as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
