"""Every screen has one entry in each layer's registry: the flow's rules (handler and session membership),
the UI's presenter and help text, the Kivy widget, and the tour's screenshot. Adding a screen to
``Screen`` without them fails here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from devtools import tour_shots
from kiosk.flow import machine
from kiosk.flow.state import Screen
from kiosk.i18n import Translator
from kiosk.ui import presenter
from tests.unit.ui import states as S

REPO = Path(__file__).resolve().parents[3]


def test_the_flow_has_a_handler_and_session_membership_for_every_screen() -> None:
    assert set(machine.SCREENS) == set(Screen)
    sessions = {screen for screen, rule in machine.SCREENS.items() if rule.session}
    assert Screen.PIN in sessions and Screen.STAFF_REPRINT in sessions
    assert not sessions & {Screen.WELCOME, Screen.TAKE_CARD, Screen.GOODBYE, Screen.OUT_OF_ORDER}


def test_the_ui_has_a_presenter_and_translated_help_for_every_screen() -> None:
    assert set(presenter.SCREENS) == set(Screen)
    helps = [load().help for load in presenter.SCREENS.values()]
    assert all(helps) and len(set(helps)) == len(helps)  # each screen its own help
    lv = Translator("lv")
    assert all(lv.gettext(h) != h for h in helps)  # and translated


def test_every_screen_presents_with_its_own_help_text() -> None:
    every = S.every_screen(S.catalogue())
    assert len({state.screen for state in every.values()}) >= 15  # the staff screens: test_staff_view.py
    en = Translator("en")
    for name, state in every.items():
        view = presenter.present(state, en)
        assert view.help_text == en.gettext(presenter.SCREENS[state.screen]().help), name


def test_the_tour_photographs_every_screen() -> None:
    assert set(tour_shots.SCREEN_SHOTS) == set(Screen)
    names = list(tour_shots.SCREEN_SHOTS.values())
    assert len(set(names)) == len(names) and set(names) <= set(tour_shots.SHOTS)


def test_every_screen_has_a_kivy_widget() -> None:
    """In a process of its own: importing the widgets imports Kivy. The registry imports no screen's module
    itself (each is imported when its screen is first shown); each loader gives a KioskScreen."""
    probe = ("import sys\n"
             "from kiosk.ui.screens import WIDGETS, report_widget, widget_for\n"
             "from kiosk.ui.screens.base import KioskScreen\n"
             "loaded = sorted(m for m in sys.modules if m.startswith('kiosk.ui.screens.') and m != 'kiosk.ui.screens.base')\n"
             "assert not loaded, loaded\n"
             "assert all(issubclass(widget_for(s), KioskScreen) for s in WIDGETS)\n"
             "assert issubclass(report_widget(), KioskScreen)\n"
             "print(' '.join(sorted(s.value for s in WIDGETS)))\n")
    env = {**os.environ, "KIVY_NO_ARGS": "1", "KIVY_NO_FILELOG": "1", "KIVY_NO_CONSOLELOG": "1",
           "KIVY_HOME": str(Path(os.environ.get("TMPDIR", "/tmp")) / "pietura-kivy-registry")}
    proc = subprocess.run([sys.executable, "-c", probe], env=env, cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == sorted(s.value for s in Screen)


def test_the_welcome_screen_presents_without_the_other_screens_views_or_flows() -> None:
    """In a process of its own (a fresh import state): the presenter and the flow's state, events and effects
    import no screen's view module, no sub-flow and no receipt; presenting the welcome screen imports none
    either (docs/ui.md, *Start*). Presenting a PIN pad then loads its view."""
    probe = ("import sys\n"
             "from kiosk.flow import effects, events\n"
             "from kiosk.flow.state import initial_state\n"
             "from kiosk.i18n import Translator\n"
             "from kiosk.ui.presenter import present\n"
             "view = present(initial_state(), Translator('lv'))\n"
             "assert view.screen == 'welcome' and view.choices, view\n"
             "later = ('kiosk.ui.pin_view', 'kiosk.ui.form_view', 'kiosk.ui.result_view', 'kiosk.ui.sign_view',\n"
             "         'kiosk.ui.call_view', 'kiosk.ui.staff_view', 'kiosk.ui.proxy_view', 'kiosk.ui.catalogue_view',\n"
             "         'kiosk.flow.machine', 'kiosk.flow.call_state', 'kiosk.flow.signing_state', 'kiosk.call.flow',\n"
             "         'kiosk.services.catalogue', 'kiosk.services.form', 'kiosk.receipts', 'kiosk.backend.envelope')\n"
             "print(' '.join(m for m in later if m in sys.modules))\n"
             "from dataclasses import replace\n"
             "from kiosk.flow.state import Screen\n"
             "pin = present(replace(initial_state(), screen=Screen.PIN), Translator('lv'))\n"
             "assert 'kiosk.ui.pin_view' in sys.modules and pin.screen == 'pin', pin\n")
    proc = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == []
