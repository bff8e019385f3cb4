""""What will be signed": the message layout with, after the words, the first page of a PDF framed
as one page part (never split over pages) and its caption beside it — or, while it is made or when
it cannot be, a plain framed box with the words in it. The picture is scaled into a box of A4's
proportions no taller than ``PICTURE_PAGE_SHARE`` of the window, so it always fits one page."""

from __future__ import annotations

import io

from kivy.core.image import Image as CoreImage
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image

from kiosk.ui.chrome import text_height
from kiosk.ui.screens.message import MessageScreen
from kiosk.ui.widgets import Panel, label

A4_RATIO = 210 / 297  # width over height of a portrait page
PICTURE_PAGE_SHARE = 0.42  # of the window's height: the page part stays well below a 7" page's room
BESIDE_EMS = 8  # the caption goes beside the picture where its column is this many font sizes wide


class SignReviewScreen(MessageScreen):
    def build(self) -> None:
        col = self.body_column()
        self.heading(col)
        self.lines(col)
        if self.view.image or self.view.image_text:
            col.add_widget(self._picture())
        if self.consumed_actions:  # too wide for the bar: across the page, after the words
            self.choices(col, tuple(b for b in self.view.actions if b.id in self.consumed_actions), columns=1)
        self.add_widget(self.scroll(col))

    def _picture(self) -> BoxLayout:
        from kivy.core.window import Window  # not at import: the app sizes the window before it exists

        st, s = self.ctx.style, self.ctx.style.sizes
        height = max(s.target * 2, round(Window.height * PICTURE_PAGE_SHARE))
        width = round(height * A4_RATIO)
        frame = Panel(st, fill="background" if self.view.image else "panel", size_hint=(None, None),
                      size=(width, height), padding=2)
        if self.view.image:
            texture = CoreImage(io.BytesIO(self.view.image), ext="png").texture
            frame.add_widget(Image(texture=texture, fit_mode="contain"))
            words = label(st, self.view.image_text, muted=True, wid="preview-text")
        else:
            words = label(st, self.view.image_text, muted=True, wid="preview-text", halign="center")
        row = BoxLayout(orientation="horizontal", size_hint_y=None, height=height, spacing=s.spacing)
        row.add_widget(frame)
        if not self.view.image:  # the words inside the plain box
            frame.orientation, frame.padding = "vertical", s.spacing
            frame.add_widget(words)
            return row
        block = BoxLayout(orientation="vertical", size_hint_y=None, height=height, spacing=s.spacing)
        block.add_widget(row)

        def fit(*_a) -> None:  # the caption beside the picture where whole words fit, else under it
            beside = block.width - width - s.spacing
            where = row if beside >= BESIDE_EMS * words.font_size else block
            if words.parent is not where:
                if words.parent is not None:
                    words.parent.remove_widget(words)
                where.add_widget(words)
            words.height = text_height(words.text, words.font_size, max(beside if where is row else block.width, 1))
            words.pos_hint = {"top": 1} if where is row else {}
            block.height = height if where is row else height + s.spacing + words.height

        block.bind(width=fit)
        fit()
        return block
