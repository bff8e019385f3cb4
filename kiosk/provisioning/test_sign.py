"""``kioskctl test-sign --emulator --file F --out F.edoc``: a signed container made end to end with
the emulated card (PIN1 sign-in, PIN2 signing) and the embedded gateway with its test TSA and OCSP
responder on loopback, then judged by the kiosk's own verifier. For technicians and for checks
from outside (``--trust-out CA.pem`` writes the emulated card's issuing CA for
``kioskctl verify-edoc --trust CA.pem`` or libdigidocpp). Exit 0 only for a VALID container.

:class:`SigningRig` is the same set-up for tests and ``bench/sign.py``: any readers (in-process
emulator or real pcscd + vpcd), one citizen signed in, a :class:`SigningService` ready."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from drivers.smartcard.emulator import DEMO_PIN1, DEMO_PIN2, CardPki, EmulatedCard, EmulatedReaders, make_pki
from kiosk.adapters.auth import GatewayAuthenticator
from kiosk.adapters.card import CardSession
from kiosk.backend.client import GatewayClient
from kiosk.flow import events as ev
from kiosk.signing.documents import Document
from kiosk.signing.service import Signed, SigningService

if TYPE_CHECKING:
    from gateway.embedded import LocalGateway

CARD_WAIT_S = 15.0


class RigError(Exception):
    """The rig could not sign the citizen in (a code from the card or the gateway)."""


class SigningRig:
    """Embedded gateway with signing, a card session on ``readers`` and a signed-in citizen.

    Without ``readers`` an in-process emulated reader with an emulated ``variant`` card is used."""

    def __init__(self, workdir: Path, *, variant: str = "lv-ec", pki: CardPki | None = None,
                 readers: Any = None, card: EmulatedCard | None = None, pin1: str = DEMO_PIN1) -> None:
        self.workdir = workdir
        self.pki = pki or make_pki(variant=variant)
        self.readers = readers
        self.card = card
        self.variant = variant
        self.pin1 = pin1
        self.local: LocalGateway | None = None
        self.client: GatewayClient | None = None
        self.session: CardSession | None = None
        self.token = ""

    def __enter__(self) -> SigningRig:
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _start(self) -> None:
        # The embedded gateway is a development part (a checkout, the demo), never on a kiosk image:
        # imported here so that kioskctl's other commands load without it.
        from gateway.embedded import make_local_gateway

        self.local = make_local_gateway(self.workdir / "gateway", [self.pki.intermediate_pem],
                                        signing_issuer=(self.pki.intermediate_cert, self.pki.intermediate_key))
        self.local.start()
        self.client = GatewayClient(self.local.base_url, device_id=self.local.device_id,
                                    device_key=self.local.device_key, retries=0)
        if self.readers is None:
            self.readers = EmulatedReaders()
            self.card = self.card or EmulatedCard(self.variant, self.pki)
            self.readers.insert(self.card)
        inserted = threading.Event()

        def post(event: object) -> None:
            if isinstance(event, ev.CardInserted):
                inserted.set()

        self.session = CardSession(self.readers)
        self.session.start(post)
        if not inserted.wait(CARD_WAIT_S):
            raise RigError("card_not_seen")
        read = self.session.read_identity()
        if isinstance(read, ev.CardReadFailed):
            raise RigError(read.code)
        signed_in = GatewayAuthenticator(self.session, self.client, self.local.origin).authenticate(
            bytearray(self.pin1.encode()))
        if isinstance(signed_in, ev.AuthFailed):
            raise RigError(signed_in.code)
        self.token = signed_in.citizen.session_token

    @property
    def service(self) -> SigningService:
        assert self.session is not None and self.client is not None
        return SigningService(self.session, self.client, anchors=[self.pki.intermediate_cert])

    def sign(self, documents: list[Document], pin2: str = DEMO_PIN2) -> Any:
        return self.service.sign(self.token, documents, bytearray(pin2.encode()))

    def close(self) -> None:
        if self.session is not None:
            self.session.stop()
            self.session = None
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.local is not None:
            self.local.close()
            self.local = None


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "test-sign", help="sign files into an .edoc end to end (emulated card, embedded gateway, test TSA/OCSP)")
    parser.add_argument("--emulator", action="store_true", required=True,
                        help="use the emulated card and the embedded gateway (the only mode so far)")
    parser.add_argument("--file", metavar="F", action="append", required=True, type=Path,
                        help="a file to sign (repeatable: several files in one container)")
    parser.add_argument("--out", metavar="F.edoc", required=True, type=Path,
                        help="where to write the container (never overwritten)")
    parser.add_argument("--variant", default="lv-ec", choices=("lv-rsa", "lv-ec", "lv-cosmox", "ee-2018"),
                        help="emulated card (default lv-ec)")
    parser.add_argument("--trust-out", metavar="CA.pem", type=Path,
                        help="also write the emulated card's issuing CA (for verify-edoc --trust)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(func=run)


def _report(result: Signed, out: Path) -> dict[str, object]:
    return {"out": str(out), "signer": result.signer, "files": list(result.files), "bytes": result.size,
            "timestamp_time": result.timestamp_time.isoformat() if result.timestamp_time else None,
            "container_sha256": result.container_sha256}


def run(args: argparse.Namespace) -> int:
    if args.out.exists():
        print(f"error: {args.out} exists (never overwritten)", file=sys.stderr)
        return 2
    try:
        documents = [Document(path.name, path.read_bytes()) for path in args.file]
    except OSError as exc:
        print(f"error: cannot read {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 4
    with tempfile.TemporaryDirectory(prefix="pietura-test-sign-") as folder:
        try:
            with SigningRig(Path(folder), variant=args.variant) as rig:
                result = rig.sign(documents)
                pem = rig.pki.intermediate_pem
        except RigError as exc:
            print(f"error: sign-in failed [{exc}]", file=sys.stderr)
            return 1
        except ModuleNotFoundError as exc:
            if (exc.name or "").partition(".")[0] != "gateway":
                raise
            print("error: test-sign --emulator needs the embedded gateway of a development checkout; "
                  "a kiosk image does not carry it", file=sys.stderr)
            return 3
    if not isinstance(result, Signed):
        print(f"error: nothing signed [{result.code}]", file=sys.stderr)
        return 1
    try:
        with open(args.out, "xb") as out:
            out.write(result.container)
        if args.trust_out:
            args.trust_out.write_bytes(pem)
    except OSError as exc:
        print(f"error: cannot write {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 4
    report = _report(result, args.out)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(f"signed {len(result.files)} file(s) into {args.out} ({result.size} bytes), VALID")
        print(f"  signer: {result.signer}\n  time-stamp: {report['timestamp_time']}\n"
              f"  SHA-256: {result.container_sha256}")
    return 0
