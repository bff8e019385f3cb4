"""The Latvian on-screen keyboard and the large digit pad, with the typed text and its label above them.

From the top: the field's label (or the catalogue's "Found: n"), the typed text beside the green
"✓ Gatavs / Done", then the keys of one layer (:mod:`kiosk.ui.keyboard_layout` decides where they go)
with the yellow "← Dzēst / Erase" among them (beside the typed text on the digit pad); the PIN pad's
colours. Every key acts on release; nothing needs a long
press. A physical keyboard types into it too: letters, digits and signs, Backspace erases and Enter is
Done.

The keyboard keeps the text being edited and reports every change through ``on_change(text)``; the
screen shows the flow's answer back with :meth:`OnScreenKeyboard.show`.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.ui.keyboard_layout import DONE_MARK, ERASE_MARK, Fn, Key, Layer, Plan, fit, plan
from kiosk.ui.text_metrics import text_height, text_width
from kiosk.ui.theme import FUNCTION_KEYS, hex_rgb
from kiosk.ui.widgets import KButton, Style, label

BACKSPACE, ENTER, NUMPAD_ENTER = 8, 13, 271
CARET = "▏"
VALUE_PAD_X = 12


class KeyButton(KButton):
    """A key: as tall as the keyboard makes it, whatever its label (the label is one line that fits)."""

    def _fit(self, *_):
        self.height = self.min_height


class OnScreenKeyboard(BoxLayout):
    """Label, typed text with Erase and Done, and the keys; ``digits`` gives the digit pad."""

    wid = StringProperty("keyboard")

    def __init__(self, style: Style, text: str, on_change: Callable[[str], None], *, digits: bool = False,
                 max_length: int = 200, on_done: Callable[[], None] | None = None, done_text: str = "OK",
                 erase_text: str = "", space_text: str = "", label_text: str = "", label_wid: str = "",
                 field_wid: str = "keyboard-text", max_height: float = 0, min_key: float = 48,
                 width: float = 0, memory: dict | None = None, **kw):
        s = style.sizes
        super().__init__(orientation="vertical", size_hint_y=None, **kw)
        from kiosk.ui.chrome import window_height, window_width

        self._style = style
        self.text = text
        self._on_change = on_change
        self._on_done = on_done
        self._max = max_length
        self._shift = False
        # the layer shown survives a rebuild of the screen (the UI-local memory, dropped at a wipe)
        self._memory = memory if memory is not None else {}
        self._memory_key = f"keyboard-layer:{field_wid}"
        self._layer = Layer.DIGITS if digits else Layer(self._memory.get(self._memory_key, Layer.LETTERS.value))
        self._space_text = space_text or "␣"
        inner = (width or window_width()) - 2 * s.padding  # the screen's padding left and right
        self._font = s.font_body  # the text size rule's body size, also on the keys
        self._label = None
        label_h = 0.0
        if label_text:
            self._label = label(style, label_text, bold=True, wid=label_wid)
            self._label.height = label_h = text_height(label_text, self._font, inner, bold=True)
            self.add_widget(self._label)
        erase_label = f"{ERASE_MARK} {erase_text}".strip()
        done_label = f"{DONE_MARK} {done_text}".strip()
        self._erase_text = erase_text
        tool_labels = ((erase_label,) if digits else ()) + ((done_label,) if on_done else ())
        room = (max_height or window_height()) - 2 * s.spacing  # the screen's padding above and below
        layers = (Layer.DIGITS,) if digits else (Layer.LETTERS, Layer.LONG, Layer.SYMBOLS)
        texts = {"space_text": self._space_text, "erase_text": erase_text}
        top = fit(s, inner, room, min_key, label_h, tool_labels, self._measure, layers, texts, s.spacing)
        self._gap = self.spacing = top.keys.gap
        self._pad_x = top.keys.pad_x
        self._metrics = top.keys
        self._above = top.above
        self._value_room = top.value_width - 2 * VALUE_PAD_X
        self.value = KeyButton(style, "", wid=field_wid, on_tap=lambda: None, size_hint_x=None,
                               width=top.value_width)
        self.value.halign = "left"
        self.value.padding = (VALUE_PAD_X, 0)
        tools = [*((self._function_key("key-erase", erase_label, self.erase, "erase"),) if digits else ()),
                 *((self._function_key("key-done", done_label, self._done, "ok"),) if on_done else ())]
        if not tools:
            self.add_widget(self._row([self.value], top.field_height))
        elif top.beside:
            for key, w in zip(tools, top.tool_widths, strict=True):
                key.width = w
            self.add_widget(self._row([self.value, *tools], top.field_height))
        else:
            self.add_widget(self._row([self.value], top.field_height))
            share = (inner - self._gap * (len(tools) - 1)) / len(tools)
            for key in tools:
                key.width = share
            self.add_widget(self._row(tools, top.field_height))
        self._keys = BoxLayout(orientation="vertical", spacing=self._gap, size_hint_y=None)
        self.add_widget(self._keys)
        self.show(text)
        self._build()
        from kivy.core.window import Window

        Window.bind(on_keyboard=self._on_physical_key, on_textinput=self._on_text_input)

    # -- building ------------------------------------------------------------------------------------
    def _measure(self, text: str) -> float:
        return text_width(text, self._font)

    @staticmethod
    def _fixed(button: KButton, height: float) -> None:
        button.min_height = height
        button.height = height

    def _function_key(self, wid: str, text: str, on_tap: Callable[[], None], colours: str) -> KeyButton:
        key = KeyButton(self._style, text, wid=wid, on_tap=on_tap, font_size=self._font, size_hint_x=None)
        key.padding = (self._pad_x, 0)
        c = FUNCTION_KEYS[self._style.palette.name][colours]
        key.bg_rgba, key.border_rgba, key.color = (*hex_rgb(c.fill), 1), (*hex_rgb(c.border), 1), (*hex_rgb(c.text), 1)
        key.disabled_color = key.color
        return key

    def _row(self, widgets: list[Widget], height: float, indent: float = 0) -> BoxLayout:
        row = BoxLayout(orientation="horizontal", spacing=self._gap, size_hint_y=None,
                        height=height, padding=(indent, 0, 0, 0))
        for w in widgets:
            if isinstance(w, KButton):
                self._fixed(w, height)
            row.add_widget(w)
        row.add_widget(Widget())  # what is left of the row stays empty
        return row

    def layout(self) -> Plan:
        return plan(self._layer, self._metrics, self._measure, shift=self._shift, space_text=self._space_text,
                    erase_text=self._erase_text)

    def _build(self) -> None:
        layout = self.layout()
        self._keys.clear_widgets()
        for row in layout.rows:
            keys = [self._key(k, layout) for k in row]
            used = sum(k.width for k in keys) + layout.gap * (len(keys) - 1)
            self._keys.add_widget(self._row(keys, layout.key_height, indent=(self._metrics.width - used) / 2))
        self._keys.height = layout.height()
        self.height = self._above + layout.height()

    def _key(self, k: Key, layout: Plan) -> KeyButton:
        if k.fn is Fn.ERASE:
            key = self._function_key(k.wid, k.label, self.erase, "erase")
            key.width = layout.width_of(k)
            return key
        kind = "primary" if k.fn is Fn.SHIFT and self._shift else "secondary"
        button = KeyButton(self._style, k.label, wid=k.wid, kind=kind, on_tap=lambda: self._tap(k),
                           font_size=self._font, size_hint_x=None, width=layout.width_of(k))
        button.padding = (self._pad_x, 0)
        return button

    # -- typing ----------------------------------------------------------------------------------------
    def _tap(self, k: Key) -> None:
        if k.fn is Fn.CHAR:
            self.press(k.char)
        elif k.fn is Fn.SPACE:
            self.press(" ")
        elif k.fn is Fn.SHIFT:
            self.toggle_shift()
        elif k.fn in (Fn.TO_LETTERS, Fn.TO_LONG, Fn.TO_SYMBOLS):
            self.switch(Layer(k.fn.value))

    def switch(self, layer: Layer) -> None:
        self._layer = layer
        self._memory[self._memory_key] = layer.value
        self._shift = self._shift and layer is not Layer.SYMBOLS
        self._build()

    @property
    def layer(self) -> Layer:
        return self._layer

    def press(self, ch: str) -> None:
        if len(self.text) >= self._max:
            return
        self.text += ch.upper() if self._shift else ch
        if self._shift:  # a capital for one letter, then small letters again
            self._shift = False
            self._build()
        self.show(self.text)
        self._on_change(self.text)

    def erase(self) -> None:
        if self.text:
            self.text = self.text[:-1]
            self.show(self.text)
            self._on_change(self.text)

    def toggle_shift(self) -> None:
        self._shift = not self._shift
        self._build()

    def _done(self) -> None:
        self._memory.pop(self._memory_key, None)  # opened again, the keyboard starts with the letters
        if self._on_done is not None:
            self._on_done()

    def show(self, text: str) -> None:
        """The typed text with the caret; its end when it is longer than the box (the box never grows)."""
        shown = text
        while shown and self._measure("…" + shown + CARET) > self._value_room:
            shown = shown[1:]
        self.value.text = (("…" + shown) if shown != text else text) + CARET
        self.value.plain_text = text

    def show_label(self, text: str) -> None:
        if self._label is not None:
            self._label.text = text

    # -- a physical keyboard ---------------------------------------------------------------------------
    def _attached(self) -> bool:
        if self.get_root_window() is None:  # the screen was rebuilt: this keyboard is gone
            from kivy.core.window import Window

            Window.unbind(on_keyboard=self._on_physical_key, on_textinput=self._on_text_input)
            return False
        return True

    def _typable(self, ch: str) -> bool:
        if self._layer is Layer.DIGITS:
            return ch in "0123456789+-"
        return len(ch) == 1 and ch.isprintable()

    def _on_physical_key(self, _window, key: int, _scancode, codepoint, modifiers) -> bool:
        if not self._attached():
            return False
        mods = set(modifiers or ())
        if key == BACKSPACE:
            self.erase()
            return True
        if key in (ENTER, NUMPAD_ENTER):
            self._done()
            return True
        if mods & {"ctrl", "alt", "meta"} or not codepoint or not self._typable(codepoint) or not codepoint.isascii():
            return False
        capital = ("shift" in mods) != ("capslock" in mods)
        shifted, self._shift = self._shift, False  # the key's own case, not the on-screen Shift
        self.press(codepoint.upper() if capital else codepoint)
        if shifted:
            self._build()
        return True

    def _on_text_input(self, _window, text: str) -> bool:
        """Letters a keyboard layout composes (ā č ē … on a Latvian layout); ASCII comes as keys above."""
        if not self._attached():
            return False
        typed = [ch for ch in text if not ch.isascii() and self._typable(ch)]
        for ch in typed:
            self.press(ch)
        return bool(typed)
