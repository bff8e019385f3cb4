"""An exFAT stick for real: an image made by mkfs.exfat (exfatprogs) on a loop device, mounted by the
image's own helper (systemd/helpers/stick-mount, what pietura-stick@.service runs: exfat-fuse,
nosuid,nodev,noexec, owned by the kiosk user), then found, listed, read and written through the
kiosk's adapter as on a real kiosk. Needs root, loop devices and /dev/fuse (skipped otherwise)."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.adapters import usbstick as us
from kiosk.adapters.mountedstick import MountedStick

HELPER = Path(__file__).parents[3] / "systemd/helpers/stick-mount"
TOOLS = ("mkfs.exfat", "mount.exfat-fuse", "losetup", "blkid", "setpriv")
pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not Path("/dev/fuse").exists() or not all(shutil.which(t) for t in TOOLS),
    reason="needs root, /dev/fuse, loop devices, exfatprogs and exfat-fuse (Makefile DEBS)")
FILES = {"Līgums par darbu.pdf": b"%PDF-1.4 contract", "readme.txt": b"hello",
         "Dokumenti/Iesniegums.docx": b"PK docx", ".hidden": b"x"}


@dataclass
class Mounted:
    device: Path
    sticks: Path  # the folder the helper mounts under (/run/pietura-stick on a kiosk)

    @property
    def folder(self) -> Path:
        return self.sticks / self.device.name


def helper(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(HELPER), *args], capture_output=True, text=True, timeout=30,
                          env={"PATH": os.environ["PATH"], "PIETURA_STICK_USER": "nobody"})


def loop_device(image: Path) -> Path:
    done = subprocess.run(["losetup", "--find", "--show", str(image)], capture_output=True, text=True, check=True)
    return Path(done.stdout.strip())


@pytest.fixture
def mounted(tmp_path: Path) -> Iterator[Mounted]:
    image = tmp_path / "stick.img"
    with open(image, "wb") as f:
        f.truncate(16 * 1024 * 1024)
    subprocess.run(["mkfs.exfat", "-L", "STICK", str(image)], check=True, capture_output=True)
    device = loop_device(image)
    run = Path(tempfile.mkdtemp(prefix="pietura-exfat-"))  # as /run: the kiosk user may pass through
    run.chmod(0o755)
    stick = Mounted(device, run / "pietura-stick")
    try:
        started = helper("start", str(device), str(stick.folder))
        assert started.returncode == 0, started.stderr
        for name, content in FILES.items():  # what the citizen brought (root may write there)
            (stick.folder / name).parent.mkdir(exist_ok=True)
            (stick.folder / name).write_bytes(content)
        yield stick
    finally:
        helper("stop", str(stick.folder))
        subprocess.run(["losetup", "--detach", str(device)], capture_output=True)
        shutil.rmtree(run, ignore_errors=True)


def open_mounted(stick: Mounted) -> MountedStick:
    opened = us.open_stick([Path("/nonexistent/sdz1"), stick.device], mounted=stick.sticks)
    assert isinstance(opened, MountedStick)
    return opened


def test_the_helper_mounts_nosuid_nodev_noexec_for_the_kiosk_user_only(mounted: Mounted) -> None:
    mounts = [line.split() for line in Path("/proc/self/mountinfo").read_text().splitlines()]
    (entry,) = [m for m in mounts if m[4] == str(mounted.folder)]
    options = set(entry[5].split(","))
    assert {"nosuid", "nodev", "noexec"} <= options, options
    assert entry[entry.index("-") + 1] == "fuseblk"  # exFAT parsed by exfat-fuse in user space
    info = mounted.folder.stat()
    assert (info.st_uid, oct(info.st_mode & 0o777)) == (int(subprocess.check_output(["id", "-u", "nobody"])), "0o700")
    as_kiosk = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "ls", "-A",
                               str(mounted.folder)], capture_output=True, text=True)
    assert as_kiosk.returncode == 0 and "readme.txt" in as_kiosk.stdout, as_kiosk.stderr
    as_other = subprocess.run(["setpriv", "--reuid=4242", "--regid=4242", "--clear-groups", "ls",
                               str(mounted.folder)], capture_output=True, text=True)
    assert as_other.returncode != 0


def test_the_helper_refuses_what_is_not_exfat(tmp_path: Path) -> None:
    image = tmp_path / "fat.img"
    subprocess.run(["mkfs.vfat", "-C", str(image), "4096"], check=True, capture_output=True)
    device = loop_device(image)
    try:
        refused = helper("start", str(device), str(tmp_path / "m" / device.name))
        assert refused.returncode == 3 and "not exFAT" in refused.stderr
        assert not os.path.ismount(tmp_path / "m" / device.name)
        assert helper("start", str(tmp_path / "fat.img"), str(tmp_path / "m2")).returncode == 2  # not a device
    finally:
        subprocess.run(["losetup", "--detach", str(device)], capture_output=True)


def test_an_unmounted_exfat_stick_is_unsupported_a_mounted_one_is_listed(mounted: Mounted, tmp_path: Path) -> None:
    with pytest.raises(us.UsbError) as refused:
        us.open_stick([mounted.device], mounted=tmp_path / "elsewhere")
    assert refused.value.code == "usb_unsupported_filesystem"
    files = {f.path: f for f in open_mounted(mounted).list_files()}
    assert set(files) == {"/Līgums par darbu.pdf", "/readme.txt", "/Dokumenti/Iesniegums.docx"}
    assert files["/readme.txt"].size == 5 and files["/readme.txt"].modified is not None


def test_reads_the_chosen_file_and_refuses_one_over_the_cap_or_changed(mounted: Mounted) -> None:
    stick = open_mounted(mounted)
    chosen = next(f for f in stick.list_files() if f.name == "Iesniegums.docx")
    assert stick.read(chosen) == b"PK docx"
    with pytest.raises(us.UsbError) as refused:
        stick.read(chosen, max_bytes=4)
    assert refused.value.code == "usb_file_too_large"
    (mounted.folder / "Dokumenti/Iesniegums.docx").write_bytes(b"changed after listing")
    with pytest.raises(us.UsbError) as failed:
        stick.read(chosen)
    assert failed.value.code == "usb_read_failed"


def test_writes_beside_the_original_never_over_a_file(mounted: Mounted) -> None:
    stick = open_mounted(mounted)
    original = next(f for f in stick.list_files() if f.name == "Līgums par darbu.pdf")
    first, second = stick.write_beside(original, b"container one"), stick.write_beside(original, b"container two")
    assert (first.path, second.path) == ("/Līgums par darbu.edoc", "/Līgums par darbu (2).edoc")
    inside = next(f for f in stick.list_files() if f.name == "Iesniegums.docx")
    assert stick.write_beside(inside, b"x" * 5000).path == "/Dokumenti/Iesniegums.edoc"
    by_path = {f.path: f for f in stick.list_files()}
    assert stick.read(by_path[second.path]) == b"container two"
    assert hashlib.sha256(stick.read(by_path["/Dokumenti/Iesniegums.edoc"])).digest() == hashlib.sha256(
        b"x" * 5000).digest()
    assert not [p for p in os.listdir(mounted.folder) if p.startswith(us.TEMP_PREFIX)]


def test_a_full_stick_leaves_no_edoc_and_says_so(mounted: Mounted) -> None:
    stick = open_mounted(mounted)
    original = next(f for f in stick.list_files() if f.name == "readme.txt")
    with pytest.raises(us.UsbError) as refused:
        stick.write_beside(original, os.urandom(32 * 1024 * 1024))
    assert refused.value.code == "usb_write_failed"
    assert sorted(os.listdir(mounted.folder)) == sorted([".hidden", "Dokumenti", "Līgums par darbu.pdf", "readme.txt"])


def fuse_daemon(folder: Path) -> int:
    """The exfat-fuse process serving ``folder`` (the helper started it in this test)."""
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                argv = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if argv and argv[0].endswith(b"exfat-fuse") and str(folder).encode() in argv:
                return int(proc.name)
    raise AssertionError("no exfat-fuse process")


def test_a_pulled_stick_is_a_failure_and_leaves_no_edoc(mounted: Mounted) -> None:
    """The FUSE daemon gone (what a pulled stick comes to for the kiosk: every call fails)."""
    stick = open_mounted(mounted)
    chosen = next(f for f in stick.list_files() if f.name == "readme.txt")
    os.kill(fuse_daemon(mounted.folder), signal.SIGKILL)
    time.sleep(0.2)
    with pytest.raises(us.UsbError) as failed:
        stick.read(chosen)
    assert failed.value.code == "usb_read_failed"
    with pytest.raises(us.UsbError) as failed:
        stick.write_beside(chosen, b"data")
    assert failed.value.code in ("usb_read_failed", "usb_write_failed")
    with pytest.raises(us.UsbError) as failed:
        stick.list_files()
    assert failed.value.code == "usb_read_failed"


def test_the_mount_reaches_a_sandboxed_kiosk_and_is_writable_there(tmp_path: Path) -> None:
    """As on the image: /run is shared in the host's namespace, the kiosk unit has its own mount
    namespace (a slave of the host's) in which ProtectSystem=strict made /run read-only. A stick
    mounted afterwards by the helper in the host's namespace appears in the kiosk's, and the kiosk
    user can read and write it there while the rest of /run stays read-only."""
    if not shutil.which("unshare") or not shutil.which("nsenter"):
        pytest.skip("needs util-linux unshare and nsenter")
    image = tmp_path / "stick.img"
    with open(image, "wb") as f:
        f.truncate(16 * 1024 * 1024)
    subprocess.run(["mkfs.exfat", str(image)], check=True, capture_output=True)
    run = Path(tempfile.mkdtemp(prefix="pietura-exfat-run-"))
    run.chmod(0o755)
    ready = tmp_path / "ready"
    device = loop_device(image)
    folder = run / "pietura-stick" / device.name
    kiosk: subprocess.Popen[bytes] | None = None
    try:
        subprocess.run(["mount", "--bind", str(run), str(run)], check=True)
        subprocess.run(["mount", "--make-shared", str(run)], check=True)
        kiosk = subprocess.Popen(["unshare", "--mount", "--propagation", "slave", "sh", "-c",
                                  f"mount -o remount,bind,ro '{run}' && touch '{ready}' && exec sleep 60"])
        for _ in range(100):
            if ready.exists():
                break
            time.sleep(0.05)
        assert ready.exists()
        (run / "pietura-stick").mkdir(mode=0o755)
        started = helper("start", str(device), str(folder))
        assert started.returncode == 0, started.stderr
        (folder / "doc.pdf").write_bytes(b"%PDF-1.4")

        def in_kiosk(script: str) -> subprocess.CompletedProcess[str]:
            assert kiosk is not None
            return subprocess.run(["nsenter", f"--target={kiosk.pid}", "--mount", "setpriv", "--reuid=nobody",
                                   "--regid=nogroup", "--clear-groups", "sh", "-c", script],
                                  capture_output=True, text=True, timeout=30)

        seen = in_kiosk(f"cat '{folder}/doc.pdf' && printf edoc > '{folder}/doc.edoc'")
        assert seen.returncode == 0 and seen.stdout == "%PDF-1.4", seen.stderr
        assert (folder / "doc.edoc").read_bytes() == b"edoc"
        assert in_kiosk(f"grep -c ' {folder} ' /proc/self/mountinfo").stdout.strip() == "1"
        elsewhere = subprocess.run(["nsenter", f"--target={kiosk.pid}", "--mount", "touch", str(run / "x")],
                                   capture_output=True, text=True)
        assert elsewhere.returncode != 0 and "Read-only" in elsewhere.stderr
    finally:
        if kiosk is not None:
            kiosk.kill()
            kiosk.wait(timeout=10)
        helper("stop", str(folder))
        subprocess.run(["umount", "-l", str(run)], capture_output=True)
        subprocess.run(["losetup", "--detach", str(device)], capture_output=True)
        shutil.rmtree(run, ignore_errors=True)
