"""The citizen's call flow (kiosk/call/flow.py) without Kivy, media or network."""

from __future__ import annotations

import pytest

from kiosk.call import flow as f
from wire.call import CallOutcome


def run(*events, state=None):
    state = state or f.CallState()
    effects = []
    for event in events:
        state, more = f.step(state, event)
        effects.extend(more)
    return state, effects


START = f.StartCall("VSAA", "pension-advice")


def test_consent_comes_before_any_camera_or_microphone():
    state, effects = run(START)
    assert state.phase is f.Phase.CONSENT and effects == []
    state, effects = run(f.PeerJoined(), f.MediaConnected(), state=state)  # out of order: ignored
    assert state.phase is f.Phase.CONSENT and effects == []
    state, effects = run(f.ConsentGiven(share_identity=True), state=state)
    assert state.phase is f.Phase.REQUESTING and effects == [f.RequestCall("VSAA", "pension-advice")]


def test_consent_declined_returns_to_idle_with_nothing_started():
    state, effects = run(START, f.ConsentDeclined())
    assert state == f.CallState() and effects == []


def test_the_queue_shows_place_and_expected_wait():
    state, _ = run(START, f.ConsentGiven(), f.CallQueued("c-1", 3, None), f.QueuePosition(2, 240))
    assert (state.position, state.expected_wait_s) == (2, 240)
    state, _ = run(f.PeerJoined(), state=state)
    assert (state.position, state.expected_wait_s) == (0, None)


def test_queue_call_and_hang_up():
    state, effects = run(START, f.ConsentGiven(), f.CallQueued("c-1", 3), f.QueuePosition(2), f.PeerJoined(),
                         f.MediaConnected())
    assert state.phase is f.Phase.IN_CALL and state.call_id == "c-1"
    assert effects == [f.RequestCall("VSAA", "pension-advice"), f.OpenSignalling("c-1"), f.StartRingTimer(),
                       f.StartMedia(share_identity=False)]
    state, effects = run(f.ToggleMute(), f.ToggleCamera(), f.ToggleMute(), state=state)
    assert effects == [f.SetMedia(True, False), f.SetMedia(True, True), f.SetMedia(False, True)]
    state, effects = run(f.HangUp(), state=state)
    assert state.phase is f.Phase.ENDED and state.outcome is CallOutcome.ENDED_BY_CITIZEN
    assert effects == [f.EndCall("c-1"), f.StopMedia()]
    assert run(f.Finish(), state=state)[0] == f.CallState()


@pytest.mark.parametrize("outcome, phase", [(CallOutcome.RESOLVED, f.Phase.ENDED),
                                            (CallOutcome.DROPPED, f.Phase.ENDED),
                                            (CallOutcome.CALLBACK, f.Phase.CALLBACK)])
def test_the_specialist_ends(outcome, phase):
    state, _ = run(START, f.ConsentGiven(), f.CallQueued("c-1", 1), f.PeerJoined(), f.MediaConnected())
    state, effects = run(f.RemoteEnded(outcome), state=state)
    assert state.phase is phase and state.outcome is outcome and effects == [f.StopMedia()]


def test_nobody_answers_then_a_callback_ticket():
    state, effects = run(START, f.ConsentGiven(), f.CallQueued("c-9", 1), f.RingTimeout())
    assert state.phase is f.Phase.CALLBACK and effects[-1] == f.EndCall("c-9")
    state, effects = run(f.PhoneEntered("12 34"), state=state)
    assert state.error == "phone_invalid" and effects == []
    state, effects = run(f.PhoneEntered("+371 2000 0000"), f.PhoneEntered("+37120000001"), state=state)
    assert effects == [f.PrintCallbackTicket("VSAA", "pension-advice", "+37120000000", "c-9")]  # printed once
    assert "+371" not in repr(state)


def test_the_gateway_ending_a_waiting_call_closes_signalling():
    state, _ = run(START, f.ConsentGiven(), f.CallQueued("c-3", 1))
    state, effects = run(f.RemoteEnded(CallOutcome.UNANSWERED), state=state)
    assert state.phase is f.Phase.CALLBACK and effects == [f.EndCall("c-3")]


