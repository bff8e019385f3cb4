"""Headphones plugged in start speech, without sight (the cash-machine pattern; EN 301 549 5.1.3).

Two ways a kiosk learns of headphones:

* **USB headphones / a USB sound card**: ALSA lists a new card with the ``USB-Audio`` driver in
  ``/proc/asound/cards``. :func:`usb_audio_cards` reads that file; a card id that was not there
  before is a plug-in.
* **A 3.5 mm jack with insertion detection** (many USB and HAT codecs): the kernel reports the switch
  as an input event ``EV_SW`` / ``SW_HEADPHONE_INSERT`` on an ``/dev/input/event*`` device whose
  ``/sys/class/input/eventN/device/capabilities/sw`` bitmask has bit 2. :func:`jack_devices` finds
  them; :func:`headphone_inserts` decodes ``struct input_event`` records (24 bytes on 64-bit Linux).

The Pi's own 3.5 mm output cannot tell whether anything is plugged in: there the physical speech key
is the way. The pure parts here are tested with a fake ``/proc`` + ``/sys`` tree and an event byte
stream; :class:`HeadphoneWatcher` is the thin thread around them (poll ``/proc/asound/cards``, read the
jack devices with ``select``), every wait bounded by ``poll_s``. Nothing here knows about people.
"""

from __future__ import annotations

import logging
import os
import re
import select
import struct
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from kiosk.logsetup import event as log_event

log = logging.getLogger(__name__)

EV_SW = 0x05
SW_HEADPHONE_INSERT = 0x02
SW_LINEOUT_INSERT = 0x06
INPUT_EVENT = struct.Struct("llHHi")  # struct input_event: timeval (2 longs), type, code, value
# " 1 [Device         ]: USB-Audio - USB Audio Device"
_CARD_LINE = re.compile(r"^\s*(\d+)\s+\[([^\]]*)\]:\s+(\S+)\s+-\s+(.*)$")


def usb_audio_cards(cards_text: str) -> frozenset[str]:
    """The ids ("1:Device") of the USB audio cards in a ``/proc/asound/cards`` text."""
    found = set()
    for line in cards_text.splitlines():
        m = _CARD_LINE.match(line)
        if m and m.group(3) == "USB-Audio":
            found.add(f"{m.group(1)}:{m.group(2).strip()}")
    return frozenset(found)


def jack_devices(sys_root: Path) -> list[str]:
    """Names ("event3") of the input devices that report headphone insertion (``SW_HEADPHONE_INSERT``)."""
    out = []
    base = sys_root / "class" / "input"
    for cap in sorted(base.glob("event*/device/capabilities/sw")):
        try:
            words = cap.read_text().split()
        except OSError:
            continue
        # the kernel prints the bitmap as hex words, most significant first; bit 2 lives in the last word
        if words and int(words[-1], 16) & (1 << SW_HEADPHONE_INSERT):
            out.append(cap.parents[2].name)
    return out


def headphone_inserts(data: bytes) -> tuple[int, bytes]:
    """How many "headphones in" switch events a run of ``input_event`` records holds, and the bytes of
    an incomplete record left over for the next read."""
    size = INPUT_EVENT.size
    whole = len(data) - len(data) % size
    count = 0
    for _sec, _usec, kind, code, value in INPUT_EVENT.iter_unpack(data[:whole]):
        if kind == EV_SW and code == SW_HEADPHONE_INSERT and value == 1:
            count += 1
    return count, data[whole:]


class UsbAudioTracker:
    """Remembers the USB audio cards seen; a new one is a plug-in (the first reading is the baseline)."""

    def __init__(self) -> None:
        self._known: frozenset[str] | None = None

    def update(self, cards_text: str) -> bool:
        now = usb_audio_cards(cards_text)
        before, self._known = self._known, now
        return before is not None and bool(now - before)


class HeadphoneWatcher:
    """Calls ``on_plugged()`` (from its own thread) when headphones are plugged in.

    ``proc_root`` / ``sys_root`` / ``dev_root`` are ``/proc``, ``/sys`` and ``/dev`` on the appliance and a
    folder tree in tests. Unreadable files are skipped silently: without them only the speech key starts
    speech, which is how a kiosk without such hardware behaves anyway.
    """

    def __init__(self, on_plugged: Callable[[], None], *, proc_root: Path = Path("/proc"),
                 sys_root: Path = Path("/sys"), dev_root: Path = Path("/dev"), poll_s: float = 1.0) -> None:
        self.on_plugged = on_plugged
        self.proc_root, self.sys_root, self.dev_root = proc_root, sys_root, dev_root
        self.poll_s = poll_s
        self._usb = UsbAudioTracker()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._jacks: dict[int, bytes] = {}  # open jack device fd -> leftover bytes

    def start(self) -> None:
        self.check_usb()  # the baseline: cards present at start are not a plug-in
        self._open_jacks(jack_devices(self.sys_root))
        self._thread = threading.Thread(target=self._run, name="headphones", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.poll_s + 1.0)
        for fd in list(self._jacks):
            os.close(fd)
        self._jacks.clear()

    def check_usb(self) -> bool:
        try:
            text = (self.proc_root / "asound" / "cards").read_text()
        except OSError:
            return False
        if self._usb.update(text):
            self._plugged("usb_audio")
            return True
        return False

    def read_jacks(self, timeout: float) -> int:
        """Wait up to ``timeout`` for jack events; the number of insertions seen."""
        if not self._jacks:
            self._stop.wait(timeout)
            return 0
        ready, _w, _x = select.select(list(self._jacks), [], [], timeout)
        seen = 0
        for fd in ready:
            try:
                chunk = os.read(fd, 64 * INPUT_EVENT.size)
            except OSError:
                continue
            count, rest = headphone_inserts(self._jacks[fd] + chunk)
            self._jacks[fd] = rest
            seen += count
        if seen:
            self._plugged("jack")
        return seen

    def _open_jacks(self, names: Iterable[str]) -> None:
        for name in names:
            try:
                fd = os.open(self.dev_root / "input" / name, os.O_RDONLY | os.O_NONBLOCK)
            except OSError:
                continue
            self._jacks[fd] = b""

    def _plugged(self, how: str) -> None:
        log_event(log, "headphones_plugged", code=how)
        self.on_plugged()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.read_jacks(self.poll_s)
            self.check_usb()
