"""The emulated printer served over TCP (port 9100 style) and over a pseudo-terminal (serial).

Both model the printer's small receive buffer: with the ``slow_consumer`` fault the buffer
drains at ``drain_rate`` bytes/s. On the pty, XON/XOFF is honoured when ``flow_control`` is
"xonxoff" (XOFF at high water, XON at low water); without flow control, bytes that do not fit
are dropped, as on a real printer whose buffer overflows (``overflow_bytes`` counts them).
``disconnect_mid_job`` closes the link once ``disconnect_after`` job bytes have arrived.
Over TCP, ``stop_reading`` stops reading the socket after ``fault_after`` job bytes (the kernel's
buffers take what the host sends next, then the host's writes stall), ``reset_once`` resets the
connection (RST) once at that point, and :meth:`TcpPrinterServer.reset_connections` resets every
open connection, as a printer restarting between two jobs does.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import socket
import struct
import termios
import threading
import time
import tty

from drivers.printer.emulator.printer import EmulatedPrinter

XON, XOFF = b"\x11", b"\x13"


class _ReceiveBuffer:
    """Occupancy of the printer's receive buffer (content is interpreted on arrival)."""

    def __init__(self, printer: EmulatedPrinter, capacity: int = 1024):
        self.printer = printer
        self.capacity = capacity
        self.level = 0.0
        self._last = time.monotonic()

    def drain(self) -> None:
        now = time.monotonic()
        if "slow_consumer" in self.printer.faults:
            self.level = max(0.0, self.level - (now - self._last) * self.printer.drain_rate)
        else:
            self.level = 0.0
        self._last = now

    def accept(self, data: bytes) -> bytes:
        """What fits; the rest overflows."""
        self.drain()
        room = max(0, int(self.capacity - self.level))
        taken = data[:room]
        self.level += len(taken)
        return taken


class _Server:
    def __init__(self, printer: EmulatedPrinter):
        self.printer = printer
        self.overflow_bytes = 0
        self.connections = 0
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _job_bytes(self, start_seen: int, start_queries: int) -> int:
        interp = self.printer.interpreter
        return interp.bytes_seen - start_seen - 3 * (len(interp.status_queries) - start_queries)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class TcpPrinterServer(_Server):
    """A raw TCP print server (JetDirect/9100 style) on loopback by default; port 0 = any free port."""

    def __init__(self, printer: EmulatedPrinter, host: str = "127.0.0.1", port: int = 0,
                 recv_buffer: int | None = None):
        super().__init__(printer)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if recv_buffer:  # small kernel buffers make a slow printer's back-pressure visible quickly
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, recv_buffer)
        self.sock.bind((host, port))
        self.sock.listen()
        self.sock.settimeout(0.1)
        self.address = self.sock.getsockname()[:2]
        self.open_connections = 0
        self._count_lock = threading.Lock()
        self._generation = 0  # bumped by reset_connections()
        self._graceful = False

    def start(self) -> TcpPrinterServer:
        self._spawn(self._accept_loop)
        return self

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            self._spawn(self._serve, conn)
        self.sock.close()

    def reset_connections(self, timeout: float = 2.0, graceful: bool = False) -> None:
        """Reset (RST) every open connection, as a printer that restarts, or with ``graceful``
        close it (FIN), as a print server that drops idle connections; returns once they are gone."""
        self._graceful = graceful
        self._generation += 1
        deadline = time.monotonic() + timeout
        while self.open_connections and time.monotonic() < deadline:
            time.sleep(0.01)

    @staticmethod
    def _reset(conn: socket.socket) -> None:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close sends RST

    def _serve(self, conn: socket.socket) -> None:
        with self._count_lock:
            self.open_connections += 1
        try:
            with conn:
                self._converse(conn)
        except OSError:
            pass  # the host went away while the printer answered
        finally:
            with self._count_lock:
                self.open_connections -= 1
            self.printer.end_of_stream()

    def _converse(self, conn: socket.socket) -> None:
        p = self.printer
        buffer = _ReceiveBuffer(p)
        seen, queries = p.interpreter.bytes_seen, len(p.interpreter.status_queries)
        generation = self._generation
        conn.settimeout(0.05)
        while not self._stop.is_set():
            if generation != self._generation:
                if not self._graceful:
                    self._reset(conn)
                return
            want = 65536
            if "stop_reading" in p.faults:
                want = p.job_room()
                if want == 0:  # the printer no longer reads: the data waits in kernel buffers
                    time.sleep(0.01)
                    continue
            if "reset_once" in p.faults and not p.reset_done:
                want = p.job_room()
                if want == 0:  # exactly fault_after job bytes read: the link goes down mid-job
                    p.reset_done = True
                    self._reset(conn)
                    return
            if "slow_consumer" in p.faults:
                buffer.drain()
                want = min(256, int(buffer.capacity - buffer.level))
                if want < 64:
                    time.sleep(0.01)  # not reading: TCP back-pressure reaches the sender
                    continue
            try:
                data = conn.recv(want)
            except TimeoutError:
                continue
            if not data:
                return
            if "slow_consumer" in p.faults:
                buffer.accept(data)  # never overflows: we only read what fits
            p.receive(data)
            replies = p.take_replies(64)
            if replies:
                conn.sendall(replies)
            if "disconnect_mid_job" in p.faults and self._job_bytes(seen, queries) >= p.disconnect_after:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                p.disconnected = True
                return


