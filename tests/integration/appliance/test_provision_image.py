"""kioskctl provision into a real disk image: DOS partition table + FAT made by mkfs.fat, written by mtools."""

from __future__ import annotations

import argparse
import io
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from kiosk.provisioning import imagefile, provision
from kiosk.provisioning.validation import read_toml

pytestmark = pytest.mark.skipif(
    not (shutil.which("mkfs.fat") and shutil.which("mcopy")),
    reason="needs dosfstools and mtools (Debian packages 'dosfstools mtools')")

START = 2048  # sectors


def make_image(path: Path, fat_mib: int = 40) -> None:
    """A 1 MiB gap, one FAT32 partition and a Linux partition entry, like the real image."""
    sectors = fat_mib * 2048
    fat = path.with_suffix(".fat")
    subprocess.run(["mkfs.fat", "-F", "32", "-n", "RASPIFIRM", "-i", "5049E7A1", "-C", str(fat),
                    str(fat_mib * 1024)], check=True, capture_output=True, timeout=60)
    with open(path, "wb") as img:
        img.truncate((START + sectors + 4096) * 512)
        entries = struct.pack("<B3sB3sII", 0x80, b"\0\0\0", 0x0C, b"\0\0\0", START, sectors)
        entries += struct.pack("<B3sB3sII", 0, b"\0\0\0", 0x83, b"\0\0\0", START + sectors, 4096)
        img.seek(446)
        img.write(entries)
        img.seek(510)
        img.write(b"\x55\xaa")
        img.seek(START * 512)
        img.write(fat.read_bytes())
    fat.unlink()


def test_provision_writes_into_the_image_and_reads_back(tmp_path: Path) -> None:
    image = tmp_path / "card.img"
    make_image(image)
    (boot,) = [p for p in imagefile.read_mbr(image) if p.is_fat]
    assert boot.start == START * 512 and boot.bootable
    parser = argparse.ArgumentParser()
    provision.register(parser.add_subparsers())
    args = parser.parse_args(["provision", "--image", str(image), "--site-name", "Tukuma bibliotēka",
                              "--address", "Talsu iela 5", "--kiosk-id", "tukums-01",
                              "--gateway-url", "https://gw.example.lv", "--wifi-ssid", "Lib",
                              "--wifi-psk", "parole123"])
    out = io.StringIO()
    assert provision.run(args, out, io.StringIO()) == 0, out.getvalue()
    assert {"KIOSK.TOML", "kiosk.toml"} & set(imagefile.list_files(image))
    text = imagefile.read_file(image, "kiosk.toml")
    assert text is not None and "Tukuma bibliotēka" in text.decode("utf-8")
    copy = tmp_path / "back.toml"
    copy.write_bytes(text)
    tree, problems = read_toml(copy)
    assert not problems and tree["site"]["kiosk_id"] == "tukums-01"
    assert b"psk=parole123" in (imagefile.read_file(image, "pietura-wifi.nmconnection") or b"")


def test_compressed_image_is_refused_with_the_reason(tmp_path: Path) -> None:
    image = tmp_path / "card.img.xz"
    image.write_bytes(b"\xfd7zXZ\x00" + bytes(600))
    with pytest.raises(imagefile.ImageError, match="xz -d"):
        imagefile.read_mbr(image)
