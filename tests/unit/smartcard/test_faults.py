"""Named emulator faults seen through the driver, in-process (the pcscd versions are integration tests)."""

from __future__ import annotations

import pytest

from drivers.smartcard import errors as e
from drivers.smartcard.cards import open_eid
from drivers.smartcard.emulator import CardFaults, EmulatedCard, EmulatedReaders
from drivers.smartcard.readers import CardInserted, CardRemoved
from kiosk.auth.webeid import build_auth_token
from kiosk.flow import events as ev

ORIGIN = "https://pietura.example"
NONCE = "A" * 44
VERIFY_PIN1 = b"\x00\x20\x00\x01"


def full_flow(readers: EmulatedReaders, pin: bytes) -> dict:
    eid = open_eid(readers.connect(readers.reader_name))
    try:
        eid.read_identity()
        return build_auth_token(eid, bytearray(pin), ORIGIN, NONCE)
    finally:
        eid.close()


@pytest.mark.parametrize("variant", ["lv-rsa", "lv-ec", "lv-cosmox", "ee-2018"])
@pytest.mark.parametrize("pin", [b"1234", b"0000"])
def test_pulled_after_every_apdu(pkis, variant, pin):
    clean = EmulatedCard(variant, pki=pkis[variant])
    readers = EmulatedReaders()
    readers.insert(clean)
    if pin == b"1234":
        full_flow(readers, pin)
    else:
        with pytest.raises(e.WrongPin):
            full_flow(readers, pin)
    total = clean.apdu_count
    verify_at = next(i for i, h in enumerate(clean.log, 1) if h == VERIFY_PIN1)
    for k in range(1, total + 1):
        events: list = []
        readers = EmulatedReaders()
        readers.start(events.append)
        card = EmulatedCard(variant, pki=pkis[variant], faults=CardFaults(pull_after=k))
        readers.insert(card)
        with pytest.raises(e.CardRemoved):
            full_flow(readers, pin)
        assert events[-1] == CardRemoved(readers.reader_name)
        assert card.log.count(VERIFY_PIN1) <= 1
        consumed = 1 if (pin != b"1234" and k >= verify_at) else 0
        assert card.tries[0x01] == 3 - consumed, f"k={k}"
        assert not card.pin_verified


def test_t0_card(pkis):
    readers = EmulatedReaders()
    card = EmulatedCard("lv-rsa", pki=pkis["lv-rsa"], faults=CardFaults(t0=True))
    readers.insert(card)
    assert full_flow(readers, b"1234")["algorithm"] == "RS256"
    assert any(h[1] == 0xC0 for h in card.log)  # GET RESPONSE used


def test_slow_card_times_out(pkis):
    readers = EmulatedReaders()
    readers.insert(EmulatedCard("lv-ec", pki=pkis["lv-ec"], faults=CardFaults(delay=0.2)))
    transport = readers.connect(readers.reader_name)
    with pytest.raises(e.CardTimeout):
        open_eid(transport, timeout=0.05)


def test_mute_card(pkis):
    readers = EmulatedReaders()
    events: list = []
    readers.start(events.append)
    readers.insert(EmulatedCard("lv-ec", pki=pkis["lv-ec"], faults=CardFaults(mute=True)))
    assert events[-1] == CardInserted(readers.reader_name, b"")
    with pytest.raises(e.CardMute):
        readers.connect(readers.reader_name)


@pytest.mark.parametrize("at", range(1, 12))  # 7 commands + 4 certificate chunks
def test_corrupted_answer_gives_a_classified_error_or_a_detectable_result(pkis, at):
    """Damage in an FCP or directory file ends in a CardError or is harmless; damage inside the
    certificate body may still decode, and then the certificate differs (the gateway's chain and
    signature checks reject it) — the driver never returns a silently different identity source."""
    readers = EmulatedReaders()
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"], faults=CardFaults(corrupt_at=at))
    readers.insert(card)
    try:
        cert = open_eid(readers.connect(readers.reader_name)).read_auth_certificate()
    except e.CardError as failure:
        assert failure.code in {"card_data_invalid", "card_status_error", "unknown_card",
                                "card_file_not_found", "card_communication_error"}
        return
    cert_reads_start = 8  # SELECT MAIN, AWP, OD, READ, CDF, READ, cert; then the cert chunks
    if at < cert_reads_start:
        assert cert == pkis["lv-ec"].auth_der
    else:
        assert cert != pkis["lv-ec"].auth_der


def test_fault_names_parse():
    assert CardFaults.parse("pull-after=5,slow=0.2,t0,corrupt=3,mute") == CardFaults(
        pull_after=5, mute=True, delay=0.2, t0=True, corrupt_at=3)
    assert CardFaults.parse("late=24") == CardFaults(late_ins=0x24, late_s=3.0)
    assert CardFaults.parse("late=2C:0.5") == CardFaults(late_ins=0x2C, late_s=0.5)
    with pytest.raises(ValueError):
        CardFaults.parse("explode")


@pytest.mark.parametrize("variant", ["lv-rsa", "lv-ec"])
def test_verify_answered_6c01_sends_the_pin_once(pkis, variant):
    readers = EmulatedReaders()
    card = EmulatedCard(variant, pki=pkis[variant], faults=CardFaults(sw_ins=0x20, sw=0x6C01))
    readers.insert(card)
    with pytest.raises(e.CardStatusError) as failure:
        full_flow(readers, b"1234")
    assert failure.value.sw == 0x6C01
    assert card.log.count(VERIFY_PIN1) == 1
    assert CardFaults.parse("sw=20:6C01") == CardFaults(sw_ins=0x20, sw=0x6C01)


@pytest.mark.parametrize(("variant", "hostile"), [
    *((variant, "cert-size") for variant in ("lv-rsa", "lv-ec", "lv-cosmox", "ee-2018")),
    *((variant, "cdf-path") for variant in ("lv-rsa", "lv-ec", "lv-cosmox")),  # EstEID cards have no CDF
])
def test_hostile_card_data_is_card_data_invalid_and_the_reader_is_released(pkis, variant, hostile):
    from kiosk.adapters.card import CardSession

    readers = EmulatedReaders()
    session = CardSession(readers)
    session.start(lambda event: None)
    bad = EmulatedCard(variant, pki=pkis[variant], faults=CardFaults(hostile=hostile))
    readers.insert(bad)
    assert session.read_identity() == ev.CardReadFailed("card_data_invalid")
    reads = [h for h in bad.log if h[1] == 0xB0]
    assert len(reads) <= 3  # refused before the certificate was read
    assert CardFaults.parse(f"hostile={hostile}") == CardFaults(hostile=hostile)
    readers.insert(EmulatedCard(variant, pki=pkis[variant]))
    assert isinstance(session.read_identity(), ev.IdentityRead)
