"""The runtime with hand-written fake ports: queue, PIN buffer, deadlines, late results."""

import threading

from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow.effects import PinOp
from kiosk.flow.state import Citizen, Screen, initial_state
from kiosk.runtime.controller import Runtime
from kiosk.runtime.effects import EffectRunner
from kiosk.runtime.pin import PinBuffer
from kiosk.runtime.ports import Ports
from kiosk.settings import TimeoutSettings

CITIZEN = Citizen("JĀNIS", "BĒRZIŅŠ", "010190-10001", frozenset({"citizen"}), "s")


class FakeCard:
    def __init__(self):
        self.ended = threading.Event()

    def start(self, post):
        self.post = post

    def stop(self):
        pass

    def read_identity(self):
        return ev.IdentityRead("lv-rsa", "JĀNIS", 3)

    def end_session(self):
        self.ended.set()


class FakeAuth:
    def __init__(self, release: threading.Event | None = None, result=None):
        self.release = release
        self.result = result or ev.AuthSucceeded(CITIZEN)
        self.seen_pin = None

    def authenticate(self, pin):
        self.seen_pin = bytes(pin)
        if self.release is not None:
            self.release.wait(5)
        return self.result


class Nothing:
    def load(self):
        return None

    def submit(self, effect):
        return ev.SubmitFailed("x")

    def print_receipt(self, effect):
        return ev.PrintFinished(True)

    def call_staff(self):
        return ev.StaffCalled(True)


def make(auth, timeouts=None):
    card = FakeCard()
    nothing = Nothing()
    ports = Ports(card=card, auth=auth, catalogue=nothing, submissions=nothing, receipts=nothing, staff=nothing)
    runtime = Runtime(initial_state())
    runner = EffectRunner(ports, runtime.pin, timeouts or TimeoutSettings())
    runtime.runner = runner
    card.start(runtime.post)
    return runtime, card, runner


def enter_pin(runtime, digits="1234"):
    runtime.post(ev.CardInserted(b"\x3b"))
    assert runtime.run_until(lambda s: s.screen == Screen.PIN, 5)
    for d in digits:
        runtime.press_pin_digit(d)
    runtime.press_pin_digit("x")  # not a digit: ignored
    runtime.run_until(lambda s: s.pin_length == len(digits), 5)
    runtime.post(ev.PinConfirm())


def test_pin_reaches_the_card_once_and_is_gone_from_the_buffer():
    auth = FakeAuth()
    runtime, card, runner = make(auth)
    enter_pin(runtime)
    assert runtime.run_until(lambda s: s.screen == Screen.CATALOGUE, 5)
    assert auth.seen_pin == b"1234"
    assert len(runtime.pin) == 0
    runner.close()


def test_result_arriving_after_removal_is_dropped():
    release = threading.Event()
    auth = FakeAuth(release)
    runtime, card, runner = make(auth)
    enter_pin(runtime)
    assert runtime.run_until(lambda s: s.screen == Screen.AUTHENTICATING, 5)
    runtime.post(ev.CardRemoved())
    assert runtime.run_until(lambda s: s.screen == Screen.WELCOME, 5)
    runtime.post(ev.CardInserted(b"\x3b"))  # the next person is already here
    assert runtime.run_until(lambda s: s.screen == Screen.PIN, 5)
    release.set()  # the previous person's gateway answer arrives now
    runtime.run_until(lambda s: False, 0.5)
    assert runtime.state.session is None and runtime.state.screen == Screen.PIN
    assert card.ended.wait(5)  # the wipe reset the card session
    runner.close()


def test_a_hung_port_becomes_a_timeout_event():
    release = threading.Event()
    auth = FakeAuth(release)
    runtime, card, runner = make(auth, TimeoutSettings(auth_s=0.3))
    enter_pin(runtime)
    assert runtime.run_until(lambda s: s.problem is not None, 10)
    assert runtime.state.problem == "auth_timeout" and runtime.state.screen == Screen.PIN
    release.set()
    runner.close()


def test_effect_listeners_see_effects_without_personal_data():
    runtime, card, runner = make(FakeAuth())
    seen = []
    runtime.on_effect(seen.append)
    enter_pin(runtime)
    runtime.run_until(lambda s: s.screen == Screen.CATALOGUE, 5)
    assert [type(e) for e in seen][:3] == [fx.ReadIdentity, fx.Authenticate, fx.LoadCatalogue]
    runner.close()


def test_pin_buffer_ops_and_repr():
    pin = PinBuffer(max_digits=4)
    for d in "12345":
        pin.press(d)
    for op in (PinOp.PUSH,) * 4 + (PinOp.DISCARD,):
        pin.apply(op)
    pin.apply(PinOp.POP)
    assert "123" not in repr(pin)
    taken = pin.take()
    assert taken == bytearray(b"123") and len(pin) == 0
