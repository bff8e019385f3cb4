"""Question pages and check answers on the real app under Xvfb on the 7" 800×480 panel: compact option
rows (mark ≥10 mm, ≥48 dp, 8 dp apart), the question heading every page its options need, yes/no side by
side in landscape, date labels never broken, and check answers with the card data in one line."""

from __future__ import annotations

import pytest

from tests.ui.journeys import large_text, next_page, open_residence_form, sign_in, type_into

pytestmark = [pytest.mark.display, pytest.mark.slow]


def _pager(ui):
    from kiosk.ui.paging import Pager

    (pager,) = [w for w in ui.app.root.walk(restrict=True) if isinstance(w, Pager)]
    return pager


def _to_legal_basis(ui) -> None:
    d = ui.driver
    sign_in(ui)
    open_residence_form(ui)
    d.tap("field-whose-self")
    next_page(ui, "field-new_address.street")
    type_into(ui, "new_address.street", "Brivibas iela 7")
    type_into(ui, "new_address.city", "Riga")
    type_into(ui, "new_address.postcode", "LV-1010")
    next_page(ui, "field-moved_on.day")
    d.step(3)
    for part in ("day", "month", "year"):  # each label whole on its line, never broken in a word
        name = d.find(f"label-moved_on.{part}")
        assert name.texture_size[0] <= name.width + 1 and name.texture_size[1] < 1.6 * name.font_size, part
    d.tap("field-moved_on-today")
    next_page(ui, "field-legal_basis-rental")


def test_options_are_compact_and_the_question_heads_every_page(ui):
    from kiosk.ui.inputs import Mark, Option

    d = ui.driver
    _to_legal_basis(ui)
    geometry = ui.app.ui.geometry
    pager = _pager(ui)
    seen = set()
    for page in range(pager.page_count):
        pager.show_page(page)
        d.step(2)
        shown = list(pager.area.children)
        assert any(getattr(w, "wid", "") == "title" for w in shown), page  # the question on every page
        rows = [w for w in ui.app.root.walk(restrict=True) if isinstance(w, Option)]
        for row in rows:
            (mark,) = [c for c in row.children if isinstance(c, Mark)]
            assert geometry.mm(mark.width) >= 10 and row.height >= geometry.dp(48), row.wid
            seen.add(row.wid)
        rows.sort(key=lambda r: -r.y)
        for upper, lower in zip(rows, rows[1:], strict=False):
            assert upper.y - lower.top >= geometry.dp(8) - 1  # 8 dp apart
    assert seen == {f"field-legal_basis-{v}" for v in ("owner", "rental", "family", "other")}
    d.tap("field-legal_basis-rental")
    next_page(ui, "field-has_additional-no")
    d.step(3)
    yes, no = d.find("field-has_additional-yes"), d.find("field-has_additional-no")
    assert abs(yes.y - no.y) < 1 and yes.right < no.x  # short labels: two columns in landscape
    assert _pager(ui).page_count == 1  # a yes/no question fits one page with its heading


def test_check_answers_shows_card_data_once_and_sends_under_the_declaration(ui):
    from kiosk.ui.screens.review import ReviewScreen

    d = ui.driver
    _to_legal_basis(ui)
    d.tap("field-legal_basis-rental")
    next_page(ui, "field-has_additional-no")
    d.tap("field-has_additional-no")
    next_page(ui, "field-phone")
    next_page(ui, "field-email")
    d.tap("btn-next")
    d.wait_for_screen("review")
    texts = d.texts()
    assert texts.count("Jūs: Jānis Bērziņš, ******-***46") == 1
    assert "Personas kods" not in texts and "Vārds" not in texts  # no tall row per card field
    view = ui.app._screen.view
    assert view.review and all(r.edit is not None for r in view.review)  # "Mainīt" on every answer
    screen = ui.app._screen
    assert isinstance(screen, ReviewScreen)
    submit = d.find("btn-submit")
    pager = _pager(ui)  # on the last page, under the declaration; not in the action bar
    assert pager.page_of(submit) == pager.page_count - 1
    assert pager.page_of(d.find("declaration-title")) <= pager.page_of(submit)
    assert pager.parts.index(submit) == len(pager.parts) - 1


def test_in_large_text_a_later_page_is_headed_by_the_question_in_body_size(ui):
    """Large text on 7": the question heading in title size would leave a later page no room for the tallest
    option, so later pages are headed by the question in bold body size; never an option without it."""
    from kiosk.ui.inputs import Option
    from kiosk.ui.widgets import KLabel

    d = ui.driver
    large_text(ui)
    sign_in(ui)
    open_residence_form(ui)
    d.step(3)
    pager = _pager(ui)
    title = d.find("title")
    body = ui.app._style.sizes.font_body
    assert pager.page_count > 1 and title.font_size > body
    heads = []
    for page in range(1, pager.page_count):
        pager.show_page(page)
        d.step(2)
        shown = list(reversed(pager.area.children))  # Kivy lists the newest child first
        if not any(isinstance(w, Option) for w in shown):
            continue
        head = shown[0]
        assert isinstance(head, KLabel) and head.text == title.text and head.bold, page
        heads.append(head.font_size)
    assert heads and set(heads) == {body}  # the title's size would leave no room: body size on every later page
