"""The USB stick adapter on a real FAT file system: an image made by mkfs.vfat in a temp file, files
put on it by mtools, read and written back through the adapter (the same mtools calls a real
stick's partition gets)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.adapters import usbstick as us

pytestmark = pytest.mark.skipif(not (shutil.which("mkfs.vfat") and shutil.which("mcopy")),
                                reason="needs dosfstools and mtools (Makefile DEBS)")
ENV = {**os.environ, "MTOOLS_SKIP_CHECK": "1", "LC_ALL": "C.UTF-8"}


def make_stick(path: Path, files: dict[str, bytes], size_kib: int = 4096) -> Path:
    subprocess.run(["mkfs.vfat", "-C", str(path), str(size_kib)], check=True, capture_output=True)
    for name, content in files.items():
        parent = os.path.dirname(name)
        if parent not in ("", "/"):
            subprocess.run(["mmd", "-D", "s", "-i", str(path), f"::{parent}"], env=ENV, capture_output=True)
        subprocess.run(["mcopy", "-i", str(path), "-", f"::{name}"], input=content, env=ENV, check=True)
    return path


def names(stick: us.FatStick) -> list[str]:
    return sorted(f.path for f in stick.list_files())


@pytest.fixture
def stick(tmp_path: Path) -> us.FatStick:
    image = make_stick(tmp_path / "stick.img", {
        "/Līgums par darbu.pdf": b"%PDF-1.4 contract",
        "/readme.txt": b"hello",
        "/Dokumenti/Iesniegums.docx": b"PK docx",
        "/.hidden": b"x",
    })
    return us.open_stick([tmp_path / "missing", image])


def test_finds_the_fat_volume_and_lists_files_with_sizes_without_opening_them(stick: us.FatStick) -> None:
    files = {f.path: f for f in stick.list_files()}
    assert set(files) == {"/Līgums par darbu.pdf", "/readme.txt", "/Dokumenti/Iesniegums.docx"}
    assert files["/Līgums par darbu.pdf"].size == len(b"%PDF-1.4 contract")
    assert files["/readme.txt"].modified is not None


def test_reads_the_chosen_file_exactly(stick: us.FatStick) -> None:
    chosen = next(f for f in stick.list_files() if f.name == "Iesniegums.docx")
    assert stick.read(chosen) == b"PK docx"


def test_a_file_over_the_cap_is_refused_before_reading(stick: us.FatStick) -> None:
    chosen = next(f for f in stick.list_files() if f.name == "readme.txt")
    with pytest.raises(us.UsbError) as refused:
        stick.read(chosen, max_bytes=4)
    assert refused.value.code == "usb_file_too_large"


def test_writes_beside_the_original_and_never_overwrites(stick: us.FatStick) -> None:
    original = next(f for f in stick.list_files() if f.name == "Līgums par darbu.pdf")
    first = stick.write_beside(original, b"container one")
    second = stick.write_beside(original, b"container two")
    third = stick.write_beside(original, b"container three")
    assert (first.path, second.path, third.path) == (
        "/Līgums par darbu.edoc", "/Līgums par darbu (2).edoc", "/Līgums par darbu (3).edoc")
    by_path = {f.path: f for f in stick.list_files()}
    assert stick.read(by_path[first.path]) == b"container one"
    assert stick.read(by_path[third.path]) == b"container three"
    assert not [p for p in by_path if us.TEMP_PREFIX in p]


def test_writes_into_the_originals_folder(stick: us.FatStick) -> None:
    original = next(f for f in stick.list_files() if f.name == "Iesniegums.docx")
    written = stick.write_beside(original, b"x" * 5000)
    assert written.path == "/Dokumenti/Iesniegums.edoc"
    assert hashlib.sha256(stick.read(written)).hexdigest() == hashlib.sha256(b"x" * 5000).hexdigest()


def test_a_full_stick_leaves_no_edoc_and_says_so(tmp_path: Path) -> None:
    image = make_stick(tmp_path / "small.img", {"/a.pdf": b"%PDF"}, size_kib=256)
    stick = us.open_stick([image])
    original = stick.list_files()[0]
    with pytest.raises(us.UsbError) as refused:
        stick.write_beside(original, os.urandom(400 * 1024))
    assert refused.value.code == "usb_write_failed"
    assert [f.path for f in stick.list_files()] == ["/a.pdf"]


def test_a_pulled_stick_is_a_read_failure(tmp_path: Path, stick: us.FatStick) -> None:
    chosen = stick.list_files()[0]
    stick.device.unlink()
    with pytest.raises(us.UsbError) as failed:
        stick.read(chosen)
    assert failed.value.code == "usb_read_failed"
    with pytest.raises(us.UsbError) as failed:
        stick.write_beside(chosen, b"data")
    assert failed.value.code in ("usb_read_failed", "usb_write_failed")


def test_other_file_systems_are_refused_clearly(tmp_path: Path) -> None:
    exfat = bytearray(4096)
    exfat[3:11], exfat[510:512] = b"EXFAT   ", b"\x55\xaa"
    (tmp_path / "exfat.img").write_bytes(bytes(exfat))
    with pytest.raises(us.UsbError) as refused:
        us.open_stick([tmp_path / "exfat.img"])
    assert refused.value.code == "usb_unsupported_filesystem"
    with pytest.raises(us.UsbError) as missing:
        us.open_stick([tmp_path / "nothing"])
    assert missing.value.code == "usb_not_found"


def test_a_file_changed_after_listing_is_not_read_as_listed(tmp_path: Path, stick: us.FatStick) -> None:
    chosen = next(f for f in stick.list_files() if f.name == "readme.txt")
    subprocess.run(["mcopy", "-o", "-i", str(stick.device), "-", "::/readme.txt"], input=b"longer now",
                   env=ENV, check=True)
    with pytest.raises(us.UsbError) as failed:
        stick.read(chosen)
    assert failed.value.code == "usb_read_failed"
