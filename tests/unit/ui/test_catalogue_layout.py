"""How dense the catalogue's tiles are: page 1 shows the first choices on a short panel (pure, no display)."""

from kiosk.ui.catalogue_view import FIRST_PAGE_CHOICES, TileLayout, first_page_choices, tile_layout


def heights(with_details: float, titles: float, wrapped: float = 0.0):
    """Rows of 9 tiles: ``with_details`` tall with descriptions, ``titles`` without; in two columns a title
    wraps to ``wrapped`` (a one-line title in one column)."""

    def rows(columns: int, details: bool) -> list[float]:
        count = -(-9 // columns)
        if details:
            return [with_details] * count
        return [wrapped or titles if columns == 2 else titles] * count

    return rows


def test_first_page_counts_whole_rows_that_fit():
    assert first_page_choices(300, 100, 8, [90, 90, 90], 2, 9) == 4  # 100 + 98 + 98 = 296
    assert first_page_choices(295, 100, 8, [90, 90, 90], 2, 9) == 2
    assert first_page_choices(300, 100, 8, [90], 2, 1) == 1  # a last row of one
    assert first_page_choices(100, 100, 8, [90], 1, 5) == 0


def test_a_tall_panel_keeps_descriptions_in_two_columns():
    assert tile_layout(900, (150, 120), 8, 9, True, heights(140, 60)) == TileLayout(2, True)


def test_a_short_panel_drops_descriptions():
    # 7-inch landscape: 312 px for the page, 128 above; a tile with its description is 184 px
    layout = tile_layout(312, (128, 110), 8, 9, True, heights(184, 58, wrapped=92))
    assert not layout.details
    assert first_page_choices(312, 110, 8, heights(184, 58, 92)(layout.columns, False), layout.columns, 9) >= 3


def test_one_column_where_wrapped_titles_leave_page_1_fewer_choices():
    # two columns: rows of 134 px (a title on three lines) show two; one column of 58 px rows shows three
    assert tile_layout(312, (128, 100), 8, 9, True, heights(184, 58, wrapped=134)) == TileLayout(1, False)


def test_two_columns_where_they_show_more_and_only_where_words_fit():
    assert tile_layout(312, (128, 100), 8, 9, True, heights(184, 90, wrapped=90)) == TileLayout(2, False)
    assert tile_layout(900, (150, 120), 8, 9, False, heights(140, 60)).columns == 1


def test_few_choices_need_only_themselves_on_page_1():
    assert FIRST_PAGE_CHOICES == 4
    assert tile_layout(312, (128, 100), 8, 2, True, lambda c, d: [150] if d else [90]) == TileLayout(2, True)
