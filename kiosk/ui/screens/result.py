"""The confirmation page, one paged column: the reference large and in chunks first (with its label,
one part that is never split), then the title (sent to whom), any printer problem, the printing
status, what happens next, and last the QR code for the status page (``Sizes.qr``: at least 30 mm,
larger with large text) with its code (the same name as on the receipt) beside it where that column is
wide enough for whole words, else under it across the whole width (a narrow column broke words letter
by letter). The two are one part no taller than a 7" page, so the square is never cut.

The reference opens page 1, so it is fully in view on every panel and text size, also when the
printer fails, and the citizen can write it down. The title is a paragraph here (the institution's
name is long): on a 7" panel in large text it flows on to the next page instead of being cut.
"""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.chrome import text_height, window_height
from kiosk.ui.motion import BusyMotion
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import QrCode, label

BESIDE_QR_EMS = 10  # the code goes beside the QR square where its column is this many font sizes wide
SHORT_PANEL_PX = 600  # a window lower than this is a short panel (the 7" 800×480)
NORMAL_TITLE_RATIO = 1.3  # theme.sizes_for: the title size of normal text over its body size


class ResultScreen(KioskScreen):
    def build(self) -> None:
        st, s = self.ctx.style, self.ctx.style.sizes
        col = self.body_column()
        if self.view.big_text:  # the reference and its label: one part, first on page 1
            reference = self.body_column()
            reference.spacing = 0
            if self.view.big_label:
                reference.add_widget(label(st, self.view.big_label, wid="reference-label"))
            reference.add_widget(label(st, self.view.big_text, size=self._reference_size(), bold=True,
                                       wid="reference"))
            col.add_widget(reference)
        title = self.title_label()
        title.bold = False  # a paragraph that may flow over pages; the reference is the large thing here
        title.font_size = s.font_body if self._short_panel() else s.font_body * 1.15  # 7": with the reference on page 1
        col.add_widget(title)
        self.heading_notice(col)
        self.choices(col)  # "Call staff" when the printer failed: right under the problem
        if self.view.picture == "printing":  # the receipt is on its way: the busy screens' turning arc
            col.add_widget(BusyMotion(st, size_hint_y=None, height=s.target))
        self.lines(col)
        if self.view.qr or self.view.qr_label:
            col.add_widget(self._status_page())
        self.add_widget(self.scroll(col))

    def _reference_size(self) -> float:
        """The title size; on a short panel (7" 800×480) the normal text's title size in both text sizes
        (capitals still above the large-text 6.1 mm): in large text the page there has room for the
        label and the reference only at that size, and the reference must never be cut."""
        s = self.ctx.style.sizes
        if not self._short_panel():
            return s.font_title
        return min(s.font_title, round(s.font_body_normal * NORMAL_TITLE_RATIO))

    @staticmethod
    def _short_panel() -> bool:
        return window_height() < SHORT_PANEL_PX

    def _status_page(self) -> BoxLayout:
        """The QR code (a square of ``Sizes.qr`` at the left) and its code, as one page part: the code beside
        the square where the column left there holds ``BESIDE_QR_EMS`` body-size letters and the code is no
        taller than the square (a 7" 800×480 page in large text is only a little taller than the square),
        else under it across the whole width."""
        st, s = self.ctx.style, self.ctx.style.sizes
        block = BoxLayout(orientation="vertical", size_hint_y=None, spacing=s.spacing)
        square = None
        if self.view.qr:
            square = BoxLayout(orientation="horizontal", size_hint_y=None, height=s.qr, spacing=s.spacing)
            square.add_widget(QrCode(self.view.qr, size_hint=(None, None), size=(s.qr, s.qr)))
            block.add_widget(square)
        code = label(st, self.view.qr_label, wid="status-code") if self.view.qr_label else None

        def fit(*_a) -> None:
            if code is None:
                block.height = s.qr if square is not None else 0
                return
            beside = block.width - s.qr - s.spacing
            # beside only where it is no taller than the square: four lines beside it made the part taller
            # than a page in large text on 7" (the square's top was cut); under it, it takes two
            fits = beside >= BESIDE_QR_EMS * code.font_size and text_height(code.text, code.font_size, beside) <= s.qr
            where = square if square is not None and fits else block
            if code.parent is not where:
                if code.parent is not None:
                    code.parent.remove_widget(code)
                where.add_widget(code)
            width = beside if where is square else block.width
            code.height = text_height(code.text, code.font_size, max(width, 1))
            if where is square:
                code.pos_hint = {"top": 1}
                square.height = max(s.qr, code.height)
                block.height = square.height
            else:
                code.pos_hint = {}
                block.height = code.height + (s.qr + s.spacing if square is not None else 0)

        block.bind(width=fit)
        fit()
        return block
