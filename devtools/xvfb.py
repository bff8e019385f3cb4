"""A virtual X display (Xvfb) for headless demo runs and UI tests."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator

START_TIMEOUT_S = 15.0


class XvfbError(RuntimeError):
    pass


def _read_display_number(fd: int, proc: subprocess.Popen) -> int:
    """The number Xvfb writes to its -displayfd when it is ready (within START_TIMEOUT_S)."""
    import selectors

    deadline = time.monotonic() + START_TIMEOUT_S
    data = b""
    with os.fdopen(fd, "rb", buffering=0) as pipe, selectors.DefaultSelector() as sel:
        sel.register(pipe, selectors.EVENT_READ)
        while not data.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0:
                raise XvfbError(f"Xvfb did not start within {START_TIMEOUT_S:.0f} s")
            if sel.select(timeout=min(left, 0.2)):
                chunk = pipe.read(16)
                if not chunk:
                    raise XvfbError(f"Xvfb exited with {proc.wait(timeout=5)} before it was ready")
                data += chunk
            elif proc.poll() is not None:
                raise XvfbError(f"Xvfb exited with {proc.returncode} before it was ready")
    return int(data.strip())


@contextlib.contextmanager
def display_available(screen: str = "1280x800x24") -> Iterator[str]:
    """The current DISPLAY if there is one, else a virtual display for the duration."""
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    with virtual_display(screen) as name:
        yield name


@contextlib.contextmanager
def virtual_display(screen: str = "1280x800x24") -> Iterator[str]:
    """Start Xvfb on a free display, point DISPLAY at it, and stop it afterwards."""
    if shutil.which("Xvfb") is None:
        raise XvfbError("Xvfb is not installed (Debian package: xvfb)")
    # Xvfb picks a free display number itself and writes it to -displayfd once it accepts clients:
    # no race between two processes starting displays at the same moment.
    read_end, write_end = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", screen, "-nolisten", "tcp",
                             "-noreset"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(write_end,))
    os.close(write_end)
    saved = os.environ.get("DISPLAY")
    try:
        n = _read_display_number(read_end, proc)
        os.environ["DISPLAY"] = f":{n}"
        yield os.environ["DISPLAY"]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        if saved is None:
            os.environ.pop("DISPLAY", None)
        else:
            os.environ["DISPLAY"] = saved
