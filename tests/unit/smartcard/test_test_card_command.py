"""kioskctl test-card against the in-process emulator (the pcscd run is an integration test)."""

from __future__ import annotations

import argparse
import base64
import io
import json
import time

import pytest

from drivers.smartcard.emulator import DEMO_CITIZEN, EmulatedCard, EmulatedReaders
from kiosk.auth.webeid import verify_signature
from kiosk.provisioning.test_card import read_pin, register, run


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["test-card", *argv])


def call(readers, *argv: str, stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(parse(*argv), readers=readers, stdin=io.BytesIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def readers(pkis):
    r = EmulatedReaders()
    r.insert(EmulatedCard("lv-rsa", pki=pkis["lv-rsa"]))
    return r


def test_human_output_is_masked(readers):
    code, out, err = call(readers)
    assert code == 0, err
    assert "lv-idemia-seid (RS256)" in out
    assert "150385-*****" in out and DEMO_CITIZEN.personal_code not in out
    assert DEMO_CITIZEN.surname not in out
    assert "tries left: PIN1 3, PIN2 3, PUK 3" in out


def test_json_with_pin_gives_a_verifiable_token(readers):
    nonce = base64.b64encode(bytes(32)).decode()
    code, out, err = call(readers, "--json", "--pin-stdin", "--origin", "https://gw.example", "--nonce", nonce,
                          stdin=b"1234\n")
    assert code == 0, err
    report = json.loads(out)
    assert report["identity"]["personal_code"] == DEMO_CITIZEN.personal_code
    assert report["card_type"] == "lv-idemia-seid"
    token = report["token"]
    verify_signature(base64.b64decode(token["unverifiedCertificate"]), token["algorithm"], "https://gw.example",
                     nonce, base64.b64decode(token["signature"]))
    assert not readers.card.pin_verified  # session ended with a reset


def test_wrong_pin_is_one_clear_line_and_exit_1(readers):
    code, out, err = call(readers, "--pin-stdin", stdin=b"9999\n")
    assert code == 1
    assert err.strip() == "error: wrong_pin: wrong PIN1, 2 tries left"


def test_empty_reader_and_unknown_reader(pkis):
    empty = EmulatedReaders()
    assert call(empty)[2].startswith("error: no_card:")
    assert call(empty, "--reader", "Nope")[2].startswith("error: reader_not_found:")
    assert call(empty, "--origin", "https://x.example")[0] == 2


def test_read_pin_strips_the_newline():
    assert read_pin(io.BytesIO(b"1234\r\n")) == bytearray(b"1234")
    assert read_pin(io.BytesIO(b"")) == bytearray()


def test_blocked_pin1_is_reported_without_sending_verify(pkis):
    readers = EmulatedReaders()
    card = EmulatedCard("lv-rsa", pki=pkis["lv-rsa"])
    card.tries[0x01] = 0
    readers.insert(card)
    code, _out, err = call(readers, "--pin-stdin", stdin=b"1234\n")
    assert code == 1
    assert err.strip().startswith("error: pin_blocked:")
    assert not any(header[1] == 0x20 for header in card.log)  # no VERIFY at all


def test_tries_cost_two_selects_in_all(pkis):
    readers = EmulatedReaders()
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"])
    readers.insert(card)
    assert call(readers)[0] == 0
    after_identity = card.log[card.log.index(b"\x00\xcb\x3f\xff") - 1:]
    selects = [h for h in after_identity if h[1] == 0xA4 and h[2] == 0x04]
    assert len(selects) == 2  # MAIN (PIN1, PUK), then QSCD (PIN2)


def test_overall_deadline_stops_a_slow_card(pkis):
    from drivers.smartcard.emulator import CardFaults

    readers = EmulatedReaders()
    readers.insert(EmulatedCard("lv-ec", pki=pkis["lv-ec"], faults=CardFaults(delay=0.1)))
    started = time.monotonic()
    code, _out, err = call(readers, "--deadline", "0.5", "--timeout", "2")
    assert code == 1 and err.startswith("error: card_timeout:")
    assert time.monotonic() - started < 1.5


def test_every_driver_code_is_explained():
    from drivers.smartcard.errors import ALL_ERRORS, BLOCKED_CODES
    from kiosk.provisioning.test_card import EXPLAIN

    assert {cls.code for cls in ALL_ERRORS} | set(BLOCKED_CODES.values()) <= set(EXPLAIN)


def test_bad_origin_or_nonce_is_a_usage_error_before_the_card_is_touched(readers):
    assert call(readers, "--pin-stdin", "--origin", "https://gw.example/path", stdin=b"1234\n")[0] == 2
    assert call(readers, "--pin-stdin", "--nonce", "short", stdin=b"1234\n")[0] == 2
    assert readers.card.apdu_count == 0
