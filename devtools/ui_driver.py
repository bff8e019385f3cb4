"""A test/demo driver that runs inside the app's process and owns the Kivy loop.

``Driver.start(app)`` prepares the app (window, first render) without entering ``App.run``; every
driver call then advances the loop itself (``EventLoop.idle``), so a script or test runs top to
bottom in one thread with no races. Taps are real touch events sent through the window (hit-testing
included), so an overlay covering a button makes the tap miss, as it would for a finger.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

DEFAULT_TIMEOUT_S = 30.0
ENABLE_WAIT_S = 5.0


class DriverError(AssertionError):
    """A widget was not found or a screen was not reached in time (tests fail with this)."""


class Driver:
    def __init__(self, app: Any):
        self.app = app

    # -- lifecycle ---------------------------------------------------------------------------------
    @classmethod
    def start(cls, app: Any) -> Driver:
        from kivy.base import EventLoop

        app._run_prepare()  # builds the window and the first screen; the driver runs the loop
        drv = cls(app)
        for _ in range(3):
            EventLoop.idle()
        return drv

    def stop(self) -> None:
        from kivy.base import stopTouchApp

        self.app.allow_exit()
        self.app.stop()
        stopTouchApp()

    def step(self, frames: int = 1) -> None:
        from kivy.base import EventLoop

        for _ in range(frames):
            EventLoop.idle()

    def wait_until(self, predicate: Callable[[], bool], timeout: float = DEFAULT_TIMEOUT_S, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.step()
            if predicate():
                self.step()  # one more frame so the new screen is drawn
                return
        raise DriverError(f"timed out after {timeout:.0f} s waiting for {what or predicate}")

    def wait_for_screen(self, screen: str, timeout: float = DEFAULT_TIMEOUT_S) -> None:
        """Wait until the runtime's state is on ``screen`` and the app has rendered it."""
        name = str(getattr(screen, "value", screen))
        self.wait_until(lambda: str(self.app.runtime.state.screen.value) == name
                        and self.app.rendered_screen == name, timeout, f"screen {name!r} (now "
                        f"{self.app.runtime.state.screen.value!r})")

    # -- finding -----------------------------------------------------------------------------------
    def widgets(self) -> Iterator[Any]:
        """Every widget of the screen, also those on another page of a paged content area."""
        from kiosk.ui.paging import Pager

        root = self.app.root
        if root is None:
            return
        for w in root.walk(restrict=True):
            yield w
            if isinstance(w, Pager):
                for part in w.paged_away():
                    yield from part.walk(restrict=True)

    def find(self, wid: str) -> Any:
        for w in self.widgets():
            if getattr(w, "wid", None) == wid:
                return w
        raise DriverError(f"no widget with id {wid!r}; ids on screen: {sorted(self.ids())}")

    def exists(self, wid: str) -> bool:
        return any(getattr(w, "wid", None) == wid for w in self.widgets())

    def ids(self) -> list[str]:
        return [w.wid for w in self.widgets() if getattr(w, "wid", "")]

    # -- acting ------------------------------------------------------------------------------------
    def tap(self, wid: str, wait_frames: int = 2) -> None:
        """A real touch (down + up) at the widget's centre, after scrolling it into view."""
        from kivy.tests.common import UnitTestTouch

        # the previous tap's intent may still be on its way through the runtime (it is pumped on the
        # Kivy clock): give a disabled widget a moment to become enabled, as a person would
        def ready() -> bool:
            return self.exists(wid) and not getattr(self.find(wid), "disabled", False)

        if not ready():
            try:
                self.wait_until(ready, ENABLE_WAIT_S)
            except DriverError:
                if self.exists(wid):
                    raise DriverError(f"widget {wid!r} is disabled") from None
        widget = self.find(wid)  # raises with the ids on screen when it is not there
        self._scroll_into_view(widget)
        self.step()
        widget = self.find(wid)  # turning a page may have built the screen anew: the widget on screen now
        x, y = self._visible_centre(widget)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.step()
        touch.touch_up()
        self.step(wait_frames)

    def scroll_to(self, wid: str) -> None:
        """Bring a widget of a long screen into view (turn to its page) without tapping it (screenshots)."""
        self._scroll_into_view(self.find(wid))
        self.step(2)

    def type_text(self, text: str) -> None:
        """Type on the on-screen keyboard (it must be open); capitals via the shift key, the long letters and
        digits / signs by turning to the layer that has them ("ā č ē…", "123 @", "abc")."""
        for ch in text:
            if ch == " ":
                self.tap("key-space", 1)
            elif ch.isupper():
                self._find_key(f"key-{ch.lower()}")
                self.tap("key-shift", 1)
                self.tap(f"key-{ch.lower()}", 1)
            else:
                self._find_key(f"key-{ch}")
                self.tap(f"key-{ch}", 1)
        self.step(2)

    def _find_key(self, wid: str) -> None:
        """Turn the keyboard to the layer holding ``wid`` (each layer key tried once)."""
        tried: set[str] = set()
        while not self.exists(wid):
            layer = next((k for k in ("key-letters", "key-long", "key-symbols") if k not in tried and self.exists(k)),
                         None)
            if layer is None:
                raise DriverError(f"no layer of the keyboard has {wid!r}")
            tried.add(layer)
            self.tap(layer, 1)

    def press_key(self, key: int, codepoint: str = "", modifiers: tuple[str, ...] = ()) -> bool:
        """Send a physical key through the window; returns whether something consumed it."""
        from kivy.core.window import Window

        handled = Window.dispatch("on_keyboard", key, 0, codepoint, list(modifiers))
        self.step()
        return bool(handled)

    @staticmethod
    def _visible_centre(widget: Any) -> tuple[float, float]:
        """The centre of the part of ``widget`` a page shows (a button taller than a page is cut at the
        page's edge; a finger taps what it sees)."""
        from kiosk.ui.paging import PageArea

        x0, y0 = widget.to_window(widget.x, widget.y)
        x1, y1 = x0 + widget.width, y0 + widget.height
        node = widget.parent
        while node is not None and node.parent is not node:
            if isinstance(node, PageArea):
                ax, ay = node.to_window(node.x, node.y)
                x0, y0, x1, y1 = max(x0, ax), max(y0, ay), min(x1, ax + node.width), min(y1, ay + node.height)
                break
            node = node.parent
        return (x0 + x1) / 2, (y0 + y1) / 2

    def _scroll_into_view(self, widget: Any) -> None:
        """Turn a paged content area to the page that holds ``widget`` (nothing on the kiosk scrolls)."""
        from kiosk.ui.paging import Pager

        root = self.app.root
        pagers = [w for w in root.walk(restrict=True) if isinstance(w, Pager)] if root is not None else []
        for pager in pagers:
            if pager.reveal(widget):
                self.step(2)
                return

    # -- evidence ----------------------------------------------------------------------------------
    def screenshot(self, path: str | Path) -> Path:
        """Save exactly what the window shows as a PNG at ``path``."""
        from kivy.core.window import Window

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.step(2)
        written = Window.screenshot(name=str(path.with_suffix("")) + "%(counter)04d.png")
        if not written:
            raise DriverError("the window returned no screenshot")
        shutil.move(written, path)
        return path

    def texts(self) -> list[str]:
        """Every text a widget in the tree shows (labels, buttons), on the page shown or paged away; a
        paragraph split over pages is one text."""
        from kiosk.ui.page_split import LabelPiece

        out = []
        for w in self.widgets():
            if isinstance(w, LabelPiece):
                if w.first:
                    out.append(w.paragraph)
                continue
            text = getattr(w, "plain_text", None) or getattr(w, "text", None)
            if isinstance(text, str) and text.strip() and getattr(w, "opacity", 1) > 0:
                out.append(text)
        return out
