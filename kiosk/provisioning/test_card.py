"""``kioskctl test-card``: identify the card in a reader, show identity and PIN tries, and with
``--pin-stdin`` verify PIN1 and print a Web eID token.

Without ``--reader`` the eID card is found wherever it is (other cards are ignored; two eID cards
are refused with ``several_cards``). The whole run ends by ``--deadline`` seconds.

The PIN is read from standard input only (a command line is visible in ``ps``), kept in a
bytearray and zeroed after use. Exit code 0 only when every asked-for step worked.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import time
from typing import IO, Protocol

from drivers.errors import PieturaError
from drivers.smartcard.cards import open_eid
from drivers.smartcard.choice import choose_reader as choose_card_reader
from drivers.smartcard.errors import NoCard, PinBlocked, ReaderNotFound, WrongPin
from drivers.smartcard.identity import mask_code
from drivers.smartcard.pins import Pin
from drivers.smartcard.transport import ApduTransport, DeadlineTransport
from kiosk.auth.webeid import build_auth_token, check_origin

DEFAULT_ORIGIN = "https://localhost"
MAX_PIN_INPUT = 64
DEFAULT_DEADLINE_S = 30.0

#: One-line English explanations for technicians (the UI has its own translated texts).
EXPLAIN = {
    "card_removed": "the card was removed",
    "no_card": "no card in the reader",
    "card_mute": "the card does not answer (inserted upside down or damaged?)",
    "unknown_card": "not a supported eID card",
    "several_cards": "more than one eID card is in the readers: leave one",
    "card_not_supported": "this eID card generation or interface is not supported",
    "wrong_pin": "wrong PIN1",
    "pin_blocked": "PIN1 is blocked (unblock it with the PUK)",
    "puk_blocked": "the PUK is blocked",
    "pin2_blocked": "PIN2 (the signing PIN) is blocked (unblock it with the PUK)",
    "invalid_pin_format": "the PIN must be 4 to 12 digits",
    "security_status_not_satisfied": "the card refused: PIN not verified",
    "card_file_not_found": "a file is missing on the card",
    "card_data_invalid": "the card returned data that does not parse",
    "card_signature_invalid": "the card's signature does not match its certificate",
    "card_status_error": "the card answered with an unexpected status",
    "card_timeout": "the card did not answer in time",
    "card_communication_error": "communication with the card failed",
    "card_reset": "another program reset the card",
    "reader_busy": "the reader is in use by another program",
    "reader_not_found": "no such reader",
    "reader_service_unavailable": "the PC/SC service (pcscd) is not running or restarting",
    "card_error": "the card driver failed",
    "invalid_digest": "internal error: digest length does not match the card's algorithm",
}


class Readers(Protocol):
    def snapshot(self) -> dict[str, bytes | None]: ...

    def connect(self, reader: str, timeout: float = 5.0) -> ApduTransport: ...


class UsageError(Exception):
    """Arguments that do not fit together (exit code 2)."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("test-card", help="identify the eID card in a reader; optionally verify PIN1")
    parser.add_argument("--reader", metavar="NAME", help="reader to use (default: the one holding the eID card)")
    parser.add_argument("--pin-stdin", action="store_true",
                        help="read PIN1 from standard input, verify it and build a Web eID token")
    parser.add_argument("--origin", metavar="URL", help=f"origin for the token (default {DEFAULT_ORIGIN})")
    parser.add_argument("--nonce", metavar="B64", help="challenge nonce for the token (default: random)")
    parser.add_argument("--json", action="store_true", help="print one JSON object (identity unmasked)")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per card command (default 5)")
    parser.add_argument("--deadline", type=float, default=DEFAULT_DEADLINE_S,
                        help=f"seconds for the whole run (default {DEFAULT_DEADLINE_S:g})")
    parser.set_defaults(func=run)


def _masked_name(name: str) -> str:
    return name[:1] + "*" * max(0, len(name) - 1)


def read_pin(stream: IO[bytes]) -> bytearray:
    """One line from ``stream`` into a bytearray (no immutable copies of the PIN)."""
    buf = bytearray(MAX_PIN_INPUT)
    try:
        n = stream.readinto(buf)  # type: ignore[attr-defined]
        end = n or 0
        while end and buf[end - 1] in (0x0A, 0x0D):
            end -= 1
        newline = buf.find(b"\n", 0, end)
        if newline >= 0:
            end = newline
        return bytearray(buf[:end])
    finally:
        buf[:] = bytes(len(buf))


