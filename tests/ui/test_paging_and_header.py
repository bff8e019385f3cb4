"""Nothing scrolls: long screens are paged, a rebuild keeps the page, every part of a page is inside the
room between header and action bar; the header's identity strip and its buttons stay on screen, also in
large text — on the real app under Xvfb on the 7" 800×480 reference panel."""

from __future__ import annotations

import pytest

from tests.ui.journeys import large_text, sign_in

pytestmark = [pytest.mark.display, pytest.mark.slow]


def _pager(ui):
    from kiosk.ui.paging import Pager

    pagers = [w for w in ui.app.root.walk(restrict=True) if isinstance(w, Pager)]
    assert len(pagers) == 1, pagers
    return pagers[0]


def _inside(widget, box) -> bool:
    x, y = widget.to_window(widget.x, widget.y)
    bx, by = box.to_window(box.x, box.y)
    return bx - 1 <= x and by - 1 <= y and x + widget.width <= bx + box.width + 1 \
        and y + widget.height <= by + box.height + 1


def _words(d) -> list[str]:
    """Every text of the screen, on the page shown or paged away, but the page number."""
    out = []
    for w in d.widgets():
        text = getattr(w, "plain_text", None) or getattr(w, "text", None)
        if getattr(w, "wid", "") != "page-number" and isinstance(text, str) and text.strip():
            out.append(text)
    return sorted(out)


def _no_scroll_view(ui) -> None:
    from kivy.uix.scrollview import ScrollView

    assert not [w for w in ui.app.root.walk(restrict=True) if isinstance(w, ScrollView)]


def test_a_long_screen_is_paged_and_a_rebuild_keeps_the_page(ui):
    d = ui.driver
    sign_in(ui)
    d.wait_for_screen("catalogue")
    d.tap("situation-moving")
    d.tap("service-residence-declaration")
    d.wait_for_screen("service_intro")
    _no_scroll_view(ui)
    pager = _pager(ui)
    d.step(3)
    assert pager.page_count > 1  # the intro does not fit 800×480: it is paged, not scrolled
    assert d.find("page-number").text == f"1 / {pager.page_count}"
    assert d.find("btn-page-previous").disabled and not d.find("btn-page-next").disabled
    shown = [w for w in pager.area.children if w.height > 0]
    assert shown and all(_inside(w, pager.area) for w in shown)
    words_before = _words(d)

    d.tap("btn-page-next")
    assert pager.page == 1 and d.find("page-number").text == f"2 / {pager.page_count}"
    assert all(_inside(w, pager.area) for w in pager.area.children)
    assert _words(d) == words_before  # paged away, not lost: the same texts on the screen's pages

    ui.app._relayout()  # the same screen rebuilt (as a tapped choice or a date "+" does)
    d.step(3)
    again = _pager(ui)
    assert again is not pager and again.page == 1  # not back at the top

    d.tap("btn-page-previous")
    assert _pager(ui).page == 0
    d.tap("btn-back")
    d.wait_for_screen("catalogue")
    assert _pager(ui).page == 0  # a new screen starts at its first page


def test_driver_turns_to_the_page_of_a_widget_it_taps(ui):
    d = ui.driver
    sign_in(ui)
    d.wait_for_screen("catalogue")
    pager = _pager(ui)
    d.step(3)
    def situation(part):
        return next((w.wid for w in part.walk(restrict=True) if getattr(w, "wid", "").startswith("situation-")), None)

    last = next(p for p in reversed(pager.parts) if situation(p))  # the kiosk's own services may follow
    if pager.page_of(last) == pager.page:
        pytest.skip("the catalogue fits one page on this panel")
    wid = situation(last)
    d.tap(wid)  # on a later page: the driver turns to it first, as a person would
    assert ui.kiosk.runtime.state.screen.value == "catalogue"
    assert ui.kiosk.runtime.state.situation_id == wid.removeprefix("situation-")


def test_header_identity_and_buttons_stay_on_screen_in_large_text(ui):
    from kivy.core.window import Window

    d = ui.driver
    assert d.find("service-name").text.startswith("Valsts pārvaldes pakalpojumi")
    assert d.find("library-name").text == "Rīgas Centrālā bibliotēka (demo)"  # the library: welcome only
    large_text(ui)
    sign_in(ui)
    d.wait_for_screen("catalogue")
    d.step(3)
    assert not d.exists("library-name")
    # the 7" landscape panel has no room for the service's name beside the tools in large text: the mark
    for wid in ("btn-speech", "lang-en", "btn-text-size", "btn-help", "service-mark"):
        w = d.find(wid)
        x, y = w.to_window(w.x, w.y)
        assert 0 <= x and x + w.width <= Window.width + 1 and 0 <= y and y + w.height <= Window.height + 1, wid
    header_bottom = min(d.find(wid).to_window(0, d.find(wid).y)[1] for wid in ("btn-text-size", "btn-help"))
    screen = ui.app._screen
    for w in screen.walk(restrict=True):  # nothing of the screen reaches up under the header's buttons
        if getattr(w, "wid", "") and w.height > 0:
            assert w.to_window(w.x, w.y)[1] + w.height <= header_bottom + 1, w.wid
    d.tap("btn-text-size")  # back to normal size from any screen
    d.wait_until(lambda: not ui.kiosk.runtime.state.accessibility.large_text, 10, "normal text")


def test_the_staff_chip_says_staff_are_coming_and_cancel_takes_the_call_back(ui):
    d = ui.driver
    sign_in(ui)
    d.wait_for_screen("catalogue")
    d.tap("btn-help")
    d.tap("btn-call-staff")
    d.wait_until(lambda: ui.kiosk.runtime.state.staff_called, 10, "staff called")
    d.tap("btn-close-help")
    d.wait_until(lambda: d.exists("btn-cancel-staff-call"), 10, "chip shown")
    assert d.find("staff-called").text == "Darbinieks izsaukts"
    d.tap("btn-cancel-staff-call")
    d.wait_until(lambda: not ui.kiosk.runtime.state.staff_called, 10, "call taken back")
    d.wait_until(lambda: not d.exists("btn-cancel-staff-call"), 10, "chip gone")


def test_page_buttons_go_beside_the_page_where_the_action_bar_is_full(ui):
    """7" landscape, large text, "Back" and "Finish" in the bar: the page buttons take a column right of the
    page (a row of their own had left the life situation's page 1 without one service), and page 1 holds the
    first service."""
    d = ui.driver
    large_text(ui)
    sign_in(ui)
    d.wait_for_screen("catalogue")
    d.tap("situation-moving")
    d.step(3)
    pager = _pager(ui)
    assert pager.page_count > 1
    nav, area = pager.nav, pager.area
    assert nav.parent is pager and pager.orientation == "horizontal"
    assert nav.to_window(nav.x, nav.y)[0] >= area.to_window(area.right, area.y)[0]  # right of the page
    assert _inside(nav, pager)  # not up under the header, not down over the action bar
    assert d.find("btn-page-previous").plain_text == "Iepriekšējā lapa"  # an arrow shown, words spoken
    shown = [w.wid for part in pager.area.children for w in part.walk(restrict=True) if getattr(w, "wid", "")]
    assert any(wid.startswith("service-") for wid in shown), shown
    for wid in ("btn-back", "btn-finish"):  # the bar's buttons keep their words on one line
        button = d.find(wid)
        assert button.height < 2 * button.font_size, wid  # two lines would be taller
    d.tap("btn-page-next")
    assert d.find("page-number").text == f"2/{pager.page_count}"
