"""Page parts that adapt to the room a page leaves: a picture drawn smaller so that it shares page 1 with
its title, and action-bar buttons whose words fit on one line keeping just that width (real Kivy text
measuring)."""

from __future__ import annotations

import pytest

from kiosk.ui.chrome import _one_line_first
from kiosk.ui.text_metrics import text_height
from kiosk.ui.theme import PALETTES, Geometry, sizes_for
from kiosk.ui.widgets import Style, label

pytestmark = pytest.mark.display  # the app's window: Kivy measures text with SDL2 only once one exists

PORTRAIT = Geometry(720, 1280, 7.0)


def _pager(natural: float, least: float, height: float):
    from kivy.uix.boxlayout import BoxLayout

    from kiosk.ui.paging import Pager, ShrinkingPart

    style = Style(PALETTES["normal"], sizes_for(PORTRAIT, True))
    content = BoxLayout(orientation="vertical", spacing=style.sizes.spacing)
    title = label(style, "What will be signed", bold=True, wid="title")
    picture = ShrinkingPart(natural, least)
    words = label(style, "Page 1 of Līgums par telpu nomu.pdf", wid="caption")
    for part in (title, picture, words):
        content.add_widget(part)
    pager = Pager(content, style)
    pager.size = (688, height)
    pager.paginate()
    return pager, title, picture


def test_a_picture_is_drawn_smaller_to_share_page_one_with_its_title(kiosk_ui):
    pager, title, picture = _pager(natural=384, least=192, height=540)
    assert pager.page_count > 1
    assert pager.parts[slice(*pager._pages[0])] == [title, picture]
    room = 540 - pager.nav.height - pager.spacing  # the page buttons take a row of the pager
    assert 192 <= picture.height < 384
    title_height = text_height(title.text, title.font_size, 688, bold=True)
    assert title_height + pager.gap + picture.height == pytest.approx(room)


def test_a_picture_that_would_be_too_small_moves_whole_to_the_next_page(kiosk_ui):
    pager, title, picture = _pager(natural=384, least=340, height=540)
    assert pager.parts[slice(*pager._pages[0])] == [title]
    assert picture.height == 384


def test_on_a_page_with_room_the_picture_keeps_its_size(kiosk_ui):
    pager, _title, picture = _pager(natural=384, least=192, height=1100)
    assert pager.page_count == 1
    assert picture.height == 384


def test_bar_buttons_whose_words_fit_on_one_line_keep_that_width_and_the_rest_share_what_is_left():
    assert _one_line_first([200, 540], 657) == [200, 457]  # "Back" whole, "Sign with PIN2" the rest
    assert _one_line_first([200, 300], 657) == [278.5, 378.5]  # both fit: the spare shared alike
    assert _one_line_first([400, 400], 657) == [328.5, 328.5]  # neither fits: equal shares


def test_a_list_item_wraps_under_its_first_word_not_under_its_bullet(kiosk_ui):
    from kiosk.ui.page_split import ListLine

    style = Style(PALETTES["normal"], sizes_for(PORTRAIT, True))
    text = "Līgums par telpu nomu.pdf — 880 baiti, 07.12.26"
    item = ListLine(style, text, bullet=True, wid="line-0")
    item.width = 688
    mark, words = reversed(item.children)
    assert mark.text == "•" and words.text == text and words.wid == "line-0"
    assert mark.width == item.indent > 0
    assert item.height == text_height(text, style.sizes.font_body, 688 - item.indent)
    assert item.height > text_height("Līgums", style.sizes.font_body, 688)  # it does wrap here
    detail = ListLine(style, "Nospiedums: 52EC 21EB", bullet=False, wid="line-1")
    assert next(iter(reversed(detail.children))).text == "" and detail.indent == item.indent  # aligned words


def test_the_audit_sees_a_part_taller_than_a_page_on_any_page(kiosk_ui):
    """A part that cannot move whole onto any page is cut by the page area wherever it is shown: the
    layout audit's capture reports it as text in a box of the page's height, on every render."""
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.widget import Widget

    from devtools.audit.capture import snapshot_tree
    from devtools.audit.rules import text_overflow
    from kiosk.ui.paging import Pager

    style = Style(PALETTES["normal"], sizes_for(PORTRAIT, False))
    content = BoxLayout(orientation="vertical", spacing=style.sizes.spacing)
    tall = BoxLayout(size_hint_y=None, height=700)
    tall.add_widget(label(style, "A notice in a box that moves whole", wid="notice"))
    for part in (label(style, "What will be signed", bold=True, wid="title"), tall, Widget(size_hint_y=None)):
        content.add_widget(part)
    pager = Pager(content, style)
    pager.size = (688, 540)
    pager.paginate()
    assert pager.page_count > 1 and pager.page == 0  # the tall part is not on the page shown
    root = BoxLayout()
    root.add_widget(pager)
    hits = [(wid, detail) for wid, detail in text_overflow(snapshot_tree(root), None) if "page part" in wid]
    assert [wid for wid, _ in hits] == ["BoxLayout (page part)"] and "×700 px in a" in hits[0][1]


