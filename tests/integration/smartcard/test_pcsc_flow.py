"""The whole driver through real pcscd + vpcd + the emulator: identity, token, PINs, faults."""

from __future__ import annotations

import base64
import time

import pytest

from drivers.smartcard import errors as e
from drivers.smartcard.cards import open_eid
from drivers.smartcard.emulator import DEMO_CITIZEN, CardFaults, EmulatedCard
from drivers.smartcard.readers import CardInserted, CardRemoved
from kiosk.auth.webeid import build_auth_token, digest_to_sign, verify_signature
from tests.fixtures.pcsc import VPCD_READER

pytestmark = pytest.mark.pcsc

ORIGIN = "https://pietura.example"
NONCE = base64.b64encode(bytes(range(100, 132))).decode()


@pytest.mark.parametrize("variant", ["lv-rsa", "lv-ec", "lv-cosmox", "ee-2018"])
def test_insert_identity_token_remove(pkis, vpcd, monitor, variant):
    readers, log = monitor
    card = EmulatedCard(variant, pki=pkis[variant])
    plug = vpcd(card)
    inserted = log.wait(CardInserted, reader=VPCD_READER)
    assert inserted.atr == card.atr
    eid = open_eid(readers.connect(VPCD_READER, timeout=5.0))
    identity = eid.read_identity()
    if variant.startswith("lv"):
        assert (identity.given_name, identity.surname, identity.personal_code) == (
            DEMO_CITIZEN.given_name, DEMO_CITIZEN.surname, DEMO_CITIZEN.personal_code)
    token = build_auth_token(eid, bytearray(b"1234"), ORIGIN, NONCE)
    verify_signature(base64.b64decode(token["unverifiedCertificate"]), token["algorithm"], ORIGIN, NONCE,
                     base64.b64decode(token["signature"]))
    assert card.pin_verified
    eid.close(reset=True)
    assert not card.pin_verified  # the reset reached the card through pcscd and vpcd
    plug.remove()
    log.wait(CardRemoved, reader=VPCD_READER)


def test_t0_card_needs_get_response(pkis, vpcd, monitor):
    readers, log = monitor
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"], faults=CardFaults(t0=True))
    vpcd(card)
    log.wait(CardInserted, reader=VPCD_READER)
    transport = readers.connect(VPCD_READER)
    eid = open_eid(transport)
    assert eid.read_auth_certificate() == pkis["lv-ec"].auth_der
    assert transport.apdu_count > card.log.count(b"\x00\xb0")  # GET RESPONSE rounds were needed
    assert any(header[1] == 0xC0 for header in card.log)
    eid.close()


def test_mute_card_is_reported_as_mute(pkis, vpcd, monitor):
    readers, log = monitor
    vpcd(EmulatedCard("lv-ec", pki=pkis["lv-ec"], faults=CardFaults(mute=True)))
    log.wait(CardInserted, reader=VPCD_READER)
    with pytest.raises(e.CardMute):
        open_eid(readers.connect(VPCD_READER))


def test_wrong_pins_block_then_puk_unblocks(pkis, vpcd, monitor):
    readers, log = monitor
    card = EmulatedCard("lv-rsa", pki=pkis["lv-rsa"])
    vpcd(card)
    log.wait(CardInserted, reader=VPCD_READER)
    eid = open_eid(readers.connect(VPCD_READER))
    digest = digest_to_sign(ORIGIN, NONCE, eid.auth_algorithm)
    tries = []
    for _ in range(2):
        with pytest.raises(e.WrongPin) as wrong:
            eid.authenticate(bytearray(b"0000"), digest)
        tries.append((wrong.value.tries_left, wrong.value.last_try))
    assert tries == [(2, False), (1, True)]
    with pytest.raises(e.PinBlocked):
        eid.authenticate(bytearray(b"0000"), digest)
    assert eid.pin_tries_left("pin1") == 0
    with pytest.raises(e.WrongPin):
        eid.unblock_pin1(bytearray(b"87654321"), bytearray(b"2468"))
    assert eid.pin_tries_left("puk") == 2
    eid.unblock_pin1(bytearray(b"12345678"), bytearray(b"2468"))
    assert (eid.pin_tries_left("pin1"), eid.pin_tries_left("puk")) == (3, 3)
    assert len(eid.authenticate(bytearray(b"2468"), digest)) == 256
    eid.close()


def test_slow_card_times_out_and_releases_the_reader(pkis, vpcd, monitor):
    readers, log = monitor
    slow = EmulatedCard("lv-ec", pki=pkis["lv-ec"], faults=CardFaults(delay=1.0))
    plug = vpcd(slow)
    log.wait(CardInserted, reader=VPCD_READER)
    transport = readers.connect(VPCD_READER)
    with pytest.raises(e.CardTimeout):
        open_eid(transport, timeout=0.3)  # closes the transport: the handle goes once pcscd returns
    slow.faults = CardFaults()
    deadline = 30
    while True:  # the exclusive handle is released after the late answer; then connect works
        try:
            eid = open_eid(readers.connect(VPCD_READER))
            break
        except e.ReaderBusy:
            deadline -= 1
            assert deadline > 0, "the timed-out connection never released the reader"
            time.sleep(0.1)
    assert eid.read_identity().personal_code == DEMO_CITIZEN.personal_code
    eid.close()
    plug.remove()
