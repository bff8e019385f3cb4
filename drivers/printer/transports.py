"""Byte transports to a printer: USB (pyusb), serial (pyserial), TCP 9100, device file, emulator.

Every call takes a timeout; failures become classified :class:`PrinterError`. Writes go in
chunks so that a stalled printer (XOFF, full buffer) ends in ``printer_timeout``, never a hang.
"""

from __future__ import annotations

import errno
import os
import select
import socket
import termios
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from drivers.printer.errors import PrinterError
from drivers.printer.settings import PrinterSettings, SerialSettings

if TYPE_CHECKING:
    from drivers.printer.emulator.printer import EmulatedPrinter


class Transport(Protocol):
    """What ReceiptPrinter needs from a link to the printer."""

    can_read_status: bool

    def write(self, data: bytes, timeout: float) -> None: ...

    def read(self, size: int, timeout: float) -> bytes:
        """Up to ``size`` bytes; ``b''`` when nothing arrived within ``timeout``."""
        ...

    def flush_input(self) -> None: ...

    def drop(self) -> None:
        """The conversation is in an unknown state (a job cut short, a query unanswered): a
        link that can reopen (:class:`drivers.printer.link.PrinterLink`) opens a fresh one
        before its next use; a plain transport has nothing else to open and keeps going."""
        ...

    def take_outputs(self) -> tuple[str, ...]:
        """Files written for the jobs since the last call (the emulator's PNG/TXT); else ()."""
        ...

    def close(self) -> None: ...


class _PlainLink:
    """``drop`` and ``take_outputs`` for transports with one link and no files."""

    def drop(self) -> None:
        return None

    def take_outputs(self) -> tuple[str, ...]:
        return ()


def _deadline_left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise PrinterError("printer_timeout", "write did not finish in time")
    return left


def serial_options(settings: SerialSettings) -> dict[str, Any]:
    """pyserial keyword arguments; RTS/CTS is real hardware flow control, DSR/DTR is not used."""
    return {
        "port": settings.port,
        "baudrate": settings.baudrate,
        "bytesize": 8,
        "parity": "N",
        "stopbits": 1,
        "rtscts": settings.flow_control == "rtscts",
        "xonxoff": settings.flow_control == "xonxoff",
        "dsrdtr": False,
        "timeout": 0.5,
        "write_timeout": 1.0,
        "exclusive": True,
    }


