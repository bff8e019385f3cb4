"""The state, events and effects name the call, signing, form, catalogue and receipt types in annotations
only (imported under TYPE_CHECKING, so the start does not wait for them): the dataclasses still compare,
copy with ``replace``, list their ``fields`` and resolve every annotation for a type checker's reader."""

from __future__ import annotations

import dataclasses
import typing

from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow import state as st
from kiosk.receipts import Copy, ReceiptFacts
from tests.unit.ui import states as S


def test_states_with_those_types_compare_and_copy() -> None:
    every = S.every_screen(S.catalogue())
    assert len(every) >= 15
    for state in every.values():
        copy = dataclasses.replace(state)
        assert copy == state and copy is not state
        assert {f.name for f in dataclasses.fields(state)} >= {"call", "signing", "form", "catalogue", "proxy"}
    form_state = next(s for s in every.values() if s.form is not None)
    assert dataclasses.replace(form_state, form=None) != form_state


def test_every_annotation_still_resolves() -> None:
    """``typing.get_type_hints`` evaluates each annotation string: a name the module lost would fail here."""
    from kiosk.backend.envelope import ProxyBlock
    from kiosk.flow.call_state import CallConfig, CallDesk
    from kiosk.flow.signing_state import SignFlow
    from kiosk.receipts import StoredReceipt
    from kiosk.services.catalogue import Catalogue
    from kiosk.services.form import FormState
    from kiosk.services.messages import Message

    names = {"ProxyBlock": ProxyBlock, "CallConfig": CallConfig, "CallDesk": CallDesk, "SignFlow": SignFlow,
             "Catalogue": Catalogue, "FormState": FormState, "Message": Message, "StoredReceipt": StoredReceipt,
             "Copy": Copy, "ReceiptFacts": ReceiptFacts, "Citizen": st.Citizen, "SubmissionView": st.SubmissionView,
             "OfflineProof": st.OfflineProof}
    resolved = 0
    for module in (st, ev, fx):
        namespace = {**vars(module), **names}
        for value in vars(module).values():
            if dataclasses.is_dataclass(value) and isinstance(value, type) and value.__module__ == module.__name__:
                resolved += len(typing.get_type_hints(value, globalns=namespace))  # NameError if one is lost
    assert resolved > 100
    assert typing.get_type_hints(st.State, globalns={**vars(st), **names})["call"] == CallDesk | None


def test_a_receipt_prints_once_by_default() -> None:
    facts = ReceiptFacts(language="lv", service_title="Dzīvesvietas deklarēšana", reference="VPVKAC-2026-000123",
                         pending=False, processing_time=1, short_code="K7Q2", status_url="https://pietura.example.lv/s")
    effect = fx.PrintReceipt(facts)
    assert effect.copies == (Copy.RECEIPT,)
    assert effect == fx.PrintReceipt(facts, (Copy.RECEIPT,))
    assert dataclasses.replace(effect, copies=(Copy.RECEIPT, Copy.CITIZEN)).copies == (Copy.RECEIPT, Copy.CITIZEN)
