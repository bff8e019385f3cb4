"""Property: any sequence of edits and navigation ends in a valid payload or a clear error."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.services import form as F
from wire.services.definitions import load_folder
from wire.services.model import ServiceDefinition

from .conftest import IDENTITY, SERVICES_DIR, TODAY

DEFINITIONS = [ServiceDefinition.from_dict(d) for d in load_folder(SERVICES_DIR)]

raw_values = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True), st.text(max_size=30),
    st.sampled_from(["yes", "no", "20000000", "janis@example.lv", "26.11.2026", "2026-12-24", "210860-10528",
                     "32503511782", "LV80BANK0000435195001", "other", "stolen", "email", "post", "child"]),
    st.lists(st.text(max_size=8), max_size=4),
    st.dictionaries(st.sampled_from(["street", "city", "postcode", "apartment", "x"]),
                    st.text(max_size=12), max_size=4),
)


@st.composite
def sessions(draw):
    definition = draw(st.sampled_from(DEFINITIONS))
    editable = [f for f in definition.fields() if not f.prefill]
    choice_values = {f.id: [c.value for c in f.choices] for f in editable if f.choices}
    actions = []
    for _ in range(draw(st.integers(0, 40))):
        kind = draw(st.sampled_from(["answer", "answer_choice", "next", "back", "goto"]))
        if kind == "answer":
            actions.append(("answer", draw(st.sampled_from(editable)).id, draw(raw_values)))
        elif kind == "answer_choice" and choice_values:
            fid = draw(st.sampled_from(sorted(choice_values)))
            values = choice_values[fid]
            pick = draw(st.one_of(st.sampled_from(values), st.lists(st.sampled_from(values), max_size=3)))
            actions.append(("answer", fid, pick))
        elif kind == "goto":
            actions.append(("goto", draw(st.sampled_from(definition.steps)).id, None))
        else:
            actions.append((kind, None, None))
    return definition, actions


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(sessions())
def test_any_session_ends_in_payload_or_clear_error(session):
    definition, actions = session
    state = F.start_form(definition, IDENTITY, TODAY)
    for kind, target, value in actions:
        if kind == "answer":
            state = F.answer(state, target, value)
        elif kind == "next":
            state, errors = F.next_step(state)
            assert all(m.code and m.lv and m.en for m in errors.values())
        elif kind == "back":
            state = F.back(state)
        elif kind == "goto":
            try:
                state = F.go_to(state, target)
            except F.FormError as exc:
                assert exc.code == "form_step_unavailable"
        assert state.at_review or F.current_step(state) is not None
        F.review(state)
    try:
        raw = F.payload(state)
    except F.FormIncomplete as exc:
        assert exc.errors and all(m.lv and m.en for fs in exc.errors.values() for m in fs.values())
        visible = {s.id for s in F.visible_steps(state)}
        assert set(exc.errors) <= visible
    else:
        data = json.loads(raw)
        assert data["service"] == definition.id
        assert data["answers"]["personal_code"] == IDENTITY["personal_code"]
        assert F.errors(state) == {}
        F.receipt_summary(state, "en")
