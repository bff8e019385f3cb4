"""A picture of a PDF's first page for "what will be signed", made from an untrusted file.

The PDF comes from a citizen's USB stick, so it is parsed by a maintained renderer in a child
process that can fail alone: Debian's ``pdftoppm`` (poppler-utils), run through util-linux
``prlimit`` with a cap on memory, CPU time and written files, a wall-clock timeout, an empty
environment and an empty working folder. The file goes in on stdin and the PNG comes out on stdout:
nothing of the document is written to disk and the stick's path is never handed over. pdftoppm
opens no network connection (poppler fetches nothing), and the kiosk unit's address-family and
system-call filters apply to it as to the kiosk. Why not ``pypdfium2``: its wheel carries its own
PDFium build (not Debian's, no Debian security updates) and renders inside the kiosk's process,
where a crash or a memory blow-up on a hostile file would take the screen with it.

Anything that goes wrong — not a PDF, encrypted, too slow, too big, the tool missing — is ``None``:
the screen then shows a plain "no preview" box and signing goes on."""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
import time

from kiosk.logsetup import event as log_event

log = logging.getLogger("kiosk.signing")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_SIDE_PX = 900  # the picture's longer side; the screen scales it down to its box
TIMEOUT_S = 8.0
CPU_S = 6
MEMORY_BYTES = 768 * 1024 * 1024  # address space: poppler's libraries and one page at this size fit easily
MAX_PNG_BYTES = 4 * 1024 * 1024
MAX_PDF_BYTES = 64 * 1024 * 1024  # the stick adapter's cap on a file


def renderer_command(max_side: int = MAX_SIDE_PX) -> list[str] | None:
    """The child's command line, or None when poppler-utils or util-linux is not installed."""
    pdftoppm, prlimit = shutil.which("pdftoppm"), shutil.which("prlimit")
    if pdftoppm is None or prlimit is None:
        return None
    return [prlimit, f"--as={MEMORY_BYTES}", f"--cpu={CPU_S}", "--fsize=0", "--core=0", "--",
            pdftoppm, "-f", "1", "-l", "1", "-singlefile", "-png", "-scale-to", str(max_side), "-q", "-"]


def render_first_page(pdf: bytes, *, max_side: int = MAX_SIDE_PX, timeout: float = TIMEOUT_S) -> bytes | None:
    """PNG bytes of page 1 (longer side ``max_side`` pixels), or None. Never raises for a bad file."""
    command = renderer_command(max_side)
    if command is None or b"%PDF" not in pdf[:1024] or len(pdf) > MAX_PDF_BYTES:
        log_event(log, "preview_none", reason="no_renderer" if command is None else "not_pdf")
        return None
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pietura-preview-") as empty:
        try:
            done = subprocess.run(command, input=pdf, capture_output=True, timeout=timeout, env={"LC_ALL": "C"},
                                  cwd=empty, check=False)
        except subprocess.TimeoutExpired:  # run() kills the child before it raises
            log_event(log, "preview_none", reason="timeout")
            return None
        except OSError as exc:
            log_event(log, "preview_none", reason=type(exc).__name__)
            return None
    png = done.stdout
    if done.returncode != 0 or not png.startswith(PNG_MAGIC) or len(png) > MAX_PNG_BYTES:
        log_event(log, "preview_none", reason="render_failed", code=str(done.returncode))
        return None
    log_event(log, "preview_made", bytes=len(png), ms=round((time.monotonic() - started) * 1000))
    return png
