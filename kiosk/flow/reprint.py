"""Reprint a receipt by its reference, from the staff panel.

For a citizen who came back after the printer ran out of paper: staff type the reference on the
on-screen keyboard, the gateway returns what the receipt showed (no personal data beyond the
initials a receipt carries), and the kiosk prints it marked as a copy. Nothing is kept: the typed
reference and the fetched content live in the state until the print starts.
"""

from __future__ import annotations

import re
from dataclasses import replace

from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow import receipt
from kiosk.flow.panel import back_to_panel
from kiosk.flow.state import ReprintView, Screen, State, goto

FIELD = "reference"
TASK = "reprint_receipt"
REFERENCE = re.compile(r"^[A-Z0-9][A-Z0-9-]{3,39}$")  # e.g. PT-2026-7KQ3M9XA
MAX_TYPED = 40


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def start(state: State) -> tuple[State, fx.Effects]:
    if state.session is None:
        return state, ()
    return goto(state, Screen.STAFF_REPRINT, reprint=ReprintView(), staff_task=None, health=None), ()


def screen(state: State, event: object) -> tuple[State, fx.Effects]:
    view: ReprintView = state.reprint or ReprintView()
    if isinstance(event, ev.Answer) and event.field_id == FIELD and not view.busy:
        typed = str(event.value or "")[:MAX_TYPED]
        return replace(state, reprint=ReprintView(typed)), ()
    if isinstance(event, ev.Next) and not view.busy:
        reference = normalise(view.text)
        if not REFERENCE.match(reference):
            return replace(state, reprint=replace(view, problem="reference_invalid")), ()
        if state.session is None:
            return back_to_panel(state)
        fetch = fx.FetchReceipt(reference, state.session.session_token)
        return replace(state, reprint=ReprintView(view.text, None, busy=True)), (fetch,)
    if isinstance(event, ev.Back):
        return back_to_panel(state)
    if isinstance(event, ev.ReceiptFetchFailed):
        return replace(state, reprint=ReprintView(view.text, event.code)), ()
    if isinstance(event, ev.ReceiptFetched):
        panel, effects = back_to_panel(state)
        panel = replace(panel, staff_task=(TASK, "running"))
        return panel, (*effects, receipt.stored(state, event))
    return state, ()


def printed(state: State, event: ev.PrintFinished) -> State:
    """The staff panel hears how the reprint went."""
    return replace(state, staff_task=(TASK, "done" if event.ok else (event.problem or "printer_error")))
