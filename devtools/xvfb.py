"""A virtual X display (Xvfb) for headless demo runs and UI tests."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

START_TIMEOUT_S = 15.0


class XvfbError(RuntimeError):
    pass


def _free_display() -> int:
    for n in range(90, 200):
        if not Path(f"/tmp/.X{n}-lock").exists() and not Path(f"/tmp/.X11-unix/X{n}").exists():
            return n
    raise XvfbError("no free X display number between :90 and :199")


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
    n = _free_display()
    proc = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", screen, "-nolisten", "tcp", "-noreset"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    saved = os.environ.get("DISPLAY")
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not Path(f"/tmp/.X11-unix/X{n}").exists():
            if proc.poll() is not None:
                raise XvfbError(f"Xvfb :{n} exited with {proc.returncode}")
            if time.monotonic() > deadline:
                raise XvfbError(f"Xvfb :{n} did not start within {START_TIMEOUT_S:.0f} s")
            time.sleep(0.05)
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
