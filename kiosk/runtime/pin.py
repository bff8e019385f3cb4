"""The PIN buffer: the only place a PIN exists between the PIN pad and the card.

Digits arrive from the PIN pad as *pending*; the state machine then decides (``push`` or
``discard``). ``take()`` hands the PIN to the card operation as a bytearray the caller must
zero. Nothing here is ever logged, stored or spoken.
"""

from __future__ import annotations

import threading


class PinBuffer:
    def __init__(self, max_digits: int = 12):
        self._lock = threading.Lock()
        self._digits = bytearray()
        self._pending = bytearray()
        self._max = max_digits

    def press(self, digit: str) -> bool:
        if len(digit) != 1 or digit not in "0123456789":
            return False
        with self._lock:
            self._pending.append(ord(digit))
        return True

    def apply(self, op: str) -> None:
        with self._lock:
            if op == "push" and self._pending:
                if len(self._digits) < self._max:
                    self._digits.append(self._pending[0])
                self._pending[0] = 0
                del self._pending[0]
            elif op == "discard" and self._pending:
                self._pending[0] = 0
                del self._pending[0]
            elif op == "pop" and self._digits:
                self._digits[-1] = 0
                del self._digits[-1]
            elif op == "clear":
                self._zero()

    def take(self) -> bytearray:
        """Move the PIN out (the caller zeroes it after use) and leave this buffer empty."""
        with self._lock:
            pin = bytearray(self._digits)
            self._zero()
            return pin

    def __len__(self) -> int:
        return len(self._digits)

    def _zero(self) -> None:
        for buf in (self._digits, self._pending):
            for i in range(len(buf)):
                buf[i] = 0
            del buf[:]

    def __repr__(self) -> str:
        return "PinBuffer(<secret>)"


def zero(buf: bytearray) -> None:
    for i in range(len(buf)):
        buf[i] = 0
