"""The kiosk's card port (CardSession.sign) on the in-process emulator: the signature and the
signing certificate, or a flow event with a code that has words; PIN2 zeroed, sent once."""

from __future__ import annotations

import hashlib
import logging

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from drivers.smartcard.emulator import DEMO_PIN2, CardFaults, EmulatedCard, EmulatedReaders
from kiosk.adapters.card import CardSession
from kiosk.flow import events as ev
from kiosk.ui.texts import PROBLEMS

DIGEST = hashlib.sha256(b"the document the citizen saw").digest()


def session_with(card: EmulatedCard) -> tuple[CardSession, EmulatedReaders]:
    readers = EmulatedReaders()
    session = CardSession(readers, transmit_timeout=5.0)
    session.start(lambda event: None)
    readers.insert(card)
    assert isinstance(session.read_identity(), ev.IdentityRead)
    return session, readers


def pin2(text: str = DEMO_PIN2) -> bytearray:
    return bytearray(text.encode())


@pytest.mark.parametrize("variant", ["lv-rsa", "lv-ec", "lv-cosmox", "ee-2018"])
def test_sign_returns_a_signature_that_verifies_and_the_signing_certificate(pkis, variant):
    session, _ = session_with(EmulatedCard(variant, pki=pkis[variant]))
    secret = pin2()
    result = session.sign(DIGEST, secret)
    assert isinstance(result, ev.DigestSigned)
    assert not any(secret)
    assert result.certificate == pkis[variant].sign_der
    public = x509.load_der_x509_certificate(result.certificate).public_key()
    if isinstance(public, rsa.RSAPublicKey):
        public.verify(result.signature, DIGEST, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
    else:
        assert isinstance(public, ec.EllipticCurvePublicKey)
        r, s = result.signature[:48], result.signature[48:]
        public.verify(utils.encode_dss_signature(int.from_bytes(r, "big"), int.from_bytes(s, "big")), DIGEST,
                      ec.ECDSA(utils.Prehashed(hashes.SHA256())))


def test_wrong_pin2_then_blocked(pkis):
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"])
    session, _ = session_with(card)
    results = [session.sign(DIGEST, pin2("000000")) for _ in range(4)]
    assert results == [ev.SignFailed("wrong_pin2", 2), ev.SignFailed("wrong_pin2", 1),
                       ev.SignFailed("pin2_blocked", 0), ev.SignFailed("pin2_blocked", 0)]
    assert card.tries[0x01] == 3  # PIN1 untouched
    assert card.signatures == 0


def test_malformed_pin2_never_reaches_the_card(pkis):
    card = EmulatedCard("lv-rsa", pki=pkis["lv-rsa"])
    session, _ = session_with(card)
    secret = pin2("12a45")
    assert session.sign(DIGEST, secret) == ev.SignFailed("pin_format_refused")
    assert not any(secret)
    assert not any(h[1] == 0x20 for h in card.log)


def test_no_card_and_pulled_card(pkis):
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"])
    session, readers = session_with(card)
    readers.remove()
    secret = pin2()
    assert session.sign(DIGEST, secret).code == "card_removed"
    assert not any(secret)
    empty = CardSession(EmulatedReaders(), transmit_timeout=5.0)
    assert empty.sign(DIGEST, pin2()) == ev.SignFailed("card_removed")


def test_transport_error_is_reported_and_the_pin2_went_once(pkis):
    probe = EmulatedCard("lv-ec", pki=pkis["lv-ec"])
    probe_session, _ = session_with(probe)
    assert isinstance(probe_session.sign(DIGEST, pin2()), ev.DigestSigned)
    verify_at = next(i for i, h in enumerate(probe.log, 1) if h[1] == 0x20)
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"], faults=CardFaults(pull_after=verify_at))
    session, _ = session_with(card)
    result = session.sign(DIGEST, pin2())
    assert isinstance(result, ev.SignFailed) and result.code == "card_removed"
    assert [h for h in card.log if h[1] == 0x20] == [b"\x00\x20\x00\x85"]


def test_a_signature_that_does_not_verify_is_not_handed_out(pkis):
    session, _ = session_with(EmulatedCard("lv-rsa", pki=pkis["lv-rsa"], faults=CardFaults(sign="wrong")))
    assert session.sign(DIGEST, pin2()) == ev.SignFailed("card_signature_invalid")


def test_every_code_the_port_gives_has_words():
    for code in ("wrong_pin2", "pin2_blocked", "pin_format_refused", "card_removed", "card_signature_invalid"):
        assert code in PROBLEMS


def test_nothing_personal_or_secret_is_logged(pkis, caplog):
    session, _ = session_with(EmulatedCard("lv-ec", pki=pkis["lv-ec"]))
    with caplog.at_level(logging.DEBUG):
        session.sign(DIGEST, pin2())
        session.sign(DIGEST, pin2("987654"))
    text = " ".join(f"{r.getMessage()} {getattr(r, 'fields', '')}" for r in caplog.records)
    assert "signed" in text and "wrong_pin2" in text
    for secret in (DEMO_PIN2, "987654", "BĒRZIŅŠ", "150385"):
        assert secret not in text
