"""An emulated ESC/POS printer: simulated paper/cover/online state answering DLE EOT, named
faults, and an in-process transport that ReceiptPrinter can use like any other.

Faults are named (``FAULTS``). The ``*_mid_job`` ones switch their condition on once
``fault_after`` job bytes (bytes other than status queries) have arrived, as when the paper runs
out or the cover is opened while a receipt prints; ``stop_reading`` makes the printer stop
reading its input after ``fault_after`` job bytes; ``reset_once`` resets the link once at that
point (a printer restarting, a network switch dropping the connection), and then works again.

Each completed job (up to a cut, or what is pending when the driver collects outputs) is kept
as an :class:`EmulatedJob` and, with ``out_dir``, written as ``receipt-NNN.png`` and ``.txt``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from drivers.printer.emulator.interpreter import EPSON_CODEPAGES, EscposInterpreter
from drivers.printer.emulator.items import CutMark
from drivers.printer.emulator.render import render_items
from drivers.printer.errors import PrinterError
from drivers.printer.settings import FAULTS

OK_STATUS = {1: 0x16, 2: 0x12, 3: 0x12, 4: 0x12}
GARBAGE_REPLY = 0xFF  # fails (b & 0x93) == 0x12
# a fault that starts mid-job -> the condition it turns on
MID_JOB_FAULTS = {"paper_out_mid_job": "paper_out", "cover_open_mid_job": "cover_open",
                  "offline_mid_job": "offline", "error_mid_job": "error_online"}


@dataclass
class EmulatedJob:
    number: int
    items: list
    text: str
    transcript: str
    png: Path | None = None
    txt: Path | None = None


class EmulatedPrinter:
    """State + interpreter. Thread-safe: the TCP/pty servers feed it from their own threads."""

    def __init__(self, out_dir: str | Path | None = None, faults: Iterable[str] = (),
                 codepages: dict[int, str] | None = None, width_px: int = 576,
                 disconnect_after: int = 64, drain_rate: int = 2000, fault_after: int = 300):
        self.out_dir = Path(out_dir) if out_dir else None
        self.width_px = width_px
        self.disconnect_after = disconnect_after  # bytes of a job before the link drops
        self.drain_rate = drain_rate  # bytes/s the slow consumer prints
        self.fault_after = fault_after  # job bytes before a mid-job fault, stop_reading or reset_once
        self.fault_started_at: int | None = None  # offset in ``received`` where a mid-job fault began
        self.reset_done = False  # reset_once has happened
        self.faults: set[str] = set()
        for fault in faults:
            self.set_fault(fault)
        self.interpreter = EscposInterpreter(dict(codepages or EPSON_CODEPAGES), self._answer)
        self.jobs: list[EmulatedJob] = []
        self.received = bytearray()
        self.disconnected = False
        self._replies = bytearray()
        self._job_start = 0
        self._pending_outputs: list[str] = []
        self._lock = threading.RLock()

    # ----- state ---------------------------------------------------------------------
    def set_fault(self, name: str, on: bool = True) -> None:
        if name not in FAULTS:
            raise ValueError(f"unknown fault {name!r}; one of {', '.join(FAULTS)}")
        (self.faults.add if on else self.faults.discard)(name)

    def status_byte(self, n: int) -> int | None:
        """The reply to DLE EOT n from the simulated state (None = stays silent)."""
        if "no_status" in self.faults:
            return None
        if "garbage_status" in self.faults:
            return GARBAGE_REPLY
        if n not in OK_STATUS:
            return None
        value = OK_STATUS[n]
        paper_out = "paper_out" in self.faults
        error = "error_online" in self.faults  # error bit set while DLE EOT 1 still says online
        if n == 1 and (paper_out or "cover_open" in self.faults or "offline" in self.faults):
            value |= 0x08
        if n == 2:
            value |= (0x20 if paper_out else 0) | (0x04 if "cover_open" in self.faults else 0) | (0x40 if error else 0)
        if n == 3 and error:
            value |= 0x08  # autocutter error
        if n == 4:
            value |= (0x60 if paper_out else 0) | (0x0C if "near_end" in self.faults else 0)
        return value

    def _answer(self, n: int) -> None:
        reply = self.status_byte(n)
        if reply is not None:
            self._replies.append(reply)

    # ----- data path -----------------------------------------------------------------
    def job_bytes(self) -> int:
        """Bytes received so far that were not status queries."""
        return self.interpreter.bytes_seen - 3 * len(self.interpreter.status_queries)

    def job_room(self) -> int:
        """Job bytes still to come before ``fault_after`` is reached."""
        return max(0, self.fault_after - self.job_bytes())

    def receive(self, data: bytes) -> None:
        """Bytes arriving at the printer, in any chunking."""
        with self._lock:
            pending = [name for name in MID_JOB_FAULTS if name in self.faults]
            if pending and len(data) > self.job_room():
                head = self.job_room()
                self._receive(data[:head])
                self.fault_started_at = len(self.received)
                for name in pending:
                    self.faults.discard(name)
                    self.faults.add(MID_JOB_FAULTS[name])
                data = data[head:]
            self._receive(data)

    def _receive(self, data: bytes) -> None:
        with self._lock:
            self.received += data
            before = len(self.interpreter.items)
            self.interpreter.feed(data)
            for index in range(before, len(self.interpreter.items)):
                if isinstance(self.interpreter.items[index], CutMark):
                    self._complete_job(index + 1)

    def take_replies(self, size: int) -> bytes:
        with self._lock:
            out = bytes(self._replies[:size])
            del self._replies[:size]
            return out

    def clear_replies(self) -> None:
        with self._lock:
            self._replies.clear()

    def end_of_stream(self) -> None:
        """The host finished (connection closed): flush a job without a cut."""
        with self._lock:
            if len(self.interpreter.items) > self._job_start:
                self._complete_job(len(self.interpreter.items))

    def take_outputs(self) -> tuple[str, ...]:
        """Paths written since the last call (a cutless job is completed first)."""
        with self._lock:
            self.end_of_stream()
            out, self._pending_outputs = tuple(self._pending_outputs), []
            return out

    def _complete_job(self, end: int) -> None:
        items = self.interpreter.items[self._job_start:end]
        self._job_start = end
        view = EscposInterpreter()
        view.items = list(items)
        job = EmulatedJob(len(self.jobs) + 1, list(items), view.text(), view.transcript())
        if self.out_dir is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            job.png = self.out_dir / f"receipt-{job.number:03d}.png"
            job.txt = self.out_dir / f"receipt-{job.number:03d}.txt"
            render_items(items, self.width_px).save(job.png)
            job.txt.write_text(job.transcript, encoding="utf-8")
            self._pending_outputs += [str(job.png), str(job.txt)]
        self.jobs.append(job)

    def transport(self) -> InProcessTransport:
        return InProcessTransport(self)


class InProcessTransport:
    """A transport straight into an EmulatedPrinter (fast unit and integration tests)."""

    can_read_status = True

    unread_capacity = 65536  # what socket buffers hold before a writer to a printer that stopped reading stalls

    def __init__(self, printer: EmulatedPrinter):
        self.printer = printer
        self._job_bytes = 0
        self.unread = bytearray()  # written, never read by a printer that stopped reading

    def _check_link(self) -> None:
        if self.printer.disconnected:
            raise PrinterError("printer_disconnected", "emulated link is down")

    def write(self, data: bytes, timeout: float) -> None:
        p = self.printer
        self._check_link()
        is_query = len(data) == 3 and data[:2] == b"\x10\x04"
        if "stop_reading" in p.faults and (self.unread or len(data) > p.job_room()):
            taken = 0 if self.unread else p.job_room()
            p.receive(data[:taken])
            self.unread += data[taken:]
            if len(self.unread) > self.unread_capacity:
                raise PrinterError("printer_timeout", f"printer stopped reading after {p.job_bytes()} bytes")
            return
        if "reset_once" in p.faults and not p.reset_done and not is_query and len(data) > p.job_room():
            # in process there is no connection to lose: this one call fails, the next ones work
            p.receive(data[:p.job_room()])
            p.reset_done = True
            raise PrinterError("printer_disconnected", "connection reset by the printer")
        if "disconnect_mid_job" in p.faults and not is_query:
            room = max(0, p.disconnect_after - self._job_bytes)
            if len(data) > room:
                p.receive(data[:room])
                p.disconnected = True
                raise PrinterError("printer_disconnected", f"link dropped after {self._job_bytes + room} bytes")
        if "slow_consumer" in p.faults and not is_query:
            accepted = int(timeout * p.drain_rate)  # simulated time: no sleeping in tests
            if len(data) > accepted:
                p.receive(data[:accepted])
                raise PrinterError("printer_timeout", f"printer accepted only {accepted} bytes in time")
        self._job_bytes += 0 if is_query else len(data)
        p.receive(data)

    def read(self, size: int, timeout: float) -> bytes:
        self._check_link()
        return self.printer.take_replies(size)

    def flush_input(self) -> None:
        self._check_link()
        self.printer.clear_replies()

    def drop(self) -> None:
        return None

    def take_outputs(self) -> tuple[str, ...]:
        return self.printer.take_outputs()

    def close(self) -> None:
        self.printer.end_of_stream()
