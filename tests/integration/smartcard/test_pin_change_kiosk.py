"""PIN1 change and PUK unblock through the kiosk's runtime and card port with the card behind the real
PC/SC stack (pcscd + vpcd + the emulator), then signing in with the new PIN1 against the reference
gateway on loopback: the gateway accepting the token proves the card took the new PIN1."""

from __future__ import annotations

import logging

import pytest

from drivers.smartcard.emulator import CardFaults, EmulatedCard
from kiosk.flow import events as ev
from kiosk.flow.state import Screen
from tests.e2e.journey import wait
from tests.integration.smartcard.conftest import kiosk_on_pcscd, saved_pki

pytestmark = pytest.mark.pcsc

APDU_TIMEOUT_S = 2.0
# Test PINs of six and eight digits that no log field holds by chance (unlike "1234" in a timestamp)
PIN1 = "946173"
PUK = "58203746"
NEW_PIN = "739182"
SECRETS = (PIN1, PUK, NEW_PIN)
CHANGE = b"\x00\x24\x00\x01"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return saved_pki(tmp_path_factory, "lv-rsa")


@pytest.fixture
def kiosk(pki, tmp_path, vpcd):
    with kiosk_on_pcscd(pki[1], tmp_path / "kiosk", transmit_timeout_s=APDU_TIMEOUT_S) as kiosk:
        yield kiosk


def card(pki, **kw) -> EmulatedCard:
    return EmulatedCard("lv-rsa", pki=pki[0], pin1=PIN1, puk=PUK, **kw)


def enter(runtime, digits: str) -> None:
    before = runtime.state.pin_length
    for digit in digits:
        runtime.press_pin_digit(digit)
    assert runtime.run_until(lambda s: s.pin_length == before + len(digits), 5)
    runtime.post(ev.PinConfirm())


def enter_each(runtime, *entries: str) -> None:
    """One PIN pad entry after another, each taken from the pad before the next is typed."""
    for entry in entries:
        enter(runtime, entry)
        runtime.run_until(lambda s: s.pin_length == 0, 5)


def step_is(runtime, step: str) -> None:
    assert runtime.run_until(lambda s: s.pin_change is not None and s.pin_change.step == step
                             and s.pin_length == 0, 30), (runtime.state.screen, runtime.state.problem)


def sign_in(runtime, pin: str) -> None:
    wait(runtime, Screen.PIN, 60)
    enter(runtime, pin)
    wait(runtime, Screen.CATALOGUE, 60)


def no_secret_in_logs(caplog) -> None:
    """What a record says — its message, its event fields and any traceback — holds no PIN. The
    record's metadata (timestamps, thread and process ids) is not scanned: digits turn up there."""
    assert caplog.records  # the scan saw the session's log
    for record in caplog.records:
        text = " ".join((record.getMessage(), repr(record.__dict__.get("fields", {})), record.exc_text or ""))
        assert not any(secret in text for secret in SECRETS), record.getMessage()


def test_change_pin1_then_sign_in_with_it(kiosk, pki, vpcd, caplog):
    caplog.set_level(logging.DEBUG)
    runtime = kiosk.runtime
    emulated = card(pki)
    vpcd(emulated)
    wait(runtime, Screen.PIN, 60)
    runtime.post(ev.StartPinChange())
    step_is(runtime, "current")
    enter(runtime, PIN1)
    step_is(runtime, "new")
    enter(runtime, NEW_PIN)
    step_is(runtime, "repeat")
    enter(runtime, NEW_PIN)
    wait(runtime, Screen.PIN_CHANGED, 60)
    assert runtime.state.pin_change.outcome == "changed" and runtime.state.card.pin_tries_left == 3
    assert emulated.log.count(CHANGE) == 1 and not emulated.pin_verified
    runtime.post(ev.Next())
    sign_in(runtime, NEW_PIN)
    assert runtime.state.session is not None
    assert not runtime.pin.holds_anything()
    no_secret_in_logs(caplog)


def test_wrong_current_pin_counts_down_on_the_card(kiosk, pki, vpcd):
    runtime = kiosk.runtime
    emulated = card(pki)
    vpcd(emulated)
    wait(runtime, Screen.PIN, 60)
    runtime.post(ev.StartPinChange())
    step_is(runtime, "current")
    enter_each(runtime, "0000", NEW_PIN, NEW_PIN)
    assert runtime.run_until(lambda s: s.problem == "wrong_pin", 60)
    assert runtime.state.pin_change.step == "current" and runtime.state.card.pin_tries_left == 2
    assert emulated.tries[0x01] == 2
    runtime.post(ev.PinCancel())
    sign_in(runtime, PIN1)  # nothing was changed


def test_blocked_pin1_unblocked_with_puk_then_sign_in(kiosk, pki, vpcd, caplog):
    caplog.set_level(logging.DEBUG)
    runtime = kiosk.runtime
    emulated = card(pki)
    emulated.tries[0x01] = 0
    vpcd(emulated)
    wait(runtime, Screen.CARD_PROBLEM, 60)
    assert runtime.state.problem == "pin_blocked" and runtime.state.card.puk_tries_left == 3
    runtime.post(ev.StartPukUnblock())
    step_is(runtime, "puk")
    enter_each(runtime, "11112222", "2468", "2468")  # a wrong PUK first
    assert runtime.run_until(lambda s: s.problem == "wrong_puk", 60)
    assert runtime.state.card.puk_tries_left == 2 and emulated.tries[0x02] == 2
    step_is(runtime, "puk")
    enter(runtime, PUK)
    step_is(runtime, "new")
    enter(runtime, NEW_PIN)
    step_is(runtime, "repeat")
    enter(runtime, NEW_PIN)
    wait(runtime, Screen.PIN_CHANGED, 60)
    assert runtime.state.pin_change.outcome == "unblocked"
    assert emulated.tries == {0x01: 3, 0x85: 3, 0x02: 3}
    runtime.post(ev.Next())
    sign_in(runtime, NEW_PIN)
    no_secret_in_logs(caplog)


@pytest.mark.slow
def test_transport_error_mid_change_is_never_resent_and_the_status_check_shows_the_truth(kiosk, pki, vpcd):
    late_s = APDU_TIMEOUT_S + 2.0
    runtime = kiosk.runtime
    emulated = card(pki, faults=CardFaults(late_ins=0x24, late_s=late_s))
    vpcd(emulated)
    wait(runtime, Screen.PIN, 60)
    runtime.post(ev.StartPinChange())
    step_is(runtime, "current")
    enter_each(runtime, PIN1, NEW_PIN, NEW_PIN)
    wait(runtime, Screen.PIN_CHANGED, 60)
    assert runtime.state.pin_change.outcome == "uncertain" and runtime.state.problem == "pin_change_uncertain"
    assert not runtime.pin.holds_anything()
    runtime.post(ev.Next())  # "Check PIN status" at once: waits for the reader the late answer still holds

    wait(runtime, Screen.PIN, 60)
    assert runtime.state.card.pin_tries_left == 3
    assert emulated.log.count(CHANGE) == 1  # carried out once, never re-sent
    sign_in(runtime, NEW_PIN)  # the card did change it: the citizen's new PIN1 works
