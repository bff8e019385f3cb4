"""Errors classified by what the caller can do about them.

Every failure that crosses a module boundary is a :class:`PieturaError` with a stable
``code`` (shown to staff, mapped to translated text for citizens) and an ``action``.
The low-level detail goes to ``detail`` for logs and must never hold personal data.
"""

from __future__ import annotations

import enum


class Action(enum.Enum):
    RETRY = "retry"  # transient: network, busy reader; trying again may work
    ASK_USER = "ask_user"  # the person at the kiosk can fix it (wrong PIN, card upside down)
    CALL_STAFF = "call_staff"  # needs a human with keys (paper out, blocked card, reader missing)
    FATAL = "fatal"  # configuration or programming error; the device is out of order


class PieturaError(Exception):
    """Base for every classified error; ``code`` is stable and documented."""

    code: str = "internal_error"
    action: Action = Action.FATAL

    def __init__(self, code: str | None = None, detail: str = "", *, action: Action | None = None):
        if code is not None:
            self.code = code
        if action is not None:
            self.action = action
        self.detail = detail
        super().__init__(f"{self.code}: {detail}" if detail else self.code)
