"""Run pcscd with the vpcd reader for tests, benchmarks and demos (not used on a kiosk).

``PcscdService`` starts ``pcscd --foreground`` with its own reader.conf.d and can kill, restart
and reconfigure it; helpers wait for readers and cards as pcscd sees them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

VPCD_PORT = 35963
VPCD_READER = "Virtual PCD 00 00"
VPCD_LIB = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
READY_TIMEOUT = 15.0
LOCK_PATH = "/tmp/pietura-pcsc.lock"


def lock_machine_pcscd(timeout: float) -> int | None:
    """Serialise users of the machine's one pcscd and vpcd port (test sessions, benchmarks)
    across processes. Returns a descriptor (close it to release) or None after ``timeout``."""
    import fcntl

    fd = os.open(LOCK_PATH, os.O_RDWR | os.O_CREAT, 0o666)
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() > deadline:
                os.close(fd)
                return None
            time.sleep(0.2)


def vpcd_conf(port: int, name: str = "Virtual PCD") -> str:
    return (f'FRIENDLYNAME "{name}"\nDEVICENAME   /dev/null:0x{port:04X}\n'
            f"LIBPATH      {VPCD_LIB}\nCHANNELID    0x{port:04X}\n")


def list_readers() -> tuple[str, ...] | None:
    """Reader names, or None while pcscd does not answer."""
    from smartcard import scard

    hr, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hr != 0:
        return None
    try:
        hr, names = scard.SCardListReaders(ctx, [])
        if hr == 0:
            return tuple(names)
        return () if (hr & 0xFFFFFFFF) == 0x8010002E else None
    finally:
        scard.SCardReleaseContext(ctx)


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.05)


def card_present(reader: str) -> bool | None:
    """True/False for a reader's card, None when the reader or pcscd is not there."""
    from smartcard import scard

    hr, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hr != 0:
        return None
    try:
        hr, states = scard.SCardGetStatusChange(ctx, 0, [(reader, scard.SCARD_STATE_UNAWARE)])
        if hr != 0:
            return None
        return bool(states[0][1] & scard.SCARD_STATE_PRESENT)
    finally:
        scard.SCardReleaseContext(ctx)


class PcscdService:
    """The pcscd used by the tests; only a pcscd we started can be stopped, restarted or hot-plugged."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.confdir = workdir / "reader.conf.d"
        self.proc: subprocess.Popen[bytes] | None = None
        self.owned = False

    def start(self) -> None:
        self.confdir.mkdir(parents=True, exist_ok=True)
        (self.confdir / "vpcd").write_text(vpcd_conf(VPCD_PORT))
        log = open(self.workdir / "pcscd.log", "ab")
        self.proc = subprocess.Popen(["pcscd", "--foreground", "--info", "--config", str(self.confdir)],
                                     stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.owned = True
        wait_for(lambda: VPCD_READER in (list_readers() or ()), READY_TIMEOUT, "pcscd with the vpcd reader")

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self.proc = None
        wait_for(lambda: list_readers() is None, READY_TIMEOUT, "pcscd to stop")

    def kill(self) -> None:
        """SIGKILL, as a crash would do (pid file and socket stay behind)."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(5)
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def add_vpcd_reader(self, port: int, name: str) -> None:
        """Add a second vpcd reader and restart pcscd.

        Debian's pcscd 1.9.9 ignores ``pcscd --hotplug`` (SIGUSR1) for reader.conf.d entries, so a
        reader "plugged in" is a new configuration entry plus a restart. Each extra entry loads
        its own copy of the vpcd driver: two entries sharing one library share its slot table.
        """
        library = self.workdir / f"libifdvpcd-{port}.so"
        shutil.copyfile(VPCD_LIB, library)
        conf = vpcd_conf(port, name).replace(VPCD_LIB, str(library))
        (self.confdir / f"vpcd-{port}").write_text(conf)
        self.restart()

    def remove_vpcd_reader(self, port: int) -> None:
        (self.confdir / f"vpcd-{port}").unlink(missing_ok=True)
        self.restart()


class PcscdUnavailable(RuntimeError):
    """The machine's pcscd cannot be used here: locked by another user, or running without the vpcd reader."""


@contextlib.contextmanager
def machine_pcscd(prefix: str, lock_timeout: float = 900.0) -> Iterator[PcscdService]:
    """The machine's pcscd with the vpcd reader, held for this process alone (benchmarks, demos): a
    pcscd started here and stopped afterwards when none runs, else the running one if it has the
    vpcd reader (then ``owned`` is False: it cannot be killed or restarted)."""
    lock = lock_machine_pcscd(lock_timeout)
    if lock is None:
        raise PcscdUnavailable("pcscd is in use by another test session or benchmark")
    service = PcscdService(Path(tempfile.mkdtemp(prefix=prefix)))
    try:
        present = list_readers()
        if present is None:
            service.start()
        elif VPCD_READER not in present:
            raise PcscdUnavailable(f"a pcscd without {VPCD_READER!r} is running; stop it or add the vpcd reader")
        else:
            wait_for(lambda: card_present(VPCD_READER) is not True, 10, "an empty vpcd reader")
        yield service
    finally:
        if service.owned:
            service.stop()
        os.close(lock)
