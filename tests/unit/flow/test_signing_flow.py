"""Signing and checking documents in the pure flow: every branch without Kivy, a stick, a card or a
network. PIN2 is never in the state; the card is asked once per OK; a wrong PIN2 shows the tries
left, a blocked one is explained; leaving or a wipe drops the files."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow import signing_events as sev
from kiosk.flow.effects import PinOp
from kiosk.flow.signing_state import (
    CheckView,
    DocumentView,
    Preview,
    SignatureView,
    SignBusy,
    SignedView,
    SignMode,
    StickEntry,
)
from kiosk.flow.state import Citizen, FlowConfig, OfflineProof, Screen, initial_state
from tests.unit.flow.support import run

FILES = (StickEntry("/Līgums.pdf", "Līgums.pdf", 1200), StickEntry("/Pielikums.txt", "Pielikums.txt", 40))
DOCS = (DocumentView("Līgums.pdf", 1200, None, "3F2A 9C01 DEAD BEEF"),)
SIGNED = SignedView("Līgums.edoc", "JĀNIS BĒRZIŅŠ", dt.datetime(2026, 12, 6, 12, tzinfo=dt.UTC), ("Līgums.pdf",), "ab" * 32)
CITIZEN = Citizen("JĀNIS", "BĒRZIŅŠ", "321922-33032", frozenset({"citizen"}), "token-1", "ref-1")


def kinds(effects):
    return [type(e) for e in effects]


def signed_in():
    """On the catalogue, signed in online: where signing starts."""
    state = run(initial_state(FlowConfig()), ev.Tick(1.0), ev.CardInserted(b"\x3b"),
                ev.IdentityRead("lv-ec", "JĀNIS", 3))[0]
    return replace(state, screen=Screen.CATALOGUE, session=CITIZEN)


@pytest.fixture
def catalogue():
    return signed_in()


def files_listed(catalogue, mode=SignMode.SIGN):
    state, effects = run(catalogue, sev.StartSigning(mode))
    assert state.screen == Screen.SIGN_BUSY and sev.ListStick(mode) in effects
    return run(state, sev.StickListed(FILES))[0]


def at_review(catalogue):
    state = files_listed(catalogue)
    state, effects = run(state, sev.ChooseFile("/Līgums.pdf"), ev.Next())
    assert (state.screen, state.signing.busy) == (Screen.SIGN_BUSY, SignBusy.READING)
    assert sev.ReadDocuments(("/Līgums.pdf",)) in effects
    return run(state, sev.DocumentsRead(DOCS, "JĀNIS BĒRZIŅŠ"))[0]


def at_pin2(catalogue):
    state, effects = run(at_review(catalogue), ev.Next())
    assert state.screen == Screen.SIGN_PIN2 and fx.PinEdit(PinOp.CLEAR) in effects
    return state


def test_signing_a_file_end_to_end(catalogue) -> None:
    state = at_pin2(catalogue)
    state, effects = run(state, *[ev.PinKey()] * 5, ev.PinConfirm())
    assert (state.screen, state.signing.busy, state.pin_length) == (Screen.SIGN_BUSY, SignBusy.SIGNING, 0)
    assert [e for e in effects if isinstance(e, sev.SignDocuments)] == [sev.SignDocuments("token-1")]
    state, effects = run(state, sev.DocumentsSigned(SIGNED))
    assert state.screen == Screen.SIGN_DONE and state.signing.signed == SIGNED
    assert effects == [sev.PrintSigning(signed=SIGNED)] and state.signing.print_status == "printing"
    state, _ = run(state, sev.SignPrinted(True))
    assert state.signing.print_status == "printed"
    state, effects = run(state, sev.PrintSignReceipt())
    assert effects == [sev.PrintSigning(signed=SIGNED)]
    state, effects = run(state, ev.Back())
    assert (state.screen, state.signing) == (Screen.CATALOGUE, None) and sev.ForgetDocuments() in effects


def test_pin2_is_5_to_12_digits_and_never_in_the_state(catalogue) -> None:
    state, effects = run(at_pin2(catalogue), *[ev.PinKey()] * 4, ev.PinConfirm())
    assert (state.screen, state.problem) == (Screen.SIGN_PIN2, "pin2_too_short")
    assert not [e for e in effects if isinstance(e, sev.SignDocuments)]
    state, effects = run(state, *[ev.PinKey()] * 10)
    assert state.pin_length == 12 and effects[-1] == fx.PinEdit(PinOp.DISCARD)


def test_wrong_pin2_shows_tries_left_and_the_card_is_asked_once_per_ok(catalogue) -> None:
    state, effects = run(at_pin2(catalogue), *[ev.PinKey()] * 5, ev.PinConfirm(), sev.SigningFailed("wrong_pin2", 2))
    assert (state.screen, state.problem, state.signing.pin2_tries_left) == (Screen.SIGN_PIN2, "wrong_pin2", 2)
    assert len([e for e in effects if isinstance(e, sev.SignDocuments)]) == 1
    assert effects[-1] == fx.PinEdit(PinOp.CLEAR)


@pytest.mark.parametrize("failure", [sev.SigningFailed("pin2_blocked", 0), sev.SigningFailed("wrong_pin2", 0)])
def test_blocked_pin2_goes_back_to_the_review_with_the_explanation(catalogue, failure) -> None:
    state, _ = run(at_pin2(catalogue), *[ev.PinKey()] * 5, ev.PinConfirm(), failure)
    assert (state.screen, state.problem, state.signing.pin2_tries_left) == (Screen.SIGN_REVIEW, "pin2_blocked", 0)


@pytest.mark.parametrize("code", ["sign_tsa_unavailable", "usb_write_failed", "card_timeout", "sign_person_mismatch"])
def test_other_failures_go_back_to_the_review_with_their_code(catalogue, code) -> None:
    state, _ = run(at_pin2(catalogue), *[ev.PinKey()] * 5, ev.PinConfirm(), sev.SigningFailed(code))
    assert (state.screen, state.problem) == (Screen.SIGN_REVIEW, code)


def test_cancel_on_pin2_goes_back_and_clears(catalogue) -> None:
    state, effects = run(at_pin2(catalogue), ev.PinKey(), ev.PinCancel())
    assert (state.screen, state.pin_length) == (Screen.SIGN_REVIEW, 0) and effects[-1] == fx.PinEdit(PinOp.CLEAR)


def test_choosing_files_toggles_and_next_needs_one(catalogue) -> None:
    state = files_listed(catalogue)
    state, _ = run(state, ev.Next())
    assert state.problem == "sign_no_files" and state.screen == Screen.SIGN_FILES
    state, _ = run(state, sev.ChooseFile("/Līgums.pdf"), sev.ChooseFile("/Pielikums.txt"), sev.ChooseFile("/Līgums.pdf"))
    assert state.signing.chosen == ("/Pielikums.txt",)
    state, _ = run(state, sev.ChooseFile("/not-listed.pdf"))
    assert state.signing.chosen == ("/Pielikums.txt",)


def test_no_stick_says_so_and_looking_again_reads_it(catalogue) -> None:
    state, _ = run(catalogue, sev.StartSigning(SignMode.SIGN), sev.StickFailed("usb_not_found"))
    assert (state.screen, state.problem, state.signing.files) == (Screen.SIGN_FILES, "usb_not_found", ())
    state, effects = run(state, sev.LookForStick())
    assert state.screen == Screen.SIGN_BUSY and sev.ListStick(SignMode.SIGN) in effects


def test_a_file_that_cannot_be_read_goes_back_to_the_list(catalogue) -> None:
    state = files_listed(catalogue)
    state, effects = run(state, sev.ChooseFile("/Līgums.pdf"), ev.Next(), sev.SigningFailed("usb_file_too_large"))
    assert (state.screen, state.problem, state.signing.chosen) == (Screen.SIGN_FILES, "usb_file_too_large", ())


def test_checking_a_container(catalogue) -> None:
    state = files_listed(catalogue, SignMode.CHECK)
    state, effects = run(state, sev.ChooseFile("/Līgums.pdf"))
    assert (state.screen, state.signing.busy) == (Screen.SIGN_BUSY, SignBusy.CHECKING)
    assert effects == [sev.CheckContainer("/Līgums.pdf")]
    check = CheckView("x.edoc", "VALID", ("a.pdf",), (SignatureView("VALID", "JĀNIS", None, ("a.pdf",)),))
    state, _ = run(state, sev.ContainerChecked(check))
    assert state.screen == Screen.CHECK_RESULT and state.signing.check == check
    state, effects = run(state, sev.PrintSignReceipt())
    assert effects == [sev.PrintSigning(check=check)]
    state, effects = run(state, ev.Next())
    assert state.screen == Screen.SIGN_BUSY and sev.ListStick(SignMode.CHECK) in effects


def test_a_container_that_cannot_be_read_goes_back_to_the_list(catalogue) -> None:
    state = files_listed(catalogue, SignMode.CHECK)
    state, _ = run(state, sev.ChooseFile("/Līgums.pdf"), sev.SigningFailed("usb_read_failed"))
    assert (state.screen, state.problem) == (Screen.SIGN_FILES, "usb_read_failed")


def test_only_a_citizen_signed_in_online_can_start(catalogue) -> None:
    offline = replace(catalogue, session=replace(CITIZEN, offline=OfflineProof({}, {})))
    assert run(offline, sev.StartSigning(SignMode.SIGN))[0].screen == Screen.CATALOGUE
    assert run(replace(catalogue, session=None), sev.StartSigning(SignMode.SIGN))[0].screen == Screen.CATALOGUE


def test_card_removed_while_signing_wipes_everything(catalogue) -> None:
    state, _ = run(at_pin2(catalogue), *[ev.PinKey()] * 5, ev.PinConfirm())
    state, effects = run(state, ev.CardRemoved())
    assert (state.screen, state.signing, state.session) == (Screen.WELCOME, None, None)
    assert fx.Wipe() in effects


def test_card_removed_on_every_signing_screen_wipes(catalogue) -> None:
    check = CheckView("x.edoc", "INVALID", (), ())
    reached = {
        Screen.SIGN_FILES: files_listed(catalogue),
        Screen.SIGN_REVIEW: at_review(catalogue),
        Screen.SIGN_PIN2: run(at_pin2(catalogue), ev.PinKey())[0],
        Screen.SIGN_BUSY: run(catalogue, sev.StartSigning(SignMode.SIGN))[0],
        Screen.SIGN_DONE: run(at_pin2(catalogue), *[ev.PinKey()] * 5, ev.PinConfirm(), sev.DocumentsSigned(SIGNED))[0],
        Screen.CHECK_RESULT: run(files_listed(catalogue, SignMode.CHECK), sev.ChooseFile("/Līgums.pdf"),
                                 sev.ContainerChecked(check))[0],
    }
    for screen, state in reached.items():
        assert state.screen == screen
        after, effects = run(state, ev.CardRemoved())
        assert (after.screen, after.signing, after.session, after.pin_length) == (Screen.WELCOME, None, None, 0), screen
        assert fx.Wipe() in effects


EDOC = StickEntry("/Līgums.edoc", "Līgums.edoc", 30000, container=True)
EXISTING = (SignatureView("VALID", "ANNA OZOLA", dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), ("Līgums.pdf",)),)


def test_an_edoc_is_chosen_on_its_own_and_its_signatures_reach_the_review(catalogue) -> None:
    state, _ = run(catalogue, sev.StartSigning(SignMode.SIGN))
    state, _ = run(state, sev.StickListed((*FILES, EDOC)))
    state, _ = run(state, sev.ChooseFile("/Līgums.pdf"), sev.ChooseFile("/Pielikums.txt"))
    assert state.signing.chosen == ("/Līgums.pdf", "/Pielikums.txt")
    state, _ = run(state, sev.ChooseFile("/Līgums.edoc"))
    assert state.signing.chosen == ("/Līgums.edoc",)  # an .edoc replaces the choice …
    state, _ = run(state, sev.ChooseFile("/Pielikums.txt"))
    assert state.signing.chosen == ("/Pielikums.txt",)  # … and a document replaces the .edoc
    state, effects = run(state, sev.ChooseFile("/Līgums.edoc"), ev.Next())
    assert sev.ReadDocuments(("/Līgums.edoc",)) in effects
    state, _ = run(state, sev.DocumentsRead(DOCS, "JĀNIS BĒRZIŅŠ", EXISTING))
    assert state.screen == Screen.SIGN_REVIEW and state.signing.existing == EXISTING
    state, _ = run(state, ev.Back())
    assert state.screen == Screen.SIGN_FILES and state.signing.existing is None


def test_a_refused_edoc_goes_back_to_the_files_with_its_code(catalogue) -> None:
    state, _ = run(catalogue, sev.StartSigning(SignMode.SIGN))
    state, _ = run(state, sev.StickListed((*FILES, EDOC)), sev.ChooseFile("/Līgums.edoc"), ev.Next())
    state, effects = run(state, sev.SigningFailed("sign_container_invalid"))
    assert (state.screen, state.problem) == (Screen.SIGN_FILES, "sign_container_invalid")
    assert sev.ForgetDocuments(listing=False) in effects and state.signing.chosen == ()


def test_back_from_the_review_keeps_the_stick_listing_so_files_can_be_chosen_again(catalogue) -> None:
    state, effects = run(at_review(catalogue), ev.Back())
    assert state.screen == Screen.SIGN_FILES and effects == [sev.ForgetDocuments(listing=False)]
    state, effects = run(state, sev.ChooseFile("/Pielikums.txt"), ev.Next())
    assert sev.ReadDocuments(("/Līgums.pdf", "/Pielikums.txt")) in effects  # the choice stays too


def test_a_pdfs_first_page_is_asked_for_and_only_the_current_choices_picture_is_taken(catalogue) -> None:
    state = files_listed(catalogue)
    state, _ = run(state, sev.ChooseFile("/Līgums.pdf"), ev.Next())
    state, effects = run(state, sev.DocumentsRead(DOCS, "JĀNIS BĒRZIŅŠ", preview="Līgums.pdf"))
    assert state.signing.preview == Preview.PENDING and effects == [sev.MakePreview(("/Līgums.pdf",))]
    stale, _ = run(state, sev.PreviewMade(("/Pielikums.txt",), b"\x89PNG old"))
    assert stale.signing.preview == Preview.PENDING  # made for another choice: dropped
    ready, _ = run(state, sev.PreviewMade(("/Līgums.pdf",), b"\x89PNG page"))
    assert (ready.signing.preview, ready.signing.preview_png) == (Preview.READY, b"\x89PNG page")
    failed, _ = run(state, ev.Next(), sev.PreviewMade(("/Līgums.pdf",), None))  # arrives on the PIN2 pad
    assert failed.screen == Screen.SIGN_PIN2 and failed.signing.preview == Preview.FAILED
    back, _ = run(ready, ev.Back())
    assert (back.signing.preview, back.signing.preview_png) == (Preview.NONE, b"")
    done, _ = run(ready, ev.Next(), *[ev.PinKey()] * 5, ev.PinConfirm(), sev.DocumentsSigned(SIGNED))
    assert done.screen == Screen.SIGN_DONE and done.signing.preview_png == b""


def test_no_pdf_no_picture_asked(catalogue) -> None:
    state, effects = run(at_review(catalogue), ev.Tick(0.1))
    assert state.signing.preview == Preview.NONE and not any(isinstance(e, sev.MakePreview) for e in effects)
