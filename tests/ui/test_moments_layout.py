"""The moment screens keep every word whole: titles step down until their widest word fits, and actions
whose words do not fit a half-width button of the action bar go on the page (real Kivy text measuring)."""

from __future__ import annotations

import pytest

from kiosk.flow import events as ev
from kiosk.ui.theme import Geometry, sizes_for
from kiosk.ui.viewmodel import Button, View

pytestmark = pytest.mark.display  # the app's window: Kivy measures text with SDL2 only once one exists

PORTRAIT, TEN_INCH = Geometry(720, 1280, 7.0), Geometry(1280, 800, 10.1)


def test_a_title_steps_down_until_its_widest_word_fits(kiosk_ui):
    from kiosk.ui.screens.message import title_size_that_fits, widest_word

    large = sizes_for(PORTRAIT, True)
    width = 720 - 2 * large.padding
    welcome = "Laipni lūdzam! Valsts e-pakalpojumu kiosks"
    assert widest_word("e-pakalpojumu", large.font_title, bold=True) > width  # the word the audit saw broken
    size = title_size_that_fits(welcome, large, width)
    assert large.font_body <= size < large.font_title
    assert widest_word(welcome, size, bold=True) <= width
    assert title_size_that_fits("Nolasa karti…", large, width) == large.font_title  # short words keep the size


def test_actions_too_wide_for_the_bar_go_on_the_page(kiosk_ui):
    from kiosk.ui.screens.message import actions_for_the_page

    view = View("card_problem", "lv", "Karti nevar nolasīt", actions=(
        Button("btn-call-staff", "Izsaukt darbinieku", ev.CallStaff()),
        Button("btn-finish", "Pabeigt", ev.Finish(), kind="primary")))
    # 7" portrait in large text: "darbinieku" is wider than half the bar; the primary "Pabeigt" stays
    assert actions_for_the_page(view, sizes_for(PORTRAIT, True), 720) == {"btn-call-staff"}
    assert actions_for_the_page(view, sizes_for(TEN_INCH, False), 1280) == frozenset()
    assert actions_for_the_page(View("goodbye", "lv", "Uz redzēšanos"), sizes_for(PORTRAIT, True), 720) == frozenset()
