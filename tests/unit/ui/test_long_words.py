"""Where a word wider than its line is broken (pure: a measure of 10 px per character)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kiosk.ui.text_metrics import split_long_words


def _width(text: str) -> float:
    return 10.0 * len(text)


def _split(text: str, room: float) -> str:
    return split_long_words(text, room, em=10.0, width_of=_width)


def test_words_that_fit_are_never_changed():
    text = "Jūsu iesniegums ir nosūtīts  VPVKAC\tRīgā"
    assert _split(text, 120) == text


def test_a_web_address_breaks_after_its_slashes_and_dots():
    assert _split("Statuss: https://pietura.example.lv/statuss/ABC123 .", 200) == \
        "Statuss: https://pietura.\nexample.lv/statuss/\nABC123 ."


def test_a_file_name_breaks_after_dots_dashes_and_underscores():
    assert _split("Ligums_par_telpu_nomu-2026.gada.pdf", 130) == "Ligums_par_\ntelpu_nomu-\n2026.gada.pdf"


def test_a_piece_with_no_break_place_is_cut_where_the_line_ends():
    assert _split("ABCDEFGHIJKLMNOPQRST/xyz", 80) == "ABCDEFGH\nIJKLMNOP\nQRST/xyz"


@given(st.text(alphabet="ab./-_ \n", max_size=60), st.integers(min_value=10, max_value=200))
def test_the_characters_are_kept_and_every_line_fits(text, room):
    shown = _split(text, room)
    assert shown.replace("\n", "") == text.replace("\n", "")
    assert all(_width(word) <= room for word in shown.split())