def _widest_kivy_word(widget) -> float:
    """As the layout audit measures: each word of the label's text with Kivy's own text provider."""
    from kivy.core.text import Label as CoreLabel

    core = CoreLabel(font_size=widget.font_size, bold=widget.bold)
    return max(core.get_extents(word)[0] for word in widget.text.split())


def test_a_label_breaks_a_word_wider_than_its_line_after_a_slash_or_dot_and_keeps_the_text_given(kiosk_ui):
    style = Style(PALETTES["normal"], sizes_for(PORTRAIT, True))
    address = "https://pakalpojumi.pietura.example.lv/statuss/PT-2026-ABCDEF"
    words = label(style, f"Statuss: {address}", wid="status")
    words.size_hint_x, words.width = None, 560
    assert words.given_text == f"Statuss: {address}"
    assert "\n" in words.text and words.text.replace("\n", "") == words.given_text
    assert all(line.endswith(("/", ".", "-")) for line in words.text.split("\n")[:-1]), words.text
    assert _widest_kivy_word(words) <= 560 + 2  # the audit's tolerance: FreeType and SDL_ttf may differ by a pixel
    words.width = 5000  # room enough: the text as given
    assert words.text == words.given_text
    words.text = "Fails: Līgums_par_telpu_nomu_un_komunālajiem_maksājumiem.pdf"
    words.width = 560
    assert words.given_text.startswith("Fails: Līgums_par") and "_\n" in words.text


def _list_pager(lines: list[tuple[str, str]], height: float):
    """A title and list items in a pager of the portrait panel's width, paged before any frame (the page
    area has not laid out its parts yet, as on a screen's first build)."""
    from kivy.uix.boxlayout import BoxLayout

    from kiosk.ui.page_split import ListLine
    from kiosk.ui.paging import Pager

    style = Style(PALETTES["normal"], sizes_for(PORTRAIT, True))
    content = BoxLayout(orientation="vertical", spacing=style.sizes.spacing)
    content.add_widget(label(style, "Setup failed", bold=True, wid="title"))
    for wid, text in lines:
        content.add_widget(ListLine(style, text, bullet=True, wid=wid))
    pager = Pager(content, style)
    pager.size = (688, height)
    pager.paginate()
    return pager, style


def test_parts_on_later_pages_are_measured_at_the_page_width_before_the_area_lays_them_out(kiosk_ui):
    """A part moved to a later page before the page area laid it out kept Kivy's default width of 100 px:
    a list line stayed 100 px tall (pages were cut at wrong heights), a paragraph thousands of px."""
    text = "kiosk.toml has a setting this kiosk does not know"
    pager, style = _list_pager([(f"line-{i}", text) for i in range(6)], 540)
    assert pager.page_count > 1
    away = list(pager.paged_away())
    assert away
    for part in pager.parts:
        assert part.width == 688
    for part in away[1:]:  # the list lines on later pages (the first may be a title's piece)
        assert part.height == text_height(part.words.text, style.sizes.font_body, 688 - part.indent) > 100


def test_a_list_item_taller_than_a_page_flows_over_pages_with_its_bullet_on_the_first_piece(kiosk_ui):
    from kiosk.ui.page_split import LabelPiece, ListLine

    text = " ".join(["The gateway address (gateway.url) must start with https:// and name the host"] * 3)
    pager, style = _list_pager([("line-0", text)], 540)
    room = 540 - pager.nav.height - pager.spacing
    whole = text_height(text, style.sizes.font_body, 688 - ListLine(style, "", bullet=True, wid="").indent)
    assert whole > room  # moved whole, the page's edge would cut it
    pieces = [p for p in pager.parts if isinstance(p, ListLine)]
    assert len(pieces) > 1 and all(p.height <= room for p in pieces)
    assert [p.words.wid for p in pieces] == ["line-0"] + [f"line-0-{i}" for i in range(2, len(pieces) + 1)]
    assert all(isinstance(p.words, LabelPiece) and p.words.paragraph == text for p in pieces)
    assert " ".join(p.words.text for p in pieces) == text  # every word, once, in order
    marks = [next(iter(reversed(p.children))).text for p in pieces]
    assert marks == ["•"] + [""] * (len(pieces) - 1)  # later pieces continue under the words
    assert all(p.indent == pieces[0].indent for p in pieces)


