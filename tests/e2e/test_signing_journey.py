"""Signing and checking through the real composition root (no UI): the emulated card in an
in-process reader, the embedded gateway with its test TSA and OCSP responder, the emulated USB stick
(a FAT image read and written with mtools), the emulated printer. The .edoc lands beside the
original on the stick, the kiosk's verifier calls it VALID, the receipt names the signer, the
time-stamp and the container's SHA-256; checking a damaged container says INVALID."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from kiosk.adapters import usbstick
from kiosk.flow import events as ev
from kiosk.flow import signing_events as sev
from kiosk.flow.signing_state import SignMode
from kiosk.flow.state import Screen
from kiosk.receipts.signing import hash_lines
from tests.e2e.journey import sign_in, wait
from wire.edoc import Trust, Verdict
from wire.edoc.verify import verify_container

pytestmark = pytest.mark.skipif(not (shutil.which("mkfs.vfat") and shutil.which("mcopy")),
                                reason="the emulated stick needs dosfstools and mtools (Makefile DEBS)")


def enter(runtime, digits: str) -> None:
    for digit in digits:
        runtime.press_pin_digit(digit)
    assert runtime.run_until(lambda s: s.pin_length == len(digits), 20), "digits not counted"


def sign_from_review(runtime, pin2: str) -> None:
    """From "what will be signed": PIN2's pad, the digits, OK, then the signing done."""
    runtime.post(ev.Next())
    wait(runtime, Screen.SIGN_PIN2)
    enter(runtime, pin2)
    runtime.post(ev.PinConfirm())
    wait(runtime, Screen.SIGN_DONE, 60)


def test_citizen_signs_a_file_on_the_stick_and_checks_it(kiosk) -> None:
    runtime = kiosk.runtime
    sign_in(kiosk)
    runtime.post(sev.StartSigning(SignMode.SIGN))
    wait(runtime, Screen.SIGN_FILES)
    files = {f.name: f for f in runtime.state.signing.files}
    assert set(files) == {"Iesniegums.txt", "Līgums par telpu nomu.pdf", "Pielikums.txt", "Bojāts paraksts.edoc"}
    assert [f.name for f in files.values() if f.container] == ["Bojāts paraksts.edoc"]
    runtime.post(sev.ChooseFile(files["Iesniegums.txt"].path))
    runtime.post(sev.ChooseFile(files["Pielikums.txt"].path))
    runtime.post(ev.Next())
    wait(runtime, Screen.SIGN_REVIEW)
    flow = runtime.state.signing
    assert [d.name for d in flow.documents] == ["Iesniegums.txt", "Pielikums.txt"] and flow.signer == "JĀNIS BĒRZIŅŠ"
    runtime.post(ev.Next())
    wait(runtime, Screen.SIGN_PIN2)
    enter(runtime, "99999")
    runtime.post(ev.PinConfirm())
    assert runtime.run_until(lambda s: s.problem == "wrong_pin2", 60), runtime.state.problem
    assert (runtime.state.screen, runtime.state.signing.pin2_tries_left) == (Screen.SIGN_PIN2, 2)
    enter(runtime, "12345")
    runtime.post(ev.PinConfirm())
    wait(runtime, Screen.SIGN_DONE, 60)
    signed = runtime.state.signing.signed
    assert signed.written_name == "Iesniegums.edoc"
    runtime.run_until(lambda s: s.signing is not None and s.signing.print_status == "printed", 30)

    stick = usbstick.open_stick([kiosk.emulation.stick_image])
    written = next(f for f in stick.list_files() if f.path == "/Iesniegums.edoc")
    data = stick.read(written, max_bytes=1 << 24)
    assert hashlib.sha256(data).hexdigest() == signed.container_sha256
    report = verify_container(data, anchors=[kiosk.emulation.citizen_pki.intermediate_cert])
    assert report.verdict is Verdict.VALID and report.signatures[0].trust is Trust.TRUSTED
    assert set(report.files) == {"Iesniegums.txt", "Pielikums.txt"}

    receipt = sorted(kiosk.emulation.receipts_dir.glob("receipt-*.txt"))[-1].read_text("utf-8")
    assert "JĀNIS BĒRZIŅŠ" in receipt and "Iesniegums.edoc" in receipt and hash_lines(signed.container_sha256)[0] in receipt
    assert "321922" not in receipt

    runtime.post(ev.Back())
    wait(runtime, Screen.CATALOGUE)
    runtime.post(sev.StartSigning(SignMode.CHECK))
    wait(runtime, Screen.SIGN_FILES)
    containers = {f.name: f for f in runtime.state.signing.files}
    assert set(containers) == {"Iesniegums.edoc", "Bojāts paraksts.edoc"}
    runtime.post(sev.ChooseFile(containers["Iesniegums.edoc"].path))
    wait(runtime, Screen.CHECK_RESULT)
    check = runtime.state.signing.check
    assert check.verdict == "VALID" and check.signatures[0].signer == "JĀNIS BĒRZIŅŠ"
    runtime.post(ev.Next())
    wait(runtime, Screen.SIGN_FILES)
    runtime.post(sev.ChooseFile(containers["Bojāts paraksts.edoc"].path))
    wait(runtime, Screen.CHECK_RESULT)
    assert runtime.state.signing.check.verdict == "INVALID"
    runtime.post(sev.PrintSignReceipt())
    runtime.run_until(lambda s: s.signing is not None and s.signing.print_status == "printed", 30)

    # one more signature on the .edoc just made; the damaged one is refused before the card is asked
    runtime.post(ev.Back())
    wait(runtime, Screen.CATALOGUE)
    runtime.post(sev.StartSigning(SignMode.SIGN))
    wait(runtime, Screen.SIGN_FILES)
    files = {f.name: f for f in runtime.state.signing.files}
    runtime.post(sev.ChooseFile(files["Bojāts paraksts.edoc"].path))
    runtime.post(ev.Next())
    assert runtime.run_until(lambda s: s.problem == "sign_container_unsafe", 30), runtime.state.problem
    assert runtime.state.screen == Screen.SIGN_FILES
    runtime.post(sev.ChooseFile(files["Iesniegums.edoc"].path))
    runtime.post(ev.Next())
    wait(runtime, Screen.SIGN_REVIEW)
    flow = runtime.state.signing
    assert [d.name for d in flow.documents] == ["Iesniegums.txt", "Pielikums.txt"]
    assert [(s.verdict, s.signer) for s in flow.existing] == [("VALID", "JĀNIS BĒRZIŅŠ")]
    sign_from_review(runtime, "12345")
    again = runtime.state.signing.signed
    assert (again.written_name, again.signatures) == ("Iesniegums (2).edoc", 2)
    stick = usbstick.open_stick([kiosk.emulation.stick_image])
    both = stick.read(next(f for f in stick.list_files() if f.path == "/Iesniegums (2).edoc"), max_bytes=1 << 24)
    report = verify_container(both, anchors=[kiosk.emulation.citizen_pki.intermediate_cert])
    assert report.verdict is Verdict.VALID and len(report.signatures) == 2
    assert stick.read(written, max_bytes=1 << 24) == data  # the original .edoc as it was

    kiosk.emulation.remove()
    wait(runtime, Screen.WELCOME)
    assert runtime.state.signing is None


