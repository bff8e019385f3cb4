"""kioskctl test-card against the in-process emulator (the pcscd run is an integration test)."""

from __future__ import annotations

import argparse
import base64
import io
import json

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
