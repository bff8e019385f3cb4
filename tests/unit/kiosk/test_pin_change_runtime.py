"""PIN change and PUK unblock in the runtime with hand-written fake ports: slots in the PIN buffer,
the kiosk's own mismatch check, one card operation, zeroed digits, deadlines."""

import threading

from kiosk.flow import events as ev
from kiosk.flow.effects import PinOp
from kiosk.flow.state import PinStep, Screen, initial_state
from kiosk.runtime.controller import Runtime
from kiosk.runtime.effects import EffectRunner
from kiosk.runtime.pin import PinBuffer
from kiosk.runtime.ports import Ports
from kiosk.settings import TimeoutSettings
from tests.unit.kiosk.test_runtime import FakeAuth, Nothing


class ChangingCard:
    """A card port that records each change_pin call (copies: the runtime zeroes the originals)."""

    def __init__(self, results=(), pin1_tries=3, release: threading.Event | None = None):
        self.results = list(results)
        self.pin1_tries = pin1_tries
        self.release = release
        self.calls: list[tuple[str, bytes, bytes]] = []
        self.handed: list[bytearray] = []

    def start(self, post):
        self.post = post

    def stop(self):
        pass

    def read_identity(self):
        return ev.IdentityRead("lv-rsa", "JĀNIS", self.pin1_tries, 3 if self.pin1_tries == 0 else None)

    def change_pin(self, mode, first, new):
        self.calls.append((mode, bytes(first), bytes(new)))
        self.handed += [first, new]
        if self.release is not None:
            self.release.wait(5)
        return self.results.pop(0) if self.results else ev.PinChanged(3)

    def end_session(self):
        pass


def make(card, timeouts=None):
    nothing = Nothing()
    ports = Ports(card=card, auth=FakeAuth(), catalogue=nothing, submissions=nothing, receipts=nothing,
                  staff=nothing)
    runtime = Runtime(initial_state())
    runner = EffectRunner(ports, runtime.pin, timeouts or TimeoutSettings())
    runtime.runner = runner
    return runtime, runner


def enter(runtime, digits):
    before = runtime.state.pin_length
    for d in digits:
        runtime.press_pin_digit(d)
    assert runtime.run_until(lambda s: s.pin_length == before + len(digits), 5)
    runtime.post(ev.PinConfirm())
    runtime.pump()


def to_change(runtime):
    runtime.post(ev.CardInserted(b"\x3b"))
    assert runtime.run_until(lambda s: s.screen == Screen.PIN, 5)
    runtime.post(ev.StartPinChange())
    assert runtime.run_until(lambda s: s.screen == Screen.PIN_CHANGE, 5)


def test_change_reaches_the_card_once_with_current_and_new_then_digits_are_zeroed():
    card = ChangingCard()
    runtime, runner = make(card)
    to_change(runtime)
    enter(runtime, "1234")
    enter(runtime, "739182")
    enter(runtime, "739182")
    assert runtime.run_until(lambda s: s.screen == Screen.PIN_CHANGED, 5)
    assert card.calls == [("change", b"1234", b"739182")]
    assert all(not any(buf) for buf in card.handed)  # zeroed after the card operation
    assert not runtime.pin.holds_anything()
    runner.close()


def test_same_length_mismatch_never_reaches_the_card_and_keeps_the_current_pin():
    card = ChangingCard()
    runtime, runner = make(card)
    to_change(runtime)
    enter(runtime, "1234")
    enter(runtime, "739182")
    seen: list[Screen] = []
    runtime.subscribe(lambda state: seen.append(state.screen))
    enter(runtime, "739183")
    assert runtime.run_until(lambda s: s.problem == "pin_mismatch", 5)
    assert runtime.state.screen == Screen.PIN_CHANGE and runtime.state.pin_change.step == "new"
    assert card.calls == []
    assert Screen.CHANGING_PIN not in seen and seen  # the screen never showed "Changing…" for a moment
    enter(runtime, "555666")
    enter(runtime, "555666")
    assert runtime.run_until(lambda s: s.screen == Screen.PIN_CHANGED, 5)
    assert card.calls == [("change", b"1234", b"555666")]  # the current PIN1 was not typed twice
    runner.close()


