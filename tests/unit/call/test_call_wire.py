"""Signalling messages and TURN credentials (wire/call.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wire.call import (
    CallOutcome,
    Party,
    SequenceGuard,
    Signal,
    SignalError,
    SignalKind,
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