class PtyPrinterServer(_Server):
    """A serial printer on a pseudo-terminal; open ``device`` with pyserial on the kiosk side."""

    def __init__(self, printer: EmulatedPrinter, flow_control: str = "none", capacity: int = 1024):
        super().__init__(printer)
        if flow_control not in ("none", "xonxoff"):
            raise ValueError("a pseudo-terminal can only exercise xonxoff (or none)")
        self.flow_control = flow_control
        self.master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.device = os.ttyname(self._slave)
        self.buffer = _ReceiveBuffer(printer, capacity)
        self.xoff_sent = 0
        self._stopped_sender = False

    def pending(self) -> int:
        """Bytes the host wrote that the printer has not read yet (still 'on the wire')."""
        return struct.unpack("i", fcntl.ioctl(self.master, termios.FIONREAD, b"\0\0\0\0"))[0]

    def start(self) -> PtyPrinterServer:
        self._spawn(self._loop)
        return self

    def _flow(self) -> None:
        if self.flow_control != "xonxoff":
            return
        self.buffer.drain()
        if not self._stopped_sender and self.buffer.level >= self.buffer.capacity / 2:
            os.write(self.master, XOFF)
            self._stopped_sender, self.xoff_sent = True, self.xoff_sent + 1
        elif self._stopped_sender and self.buffer.level <= self.buffer.capacity / 8:
            os.write(self.master, XON)
            self._stopped_sender = False

    def _loop(self) -> None:
        p = self.printer
        seen, queries = p.interpreter.bytes_seen, len(p.interpreter.status_queries)
        try:
            while not self._stop.is_set():
                self._flow()
                ready, _, _ = select.select([self.master], [], [], 0.005)
                if not ready:
                    continue
                size = 4096
                if self.flow_control == "xonxoff":
                    # A pty delivers the host's writes at memory speed, not at the baud rate, so the
                    # bytes "on the wire" after an XOFF are modelled by leaving them in the pty.
                    self.buffer.drain()
                    size = int(self.buffer.capacity - self.buffer.level)
                    if size <= 0:
                        time.sleep(0.005)
                        continue
                try:
                    data = os.read(self.master, size)
                except OSError:
                    time.sleep(0.01)
                    continue
                taken = self.buffer.accept(data)
                self.overflow_bytes += len(data) - len(taken)
                p.receive(taken)
                replies = p.take_replies(64)
                if replies:
                    os.write(self.master, replies)
                if "disconnect_mid_job" in p.faults and self._job_bytes(seen, queries) >= p.disconnect_after:
                    p.disconnected = True
                    return
        finally:
            p.end_of_stream()
            os.close(self.master)
            os.close(self._slave)
