"""Token validation pieces that need no server: signed data, identity, validator order."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from gateway import testpki
from gateway.errors import TOKEN_CODES, TokenRejected
from gateway.webeid import AuthTokenValidator, extract_identity, to_be_signed_parts

ORIGIN = "https://kiosk.example.lv"
NONCE = "x" * 44


def test_reference_test_vector():
    nonce = "12345678123456781234567812345678912356789123"
    parts256 = to_be_signed_parts("https://ria.ee", nonce, "ES256")
    assert hashlib.sha256(parts256).hexdigest() == "b279891a871202b377cf749958337a6ac4b69c00ede9746966c00b7887f07f14"
    parts384 = to_be_signed_parts("https://ria.ee", nonce, "ES384")
    assert hashlib.sha384(parts384).hexdigest() == (
        "6ab5b68a5b108467440b4787a75bd827a7afcdd7d90f4f3ec57fe4718d0cc6d3daeb4affee561758dfbb5d3fee88b548")


def _cert_with_subject(*attrs):
    ca = testpki.make_ca()
    key = testpki.new_key("p256")
    return (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(o, v) for o, v in attrs]))
            .issuer_name(ca.name).public_key(key.public_key()).serial_number(1)
            .not_valid_before(dt.datetime(2020, 1, 1)).not_valid_after(dt.datetime(2040, 1, 1))
            .sign(ca.key, testpki.hashes.SHA256()))


def test_identity_latvian_layout():
    ca = testpki.make_ca()
    cert = testpki.make_auth_cert(ca, testpki.new_key("p256"), given="SERGEJS", surname="KULIŠS",
                                  code="210860-10528")
    who = extract_identity(cert)
    assert (who.given_name, who.surname, who.personal_code, who.country) == ("SERGEJS", "KULIŠS",
                                                                              "210860-10528", "LV")


def test_identity_estonian_common_name_and_legacy_serial():
    ee = _cert_with_subject((NameOID.COMMON_NAME, "JÕEORG,JAAK-KRISTJAN,38001085718"),
                            (NameOID.SERIAL_NUMBER, "PNOEE-38001085718"))
    assert (extract_identity(ee).surname, extract_identity(ee).given_name,
            extract_identity(ee).personal_code, extract_identity(ee).country) == (
        "JÕEORG", "JAAK-KRISTJAN", "38001085718", "EE")
    legacy = _cert_with_subject((NameOID.COMMON_NAME, "ANNA OZOLA"), (NameOID.SERIAL_NUMBER, "010181-15098"))
    assert extract_identity(legacy).personal_code == "010181-15098"
    with pytest.raises(TokenRejected) as info:
        extract_identity(_cert_with_subject((NameOID.COMMON_NAME, "NOBODY")))
    assert info.value.code == "cert_subject_invalid"


def test_validator_checks_purpose_before_trust_and_signature_last():
    ca = testpki.make_ca()
    stranger = testpki.make_ca()
    key = testpki.new_key("p384")
    validator = AuthTokenValidator(origin=ORIGIN, trust_anchors=[ca.cert])
    now = dt.datetime.now(dt.UTC)
    # untrusted AND no digitalSignature: purpose is checked first (Web eID order)
    cert = testpki.make_auth_cert(stranger, key, digital_signature=False)
    token = validator.parse(testpki.make_token(cert, key, ORIGIN, NONCE))
    with pytest.raises(TokenRejected) as info:
        validator.validate(token, NONCE, now)
    assert info.value.code == "cert_key_usage_invalid"
    # trusted, but signed for another nonce
    cert = testpki.make_auth_cert(ca, key)
    token = validator.parse(testpki.make_token(cert, key, ORIGIN, "y" * 44))
    with pytest.raises(TokenRejected) as info:
        validator.validate(token, NONCE, now)
    assert info.value.code == "signature_invalid"
    assert validator.validate(validator.parse(testpki.make_token(cert, key, ORIGIN, NONCE)), NONCE, now)


def test_expired_issuing_ca_is_not_trusted():
    old = testpki.make_ca(not_before=dt.datetime(2015, 1, 1, tzinfo=dt.UTC),
                          not_after=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    key = testpki.new_key("p384")
    cert = testpki.make_auth_cert(old, key, not_after=dt.datetime(2035, 1, 1, tzinfo=dt.UTC))
    validator = AuthTokenValidator(origin=ORIGIN, trust_anchors=[old.cert])
    token = validator.parse(testpki.make_token(cert, key, ORIGIN, NONCE))
    with pytest.raises(TokenRejected) as info:
        validator.validate(token, NONCE, dt.datetime(2031, 1, 1, tzinfo=dt.UTC))
    assert info.value.code == "cert_untrusted"


@pytest.mark.parametrize("token", [None, [], "x", {"format": "web-eid:1.0"}])
def test_parse_rejects_non_tokens(token):
    with pytest.raises(TokenRejected) as info:
        AuthTokenValidator.parse(token)
    assert info.value.code == "token_malformed"
    assert info.value.code in TOKEN_CODES


def test_unrecognised_critical_extension_and_oversized_token():
    ca = testpki.make_ca()
    key = testpki.new_key("p384")
    base = testpki.make_auth_cert(ca, key)
    builder = (x509.CertificateBuilder().subject_name(base.subject).issuer_name(ca.name)
               .public_key(key.public_key()).serial_number(7)
               .not_valid_before(base.not_valid_before_utc).not_valid_after(base.not_valid_after_utc))
    for extension in base.extensions:
        builder = builder.add_extension(extension.value, extension.critical)
    builder = builder.add_extension(x509.UnrecognizedExtension(x509.ObjectIdentifier("1.2.3.4.5"), b"\x05\x00"),
                                    critical=True)
    cert = builder.sign(ca.key, testpki.hashes.SHA384())
    validator = AuthTokenValidator(origin=ORIGIN, trust_anchors=[ca.cert])
    token = validator.parse(testpki.make_token(cert, key, ORIGIN, NONCE))
    with pytest.raises(TokenRejected) as info:
        validator.validate(token, NONCE, dt.datetime.now(dt.UTC))
    assert info.value.code == "cert_untrusted"
    with pytest.raises(TokenRejected) as info:
        validator.parse(testpki.make_token(base, key, ORIGIN, NONCE, padding="x" * 10_000))
    assert info.value.code == "token_too_large"


def test_leaf_certificate_configured_as_anchor_is_not_a_ca():
    ca = testpki.make_ca()
    key = testpki.new_key("p384")
    leaf = testpki.make_auth_cert(ca, key)
    validator = AuthTokenValidator(origin=ORIGIN, trust_anchors=[leaf])
    forged_key = testpki.new_key("p384")
    issued_by_leaf = (x509.CertificateBuilder().subject_name(leaf.subject).issuer_name(leaf.subject)
                      .public_key(forged_key.public_key()).serial_number(9)
                      .not_valid_before(leaf.not_valid_before_utc).not_valid_after(leaf.not_valid_after_utc)
                      .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False),
                                     critical=True)
                      .sign(key, testpki.hashes.SHA384()))
    token = validator.parse(testpki.make_token(issued_by_leaf, forged_key, ORIGIN, NONCE))
    with pytest.raises(TokenRejected) as info:
        validator.validate(token, NONCE, dt.datetime.now(dt.UTC))
    assert info.value.code == "cert_untrusted"


def test_offline_token_certificate_checked_when_signed_and_revocation_now():
    """An offline sign-in: the certificate must have been valid at the attested kiosk time; revocation
    is asked about now."""
    ca = testpki.make_ca()
    key = testpki.new_key("p384")
    signed_at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=5)
    cert = testpki.make_auth_cert(ca, key, not_after=signed_at + dt.timedelta(hours=1))
    asked: list[dt.datetime] = []

    class Revocation:
        def check(self, certificate, issuer, now):
            asked.append(now)

    validator = AuthTokenValidator(origin=ORIGIN, trust_anchors=[ca.cert], revocation=Revocation())
    token = validator.parse(testpki.make_token(cert, key, ORIGIN, NONCE))
    now = dt.datetime.now(dt.UTC)
    with pytest.raises(TokenRejected) as info:
        validator.validate(token, NONCE, now)
    assert info.value.code == "cert_expired"
    assert validator.validate(token, NONCE, now, valid_at=signed_at).personal_code == "321922-33032"
    assert asked == [now]