def test_unblock_sends_the_puk_and_the_new_pin():
    card = ChangingCard(pin1_tries=0)
    runtime, runner = make(card)
    runtime.post(ev.CardInserted(b"\x3b"))
    assert runtime.run_until(lambda s: s.screen == Screen.CARD_PROBLEM and s.card is not None, 5)
    runtime.post(ev.StartPukUnblock())
    assert runtime.run_until(lambda s: s.screen == Screen.PIN_CHANGE, 5)
    enter(runtime, "58203746")
    enter(runtime, "2468")
    enter(runtime, "2468")
    assert runtime.run_until(lambda s: s.screen == Screen.PIN_CHANGED, 5)
    assert card.calls == [("unblock", b"58203746", b"2468")]
    assert runtime.state.pin_change.outcome == "unblocked"
    runner.close()


def test_wrong_current_pin_is_not_kept_for_a_retry():
    card = ChangingCard(results=[ev.PinChangeFailed("wrong_pin", 2)])
    runtime, runner = make(card)
    to_change(runtime)
    for entry in ("9999", "739182", "739182"):
        enter(runtime, entry)
    assert runtime.run_until(lambda s: s.problem == "wrong_pin", 5)
    assert runtime.state.pin_change.step == "current" and not runtime.pin.holds_anything()
    runner.close()


def test_a_hung_card_becomes_an_uncertain_outcome_and_nothing_is_resent():
    release = threading.Event()
    card = ChangingCard(release=release)
    runtime, runner = make(card, TimeoutSettings(pin_change_s=0.3))
    to_change(runtime)
    for entry in ("1234", "739182", "739182"):
        enter(runtime, entry)
    assert runtime.run_until(lambda s: s.screen == Screen.PIN_CHANGED, 5)
    assert runtime.state.pin_change.outcome == "uncertain" and runtime.state.problem == "pin_change_uncertain"
    release.set()
    runtime.post(ev.Next())  # "Check PIN status"
    assert runtime.run_until(lambda s: s.screen == Screen.PIN, 5)
    assert len(card.calls) == 1
    runner.close()


def test_removal_mid_entry_zeroes_every_slot():
    runtime, runner = make(ChangingCard())
    to_change(runtime)
    enter(runtime, "1234")
    enter(runtime, "739182")
    runtime.press_pin_digit("7")
    runtime.pump()
    assert runtime.pin.holds_anything()
    runtime.post(ev.CardRemoved())
    assert runtime.run_until(lambda s: s.screen == Screen.WELCOME, 5)
    assert not runtime.pin.holds_anything()
    runner.close()


def test_pin_buffer_slots():
    pin = PinBuffer()
    for d in "1234":
        pin.press(d)
        pin.apply(PinOp.PUSH)
    pin.apply(PinOp.KEEP, PinStep.NEW)
    assert len(pin) == 0 and pin.holds_anything()
    for d in "1234":
        pin.press(d)
        pin.apply(PinOp.PUSH)
    pin.apply(PinOp.KEEP, PinStep.REPEAT)
    assert pin.same(PinStep.NEW, PinStep.REPEAT) and not pin.same(PinStep.NEW, PinStep.PUK)
    pin.apply(PinOp.DROP, PinStep.REPEAT)
    assert not pin.same(PinStep.NEW, PinStep.REPEAT)
    taken = pin.take(PinStep.NEW)
    assert taken == bytearray(b"1234") and not pin.holds_anything()
    pin.press("5")
    pin.apply(PinOp.PUSH)
    pin.apply(PinOp.KEEP, PinStep.PUK)
    pin.apply(PinOp.CLEAR)
    assert not pin.holds_anything() and pin.take(PinStep.PUK) == bytearray()
    assert "1234" not in repr(pin)