def _check_token_arguments(args: argparse.Namespace) -> None:
    """Refuse an origin or nonce the token builder would refuse, before the card is touched."""
    try:
        check_origin(args.origin or DEFAULT_ORIGIN)
    except ValueError as exc:
        raise UsageError(f"--origin: {exc}") from None
    if args.nonce is not None and not 44 <= len(args.nonce) <= 128:
        raise UsageError("--nonce must be 44..128 characters")


def choose_reader(readers: Readers, wanted: str | None) -> tuple[str, dict[str, bytes | None]]:
    """``wanted`` if given (it must hold a card), else the reader holding the one eID card."""
    seen = readers.snapshot()
    if wanted is not None:
        if wanted not in seen:
            raise ReaderNotFound(detail="reader not listed")
        if seen[wanted] is None:
            raise NoCard(detail="reader is empty")
        return wanted, seen
    reader = choose_card_reader(seen)
    if reader is None:
        raise NoCard(detail="no reader holds a card" if seen else "no readers")
    return reader, seen


def run(args: argparse.Namespace, *, readers: Readers | None = None, stdin: IO[bytes] | None = None,
        stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    out, err = stdout or sys.stdout, stderr or sys.stderr
    if (args.origin or args.nonce) and not args.pin_stdin:
        print("error: --origin/--nonce need --pin-stdin", file=err)
        return 2
    try:
        _check_token_arguments(args)
    except UsageError as exc:
        print(f"error: {exc}", file=err)
        return 2
    if readers is None:
        from drivers.smartcard.readers import PcscReaders

        readers = PcscReaders()
    deadline = time.monotonic() + args.deadline
    report: dict[str, object] = {}
    pin = bytearray()
    try:
        if args.pin_stdin:
            pin = read_pin(stdin or sys.stdin.buffer)
        reader, seen = choose_reader(readers, args.reader)
        report["readers"] = {name: (atr.hex().upper() if atr else None) for name, atr in seen.items()}
        report["reader"] = reader
        transport = DeadlineTransport(readers.connect(reader, timeout=args.timeout), deadline)
        card = open_eid(transport, timeout=args.timeout)
        try:
            report["card_type"] = card.card_type
            report["atr"] = card.atr.hex().upper()
            who = card.read_identity()
            report["identity"] = {"given_name": who.given_name, "surname": who.surname,
                                  "personal_code": who.personal_code, "country": who.country}
            report["algorithm"] = card.auth_algorithm
            tries = card.pin_tries((Pin.PIN1, Pin.PUK, Pin.PIN2))
            report["tries_left"] = {str(which): tries[which] for which in (Pin.PIN1, Pin.PIN2, Pin.PUK)}
            if args.pin_stdin:
                if tries[Pin.PIN1] == 0:  # VERIFY would only be answered 6983: do not send the PIN
                    raise PinBlocked(Pin.PIN1, detail="PIN1 read as blocked; VERIFY not sent")
                nonce = args.nonce or base64.b64encode(os.urandom(32)).decode("ascii")
                report["token"] = build_auth_token(card, pin, args.origin or DEFAULT_ORIGIN, nonce)
        finally:
            card.close(reset=True)
    except PieturaError as exc:
        code = exc.code
        text = EXPLAIN.get(code, code)
        if isinstance(exc, WrongPin):
            text += f", {exc.tries_left} {'try' if exc.tries_left == 1 else 'tries'} left"
        if args.json:
            print(json.dumps({**report, "error": {"code": code, "message": text}}, ensure_ascii=False), file=out)
        print(f"error: {code}: {text}", file=err)
        return 1
    finally:
        pin[:] = bytes(len(pin))
    if args.json:
        print(json.dumps(report, ensure_ascii=False), file=out)
    else:
        _print_human(report, out)
    return 0


def _print_human(report: dict, out: IO[str]) -> None:
    for name, atr in report["readers"].items():
        print(f"reader: {name}: {'card ' + atr if atr else 'mute card' if atr == '' else 'empty'}", file=out)
    who = report["identity"]
    print(f"card: {report['card_type']} ({report['algorithm']}) in {report['reader']}", file=out)
    print(f"identity: {_masked_name(who['given_name'])} {_masked_name(who['surname'])} ({who['country']}), "
          f"personal code {mask_code(who['personal_code'])}", file=out)
    tries = report["tries_left"]
    print(f"tries left: PIN1 {tries['pin1']}, PIN2 {tries['pin2']}, PUK {tries['puk']}", file=out)
    if "token" in report:
        print("PIN1 verified; Web eID token:", file=out)
        print(json.dumps(report["token"]), file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="test-card")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["test-card", *(argv if argv is not None else sys.argv[1:])])
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
