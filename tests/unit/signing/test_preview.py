"""The first-page picture of a PDF: a real pdftoppm child process with limits. A good PDF gives a
PNG of the asked size; anything else — not a PDF, a damaged one, too slow, too little memory — gives
None and never raises."""

from __future__ import annotations

import io
import logging
import shutil

import pytest
from PIL import Image

from kiosk.signing import preview
from kiosk.signing.preview import render_first_page, renderer_command
from kiosk.signing.sample_pdf import one_page_pdf

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed")
PDF = one_page_pdf("Ligums par telpu nomu", ("Puses: biblioteka un nomnieks",))


def test_page_one_becomes_a_png_of_the_asked_size(caplog) -> None:
    caplog.set_level(logging.INFO)
    png = render_first_page(PDF, max_side=600)
    assert png is not None
    picture = Image.open(io.BytesIO(png))
    assert picture.format == "PNG" and max(picture.size) == 600 and picture.size[0] < picture.size[1]  # A4 portrait
    assert picture.convert("L").getextrema()[0] < 128  # something dark is drawn: the frame and the words
    assert "Ligums" not in caplog.text


def test_the_child_runs_with_limits_and_reads_stdin() -> None:
    command = renderer_command()
    assert command is not None and command[0].endswith("prlimit") and command[-1] == "-"
    assert " ".join(command).count("-f 1 -l 1 -singlefile -png") == 1
    assert any(arg.startswith("--as=") for arg in command) and any(arg.startswith("--cpu=") for arg in command)


@pytest.mark.parametrize("data", [b"", b"hello", b"%PDF-1.4 not really", PDF[: len(PDF) // 3],
                                  b"PK\x03\x04" + bytes(100)])
def test_what_is_not_a_good_pdf_has_no_picture(data: bytes) -> None:
    assert render_first_page(data) is None


def test_too_slow_or_too_little_memory_has_no_picture(monkeypatch) -> None:
    assert render_first_page(PDF, timeout=0.001) is None  # killed at the deadline
    monkeypatch.setattr(preview, "MEMORY_BYTES", 4 * 1024 * 1024)  # pdftoppm cannot even load its libraries
    assert render_first_page(PDF) is None
