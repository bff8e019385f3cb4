"""Video frames for the call screen: the latest frame of each side, handed from the media loop to the UI.

The call port's media loop writes the specialist's decoded frames and a small copy of the kiosk's own
camera here; the Kivy call screen reads the latest on its clock and draws it into a texture. Only the
latest frame of each side is held (in memory, never on disk), and :meth:`LatestFrames.clear` drops both
when the call ends or the session is wiped. No aiortc or Kivy here: both sides import it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Protocol

# Eight bars as in a TV test card (the same as kiosk.call.media's camera pattern), RGB.
BARS = ((255, 255, 255), (255, 255, 0), (0, 255, 255), (0, 255, 0), (255, 0, 255), (255, 0, 0), (0, 0, 255),
        (0, 0, 0))


@dataclass(frozen=True)
class Frame:
    """One picture as packed RGB rows, top row first."""

    width: int
    height: int
    rgb: bytes = field(repr=False)
    serial: int = 0  # grows with every new frame of a side: the screen redraws only new ones


class VideoFeed(Protocol):
    """What the call screen reads: the latest frame of the specialist and of the kiosk's own camera."""

    def remote(self) -> Frame | None: ...

    def local(self) -> Frame | None: ...


class LatestFrames:
    """The latest frame of each side; written from the media loop's thread, read on the Kivy clock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._remote: Frame | None = None
        self._local: Frame | None = None
        self._serial = 0
        self.screen = ScreenShare()  # the kiosk's own screen while the citizen shows it

    def put_remote(self, width: int, height: int, rgb: bytes) -> None:
        with self._lock:
            self._serial += 1
            self._remote = Frame(width, height, rgb, self._serial)

    def put_local(self, width: int, height: int, rgb: bytes) -> None:
        with self._lock:
            self._serial += 1
            self._local = Frame(width, height, rgb, self._serial)

    def remote(self) -> Frame | None:
        return self._remote

    def local(self) -> Frame | None:
        return self._local

    def clear(self) -> None:
        with self._lock:
            self._remote = self._local = None
        self.screen.stop()


SCREEN_MAX = (1280, 720)  # the shared screen's largest picture (scaled down, never up)
SCREEN_FPS = 5
BLANK_RGB = (40, 40, 40)  # what the specialist sees of a screen that is not shown (card data, PIN pads)


def fit_screen(width: int, height: int, limit: tuple[int, int] = SCREEN_MAX) -> tuple[int, int]:
    """The shared picture's size: the screen's proportions within ``limit``, even sides (4:2:0 coding)."""
    scale = min(1.0, limit[0] / width, limit[1] / height)
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


class ScreenShare:
    """The kiosk's own screen for the specialist, handed from the UI to the media loop.

    While the call shares the screen (:meth:`start`, from the flow's ``ShareScreen``), the UI puts its
    latest picture here (already blanked where card data or a PIN pad is shown); the screen's video track
    sends it. Only the latest picture is held, in memory; :meth:`stop` drops it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._on = threading.Event()
        self._frame: Frame | None = None
        self._serial = 0

    @property
    def on(self) -> bool:
        return self._on.is_set()

    def start(self) -> None:
        self._on.set()

    def stop(self) -> None:
        with self._lock:
            self._on.clear()
            self._frame = None

    def put(self, width: int, height: int, rgb: bytes) -> None:
        """A new picture of the screen (packed RGB, top row first); kept only while sharing."""
        with self._lock:
            if not self._on.is_set():
                return
            self._serial += 1
            self._frame = Frame(width, height, rgb, self._serial)

    def put_blank(self, width: int, height: int) -> None:
        self.put(width, height, bytes(BLANK_RGB) * (width * height))

    def latest(self) -> Frame | None:
        return self._frame


def bars_frame(width: int, height: int, shift: int = 0, serial: int = 0) -> Frame:
    """The colour bars as a frame (pure Python: the tour and the audit draw it without numpy or aiortc)."""
    row = bytearray()
    for x in range(width):
        row += bytes(BARS[(x * len(BARS) // width + shift) % len(BARS)])
    return Frame(width, height, bytes(row) * height, serial)


class PatternFeed:
    """The generated test pattern on both sides, moving one bar a second: the tour, the audit, the demo."""

    def __init__(self) -> None:
        self._frames = {(w, h, s): bars_frame(w, h, s, s + 1) for (w, h) in ((320, 240), (160, 120)) for s in range(8)}

    def remote(self) -> Frame | None:
        return self._frames[(320, 240, int(time.monotonic()) % 8)]

    def local(self) -> Frame | None:
        return self._frames[(160, 120, (int(time.monotonic()) + 4) % 8)]