class SerialTransport(_PlainLink):
    can_read_status = True

    def __init__(self, settings: SerialSettings, factory: Callable[..., Any] | None = None):
        import serial

        self._serial_mod = serial
        # Changing a timeout re-applies the port's termios settings; on a port whose device has gone
        # (an unplugged USB-serial adapter, a closed pty) that raises termios.error, not an OSError.
        self._gone = (serial.SerialException, OSError, termios.error)
        self.chunk_size = settings.chunk_size
        options = serial_options(settings)
        try:
            self.port = (factory or serial.Serial)(**options)
        except serial.SerialException as exc:
            code = "printer_busy" if "busy" in str(exc).lower() or "lock" in str(exc).lower() else "printer_not_found"
            if isinstance(exc.__context__, PermissionError) or "Permission denied" in str(exc):
                code = "printer_permission_denied"
            raise PrinterError(code, f"serial open failed: {exc.errno}") from exc

    def write(self, data: bytes, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        view = memoryview(data)
        try:
            for start in range(0, len(view), self.chunk_size):
                self.port.write_timeout = _deadline_left(deadline)
                self.port.write(view[start:start + self.chunk_size])
        except self._serial_mod.SerialTimeoutException as exc:
            raise PrinterError("printer_timeout", f"serial write stalled after {start} bytes") from exc
        except self._gone as exc:
            raise PrinterError("printer_disconnected", "serial write failed") from exc

    def read(self, size: int, timeout: float) -> bytes:
        try:
            self.port.timeout = timeout
            return bytes(self.port.read(size))
        except self._gone as exc:
            raise PrinterError("printer_disconnected", "serial read failed") from exc

    def flush_input(self) -> None:
        try:
            self.port.reset_input_buffer()
        except self._gone as exc:
            raise PrinterError("printer_disconnected", "serial flush failed") from exc

    def close(self) -> None:
        self.port.close()


class NetworkTransport(_PlainLink):
    can_read_status = True
    chunk_size = 4096

    def __init__(self, host: str, port: int, connect_timeout: float):
        try:
            self.sock = socket.create_connection((host, port), timeout=connect_timeout)
        except TimeoutError as exc:
            raise PrinterError("printer_offline", "connect timed out") from exc
        except OSError as exc:
            raise PrinterError("printer_offline", f"connect failed: {exc.errno}") from exc

    def write(self, data: bytes, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        view = memoryview(data)
        sent = 0
        try:
            while sent < len(view):
                self.sock.settimeout(_deadline_left(deadline))
                sent += self.sock.send(view[sent:sent + self.chunk_size])
        except TimeoutError as exc:
            raise PrinterError("printer_timeout", f"network write stalled after {sent} bytes") from exc
        except OSError as exc:
            raise PrinterError("printer_disconnected", f"network write failed after {sent} bytes") from exc

    def read(self, size: int, timeout: float) -> bytes:
        try:
            self.sock.settimeout(timeout)
            data = self.sock.recv(size)
        except TimeoutError:
            return b""
        except OSError as exc:
            raise PrinterError("printer_disconnected", "network read failed") from exc
        if not data:
            raise PrinterError("printer_disconnected", "printer closed the connection")
        return data

    def flush_input(self) -> None:
        try:
            self.sock.settimeout(0)
            while True:
                if not self.sock.recv(256):  # end of stream: the printer closed the connection
                    raise PrinterError("printer_disconnected", "printer closed the connection")
        except (BlockingIOError, TimeoutError):
            pass
        except OSError as exc:
            raise PrinterError("printer_disconnected", "network flush failed") from exc

    def close(self) -> None:
        self.sock.close()


class FileTransport(_PlainLink):
    """A one-way device file such as /dev/usb/lp0 (usblp): no status can be read."""

    can_read_status = False

    def __init__(self, path: str):
        try:
            self.fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError as exc:
            raise PrinterError("printer_not_found", "device file missing") from exc
        except PermissionError as exc:
            raise PrinterError("printer_permission_denied", "device file not writable (group lp?)") from exc
        except OSError as exc:
            code = "printer_busy" if exc.errno == errno.EBUSY else "printer_offline"
            raise PrinterError(code, f"device open failed: {exc.errno}") from exc

    def write(self, data: bytes, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        view = memoryview(data)
        sent = 0
        while sent < len(view):
            _, writable, _ = select.select([], [self.fd], [], _deadline_left(deadline))
            if not writable:
                continue
            try:
                sent += os.write(self.fd, view[sent:sent + 4096])
            except BlockingIOError:
                continue
            except OSError as exc:
                raise PrinterError("printer_disconnected", f"device write failed: {exc.errno}") from exc

    def read(self, size: int, timeout: float) -> bytes:
        return b""

    def flush_input(self) -> None:
        return None

    def close(self) -> None:
        os.close(self.fd)


class UsbTransport(_PlainLink):
    """libusb route (pyusb). Not exercised in CI: no USB printer there."""

    can_read_status = True

    def __init__(self, vendor: int, product: int, in_ep: int, out_ep: int, interface: int = 0):
        try:
            import usb.core
            import usb.util
        except ImportError as exc:
            raise PrinterError("printer_driver_missing", "pyusb is not installed") from exc
        self._usb = usb
        device = usb.core.find(idVendor=vendor, idProduct=product)
        if device is None:
            raise PrinterError("printer_not_found", f"no USB device {vendor:04x}:{product:04x}")
        try:
            if device.is_kernel_driver_active(interface):
                device.detach_kernel_driver(interface)
            device.set_configuration()
        except usb.core.USBError as exc:
            raise self._classify(exc, "open") from exc
        except NotImplementedError:
            pass
        self.device, self.in_ep, self.out_ep = device, in_ep, out_ep

    def _classify(self, exc: Exception, what: str) -> PrinterError:
        number = getattr(exc, "errno", None)
        if number == errno.EACCES:
            return PrinterError("printer_permission_denied", f"USB {what}: access denied (udev rule?)")
        if number == errno.EBUSY:
            return PrinterError("printer_busy", f"USB {what}: resource busy (CUPS, usblp, other process?)")
        if number in (errno.ETIMEDOUT, 110) or "timeout" in str(exc).lower():
            return PrinterError("printer_timeout", f"USB {what} timed out")
        return PrinterError("printer_disconnected", f"USB {what} failed: {number}")

    def write(self, data: bytes, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for start in range(0, len(data), 4096):
            try:
                ms = max(1, int(_deadline_left(deadline) * 1000))
                self.device.write(self.out_ep, data[start:start + 4096], ms)
            except self._usb.core.USBError as exc:
                raise self._classify(exc, "write") from exc

    def read(self, size: int, timeout: float) -> bytes:
        try:
            return bytes(self.device.read(self.in_ep, max(size, 16), max(1, int(timeout * 1000))))[:size]
        except self._usb.core.USBTimeoutError:
            return b""
        except self._usb.core.USBError as exc:
            if "timeout" in str(exc).lower():
                return b""
            raise self._classify(exc, "read") from exc

    def flush_input(self) -> None:
        while self.read(64, 0.02):
            pass

    def close(self) -> None:
        self._usb.util.dispose_resources(self.device)


def open_transport(settings: PrinterSettings) -> Transport:
    """Open the link the settings name; the caller closes it."""
    kind = settings.transport
    if kind == "usb":
        u = settings.usb
        return UsbTransport(u.vendor, u.product, u.in_endpoint, u.out_endpoint, u.interface)
    if kind == "serial":
        return SerialTransport(settings.serial)
    if kind == "network":
        return NetworkTransport(settings.network.host, settings.network.port, settings.timeouts.connect)
    if kind == "file":
        return FileTransport(settings.device_file)
    if kind == "emulator":
        return emulated_printer(settings).transport()
    raise PrinterError("printer_config_invalid", f"unknown transport {kind!r}")


def emulated_printer(settings: PrinterSettings) -> EmulatedPrinter:
    """The built-in emulator with the settings' code page, paper width and faults."""
    from drivers.printer.emulator.interpreter import EPSON_CODEPAGES
    from drivers.printer.emulator.printer import EmulatedPrinter

    em = settings.emulator
    table = {**EPSON_CODEPAGES, settings.codepage_slot: settings.codec}
    return EmulatedPrinter(out_dir=em.out_dir or None, faults=em.faults, codepages=table, width_px=settings.width_px)
