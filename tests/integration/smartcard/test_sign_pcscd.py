"""Signing with PIN2 through real pcscd + vpcd + the emulator: every variant, PIN2 tries, blocked
PIN2 and its unblock, PIN2 sent once; OpenSC's pkcs11-tool signs with the same card as an
independent check of the emulated signing applet."""

from __future__ import annotations

import hashlib
import queue

import pytest

from drivers.smartcard import errors as e
from drivers.smartcard.cards import open_eid
from drivers.smartcard.emulator import DEMO_PIN2, DEMO_PUK, CardFaults, EmulatedCard
from drivers.smartcard.pins import Pin
from drivers.smartcard.readers import CardInserted, PcscReaders
from kiosk.adapters.card import CardSession
from kiosk.flow import events as ev
from kiosk.flow.state import PinChangeMode
from tests.fixtures.pcsc import VPCD_READER
from tests.fixtures.signatures import verify_digest_signature
from tests.integration.smartcard.test_opensc import _module, opensc_env, run  # noqa: F401 - fixture

pytestmark = pytest.mark.pcsc

def plugged(vpcd, monitor, card: EmulatedCard):
    readers, log = monitor
    vpcd(card)
    log.wait(CardInserted, reader=VPCD_READER)
    return open_eid(readers.connect(VPCD_READER, timeout=5.0))


@pytest.mark.parametrize("variant", ["lv-rsa", "lv-ec", "lv-cosmox", "ee-2018"])
def test_sign_with_each_variant(pkis, vpcd, monitor, variant):
    card = EmulatedCard(variant, pki=pkis[variant])
    eid = plugged(vpcd, monitor, card)
    sizes = (32,) if variant == "lv-rsa" else (32, 48, 64)
    for size in sizes:
        digest = hashlib.new({32: "sha256", 48: "sha384", 64: "sha512"}[size], b"Pietura .edoc").digest()
        pin2 = bytearray(DEMO_PIN2.encode())
        signature, certificate = eid.sign(digest, pin2)
        assert not any(pin2)
        assert certificate == pkis[variant].sign_der
        verify_digest_signature(certificate, digest, signature)
    assert card.signatures == len(sizes)
    assert [h for h in card.log if h[1] == 0x20] == [b"\x00\x20\x00\x85"] * len(sizes)
    eid.close(reset=True)


def test_wrong_pin2_tries_left_blocked_and_unblocked(pkis, vpcd, monitor):
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"])
    eid = plugged(vpcd, monitor, card)
    digest = hashlib.sha256(b"x").digest()
    for left in (2, 1):
        with pytest.raises(e.WrongPin) as wrong:
            eid.sign(digest, bytearray(b"000000"))
        assert (wrong.value.which, wrong.value.tries_left) == ("pin2", left)
        assert eid.pin_tries_left(Pin.PIN2) == left
    with pytest.raises(e.PinBlocked) as blocked:
        eid.sign(digest, bytearray(b"000000"))
    assert blocked.value.code == "pin2_blocked"
    assert eid.pin_tries(Pin) == {Pin.PIN1: 3, Pin.PUK: 3, Pin.PIN2: 0}
    eid.unblock_pin2(bytearray(b"12345678"), bytearray(b"24680"))
    signature, certificate = eid.sign(digest, bytearray(b"24680"))
    verify_digest_signature(certificate, digest, signature)
    eid.close(reset=True)


def test_pin2_is_sent_once_when_its_answer_is_lost(pkis, vpcd, monitor):
    """VERIFY PIN2 reaches the card, then its answer comes after the host's timeout: a transport
    error, never a second VERIFY; the card counted the try."""
    card = EmulatedCard("lv-rsa", pki=pkis["lv-rsa"], faults=CardFaults(late_ins=0x20, late_s=3.0))
    readers, log = monitor
    vpcd(card)
    log.wait(CardInserted, reader=VPCD_READER)
    eid = open_eid(readers.connect(VPCD_READER, timeout=1.0), timeout=1.0)
    eid.read_sign_certificate()
    pin2 = bytearray(b"99999")
    with pytest.raises(e.CardError) as failed:
        eid.sign(hashlib.sha256(b"x").digest(), pin2)
    assert not isinstance(failed.value, e.WrongPin | e.PinBlocked)
    assert not any(pin2)
    assert [h for h in card.log if h[1] == 0x20] == [b"\x00\x20\x00\x85"]
    assert card.tries[0x85] == 2
    assert card.signatures == 0
    eid.close(reset=True)


def test_signing_applet_error_through_pcscd(pkis, vpcd, monitor):
    card = EmulatedCard("lv-cosmox", pki=pkis["lv-cosmox"], faults=CardFaults.parse("sign=wrong"))
    eid = plugged(vpcd, monitor, card)
    with pytest.raises(e.SignatureInvalid):
        eid.sign(hashlib.sha256(b"x").digest(), bytearray(DEMO_PIN2.encode()))
    eid.close(reset=True)


