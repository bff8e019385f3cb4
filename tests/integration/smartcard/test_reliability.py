"""Reliability through pcscd: the card pulled after every APDU of the auth flow, pcscd killed
and restarted under a running monitor, the reader list changing."""

from __future__ import annotations

import base64

import pytest

from drivers.smartcard import errors as e
from drivers.smartcard.cards import open_eid
from drivers.smartcard.emulator import CardFaults, EmulatedCard
from drivers.smartcard.readers import (
    CardInserted,
    CardRemoved,
    PcscReaders,
    ReadersChanged,
    ServiceRestored,
    ServiceUnavailable,
)
from kiosk.auth.webeid import build_auth_token
from tests.fixtures.pcsc import VPCD_PORT, VPCD_READER
from tests.integration.smartcard.conftest import EventLog

pytestmark = [pytest.mark.pcsc, pytest.mark.slow]

ORIGIN = "https://pietura.example"
NONCE = base64.b64encode(bytes(32)).decode()
VERIFY = b"\x00\x20\x00\x01"


def auth_flow(readers, pin: bytes = b"1234") -> dict:
    eid = open_eid(readers.connect(VPCD_READER))
    try:
        eid.read_identity()
        return build_auth_token(eid, bytearray(pin), ORIGIN, NONCE)
    finally:
        eid.close()


def test_card_pulled_after_each_apdu_of_the_auth_flow(pkis, vpcd, monitor):
    readers, log = monitor
    clean = EmulatedCard("lv-ec", pki=pkis["lv-ec"])
    plug = vpcd(clean)
    log.wait(CardInserted, reader=VPCD_READER)
    auth_flow(readers)
    total = clean.apdu_count
    plug.remove()
    log.wait(CardRemoved, reader=VPCD_READER)
    assert total >= 15
    for k in range(1, total + 1):
        card = EmulatedCard("lv-ec", pki=pkis["lv-ec"], faults=CardFaults(pull_after=k))
        vpcd(card)
        log.wait(CardInserted, reader=VPCD_READER)
        with pytest.raises(e.CardRemoved):
            auth_flow(readers)
        log.wait(CardRemoved, reader=VPCD_READER)
        assert card.apdu_count == k
        assert card.log.count(VERIFY) <= 1, f"VERIFY re-sent after a pull at APDU {k}"
        assert card.tries[0x01] == 3, f"PIN try lost at APDU {k}"
        assert not card.pin_verified
    # a wrong PIN costs exactly the one try it was typed for: none if pulled before VERIFY, one if during
    verify_at = next(i for i, header in enumerate(clean.log, 1) if header == VERIFY)
    for k in (verify_at - 1, verify_at):
        card = EmulatedCard("lv-ec", pki=pkis["lv-ec"], faults=CardFaults(pull_after=k))
        vpcd(card)
        log.wait(CardInserted, reader=VPCD_READER)
        with pytest.raises(e.CardRemoved):
            auth_flow(readers, b"0000")
        log.wait(CardRemoved, reader=VPCD_READER)
        assert card.log.count(VERIFY) == (0 if k < verify_at else 1)
        assert card.tries[0x01] == (3 if k < verify_at else 2)


def test_pcscd_killed_and_restarted_under_the_monitor(pcscd, pkis, vpcd, monitor):
    if not pcscd.owned:
        pytest.skip("the machine's own pcscd is in use; the tests may not kill it")
    readers, log = monitor
    vpcd(EmulatedCard("lv-ec", pki=pkis["lv-ec"]))
    log.wait(CardInserted, reader=VPCD_READER)
    transport = readers.connect(VPCD_READER)
    eid = open_eid(transport)
    pcscd.kill()
    log.wait(CardRemoved, reader=VPCD_READER)
    log.wait(ServiceUnavailable)
    with pytest.raises(e.CardError) as failure:
        eid.read_auth_certificate()
    assert failure.value.code == "reader_service_unavailable"
    transport.close()
    late = EventLog()  # a monitor started while pcscd is absent reports that, then recovers
    late_readers = PcscReaders(poll_timeout=0.5, retry_interval=0.2)
    late_readers.start(late)
    try:
        late.wait(ServiceUnavailable)
        pcscd.start()
        log.wait(ServiceRestored)
        late.wait(ServiceRestored)
        late.wait(ReadersChanged)
    finally:
        late_readers.stop()
    changed = log.wait(ReadersChanged)
    while VPCD_READER not in changed.readers:
        changed = log.wait(ReadersChanged)
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"])
    vpcd(card)
    log.wait(CardInserted, reader=VPCD_READER)
    assert auth_flow(readers)["algorithm"] == "ES384"


def test_reader_list_changes_are_reported(pcscd, pkis, vpcd, monitor):
    if not pcscd.owned:
        pytest.skip("the machine's own pcscd is in use; its configuration is not ours to change")
    readers, log = monitor
    port = VPCD_PORT + 2
    pcscd.add_vpcd_reader(port, "Second PCD")
    log.wait(ServiceRestored)
    added = log.wait(ReadersChanged)
    while not any(name.startswith("Second PCD") for name in added.readers):
        added = log.wait(ReadersChanged)
    new_reader = next(name for name in added.readers if name.startswith("Second PCD"))
    card = EmulatedCard("lv-cosmox", pki=pkis["lv-cosmox"])
    plug = vpcd(card, port=port, reader=new_reader)
    log.wait(CardInserted, reader=new_reader)
    eid = open_eid(readers.connect(new_reader))
    assert eid.card_type == "lv-idemia-cosmox"
    eid.close()
    plug.remove()
    log.wait(CardRemoved, reader=new_reader)
    pcscd.remove_vpcd_reader(port)
    log.wait(ServiceRestored)
    gone = log.wait(ReadersChanged)
    while not gone.readers or any(name.startswith("Second PCD") for name in gone.readers):
        gone = log.wait(ReadersChanged)
    assert VPCD_READER in gone.readers
