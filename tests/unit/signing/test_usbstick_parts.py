"""Pure parts of the USB stick adapter: boot-sector recognition, mdir parsing, free names, and
finding USB mass-storage partitions in a sysfs-shaped tree."""

from __future__ import annotations

from pathlib import Path

from kiosk.adapters import usbstick as us


def sector(offset: int, label: bytes) -> bytes:
    data = bytearray(512)
    data[offset:offset + len(label)] = label
    data[510:512] = b"\x55\xaa"
    return bytes(data)


def test_boot_sectors_are_recognised() -> None:
    assert us.detect_filesystem(sector(54, b"FAT16")) == "vfat"
    assert us.detect_filesystem(sector(82, b"FAT32")) == "vfat"
    assert us.detect_filesystem(sector(3, b"EXFAT   ")) == "exfat"
    assert us.detect_filesystem(sector(3, b"NTFS    ")) == "ntfs"
    assert us.detect_filesystem(bytes(512)) == "unknown"
    assert us.detect_filesystem(b"") == "unknown"


MDIR = """ Volume in drive : has no label
 Volume Serial Number is B679-1882
Directory for ::/

LIGUMS~1 PDF         6 2026-12-06  22:02  Līgums par darbu.pdf
sub          <DIR>     2026-12-06  22:02|
readme   txt   2345678 2026-12-06  22:02|
NOEXT              12 2026-12-06  22:03|
        5 files           4 691 368 bytes

Directory for ::/sub

.            <DIR>     2026-12-06  22:02|
..           <DIR>     2026-12-06  22:02|
X~1      DOC         6 2026-12-06  22:02  x.docx
MIDNIG~1 TXT         3 2026-12-07   0:10  midnight.txt
""".replace("|\n", " \n")  # mdir ends short-name rows with a space


def test_mdir_listing_is_parsed_with_long_and_short_names() -> None:
    rows = us.parse_mdir(MDIR)
    assert [(d, n, s) for d, n, s, _ in rows] == [
        ("/", "Līgums par darbu.pdf", 6), ("/", "sub", None), ("/", "readme.txt", 2345678),
        ("/", "NOEXT", 12), ("/sub", "x.docx", 6), ("/sub", "midnight.txt", 3)]
    assert rows[0][3] is not None and (rows[0][3].hour, rows[0][3].minute) == (22, 2)
    # before 10 o'clock mdir pads the hour with a space (" 0:10"): such files were missing after midnight
    assert rows[-1][3] is not None and (rows[-1][3].hour, rows[-1][3].minute) == (0, 10)


def test_free_name_adds_a_number_and_ignores_case() -> None:
    assert us.free_name("a", ".edoc", set()) == "a.edoc"
    assert us.free_name("a", ".edoc", {"a.edoc"}) == "a (2).edoc"
    assert us.free_name("A", ".edoc", {"a.edoc", "a (2).edoc"}) == "A (3).edoc"


def _disk(root: Path, name: str, device_path: str, driver: str, partitions: list[str]) -> None:
    devices = root / "devices" / device_path
    devices.mkdir(parents=True)
    (root / "drivers" / driver).mkdir(parents=True, exist_ok=True)
    (devices.parent / "driver").symlink_to(root / "drivers" / driver)
    block = root / "block" / name
    block.mkdir(parents=True)
    (block / "device").symlink_to(devices)
    for part in partitions:
        (block / part).mkdir()


def test_only_usb_mass_storage_disks_are_found(tmp_path: Path) -> None:
    _disk(tmp_path, "sda", "platform/usb1/1-1/1-1:1.0/host0/target0:0:0/0:0:0:0", "usb-storage", ["sda1", "sda2"])
    _disk(tmp_path, "sdb", "platform/ata1/host1/target1:0:0/1:0:0:0", "ahci", ["sdb1"])
    _disk(tmp_path, "sdc", "platform/usb2/2-1/2-1:1.0/host2/target2:0:0/2:0:0:0", "uas", [])
    (tmp_path / "block" / "mmcblk0").mkdir()
    found = us.find_stick_partitions(tmp_path / "block", Path("/dev"))
    assert found == [Path("/dev/sda1"), Path("/dev/sda2"), Path("/dev/sdc")]
