"""Welcome / attract screen: how to insert the card (a moving picture), language and display choices,
how speech starts (large: plug in headphones or press the key), and rotating tips where there is room.

Nothing scrolls. What matters most comes first (title, the language and text-size buttons — the way
back from large text —, how to insert the card), and the rest gives way when a panel and text size have
no room for it: first the tips (the first says when an unattended session is erased; the help and the
idle warning say it too), then the headphones line (speech reads the screen either way). With large
text on a narrow panel the picture column gives its width to the words.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.motion import CardMotion
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import Panel, label

TIP_SECONDS = 10  # calm rotation, nowhere near the 3-flashes-per-second limit
PICTURE_BESIDE_CHARACTERS = 25  # the picture beside the words only where a panel's width holds this many letters


class WelcomeScreen(KioskScreen):
    _tip_event = None

    def build(self) -> None:
        st, s = self.ctx.style, self.ctx.style.sizes
        row = BoxLayout(orientation="horizontal", spacing=s.spacing)
        col = self.body_column()
        self.heading(col)
        self.choices(col, columns=2)  # the language and text-size buttons: the way back, always in view
        self.lines(col)
        give_way = []  # the last gives way first
        if self.view.big_text:  # how to start speech without sight, in large text
            hint = label(st, self.view.big_text, size=max(s.font_title * 0.85, s.font_body), bold=True,
                         wid="speech-hint")
            col.add_widget(hint)
            give_way.append(hint)
        holder = AnchorLayout(anchor_y="top")
        holder.add_widget(col)
        if self.view.tips:
            tip_box = Panel(st, orientation="vertical", size_hint_y=None, padding=s.spacing)
            self.tip = label(st, self.view.tips[0], size=s.font_small, wid="tip")
            tip_box.add_widget(self.tip)
            self.tip.bind(height=lambda *_: setattr(tip_box, "height", self.tip.height + 2 * s.spacing))
            col.add_widget(tip_box)
            give_way.append(tip_box)
            self._tip_index = 0
            self._tip_event = Clock.schedule_interval(self._next_tip, TIP_SECONDS)

        def drop(_dt: float) -> None:
            if give_way and col.height > holder.height > 0:
                gone = give_way.pop()
                col.remove_widget(gone)
                if isinstance(gone, Panel) and self._tip_event is not None:
                    self._tip_event.cancel()

        def fit(*_a) -> None:  # no room on this panel and text size: the least needed part goes
            if give_way and col.height > holder.height > 0:
                Clock.schedule_once(drop, 0)  # not while Kivy lays the column out

        col.bind(height=fit)
        holder.bind(height=fit)
        row.add_widget(holder)
        from kivy.core.window import Window  # not at import: the app sizes the window before it exists

        if Window.width / s.font_body >= PICTURE_BESIDE_CHARACTERS:  # the card sliding in, chip first
            row.add_widget(CardMotion(st, "in", size_hint_x=0.32))
        elif Window.height > Window.width:  # a portrait panel: the picture under the words
            row.orientation = "vertical"
            row.add_widget(CardMotion(st, "in", size_hint_y=0.3))
        self.add_widget(row)

    def _next_tip(self, _dt: float) -> None:
        if self.parent is None:  # screen replaced: stop rotating
            self._tip_event.cancel()
            return
        self._tip_index = (self._tip_index + 1) % len(self.view.tips)
        self.tip.text = self.view.tips[self._tip_index]

    def on_parent(self, _widget, parent) -> None:
        if parent is None and self._tip_event is not None:
            self._tip_event.cancel()
