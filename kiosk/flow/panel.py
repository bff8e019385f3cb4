"""Back to the staff panel after a staff task (proxy submission, reprint): only the staff session stays.

Everything else goes the way a citizen's data goes (``wiped``), so a field added to the state later
is dropped here too without anyone remembering to list it.
"""

from __future__ import annotations

from dataclasses import replace

from kiosk.flow import effects as fx
from kiosk.flow.state import Screen, State, wiped


def back_to_panel(state: State, *, wipe: bool = False) -> tuple[State, fx.Effects]:
    """The staff panel with the staff member's session, language and display choices; ``wipe`` also
    tells the runtime to drop results still on their way (a citizen's data was on screen)."""
    panel = replace(wiped(state, Screen.STAFF_PANEL), session=state.session, card=state.card,
                    language=state.language, accessibility=state.accessibility)
    effects: fx.Effects = (fx.Wipe(), fx.ReadHealth()) if wipe else (fx.ReadHealth(),)
    return panel, effects
