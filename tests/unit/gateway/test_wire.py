"""wire.protocol: sealing, canonical JSON and envelopes (both the kiosk and the gateway use these)."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from wire import protocol as wire

KEY = X25519PrivateKey.generate()


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=4096))
def test_seal_roundtrip(plaintext):
    blob = wire.seal(KEY.public_key(), plaintext)
    assert blob.startswith(wire.SEAL_MAGIC)
    assert len(plaintext) < 16 or plaintext not in blob  # (short ones may match the header by chance)
    assert wire.unseal(KEY, blob) == plaintext


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=200), st.integers(min_value=1, max_value=255))
def test_any_altered_byte_is_detected(position, flip):
    blob = bytearray(wire.seal(KEY.public_key(), b'{"answer": "secret"}'))
    blob[position % len(blob)] ^= flip
    with pytest.raises(wire.SealError):
        wire.unseal(KEY, bytes(blob))


def test_sealed_for_another_key_and_truncated():
    blob = wire.seal(KEY.public_key(), b"x")
    with pytest.raises(wire.SealError, match="another key"):
        wire.unseal(X25519PrivateKey.generate(), blob)
    with pytest.raises(wire.SealError):
        wire.unseal(KEY, blob[:30])


def test_two_seals_of_the_same_answers_differ():
    assert wire.seal(KEY.public_key(), b"same") != wire.seal(KEY.public_key(), b"same")


def test_public_key_loads_from_pem_and_raw_base64():
    from cryptography.hazmat.primitives import serialization

    public = KEY.public_key()
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    for form in (pem, pem.decode(), wire.b64encode(raw)):
        assert wire.sealing_key_id(wire.load_sealing_public_key(form)) == wire.sealing_key_id(public)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.text(max_size=8), st.one_of(st.integers(), st.text(), st.booleans(), st.none()),
                       max_size=8))
def test_canonical_json_is_order_independent(mapping):
    reversed_mapping = dict(reversed(list(mapping.items())))
    assert wire.canonical_json(mapping) == wire.canonical_json(reversed_mapping)


def test_envelope_shape_and_time_format():
    created = dt.datetime(2026, 3, 1, 12, 30, 15, 999, tzinfo=dt.UTC)
    body = wire.build_envelope(service_id="residence-certificate", service_version="1", session_ref="S1",
                               created_at=created, sealed_answers=b"\x00\x01",
                               proxy={"authorisation_ref": "EA-1"})
    envelope = wire.read_envelope(body)
    assert envelope == {"v": 1, "service_id": "residence-certificate", "service_version": "1",
                        "session_ref": "S1", "created_at": "2026-03-01T12:30:15Z", "sealed_answers": "AAE=",
                        "proxy": {"authorisation_ref": "EA-1"}}
    assert wire.parse_time(envelope["created_at"]) == created.replace(microsecond=0)
    with pytest.raises(ValueError):
        wire.format_time(dt.datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        wire.read_envelope(b"[]")


def test_offline_envelope_has_no_session_and_local_references_have_one_shape():
    body = wire.build_envelope(service_id="lost-id-report", service_version="1", session_ref=None,
                               created_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC), sealed_answers=b"\x00")
    assert "session_ref" not in wire.read_envelope(body)
    refs = {wire.local_reference(f"key-{i:08d}") for i in range(2000)}
    assert len(refs) == 2000 and all(wire.LOCAL_REFERENCE_PATTERN.match(r) for r in refs)
    assert wire.local_reference("key-00000001") == wire.local_reference("key-00000001")  # both sides agree


@settings(max_examples=40, deadline=None)
@given(field=st.sampled_from(["format", "device_id", "nonce", "nonce_random", "kiosk_time", "origin", "signature"]),
       value=st.text(min_size=1, max_size=60))
def test_any_change_to_an_attestation_breaks_it(field, value):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    when = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    body = wire.attestation_body("K1", b"r" * 32, when, "https://kiosk.example.lv")
    signed = {**body, "signature": wire.b64encode(key.sign(wire.canonical_json(body)))}
    assert wire.check_attestation(signed, key.public_key(), when) == when
    changed = {**signed, field: value}
    if changed == signed:
        return
    with pytest.raises(wire.AttestationRejected) as info:
        wire.check_attestation(changed, key.public_key(), when)
    assert info.value.code == "attestation_invalid"


def test_an_offline_nonce_cannot_be_attested_at_another_time_or_by_another_device():
    """The nonce is the commitment: re-signing the attestation with a fresh time (the device's key is
    the kiosk's own) still fails, because the card's token signed the old commitment."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    then = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    original = wire.attestation_body("K1", b"r" * 32, then, "https://kiosk.example.lv")
    later = then + dt.timedelta(days=3)
    for device, moment in (("K1", later), ("K2", then)):
        forged = {**wire.attestation_body(device, b"r" * 32, moment, "https://kiosk.example.lv"),
                  "nonce": original["nonce"]}  # the old token's nonce, a new time or device
        signed = {**forged, "signature": wire.b64encode(key.sign(wire.canonical_json(forged)))}
        with pytest.raises(wire.AttestationRejected) as info:
            wire.check_attestation(signed, key.public_key(), later)
        assert info.value.code == "attestation_invalid"


def test_an_overlong_attestation_field_is_invalid_not_an_error():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    when = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    body = wire.attestation_body("K" * 70_000, b"r" * 32, when, "https://kiosk.example.lv")
    signed = {**body, "signature": wire.b64encode(key.sign(wire.canonical_json(body)))}
    with pytest.raises(wire.AttestationRejected) as info:
        wire.check_attestation(signed, key.public_key(), when)
    assert info.value.code == "attestation_invalid"


def test_local_codes_are_receipt_codes_and_differ_from_the_reference():
    codes = {wire.local_code(f"key-{i:08d}") for i in range(500)}
    assert len(codes) == 500 and all(len(c) == 6 and set(c) <= set(wire.CODE_ALPHABET) for c in codes)
    assert wire.local_code("key-00000001") == wire.local_code("key-00000001")
