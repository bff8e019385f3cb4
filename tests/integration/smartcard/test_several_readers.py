"""Several readers through the real PC/SC stack: pcscd's vpcd driver gives two readers
("Virtual PCD 00 00" on port 35963, "… 00 01" on 35964). The kiosk (card_reader.reader = "") and
``kioskctl test-card`` without ``--reader`` read the eID card wherever it is, ignore a bank card
while it is in, and refuse two eID cards with ``several_cards``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from drivers.smartcard.emulator import EmulatedCard, ForeignCard
from kiosk.flow.state import Screen
from tests.e2e.journey import enter_pin, wait
from tests.fixtures.pcsc import VPCD_PORT, VPCD_READER

pytestmark = pytest.mark.pcsc

SECOND_READER = "Virtual PCD 00 01"
SECOND_PORT = VPCD_PORT + 1


def eid(pki) -> EmulatedCard:
    return EmulatedCard("lv-ec", pki=pki[0])


def problem_is(runtime, code: str) -> None:
    wait(runtime, Screen.CARD_PROBLEM, 60)
    assert runtime.state.problem == code


def test_bank_card_is_ignored_while_the_eid_card_is_in(pcsc_kiosk, ec_pki, vpcd):
    runtime = pcsc_kiosk.runtime
    bank = ForeignCard()
    bank_plug = vpcd(bank, port=SECOND_PORT, reader=SECOND_READER)
    problem_is(runtime, "unknown_card")  # alone, the bank card is named for what it is
    citizen = eid(ec_pki)
    vpcd(citizen)
    wait(runtime, Screen.PIN, 60)  # the eID card in the other reader takes the session
    bank_plug.remove()  # pulling the unknown card does not drop the eID card's session
    enter_pin(runtime)
    wait(runtime, Screen.CATALOGUE, 60)
    assert runtime.state.session is not None and citizen.log.count(b"\x00\x20\x00\x01") == 1


def test_bank_card_after_the_eid_card_changes_nothing(pcsc_kiosk, ec_pki, vpcd):
    runtime = pcsc_kiosk.runtime
    vpcd(eid(ec_pki))
    wait(runtime, Screen.PIN, 60)
    bank = ForeignCard()
    bank_plug = vpcd(bank, port=SECOND_PORT, reader=SECOND_READER)
    bank_plug.remove()
    enter_pin(runtime)
    wait(runtime, Screen.CATALOGUE, 60)
    assert bank.apdu_count == 0  # never even selected


def test_two_eid_cards_one_card_at_a_time(pcsc_kiosk, ec_pki, vpcd):
    runtime = pcsc_kiosk.runtime
    first = vpcd(eid(ec_pki))
    vpcd(eid(ec_pki), port=SECOND_PORT, reader=SECOND_READER)
    problem_is(runtime, "several_cards")
    first.remove()  # the card left in the other reader is read
    enter_pin(runtime)
    wait(runtime, Screen.CATALOGUE, 60)


def run_cli(*argv: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "kiosk.provisioning.test_card", "--json", *argv],
                          capture_output=True, timeout=60)


def test_cli_without_reader_finds_the_eid_card_and_refuses_two(ec_pki, vpcd):
    vpcd(ForeignCard())
    vpcd(eid(ec_pki), port=SECOND_PORT, reader=SECOND_READER)
    result = run_cli()
    assert result.returncode == 0, result.stderr.decode()
    report = json.loads(result.stdout)
    assert report["reader"] == SECOND_READER and report["card_type"] == "lv-idemia-seid"
    assert set(report["readers"]) == {VPCD_READER, SECOND_READER}


def test_cli_two_eid_cards(ec_pki, vpcd):
    vpcd(eid(ec_pki))
    vpcd(eid(ec_pki), port=SECOND_PORT, reader=SECOND_READER)
    result = run_cli()
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"]["code"] == "several_cards"