def test_closed_institution_goes_straight_to_callback_without_consent_or_media():
    state, effects = run(f.StartCall("VID", "tax", open_now=False))
    assert state.phase is f.Phase.CALLBACK and state.error == "institution_closed" and effects == []


def test_gateway_refusal_is_shown():
    state, _ = run(START, f.ConsentGiven(), f.RequestFailed("institution_unknown"))
    assert state.phase is f.Phase.FAILED and state.error == "institution_unknown"


@pytest.mark.parametrize("events, expected", [
    ((), []),
    ((START,), []),
    ((START, f.ConsentGiven()), []),
    ((START, f.ConsentGiven(), f.CallQueued("c-2", 1)), [f.EndCall("c-2")]),
    ((START, f.ConsentGiven(), f.CallQueued("c-2", 1), f.PeerJoined()), [f.EndCall("c-2"), f.StopMedia()]),
    ((START, f.ConsentGiven(), f.CallQueued("c-2", 1), f.PeerJoined(), f.MediaConnected()),
     [f.EndCall("c-2"), f.StopMedia()]),
])
def test_card_removal_ends_the_call_and_forgets_it_from_any_phase(events, expected):
    state, _ = run(*events)
    state, effects = run(f.SessionEnded(), state=state)
    assert state == f.CallState() and effects == expected


def in_call_state():
    return run(START, f.ConsentGiven(), f.CallQueued("c-1", 1), f.PeerJoined(), f.MediaConnected())[0]


def test_the_screen_is_shared_only_during_the_call_and_stops_with_it():
    waiting, effects = run(START, f.ConsentGiven(), f.CallQueued("c-1", 1), f.StartSharing())
    assert not waiting.sharing and f.ShareScreen(on=True) not in effects  # nobody to show it to yet
    state, effects = run(f.StartSharing(), f.StartSharing(), state=in_call_state())
    assert state.sharing and effects == [f.ShareScreen(on=True)]  # once
    stopped, effects = run(f.StopSharing(), f.StopSharing(), state=state)
    assert not stopped.sharing and effects == [f.ShareScreen(on=False)]
    for end, first in ((f.HangUp(), f.EndCall("c-1")), (f.RemoteEnded(CallOutcome.RESOLVED), f.StopMedia())):
        over, effects = run(end, state=state)
        assert not over.sharing and effects[0] == first and f.StopMedia() in effects  # the track goes with the call
        assert run(f.StartSharing(), state=over)[1] == []
    gone, effects = run(f.SessionEnded(), state=state)
    assert gone == f.CallState() and effects == [f.EndCall("c-1"), f.StopMedia()]


@pytest.mark.parametrize("end", [f.HangUp(), f.RemoteEnded(CallOutcome.RESOLVED), f.RemoteEnded(CallOutcome.CALLBACK),
                                 f.SessionEnded()])
def test_the_specialists_name_is_held_for_the_call_only(end):
    """The gateway's name for the specialist comes with PeerJoined, stays while connecting and talking, and
    goes with the call, however it ends; it never shows in the state's or the event's repr (logs)."""
    state, _ = run(START, f.ConsentGiven(), f.CallQueued("c-1", 1), f.PeerJoined("Anna Bērziņa"))
    assert state.phase is f.Phase.CONNECTING and state.specialist == "Anna Bērziņa"
    state, _ = run(f.MediaConnected(), f.StartSharing(), f.ToggleMute(), state=state)
    assert state.specialist == "Anna Bērziņa"
    assert "Bērziņa" not in repr(state) + repr(f.PeerJoined("Anna Bērziņa"))
    over, _ = run(end, state=state)
    assert over.specialist == "" and over.phase is not f.Phase.IN_CALL


def test_a_specialist_without_a_name_is_the_institution_only():
    state, _ = run(START, f.ConsentGiven(), f.CallQueued("c-1", 1), f.PeerJoined(), f.MediaConnected())
    assert state.phase is f.Phase.IN_CALL and state.specialist == ""