def _option(text: str, *, detail: str = "", large: bool = True, width: float = 688, selected: bool = False):
    from kiosk.ui.inputs import options
    from kiosk.ui.viewmodel import Button

    style = Style(PALETTES["normal"], sizes_for(PORTRAIT, large))
    parts = options(style, (Button("chk-share", text, None, kind="check", detail=detail, selected=selected),),
                    lambda _b: None)
    for part in parts:
        part.width = width
    return style, parts


def test_an_option_with_a_long_label_flows_under_its_mark_and_its_detail_is_a_paragraph_under_it(kiosk_ui):
    """The call's consent in large text on the portrait panel: beside the mark, the label and its detail
    made a row taller than a page, cut by the page's edge and drawn over the header."""
    from kiosk.ui.inputs import FLOW_LINES, Option, mark_size

    text = "Show my name and personal code to the specialist"
    style, parts = _option(text, detail="Only if you want: it saves telling them.")
    row, hint = parts
    assert isinstance(row, Option) and hint.wid == "chk-share-hint" and hint.text.startswith("Only if")
    assert row.plain_text == text  # the driver and speech see the whole label
    assert row.tail is not None and row.tail.parent is row  # the rest of the label under the mark
    assert f"{row.label.given_text} {row.tail.given_text}" == text  # every word, once, in order
    font, line = style.sizes.font_button, text_height("Ag", style.sizes.font_button, 1000)
    beside = 688 - row.padding[0] - row.padding[2] - mark_size(style) - row.spacing
    assert text_height(text, font, beside) > FLOW_LINES * line  # too long for beside the mark
    assert row.label.height <= line + 1  # one line beside the mark
    assert row.tail.width == 688 - row.padding[0] - row.padding[2]  # the row's whole width
    alongside = text_height(text, font, beside) + 2 * row.padding[1]
    assert row.height == max(mark_size(style), row.label.height) + row.spacing + row.tail.height \
        + 2 * row.padding[1] < alongside


def test_an_option_with_a_short_label_keeps_it_beside_the_mark(kiosk_ui):
    from kiosk.ui.inputs import Option

    _style, parts = _option("Yes")
    (row,) = parts
    assert isinstance(row, Option) and row.tail is not None and row.tail.parent is None
    assert row.label.parent is row and row.label.text == "Yes" and row.orientation == "horizontal"
    row.width = 120  # so narrow that the label would need many lines: one word never flows
    assert row.tail.parent is None
    _style, parts = _option("Show my name and personal code to the specialist")
    row = parts[0]
    assert row.tail.parent is row
    row.width = 3000  # wide again: back beside the mark
    assert row.tail.parent is None and row.label.parent is row and row.label.given_text.endswith("specialist")


def test_a_whole_part_taller_than_a_page_over_a_row_of_page_buttons_moves_them_beside_the_page(kiosk_ui):
    """The e-asistents result in large text on the portrait panel with the banner: the reference with its
    label, and the QR code, were taller than the room the row of page buttons left. The buttons go in a
    column beside the page, and each whole part fits a page."""
    from kivy.uix.boxlayout import BoxLayout

    from kiosk.ui.paging import Pager

    style = Style(PALETTES["normal"], sizes_for(PORTRAIT, True))
    content = BoxLayout(orientation="vertical", spacing=style.sizes.spacing)
    content.add_widget(label(style, "Iesniegums nosūtīts", bold=True, wid="title"))
    square = BoxLayout(size_hint_y=None, height=380)  # a QR code's square: it moves whole
    content.add_widget(square)
    content.add_widget(label(style, "Kods iesnieguma pārbaudei internetā: 9WV8KT", wid="status-code"))
    pager = Pager(content, style)
    root = BoxLayout(size=(688, 447), size_hint=(None, None))
    root.add_widget(pager)
    kiosk_ui.app.root_layout.add_widget(root)
    try:
        kiosk_ui.driver.step(4)
        assert pager.page_count > 1
        assert 447 - pager.nav.height - pager.spacing < 380 <= 447  # under a row of page buttons it was cut
        assert pager._side and pager.nav.parent is pager and pager.orientation == "horizontal"
        assert pager.area.height == pytest.approx(447) and pager.area.width < 688
        assert all(part.height <= pager.area.height for part in pager.parts)
        pager.show_page(pager.page_of(square))
        kiosk_ui.driver.step(2)
        assert square.parent is pager.area and square.top <= pager.area.top + 1 and square.y >= pager.area.y - 1
    finally:
        kiosk_ui.app.root_layout.remove_widget(root)


