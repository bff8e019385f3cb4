"""Welcome / attract screen: how to insert the card (a moving picture), language and display choices,
how speech starts (in large letters: plug in headphones or press the round key), and rotating tips
where there is room.

Nothing scrolls and nothing is cut: the words are on pages (:class:`~kiosk.ui.paging.Pager`) in the
order of what matters most — the title, the language and text-size buttons (the way back from large
text), how to insert the card, how speech starts. The tips give way where the rest needs more than one
page (the first says when an unattended session is erased; the help and the idle warning say it
too). The picture of the card is on every panel: beside the words where the panel is wide, under
them on a portrait panel, and beside the title on a small landscape panel (7" 800×480), where large
text puts the buttons before the title (a page there holds one or the other, and the text-size
button is the way back).
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.motion import CardMotion
from kiosk.ui.paging import Pager
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.message import BUTTON_PADDING, title_size_that_fits, widest_word
from kiosk.ui.widgets import KLabel, Panel, label

TIP_SECONDS = 10  # calm rotation, nowhere near the 3-flashes-per-second limit
PICTURE_BESIDE_CHARACTERS = 25  # the picture beside the words only where a panel's width holds this many letters
PICTURE_BY_TITLE = 0.2  # on a small landscape panel: the picture's share of the title row's width


class WelcomeScreen(KioskScreen):
    _tip_event = None

    def build(self) -> None:
        from kivy.core.window import Window  # not at import: the app sizes the window before it exists

        st, s = self.ctx.style, self.ctx.style.sizes
        wide = Window.width / s.font_body >= PICTURE_BESIDE_CHARACTERS
        portrait = Window.height > Window.width
        col = self.body_column()
        large = s.large_text
        half = (Window.width - 2 * s.padding - s.spacing) / 2 * (0.68 if wide else 1.0) - BUTTON_PADDING
        # two columns unless a word is wider than half the width (Kivy would break it in the middle)
        columns = 2 if all(widest_word(b.text, s.font_button) <= half for b in self.view.choices) else 1
        if large and not wide:  # the language and text-size buttons (the way back) first: a page of a 7"
            self.choices(col, columns=columns)  # panel in large text has room for them or the title, not both
        if wide or portrait:
            title = self.title_label()
            words = (Window.width - 2 * s.padding) * (0.68 if wide else 1.0)  # beside the picture column, or alone
            title.font_size = title_size_that_fits(self.view.title, s, words)
            if portrait:  # a step smaller: the narrow column makes the title four lines, the choices need them
                title.font_size = min(title.font_size, s.font_body * 1.15)
            col.add_widget(title)
            self.heading_notice(col)
        else:  # no room for a picture column: the card slides in beside the title
            col.add_widget(self._title_with_picture())
            self.heading_notice(col)
        if not (large and not wide):
            self.choices(col, columns=columns)  # the language and text-size buttons: the way back, on page 1
        self.lines(col)
        if self.view.big_text:  # how to start speech without sight, in large letters; bold (a part that moves
            # whole) only at normal size: in large text on the portrait panel it is taller than a page, so there it
            # is a paragraph that flows on to the next page
            col.add_widget(label(st, self.view.big_text, size=max(s.font_title * 0.85, s.font_body),
                                 bold=not s.large_text, wid="speech-hint"))
        tip_box = None
        if self.view.tips:
            tip_box = Panel(st, orientation="vertical", size_hint_y=None, padding=s.spacing)
            self.tip = label(st, self.view.tips[0], size=s.font_small, wid="tip")
            tip_box.add_widget(self.tip)
            self.tip.bind(height=lambda *_: setattr(tip_box, "height", self.tip.height + 2 * s.spacing))
            col.add_widget(tip_box)
            self._tip_index = 0
            self._tip_event = Clock.schedule_interval(self._next_tip, TIP_SECONDS)
        pager = self.paged(col)
        if tip_box is not None:
            pager.bind(page_count=lambda *_: self._tips_give_way(pager, tip_box))
        row = BoxLayout(orientation="vertical" if portrait else "horizontal", spacing=s.spacing)
        row.add_widget(pager)
        if wide:
            row.add_widget(CardMotion(st, "in", size_hint_x=0.32))
        elif portrait:
            row.add_widget(CardMotion(st, "in", size_hint_y=0.16))
        self.add_widget(row)

    def _title_with_picture(self) -> BoxLayout:
        st, s = self.ctx.style, self.ctx.style.sizes
        row = BoxLayout(orientation="horizontal", size_hint_y=None, spacing=s.spacing)
        title: KLabel = self.title_label()
        title.font_size = s.font_body  # bold body size: the title and both rows of choices share page 1
        row.add_widget(title)
        row.add_widget(CardMotion(st, "in", size_hint_x=PICTURE_BY_TITLE))
        picture_height = s.target * 1.4  # the card and the slot stay recognisable

        def fit(*_a) -> None:
            row.height = max(title.height, picture_height)

        title.bind(height=fit)
        fit()
        return row

    def _tips_give_way(self, pager: Pager, tip_box: Panel) -> None:
        """Tips only where everything fits on one page: the tips never cost a citizen a page turn."""
        if pager.page_count > 1 and tip_box in pager.items:
            pager.items.remove(tip_box)
            pager.paginate()
            if self._tip_event is not None:
                self._tip_event.cancel()

    def _next_tip(self, _dt: float) -> None:
        if self.parent is None:  # screen replaced: stop rotating
            self._tip_event.cancel()
            return
        self._tip_index = (self._tip_index + 1) % len(self.view.tips)
        self.tip.text = self.view.tips[self._tip_index]

    def on_parent(self, _widget, parent) -> None:
        if parent is None and self._tip_event is not None:
            self._tip_event.cancel()
