"""gateway.wire: sealing, canonical JSON and envelopes (both the kiosk and the gateway use these)."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway import wire

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
