"""What the header gets from the presenter: text size on every screen but the welcome screen (it has
"Large text"), and after "Call staff" the chip with "Cancel" that takes the call back."""

from __future__ import annotations

from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow.machine import step
from kiosk.i18n import Translator
from kiosk.ui.presenter import STAFF_CHIP_ID, present
from tests.unit.ui import states as S

LV, EN = Translator("lv"), Translator("en")


def _ids(view) -> list[str]:
    return [b.id for b in view.toolbar]


def test_text_size_is_one_tap_away_on_every_screen_but_welcome():
    cat = S.catalogue()
    for name, state in S.every_screen(cat).items():
        view = present(state, LV)
        if state.screen.value == "welcome":
            assert "btn-text-size" not in _ids(view)
            assert any(b.id == "acc-large_text" for b in view.choices)
            continue
        (size,) = [b for b in view.toolbar if b.id == "btn-text-size"]
        assert size.intent == ev.ToggleAccessibility("large_text"), name
    large = S.run(S.signed_in(cat), ev.ToggleAccessibility("large_text"))
    (size,) = [b for b in present(large, EN).toolbar if b.id == "btn-text-size"]
    assert size.text == "A−"


def test_call_staff_shows_a_chip_whose_cancel_takes_the_call_back():
    state = S.signed_in(S.catalogue())
    assert STAFF_CHIP_ID not in _ids(present(state, LV))
    called, effects = step(state, ev.CallStaff())
    assert called.staff_called and any(isinstance(e, fx.NotifyStaff) for e in effects)
    (chip,) = [b for b in present(called, LV).toolbar if b.id == STAFF_CHIP_ID]
    assert (chip.text, chip.detail) == ("Atcelt", "Darbinieks izsaukts")
    (chip_en,) = [b for b in present(called, EN).toolbar if b.id == STAFF_CHIP_ID]
    assert (chip_en.text, chip_en.detail) == ("Cancel", "A member of staff has been called")
    cancelled, effects = step(called, chip.intent)
    assert not cancelled.staff_called and effects == ()
    assert STAFF_CHIP_ID not in _ids(present(cancelled, LV))
