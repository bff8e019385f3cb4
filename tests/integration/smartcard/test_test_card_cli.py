"""kioskctl test-card as a technician runs it: a separate process, real pcscd, PIN on stdin."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time

import pytest

from drivers.smartcard.emulator import CardFaults, EmulatedCard
from kiosk.auth.webeid import verify_signature
from tests.fixtures.pcsc import VPCD_READER

pytestmark = pytest.mark.pcsc


def test_cli_prints_identity_and_token(pkis, vpcd):
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"])
    vpcd(card)
    nonce = base64.b64encode(bytes(range(32))).decode()
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.provisioning.test_card", "--reader", VPCD_READER, "--pin-stdin", "--json",
         "--origin", "https://gw.example", "--nonce", nonce],
        input=b"1234\n", capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    report = json.loads(result.stdout)
    assert report["reader"] == VPCD_READER
    assert report["tries_left"] == {"pin1": 3, "pin2": 3, "puk": 3}
    token = report["token"]
    assert token["algorithm"] == "ES384"
    verify_signature(base64.b64decode(token["unverifiedCertificate"]), "ES384", "https://gw.example", nonce,
                     base64.b64decode(token["signature"]))
    assert not card.pin_verified


def test_cli_wrong_pin_exit_code(pkis, vpcd):
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"])
    vpcd(card)
    result = subprocess.run([sys.executable, "-m", "kiosk.provisioning.test_card", "--pin-stdin"],
                            input=b"0000\n", capture_output=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.decode().strip() == "error: wrong_pin: wrong PIN1, 2 tries left"
    assert card.tries[0x01] == 2


def test_cli_blocked_pin1_sends_no_verify(pkis, vpcd):
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"])
    card.tries[0x01] = 0
    vpcd(card)
    result = subprocess.run([sys.executable, "-m", "kiosk.provisioning.test_card", "--pin-stdin"],
                            input=b"1234\n", capture_output=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.decode().startswith("error: pin_blocked:")
    assert not any(header[1] == 0x20 for header in card.log)


def test_cli_verify_answered_6c01_sends_the_pin_once(pkis, vpcd):
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"], faults=CardFaults(sw_ins=0x20, sw=0x6C01))
    vpcd(card)
    result = subprocess.run([sys.executable, "-m", "kiosk.provisioning.test_card", "--pin-stdin"],
                            input=b"1234\n", capture_output=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.decode().startswith("error: card_status_error:")
    assert card.log.count(b"\x00\x20\x00\x01") == 1  # the PIN went to the card once


def test_cli_overall_deadline_bounds_a_slow_card(pkis, vpcd):
    vpcd(EmulatedCard("lv-ec", pki=pkis["lv-ec"], faults=CardFaults(delay=0.5)))
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "kiosk.provisioning.test_card", "--deadline", "2"],
                            capture_output=True, timeout=60)
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert result.stderr.decode().startswith("error: card_timeout:")
    assert elapsed < 10  # 2 s of card work plus interpreter start; ~10 s without the deadline
