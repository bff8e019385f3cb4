"""Tells other services on the device whether a person is using the kiosk: ``/run/kiosk/session-state``.

The update service (``kioskctl update run``) installs into the other slot and reboots only when this file
says ``idle``; a missing or unreadable file counts as a running session there. The runtime subscribes an
:class:`SessionStateFile` to its states; it writes one word, atomically (a temporary file renamed over the
old one), and only when the word changes. Nothing personal is written: only ``idle`` or ``session``.

A session is anything but the welcome screen with no card in the reader (and the out-of-order screen): a
citizen from the card's insertion until it is out again, staff on their panel, the goodbye screen while the
person may still stand there.
"""

from __future__ import annotations

import enum
import logging
import os
import tempfile
from pathlib import Path

from kiosk.flow.state import Screen, State
from kiosk.logsetup import event as log_event

log = logging.getLogger("kiosk.runtime")

SESSION_STATE_PATH = "/run/kiosk/session-state"
IDLE_SCREENS = frozenset({Screen.WELCOME, Screen.OUT_OF_ORDER})


class Presence(enum.StrEnum):
    """The file's one word."""

    IDLE = "idle"
    SESSION = "session"


def presence(state: State) -> Presence:
    """Whether someone may be using the kiosk in ``state`` (a card in the reader always counts)."""
    if state.screen in IDLE_SCREENS and not state.card_present:
        return Presence.IDLE
    return Presence.SESSION


def write_atomically(path: Path, word: str) -> None:
    """``word`` + newline into ``path`` through a temporary file in the same folder and a rename, so a reader
    sees the old word or the new one, never half of one. Readable by all (0644): the update service runs
    as root without capabilities and is not the file's owner."""
    fd, tmp = tempfile.mkstemp(prefix=".session-state.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(word + "\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class SessionStateFile:
    """A runtime subscriber that keeps ``path`` at the current :class:`Presence`.

    Written once at start (the kiosk is idle on its welcome screen) and then on each change. A write that
    fails is logged (code only) and tried again with the next state: the update service, seeing the old or
    no word, waits. Without the folder (a development run: only the appliance's kiosk unit makes
    ``/run/kiosk``) nothing is written.
    """

    def __init__(self, path: Path):
        self.path = path
        self._written: Presence | None = None
        self._no_folder_logged = False

    def __call__(self, state: State) -> None:
        self.update(presence(state))

    def update(self, word: Presence) -> None:
        if word is self._written:
            return
        if not self.path.parent.is_dir():  # made by the kiosk unit (RuntimeDirectory=kiosk); a dev run has none
            if not self._no_folder_logged:
                log_event(log, "session_state_no_folder")
                self._no_folder_logged = True
            return
        try:
            write_atomically(self.path, word.value)
        except OSError as exc:
            log_event(log, "session_state_unwritten", logging.WARNING, code=type(exc).__name__)
            self._written = None
            return
        self._written = word

    def clear(self) -> None:
        """Remove the file when the kiosk stops (systemd removes ``/run/kiosk`` too): unknown = session."""
        self.path.unlink(missing_ok=True)
        self._written = None
