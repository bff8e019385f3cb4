"""The confirmation page, one paged column: the reference large and in chunks first (with its label,
one part that is never split), then the title (sent to whom), any printer problem, the printing
status, what happens next, and last the status page's code (the same name as on the receipt) and its
QR code (``Sizes.qr``: at least 30 mm), two parts so that neither is ever cut.

The reference opens page 1, so it is fully in view on every panel and text size, also when the
printer fails, and the citizen can write it down; its chunks take at most two lines (a step smaller, down
to bold body size, where the page is narrow: beside a column of page buttons). The title is a paragraph here (the institution's
name is long): on a 7" panel in large text it flows on to the next page instead of being cut.
"""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.chrome import window_height
from kiosk.ui.motion import BusyMotion
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.text_metrics import text_height
from kiosk.ui.widgets import KLabel, QrCode, label

SHORT_PANEL_PX = 600  # a window lower than this is a short panel (the 7" 800×480)
REFERENCE_LINES = 2  # the reference's chunks on at most this many lines, where a smaller size does it
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
            big = label(st, self.view.big_text, size=self._reference_size(), bold=True, wid="reference")
            big.bind(width=self._fit_reference)
            reference.add_widget(big)
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
        self._status_page(col)
        self.add_widget(self.scroll(col))

    def _reference_size(self) -> float:
        """The title size; on a short panel (7" 800×480) the normal text's title size in both text sizes
        (capitals still above the large-text 6.1 mm): in large text the page there has room for the
        label and the reference only at that size, and the reference must never be cut."""
        s = self.ctx.style.sizes
        if not self._short_panel():
            return s.font_title
        return min(s.font_title, round(s.font_body_normal * NORMAL_TITLE_RATIO))

    def _fit_reference(self, big: KLabel, width: float) -> None:
        """The reference's size at ``width``: its own, or a step down to bold body size, so that its chunks
        take at most two lines (beside a column of page buttons, on the portrait panel in large text, a
        third line made the reference and its label taller than a page, and a reference is never split)."""
        s = self.ctx.style.sizes
        for size in (self._reference_size(), s.font_body * 1.15, s.font_body):
            lines = text_height(big.text, size, max(width, 1), bold=True) / text_height("Ag", size, 1000, bold=True)
            if lines < REFERENCE_LINES + 0.5 or size <= s.font_body:
                break
        size = max(min(size, self._reference_size()), s.font_body)
        if big.font_size != size:
            big.font_size = size

    @staticmethod
    def _short_panel() -> bool:
        return window_height() < SHORT_PANEL_PX

    def _status_page(self, col: BoxLayout) -> None:
        """The status page's code (the same name as on the receipt), a paragraph that may flow over pages,
        then the QR code, a square of ``Sizes.qr`` that moves whole: two parts, so neither is ever cut (in
        large text on 7" the square and the code together were taller than a page)."""
        st, s = self.ctx.style, self.ctx.style.sizes
        if self.view.qr_label:
            col.add_widget(label(st, self.view.qr_label, wid="status-code"))
        if self.view.qr:
            square = BoxLayout(orientation="horizontal", size_hint_y=None, height=s.qr)
            square.add_widget(QrCode(self.view.qr, size_hint=(None, None), size=(s.qr, s.qr)))
            col.add_widget(square)
