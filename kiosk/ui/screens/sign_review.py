""""What will be signed": the message layout with the first page of a PDF beside the words or as a
page part of its own.

Landscape panels: the words are paged in the left column and the picture stands in a column of
``SIDE_SHARE`` of the width at the right, outside the pages (seen on every page), its caption under
it where that leaves the picture most of the column. Where the words would keep less than
``TEXT_COLUMN_EMS`` beside it (a 7" panel in large text) and on portrait panels, the picture, framed
with its caption beside it, is one page part — on portrait panels right after the title, on a
landscape one after the words —, at most ``PORTRAIT_SHARE`` of the window's height (down to
``LEAST_SHARE`` of that where it then shares a page with the title); a caption that does not fit
beside it is the next part. While the picture is made, or when it cannot be, the frame is a plain box
with those words in it; signing never waits for it."""

from __future__ import annotations

import io

from kivy.core.image import Image as CoreImage
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image
from kivy.uix.widget import Widget

from kiosk.ui.page_nav import page_width
from kiosk.ui.paging import ShrinkingPart
from kiosk.ui.screens.message import MessageScreen, widest_word
from kiosk.ui.text_metrics import text_height
from kiosk.ui.widgets import KLabel, Panel, label

A4_RATIO = 210 / 297  # width over height of a portrait page
SIDE_SHARE = 0.27  # landscape: the picture column's share of the window's width
SIDE_MAX_SHARE = 0.4  # … widened up to this for a long word in its caption
TEXT_COLUMN_EMS = 24  # the words keep at least this many body-size ems beside the picture column
CAPTION_MAX_SHARE = 0.4  # landscape: a caption taller than this share of the column is left out (large text)
PORTRAIT_SHARE = 0.3  # portrait: the picture's height as a share of the window's height
LEAST_SHARE = 0.5  # … drawn down to this share of that where it keeps the picture on the title's page
BESIDE_EMS = 8  # portrait: the caption goes beside the picture where its column is this many font sizes wide


class SignReviewScreen(MessageScreen):
    def build(self) -> None:
        from kivy.core.window import Window  # not at import: the app sizes the window before it exists

        s = self.ctx.style.sizes
        picture = bool(self.view.image or self.view.image_text)
        side_width = self._side_width(Window.width)
        beside = picture and Window.width > Window.height and \
            Window.width - side_width - 2 * s.padding >= TEXT_COLUMN_EMS * s.font_body
        col = self.body_column()
        self.heading(col)
        if picture and not beside and Window.height >= Window.width:  # portrait: right under the title
            for part in self._part_picture(Window.height):
                col.add_widget(part)
        self.lines(col)
        if picture and not beside and Window.height < Window.width:  # the words need the width (large text)
            for part in self._part_picture(Window.height):
                col.add_widget(part)
        if self.consumed_actions:  # too wide for the bar: across the page, after the words
            self.choices(col, tuple(b for b in self.view.actions if b.id in self.consumed_actions), columns=1)
        if not beside:
            self.add_widget(self.scroll(col))
            return
        row = BoxLayout(orientation="horizontal", spacing=s.spacing * 2)
        row.add_widget(self.scroll(col))
        row.add_widget(self._side_picture(side_width))
        self.add_widget(row)

    def _side_width(self, window_width: float) -> int:
        """Landscape: the picture column, as wide as its caption's widest word (a file name) where that is
        wider than ``SIDE_SHARE``, up to ``SIDE_MAX_SHARE``."""
        s = self.ctx.style.sizes
        widest = widest_word(self.view.image_text, s.font_body) + 2 * s.spacing + 4
        return round(min(max(window_width * SIDE_SHARE, widest), window_width * SIDE_MAX_SHARE))

    def _frame(self) -> tuple[Panel, KLabel]:
        """The framed picture (or the plain box with its words in it) and the caption to place."""
        st, s = self.ctx.style, self.ctx.style.sizes
        if self.view.image:
            frame = Panel(st, fill="background", padding=2)
            texture = CoreImage(io.BytesIO(self.view.image), ext="png").texture
            frame.add_widget(Image(texture=texture, fit_mode="contain"))
            return frame, label(st, self.view.image_text, muted=True, wid="preview-text")
        frame = Panel(st, orientation="vertical", padding=s.spacing)
        words = label(st, self.view.image_text, muted=True, wid="preview-text", halign="center")
        frame.add_widget(words)
        frame.add_widget(Widget())  # the words at the top of the box
        return frame, words

    def _side_picture(self, width: int) -> BoxLayout:
        s = self.ctx.style.sizes
        side = BoxLayout(orientation="vertical", size_hint_x=None, width=width, spacing=s.spacing)
        frame, words = self._frame()
        side.add_widget(frame)
        if words.parent is not None:  # the plain box holds its words
            return side

        def fit(*_a) -> None:  # the caption under the picture while it leaves the picture most of the column
            tall = text_height(words.text_at(width), words.font_size, max(width, 1))
            if tall <= side.height * CAPTION_MAX_SHARE and words.parent is None:
                side.add_widget(words)
            elif tall > side.height * CAPTION_MAX_SHARE and words.parent is side:
                side.remove_widget(words)

        side.bind(height=fit)
        return side

    def _part_picture(self, window_height: float) -> list[Widget]:
        """The framed picture as a page part with its caption beside it where whole words fit there, else
        the caption as a part of its own under it: in large text on a portrait panel picture and caption
        together were taller than what the title leaves of a page, and page 1 held only the title."""
        s = self.ctx.style.sizes
        height = max(s.target * 2, round(window_height * PORTRAIT_SHARE))
        width = round(height * A4_RATIO)
        frame, words = self._frame()
        if words.parent is not None:  # the plain box: its words whole (large text broke "Gatavo" on portrait)
            width = max(width, round(widest_word(words.given_text, words.font_size) + 2 * s.spacing + 4))
            inner = width - 2 * s.spacing
            height = max(height, round(text_height(words.text_at(inner), words.font_size, inner) + 2 * s.spacing))
        frame.size_hint, frame.size = (None, None), (width, height)
        if words.parent is not None:  # the plain box holds its words
            row = BoxLayout(orientation="horizontal", size_hint_y=None, height=height)
            row.add_widget(frame)
            return [row]
        beside = page_width(self.ctx.nav, self.ctx.style) - width - s.spacing
        caption = 0.0 if beside < BESIDE_EMS * words.font_size else text_height(words.text_at(beside), words.font_size, beside)
        picture = ShrinkingPart(max(height, caption), max(caption, height * LEAST_SHARE),
                                orientation="horizontal", spacing=s.spacing)
        picture.add_widget(frame)

        def scale(*_a) -> None:  # a picture given less room than it asked is drawn smaller, never cut
            low = min(picture.height, height)
            frame.size = (round(low * A4_RATIO), low)

        picture.bind(height=scale)
        if not caption:
            return [picture, words]
        words.height, words.pos_hint = caption, {"top": 1}
        picture.add_widget(words)
        return [picture]
