"""The PIN buffer: the only place a PIN exists between the PIN pad and the card.

Digits arrive from the PIN pad as *pending*; the state machine then decides (``push`` or
``discard``). A PIN change or PUK unblock has several entries: each confirmed entry is moved into
a *slot* named by its step (``PinStep``: current, puk, new, repeat) until the card operation takes them.
``take()`` hands a PIN to the card operation as a bytearray the caller must zero. Nothing here
is ever logged, stored or spoken.
"""

from __future__ import annotations

import hmac
import threading

from kiosk.flow.effects import PinOp
from kiosk.flow.state import PinStep


class PinBuffer:
    def __init__(self, max_digits: int = 12):
        self._lock = threading.Lock()
        self._digits = bytearray()
        self._pending = bytearray()
        self._slots: dict[PinStep, bytearray] = {}
        self._max = max_digits

    def press(self, digit: str) -> bool:
        if len(digit) != 1 or digit not in "0123456789":
            return False
        with self._lock:
            self._pending.append(ord(digit))
        return True

    def apply(self, op: PinOp, slot: PinStep | None = None) -> None:
        with self._lock:
            if op is PinOp.PUSH and self._pending:
                if len(self._digits) < self._max:
                    self._digits.append(self._pending[0])
                self._pending[0] = 0
                del self._pending[0]
            elif op is PinOp.DISCARD and self._pending:
                self._pending[0] = 0
                del self._pending[0]
            elif op is PinOp.POP and self._digits:
                self._digits[-1] = 0
                del self._digits[-1]
            elif op is PinOp.KEEP and slot is not None:
                _zero(self._slots.pop(slot, bytearray()))
                self._slots[slot] = bytearray(self._digits)
                _zero(self._digits)
            elif op is PinOp.DROP:
                _zero(self._slots.pop(slot, bytearray()) if slot is not None else self._digits)
            elif op is PinOp.CLEAR:
                self._zero()

    def take(self, slot: PinStep | None = None) -> bytearray:
        """Move a PIN out, the caller zeroes it after use: a slot, or the typed digits (and then
        everything else in the buffer is zeroed too: signing in uses one PIN only)."""
        with self._lock:
            if slot is not None:
                return self._slots.pop(slot, bytearray())
            pin = bytearray(self._digits)
            self._zero()
            return pin

    def same(self, slot_a: PinStep, slot_b: PinStep) -> bool:
        """Whether two slots hold the same digits (constant time; both non-empty)."""
        with self._lock:
            a, b = self._slots.get(slot_a), self._slots.get(slot_b)
            return bool(a) and bool(b) and a is not None and b is not None and hmac.compare_digest(a, b)

    def __len__(self) -> int:
        return len(self._digits)

    def holds_anything(self) -> bool:
        """True while any digit is in the buffer or a slot (tests check that wipes leave nothing)."""
        with self._lock:
            return bool(self._digits or self._pending or any(self._slots.values()))

    def _zero(self) -> None:
        _zero(self._digits)
        _zero(self._pending)
        for buf in self._slots.values():
            _zero(buf)
        self._slots.clear()

    def __repr__(self) -> str:
        return "PinBuffer(<secret>)"


def _zero(buf: bytearray) -> None:
    for i in range(len(buf)):
        buf[i] = 0
    del buf[:]


def zero(buf: bytearray) -> None:
    for i in range(len(buf)):
        buf[i] = 0