def test_a_blocked_pin2_is_unblocked_with_the_puk_and_then_signs(kiosk) -> None:
    """PIN2 blocked before the citizen came: the review says so (read without any PIN), the PUK and a
    new PIN2 twice go to the card in one operation, and the new PIN2 signs a valid container."""
    runtime = kiosk.runtime
    card = kiosk.emulation.citizen_card()
    card.tries[0x85] = 0
    sign_in(kiosk, card=card)
    runtime.post(sev.StartSigning(SignMode.SIGN))
    wait(runtime, Screen.SIGN_FILES)
    files = {f.name: f for f in runtime.state.signing.files}
    runtime.post(sev.ChooseFile(files["Iesniegums.txt"].path))
    runtime.post(ev.Next())
    wait(runtime, Screen.SIGN_REVIEW)
    assert (runtime.state.problem, runtime.state.signing.pin2_tries_left) == ("pin2_blocked", 0)
    assert runtime.state.card.puk_tries_left == 3 and b"\x00\x20\x00\x85" not in card.log  # PIN2 never sent
    runtime.post(ev.StartPukUnblock())
    wait(runtime, Screen.PIN_CHANGE)
    for digits in ("12345678", "24680", "24680"):  # the demo card's PUK, then the new PIN2 twice
        enter(runtime, digits)
        runtime.post(ev.PinConfirm())
        assert runtime.run_until(lambda s: s.pin_length == 0, 20)
    wait(runtime, Screen.PIN_CHANGED, 60)
    assert (runtime.state.pin_change.outcome, runtime.state.signing.pin2_tries_left) == ("unblocked", 3)
    assert card.tries == {0x01: 3, 0x02: 3, 0x85: 3} and not runtime.pin.holds_anything()
    runtime.post(ev.Next())
    wait(runtime, Screen.SIGN_REVIEW)
    sign_from_review(runtime, "24680")
    signed = runtime.state.signing.signed
    stick = usbstick.open_stick([kiosk.emulation.stick_image])
    data = stick.read(next(f for f in stick.list_files() if f.name == signed.written_name), max_bytes=1 << 24)
    report = verify_container(data, anchors=[kiosk.emulation.citizen_pki.intermediate_cert])
    assert report.verdict is Verdict.VALID
    kiosk.emulation.remove()
