"""vsmartcard vpcd protocol: the emulated card connects to pcscd's vpcd driver over TCP.

Frames are a 2-byte big-endian length and a payload. A 1-byte payload is a control command
(00 power off, 01 power on, 02 reset, 04 get ATR); anything else is an APDU answered with
``data ‖ SW``. An open connection is a card in the reader; closing it pulls the card.
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
import time

from drivers.smartcard.emulator.card import EmulatedCard
from drivers.smartcard.emulator.faults import CardAnswerLate, CardMuted, CardPulled

log = logging.getLogger(__name__)

DEFAULT_PORT = 35963
MUTE_ATR = b"\x00\x00"
CTRL_OFF, CTRL_ON, CTRL_RESET, CTRL_ATR = 0, 1, 2, 4


def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
    buf = bytearray()
    while len(buf) < n:
        _quick_ack(sock)
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def _quick_ack(sock: socket.socket) -> None:
    """vpcd writes the length and the payload separately; acknowledging at once avoids the
    Nagle/delayed-ACK stall of ~40 ms per frame (TCP_QUICKACK is not sticky on Linux)."""
    quickack = getattr(socket, "TCP_QUICKACK", None)
    if quickack is not None:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, quickack, 1)
        except OSError:
            pass


class VpcdCard:
    """Plugs an :class:`EmulatedCard` into vpcd: ``insert()`` connects, ``remove()`` disconnects."""

    def __init__(self, card: EmulatedCard, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> None:
        self.card = card
        self.host = host
        self.port = port
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.closed = threading.Event()

    def insert(self, timeout: float = 10.0) -> None:
        """Connect to vpcd (retrying while pcscd starts up); the card is then present."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                sock = socket.create_connection((self.host, self.port), timeout=2.0)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.card.power_off()
        self.closed.clear()
        with self._lock:
            self._sock = sock
        self._thread = threading.Thread(target=self._serve, args=(sock,), name="vpcd-card", daemon=True)
        self._thread.start()

    def remove(self) -> None:
        """Pull the card: close the connection (vpcd reports the card absent)."""
        with self._lock:
            sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(5.0)
        self.closed.set()

    def wait_closed(self, timeout: float | None = None) -> bool:
        return self.closed.wait(timeout)

    def _send(self, sock: socket.socket, payload: bytes) -> None:
        sock.sendall(struct.pack(">H", len(payload)) + payload)

    def _serve(self, sock: socket.socket) -> None:
        try:
            while True:
                header = _recv_exact(sock, 2)
                if header is None:
                    break
                (length,) = struct.unpack(">H", header)
                payload = _recv_exact(sock, length) if length else b""
                if payload is None:
                    break
                if length == 1:
                    self._control(sock, payload[0])
                    continue
                try:
                    answer = self.card.process(payload)
                except CardPulled:
                    break
                except CardMuted:
                    continue  # no answer at all
                except CardAnswerLate as late:
                    time.sleep(late.seconds)  # pcscd waits; the host's own timeout decides
                    answer = late.answer
                self._send(sock, answer)
        except OSError:
            pass
        finally:
            with self._lock:
                if self._sock is sock:
                    self._sock = None
            try:
                sock.close()
            except OSError:
                pass
            self.closed.set()

    def _control(self, sock: socket.socket, command: int) -> None:
        if command in (CTRL_OFF, CTRL_ON, CTRL_RESET):
            self.card.power_off()
        elif command == CTRL_ATR:
            # a mute card is still in the reader: vpcd needs some answer to see it, so it gets
            # a malformed ATR (bad TS byte) that pcscd cannot power up
            self._send(sock, self.card.atr or MUTE_ATR)
        else:
            log.warning("unknown vpcd control %d", command)