def test_pkcs11_tool_signs_with_pin2(pkis, vpcd, opensc_env, tmp_path):  # noqa: F811 - the fixture
    """OpenSC (its EstEID 2018 driver: MSE:SET DST FF 15 08 00, key 9F, PSO:CDS) signs with the
    emulated card's qualified key after PIN2; the signature verifies against the signing certificate."""
    card = EmulatedCard("ee-2018", pki=pkis["ee-2018"])
    vpcd(card)
    data = hashlib.sha384(b"Pietura signing check").digest()
    (tmp_path / "in.bin").write_bytes(data)
    slots = run(["pkcs11-tool", "--module", _module(), "--list-slots"], opensc_env).stdout
    assert "PIN2" in slots or "Allkirjastamine" in slots or "Signature" in slots, slots
    run(["pkcs11-tool", "--module", _module(), "--token-label", _sign_token(slots), "--login", "--pin", DEMO_PIN2,
         "--sign", "-m", "ECDSA", "--id", "02", "-i", str(tmp_path / "in.bin"), "-o", str(tmp_path / "sig.bin")],
        opensc_env)
    signature = (tmp_path / "sig.bin").read_bytes()
    verify_digest_signature(pkis["ee-2018"].sign_der, data, signature)
    assert card.tries[0x85] == 3
    assert b"\x00\x22\x41\xb6" in card.log and b"\x00\x2a\x9e\x9a" in card.log


def _sign_token(slots: str) -> str:
    """The PKCS#11 token label of the PIN2 slot, as OpenSC names it."""
    for line in slots.splitlines():
        if "token label" in line and "PIN2" in line:
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"no PIN2 token in {slots}")


def _session_with(card: EmulatedCard, vpcd, transmit_timeout: float = 5.0) -> CardSession:
    """The kiosk's card port on PcscReaders, ``card`` inserted and read (identity, as at sign-in)."""
    posted: queue.Queue[object] = queue.Queue()
    session = CardSession(PcscReaders(poll_timeout=0.5, retry_interval=0.2), transmit_timeout=transmit_timeout)
    session.start(posted.put)
    vpcd(card)
    while not isinstance(posted.get(timeout=20.0), ev.CardInserted):
        pass
    assert isinstance(session.read_identity(), ev.IdentityRead)
    return session


def test_the_kiosk_card_port_signs_through_pcscd(pkis, vpcd):
    """CardSession (the kiosk's CardPort) on PcscReaders: insertion event, identity, then sign."""
    card = EmulatedCard("lv-rsa", pki=pkis["lv-rsa"])
    session = _session_with(card, vpcd)
    try:
        digest = hashlib.sha256(b"what the citizen saw").digest()
        assert session.sign(digest, bytearray(b"000000")) == ev.SignFailed("wrong_pin2", 2)
        secret = bytearray(DEMO_PIN2.encode())
        result = session.sign(digest, secret)
        assert isinstance(result, ev.DigestSigned) and not any(secret)
        verify_digest_signature(result.certificate, digest, result.signature)
        assert card.tries[0x85] == 3
    finally:
        session.stop()


UNBLOCK_PIN2 = PinChangeMode.UNBLOCK_PIN2


def test_the_kiosk_card_port_unblocks_pin2_with_the_puk_through_pcscd(pkis, vpcd):
    """PIN2's and the PUK's tries read without a PIN; a wrong PUK counts down; the right one and a new
    PIN2 in one operation; the new PIN2 signs."""
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"])
    card.tries[0x85] = 0
    session = _session_with(card, vpcd)
    try:
        assert session.pin2_tries() == (0, 3)
        assert session.change_pin(UNBLOCK_PIN2, bytearray(b"11112222"), bytearray(b"24680")) == \
            ev.PinChangeFailed("wrong_puk", 2)
        puk, new = bytearray(DEMO_PUK.encode()), bytearray(b"24680")
        assert session.change_pin(UNBLOCK_PIN2, puk, new) == ev.PinChanged(3)
        assert card.tries == {0x01: 3, 0x02: 3, 0x85: 3} and session.pin2_tries() == (3, None)
        digest = hashlib.sha256(b"after the unblock").digest()
        result = session.sign(digest, bytearray(b"24680"))
        assert isinstance(result, ev.DigestSigned)
        verify_digest_signature(result.certificate, digest, result.signature)
    finally:
        session.stop()


def test_a_lost_answer_to_the_pin2_unblock_is_never_resent(pkis, vpcd):
    """RESET RETRY COUNTER reaches the card, its answer comes after the host's timeout: "not known",
    sent once; reading the tries afterwards (no PIN) shows the card did it."""
    card = EmulatedCard("lv-rsa", pki=pkis["lv-rsa"], faults=CardFaults(late_ins=0x2C, late_s=3.0))
    card.tries[0x85] = 0
    session = _session_with(card, vpcd, transmit_timeout=1.0)
    try:
        result = session.change_pin(UNBLOCK_PIN2, bytearray(DEMO_PUK.encode()), bytearray(b"24680"))
        assert isinstance(result, ev.PinChangeFailed) and result.code not in ("wrong_puk", "puk_blocked")
        assert [h for h in card.log if h[1] == 0x2C] == [b"\x00\x2c\x02\x85"]
        assert card.tries[0x85] == 3
    finally:
        session.stop()
