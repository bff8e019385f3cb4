"""systemd notify protocol (sd_notify) without libsystemd.

Why here: the kiosk unit is ``Type=notify`` with ``WatchdogSec=``; the UI sends ``READY=1`` once the first
screen is up and ``WATCHDOG=1`` from the Kivy main loop, so a frozen UI stops the pings and systemd restarts
it. The protocol is one datagram per message to the AF_UNIX socket named in ``$NOTIFY_SOCKET`` (a leading
``@`` means the Linux abstract namespace). Outside systemd every call is a cheap no-op.

Usage from the UI (``kiosk.app.run_ui``)::

    notifier = Notifier.from_environ(os.environ)
    notifier.ready("welcome screen up")
    Clock.schedule_interval(lambda dt: notifier.watchdog(), notifier.watchdog_interval() or 5)
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Mapping
from typing import Protocol


class DatagramSender(Protocol):
    """What the notifier needs from a socket; tests pass a fake that records datagrams."""

    def sendto(self, data: bytes, address: str | bytes, /) -> int: ...


def _unix_datagram_socket() -> DatagramSender:
    return socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)


def socket_address(notify_socket: str) -> str | bytes:
    """Translate ``$NOTIFY_SOCKET`` into an address for ``sendto`` (``@name`` → abstract ``\\0name``)."""
    if notify_socket.startswith("@"):
        return b"\0" + notify_socket[1:].encode()
    return notify_socket


class Notifier:
    """Sends sd_notify messages; disabled (all no-ops returning False) when there is no socket."""

    def __init__(self, notify_socket: str | None, watchdog_usec: int | None = None,
                 sock_factory: Callable[[], DatagramSender] = _unix_datagram_socket) -> None:
        self._address = socket_address(notify_socket) if notify_socket else None
        self._watchdog_usec = watchdog_usec if watchdog_usec and watchdog_usec > 0 else None
        self._sock_factory = sock_factory
        self._sock: DatagramSender | None = None
        self._starting: threading.Event | None = None  # set once READY is sent (``extend_until_ready``)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], pid: int | None = None,
                     sock_factory: Callable[[], DatagramSender] = _unix_datagram_socket) -> Notifier:
        """Build from ``NOTIFY_SOCKET``/``WATCHDOG_USEC``; honours ``WATCHDOG_PID`` when ``pid`` is given."""
        usec: int | None = None
        raw = environ.get("WATCHDOG_USEC", "")
        if raw.isdigit():
            usec = int(raw)
        wpid = environ.get("WATCHDOG_PID", "")
        if pid is not None and wpid.isdigit() and int(wpid) != pid:
            usec = None  # the watchdog is meant for another process
        return cls(environ.get("NOTIFY_SOCKET") or None, usec, sock_factory)

    @property
    def enabled(self) -> bool:
        return self._address is not None

    def watchdog_interval(self) -> float | None:
        """Seconds between pings: half of ``WatchdogSec=``, or None when no watchdog is armed."""
        return self._watchdog_usec / 2_000_000 if self._watchdog_usec else None

    def send(self, **fields: str | int) -> bool:
        """Send ``KEY=value`` lines (keys upper-cased); False when disabled or the socket is gone."""
        if self._address is None:
            return False
        payload = "\n".join(f"{k.upper()}={v}" for k, v in fields.items()).encode()
        try:
            if self._sock is None:
                self._sock = self._sock_factory()
            self._sock.sendto(payload, self._address)
        except OSError:
            return False
        return True

    def extend_until_ready(self, step: float = 30.0, limit: float = 600.0) -> None:
        """Keep asking for ``2 × step`` more seconds of start-up time every ``step`` seconds until
        :meth:`ready`, for at most ``limit`` seconds: a slow but moving start (a Pi 3 on first boot, the
        image under QEMU) is not killed by ``TimeoutStartSec=``, and a start that hangs still is."""
        if self._address is None or self._starting is not None:
            return
        self._starting = threading.Event()
        deadline = time.monotonic() + limit

        def extend(started: threading.Event = self._starting) -> None:
            while time.monotonic() < deadline and not started.is_set():
                self.extend_timeout(2 * step)
                started.wait(step)

        threading.Thread(target=extend, name="sd-notify-extend", daemon=True).start()

    def ready(self, status: str | None = None) -> bool:
        if self._starting is not None:
            self._starting.set()
        fields: dict[str, str | int] = {"READY": 1}
        if status:
            fields["STATUS"] = status
        return self.send(**fields)

    def watchdog(self) -> bool:
        return self.send(WATCHDOG=1)

    def status(self, text: str) -> bool:
        return self.send(STATUS=text)

    def extend_timeout(self, seconds: float) -> bool:
        """Ask for more start-up time (slow first boot) instead of being killed by TimeoutStartSec."""
        return self.send(EXTEND_TIMEOUT_USEC=int(seconds * 1_000_000))

    def stopping(self) -> bool:
        return self.send(STOPPING=1)
