"""pcscd killed in the middle of a card operation: the driver says reader_service_unavailable
("the card reader is restarting, wait a moment"), not card_communication_error ("take the card
out"), and the kiosk recovers by itself once pcscd is back."""

from __future__ import annotations

import threading

import pytest

from drivers.smartcard import errors as e
from drivers.smartcard.cards import open_eid
from drivers.smartcard.emulator import CardFaults, EmulatedCard
from drivers.smartcard.readers import CardInserted, ServiceUnavailable
from kiosk.flow.state import Screen
from tests.e2e.journey import enter_pin, wait
from tests.fixtures.pcsc import VPCD_READER

pytestmark = pytest.mark.pcsc

APDU_DELAY_S = 0.3


def kill_after_apdus(pcscd, card: EmulatedCard, count: int) -> threading.Thread:
    """Kill pcscd as soon as the card has answered ``count`` commands (mid-operation)."""
    def run() -> None:
        while card.apdu_count < count:
            threading.Event().wait(0.01)
        pcscd.kill()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_pcscd_killed_mid_read_is_reader_service_unavailable(pcscd, pkis, vpcd, monitor):
    if not pcscd.owned:
        pytest.skip("the machine's own pcscd is in use; the tests may not kill it")
    readers, log = monitor
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"], faults=CardFaults(delay=APDU_DELAY_S))
    vpcd(card)
    log.wait(CardInserted, reader=VPCD_READER)
    eid = open_eid(readers.connect(VPCD_READER, timeout=5.0), timeout=5.0)
    killer = kill_after_apdus(pcscd, card, card.apdu_count + 3)
    try:
        with pytest.raises(e.CardError) as failure:
            eid.read_auth_certificate()
        assert failure.value.code == "reader_service_unavailable", failure.value.detail
    finally:
        killer.join(10)
        eid.close()
        log.wait(ServiceUnavailable)
        pcscd.start()


def test_kiosk_recovers_by_itself_after_pcscd_died_mid_read(pcscd, pcsc_kiosk, ec_pki, vpcd):
    if not pcscd.owned:
        pytest.skip("the machine's own pcscd is in use; the tests may not kill it")
    runtime = pcsc_kiosk.runtime
    slow = EmulatedCard("lv-ec", pki=ec_pki[0], faults=CardFaults(delay=APDU_DELAY_S))
    vpcd(slow)
    wait(runtime, Screen.READING_CARD, 60)
    killer = kill_after_apdus(pcscd, slow, 3)
    killer.join(30)
    assert runtime.run_until(lambda s: s.problem == "reader_service_unavailable", 30), runtime.state.problem
    pcscd.start()  # systemd's Restart= on a kiosk
    vpcd(EmulatedCard("lv-ec", pki=ec_pki[0]))  # the card still in the reader, seen by the new pcscd
    enter_pin(runtime)
    wait(runtime, Screen.CATALOGUE, 60)
