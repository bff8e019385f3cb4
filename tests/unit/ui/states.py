"""Real session states for UI tests: built by stepping the real flow with the real catalogue."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from kiosk.flow import events as ev
from kiosk.flow.machine import step
from kiosk.flow.state import Citizen, OfflineProof, Screen, State, SubmissionView, initial_state
from kiosk.services.catalogue import Catalogue
from wire.services.definitions import load_catalogue_document

SERVICES = Path(__file__).resolve().parents[3] / "config" / "services"
TODAY = dt.date(2026, 11, 26)
GIVEN, SURNAME, CODE = "JĀNIS", "BĒRZIŅŠ", "010190-10001"
CITIZEN = Citizen(GIVEN, SURNAME, CODE, frozenset({"citizen"}), "sess-secret")
# signed in while the gateway was unreachable: read from the card, proof sealed with the submission
OFFLINE_CITIZEN = Citizen(GIVEN, SURNAME, CODE, frozenset({"citizen"}), "",
                          offline=OfflineProof({"format": "web-eid:1.0"}, {"nonce": "n" * 44}))
ADDRESS = {"street": "Lāčplēša iela 12", "apartment": "5", "city": "Rīga", "postcode": "LV-1011"}
PERSONAL = (GIVEN, SURNAME, CODE, "010190", "Lāčplēša", "PIE-2026-000123")


def catalogue() -> Catalogue:
    return Catalogue.from_json(load_catalogue_document(SERVICES))


def run(state: State, *events: object) -> State:
    for event in events:
        state, _ = step(state, event)
    return state


def welcome() -> State:
    return run(initial_state(), ev.Tick(1.0, TODAY))


def pin(tries: int = 3) -> State:
    return run(welcome(), ev.CardInserted(b"\x3b"), ev.IdentityRead("lv-rsa", GIVEN, tries))


def blocked(puk_tries: int | None = 3) -> State:
    return run(welcome(), ev.CardInserted(b"\x3b"), ev.IdentityRead("lv-rsa", GIVEN, 0, puk_tries))


def typed(n: int) -> list[object]:
    return [*[ev.PinKey()] * n, ev.PinConfirm()]


def pin_change_states() -> dict[str, State]:
    """Every step and outcome of a PIN1 change and a PUK unblock."""
    change = run(pin(), ev.StartPinChange())
    unblock = run(blocked(), ev.StartPukUnblock())
    at_card = run(change, *typed(4), *typed(6), *typed(6))
    unblock_at_card = run(unblock, *typed(8), *typed(4), *typed(4))
    return {
        "card_problem-blocked-unblock": blocked(2),
        "card_problem-puk-blocked": blocked(0),
        "pin_change-current": run(change, ev.PinKey()),
        "pin_change-current-wrong": run(at_card, ev.PinChangeFailed("wrong_pin", 1)),
        "pin_change-new": run(change, *typed(4), ev.PinKey(), ev.PinKey()),
        "pin_change-repeat": run(change, *typed(4), *typed(6), ev.PinKey()),
        "pin_change-mismatch": run(change, *typed(4), *typed(6), *typed(5)),
        "pin_change-too-long": run(change, *[ev.PinKey()] * 13),
        "pin_change-puk": run(unblock, *[ev.PinKey()] * 3),
        "pin_change-puk-short": run(unblock, *typed(7)),
        "pin_change-puk-last-try": run(unblock_at_card, ev.PinChangeFailed("wrong_puk", 1)),
        "pin_change-refused": run(at_card, ev.PinChangeFailed("pin_format_refused")),
        "changing_pin": at_card,
        "changing_pin-unblock": unblock_at_card,
        "pin_changed": run(at_card, ev.PinChanged(3)),
        "pin_changed-unblocked": run(unblock_at_card, ev.PinChanged(3)),
        "pin_changed-uncertain": run(at_card, ev.PinChangeFailed("card_timeout")),
        "pin_changed-uncertain-unblock": run(unblock_at_card, ev.PinChangeFailed("card_communication_error")),
    }


def signed_in(cat: Catalogue, citizen: Citizen = CITIZEN) -> State:
    return run(pin(), *[ev.PinKey()] * 4, ev.PinConfirm(), ev.AuthSucceeded(citizen), ev.CatalogueLoaded(cat))


def form_start(cat: Catalogue, citizen: Citizen = CITIZEN) -> State:
    return run(signed_in(cat, citizen), ev.ChooseService("residence-declaration"), ev.StartForm())


def review(cat: Catalogue, citizen: Citizen = CITIZEN) -> State:
    return run(form_start(cat, citizen), ev.Answer("whose", "self"), ev.Next(),
               ev.Answer("new_address", ADDRESS), ev.Answer("moved_on", "2026-11-01"),
               ev.Answer("legal_basis", "rental"), ev.Answer("has_additional", False), *[ev.Next()] * 4,
               ev.Next(), ev.Next())


def result(cat: Catalogue, printed: str = "printing", problem: str | None = None, pending: bool = False) -> State:
    state = run(review(cat), ev.Submit(),
                ev.SubmitAccepted(SubmissionView("PIE-2026-000123", "K7QX", "https://gw.example/s", pending)))
    if printed != "printing":
        state = run(state, ev.PrintFinished(printed == "printed", problem))
    return state


def every_screen(cat: Catalogue) -> dict[str, State]:
    """One state per screen (and the main variants), for presenter and screenshot tests."""
    w = welcome()
    states = {
        "welcome": w,
        "reading_card": run(w, ev.CardInserted(b"\x3b")),
        "card_problem": run(w, ev.CardInserted(b"\x3b"), ev.CardReadFailed("card_upside_down")),
        "card_problem-blocked": run(w, ev.CardInserted(b"\x3b"), ev.IdentityRead("lv-rsa", GIVEN, 0)),
        "pin": run(pin(), ev.PinKey(), ev.PinKey()),
        "pin-last-try": run(pin(1), ev.PinKey()),
        "authenticating": run(pin(), *[ev.PinKey()] * 4, ev.PinConfirm()),
        "catalogue": signed_in(cat),
        "catalogue-situation": run(signed_in(cat), ev.ChooseSituation("moving")),
        "catalogue-search": run(signed_in(cat), ev.SearchText("pase")),
        "service_intro": run(signed_in(cat), ev.ChooseService("residence-declaration")),
        "form": form_start(cat),
        "form-errors": run(form_start(cat), ev.Next()),
        "form-address": run(form_start(cat), ev.Answer("whose", "self"), ev.Next()),
        "review": review(cat),
        "submitting": run(review(cat), ev.Submit()),
        "result": result(cat, "printed"),
        "result-paper-out": result(cat, "failed", "paper_out"),
        "result-pending": result(cat, "printed", pending=True),
        "take_card": run(result(cat, "printed"), ev.Finish()),
        "goodbye": run(result(cat, "printed"), ev.Finish(), ev.CardRemoved()),
        "out_of_order": initial_state(out_of_order="configuration_invalid"),
        "pin-offline-unavailable": run(pin(), *[ev.PinKey()] * 4, ev.PinConfirm(),
                                       ev.AuthFailed("offline_auth_unavailable")),
        "catalogue-offline": signed_in(cat, OFFLINE_CITIZEN),
        "review-offline": review(cat, OFFLINE_CITIZEN),
        "idle-warning": replace(form_start(cat), idle_warning_seconds=25),
        "help": run(form_start(cat), ev.Help(True)),
        "staff-called": run(form_start(cat), ev.Help(True), ev.CallStaff()),
    }
    assert states["take_card"].screen == Screen.TAKE_CARD, states["take_card"]
    states.update(pin_change_states())
    return states
