"""Signalling messages and TURN credentials (wire/call.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wire.call import (
    DISPLAY_NAME_MAX,
    CallOutcome,
    Party,
    SequenceGuard,
    Signal,
    SignalError,
    SignalKind,
    display_name,
    parse_signal,
    turn_credentials,
)


def test_round_trip_of_every_party_kind():
    for signal in (Signal("c-1", Party.KIOSK, 1, SignalKind.OFFER, sdp="v=0\r\n"),
                   Signal("c-1", Party.SPECIALIST, 2, SignalKind.ICE, candidate="candidate:1", mid="0"),
                   Signal("c-1", Party.SPECIALIST, 3, SignalKind.END, outcome=CallOutcome.RESOLVED)):
        assert parse_signal(signal.to_json()) == signal


@pytest.mark.parametrize("raw", ['[]', '{"call":"c","from":"kiosk","seq":1,"kind":"offer"}',
                                 '{"call":"c","from":"kiosk","seq":-1,"kind":"ice","candidate":""}',
                                 '{"call":"c","from":"kiosk","seq":true,"kind":"ice","candidate":""}',
                                 '{"call":"c","from":"mallory","seq":1,"kind":"ice","candidate":""}',
                                 '{"call":"c","from":"kiosk","seq":1,"kind":"offer","sdp":"hello"}',
                                 '{"call":"c","from":"kiosk","seq":1,"kind":"end","outcome":"great"}',
                                 "x" * 70000])
def test_malformed(raw):
    with pytest.raises(SignalError) as err:
        parse_signal(raw)
    assert err.value.code == "signal_malformed"


@given(st.binary(max_size=300))
def test_parser_never_fails_otherwise(raw):
    try:
        parse_signal(raw)
    except SignalError as exc:
        assert exc.code == "signal_malformed"


def test_guard_binds_call_sender_kind_and_sequence():
    guard = SequenceGuard("c-1", Party.KIOSK)
    guard.admit(Signal("c-1", Party.KIOSK, 1, SignalKind.OFFER, sdp="v=0"))
    cases = [(Signal("c-2", Party.KIOSK, 2, SignalKind.ICE), "signal_forged"),
             (Signal("c-1", Party.SPECIALIST, 2, SignalKind.ICE), "signal_forged"),
             (Signal("c-1", Party.KIOSK, 1, SignalKind.ICE), "signal_replayed"),
             (Signal("c-1", Party.KIOSK, 3, SignalKind.ICE), "signal_replayed"),
             (Signal("c-1", Party.KIOSK, 2, SignalKind.ANSWER, sdp="v=0"), "signal_kind_invalid"),
             (Signal("c-1", Party.KIOSK, 2, SignalKind.ENDED), "signal_kind_invalid")]
    for signal, code in cases:
        with pytest.raises(SignalError) as err:
            guard.admit(signal)
        assert err.value.code == code
    guard.admit(Signal("c-1", Party.KIOSK, 2, SignalKind.ICE))  # refusals did not move the sequence


def test_turn_rest_credentials():
    creds = turn_credentials("s3cret", "c-1", 1_700_000_000, 600, ("turn:127.0.0.1:3478",))
    assert creds.username == "1700000600:c-1" and creds.expires == 1_700_000_600
    digest = hmac.new(b"s3cret", b"1700000600:c-1", hashlib.sha1).digest()
    assert creds.credential == base64.b64encode(digest).decode()


def test_peer_joined_carries_the_specialists_display_name():
    joined = Signal("c-1", Party.GATEWAY, 1, SignalKind.PEER_JOINED, name="Anna Bērziņa")
    assert parse_signal(joined.to_json()) == joined
    assert "name" not in json.loads(Signal("c-1", Party.GATEWAY, 1, SignalKind.PEER_JOINED).to_json())


def test_display_names_as_the_admin_or_a_certificate_gives_them():
    assert display_name("  Anna   Bērziņa ") == "Anna Bērziņa"
    assert display_name("ANNA-MARIJA BĒRZIŅA-KALNIŅA") == "Anna-Marija Bērziņa-Kalniņa"  # a certificate's capitals
    assert display_name("A. O’Neil") == "A. O’Neil"
    assert display_name("Ēriks Ļaudis") == "Ēriks Ļaudis"


@pytest.mark.parametrize("bad", ["", " ", "Anna 2", "Анна", "Anna\u202eBērziņa", "Anna\nBērziņa", "Anna\tB",
                                 "x" * (DISPLAY_NAME_MAX + 1), "-Anna", "Anna-", "Anna--Bērziņa", "Anna <b>"])
def test_what_is_not_a_display_name(bad):
    with pytest.raises(ValueError):
        display_name(bad)


@pytest.mark.parametrize("name", ["Anna 2", "Анна", "Anna\u202eBērziņa", "Anna\nBērziņa", "x" * 49, "", 7, "-Anna"])
def test_a_forged_name_in_peer_joined_is_malformed(name):
    raw = json.dumps({"call": "c-1", "from": "gateway", "seq": 1, "kind": "peer_joined", "name": name})
    with pytest.raises(SignalError) as refused:
        parse_signal(raw)
    assert refused.value.code == "signal_malformed"


@given(st.text(max_size=60))
def test_display_name_is_clean_or_refused(text):
    try:
        name = display_name(text)
    except ValueError:
        return
    assert name == display_name(name) and 0 < len(name) <= DISPLAY_NAME_MAX and name.isprintable()
    assert not any(ch.isdigit() for ch in name)