def test_a_row_of_page_buttons_stays_when_every_whole_part_fits_under_it(kiosk_ui):
    pager, _title, _picture = _pager(natural=300, least=300, height=540)
    kiosk_ui.driver.step(2)
    assert pager.page_count > 1 and not pager._side and pager.nav.parent is pager


def test_the_reference_steps_down_to_two_lines_where_its_page_is_narrow(kiosk_ui):
    """Beside a column of page buttons (the portrait panel in large text with a banner) a wide reference
    took three lines at the title size, and with its label was taller than a page: it is never split."""
    from kiosk.ui.screens.base import ScreenContext
    from kiosk.ui.screens.result import ResultScreen
    from kiosk.ui.viewmodel import View

    style = Style(PALETTES["normal"], sizes_for(PORTRAIT, True))
    s = style.sizes
    reference = "PT-2026 - WMWM MWMW"
    view = View("result", "lv", "Iesniegums nosūtīts", big_text=reference, big_label="Iesnieguma numurs:")
    screen = ResultScreen(view, ScreenContext(style, lambda _a: None, lambda _d: None, "lv"))
    big = next(w for w in screen.walk(restrict=True) if getattr(w, "wid", "") == "reference")

    def lines() -> float:
        return text_height(reference, big.font_size, big.width, bold=True) / text_height("Ag", big.font_size, 1000,
                                                                                          bold=True)

    own = screen._reference_size()  # the title size (the normal text's on a short panel)
    big.width = 688
    assert big.font_size == own and lines() < 2.5  # the whole page's width: its own size
    from kiosk.ui.text_metrics import text_width

    chunk = reference.rsplit(" - ", 1)[1]  # a width where its last chunks need a smaller size to share a line
    narrow = (text_width(chunk, own, bold=True) + text_width(chunk, s.font_body, bold=True)) / 2
    big.width = narrow
    assert text_height(reference, own, narrow, bold=True) > 2.5 * text_height("Ag", own, 1000, bold=True)
    assert s.font_body <= big.font_size < own and lines() < 2.5
    big.width = 688
    assert big.font_size == own


def test_a_long_label_stays_beside_its_mark_where_flowing_would_not_make_the_row_lower(kiosk_ui):
    """One word beside the mark and the rest in as many lines under it is no lower (the consent's Latvian
    label at normal size on the portrait panel): the label keeps the column beside the mark."""
    from kiosk.ui.inputs import FLOW_LINES, mark_size

    text = "Rādīt speciālistam manu vārdu un personas kodu"
    style, (row,) = _option(text, large=False, selected=True)  # selected: in bold
    font, line = style.sizes.font_button, text_height("Ag", style.sizes.font_button, 1000, bold=True)
    inner = 688 - row.padding[0] - row.padding[2]
    beside = inner - mark_size(style) - row.spacing
    alongside = text_height(text, font, beside, bold=True)
    flowing = max(mark_size(style), line) + row.spacing + text_height(text.split(" ", 1)[1], font, inner, bold=True)
    assert alongside > FLOW_LINES * line and flowing >= max(mark_size(style), alongside)
    assert row.tail.parent is None and row.label.text == text
    assert row.height == max(mark_size(style), alongside) + 2 * row.padding[1]


def test_an_options_detail_starts_on_its_rows_page_or_both_move_to_the_next(kiosk_ui):
    """Under its row the detail flows like a paragraph, but alone on a page it would make no sense ("Only
    if you want"): where the row's page has no room for it, the row moves on with it."""
    from kivy.uix.boxlayout import BoxLayout

    from kiosk.ui.page_split import Detail
    from kiosk.ui.paging import Pager

    style, parts = _option("Rādīt speciālistam manu vārdu un personas kodu",
                           detail="Tikai tad, ja vēlaties: tad tie nav jāsaka.")
    row, hint = parts
    assert isinstance(hint, Detail)
    content = BoxLayout(orientation="vertical", spacing=style.sizes.spacing)
    title = label(style, "Pirms sarunas", bold=True, wid="title")
    words = label(style, "Zvans netiek ierakstīts.", wid="line-0")
    for part in (title, words, row, hint):
        content.add_widget(part)
    pager = Pager(content, style)
    gap = pager.gap
    heights = [text_height(title.text, title.font_size, 688, bold=True),
               text_height(words.text, words.font_size, 688), row.height]
    # a page that holds the title, the words and the row, but not the detail under them
    page = sum(heights) + 2 * gap + 10
    pager.size = (688, page + pager.nav.height + pager.spacing)
    pager.paginate()
    assert row.height + gap + text_height(hint.text, hint.font_size, 688) <= page  # together they fit a page
    pages = [pager.parts[slice(*p)] for p in pager._pages]
    assert pages[0] == [title, words] and pages[1][:2] == [row, hint]
