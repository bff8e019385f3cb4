"""The update bundles ``update_vm_check.py`` installs, and the technician's stick that carries them.

``newer.raucb`` is the build's root tree with the version bumped; ``never-ready.raucb`` the same tree plus a
``pietura-kiosk.service`` drop-in whose ``ExecStart`` exits 1 (the boot counter must roll it back). Both are
made by ``bundle.sh`` with the development keys, one after the other in a thread while the first boot runs,
and kept in WORK/bundles for a later run of the same image.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
NEWER, NEVER = "newer.raucb", "never-ready.raucb"
NEVER_READY = """# update_vm_check.py: a build whose kiosk never reaches READY (the boot counter must roll it back)
[Service]
ExecStart=
ExecStart=/bin/sh -c 'echo "pietura-vm-check: this build never reaches READY"; exit 1'
"""


class Bundles:
    def __init__(self, work: Path, rootfs: Path, packages: Path, keys: Path, version: str,
                 say: Callable[[str], None]):
        self.work, self.rootfs, self.packages, self.keys, self.version, self.say = (work, rootfs, packages, keys,
                                                                                      version, say)
        self.thread = threading.Thread(target=self.make, daemon=True)

    def start(self) -> None:
        (self.work / "bundles").mkdir(parents=True, exist_ok=True)
        self.thread.start()

    def bundle(self, name: str, version: str, rootfs: Path | None = None) -> Path:
        """``bundle.sh`` into WORK/bundles (a finished bundle is kept and reused; ``rootfs`` None: the
        never-READY root)."""
        out = self.work / "bundles" / name
        if out.exists():
            return out
        t0 = time.monotonic()
        part = out.with_name("part-" + name)
        subprocess.run(["nice", "-n", "15", "bash", str(HERE / "bundle.sh"), "--rootfs",
                        str(rootfs or self.never_ready_root()), "--packages", str(self.packages), "--version",
                        version, "--out", str(part), "--key", str(self.keys / "signing.key.pem"),
                        "--cert", str(self.keys / "signing.cert.pem"), "--keyring", str(self.keys / "ca.pem")],
                       check=True, timeout=3600, stdout=subprocess.DEVNULL)
        part.rename(out)
        (self.work / "never-ready.ext4").unlink(missing_ok=True)
        self.say(f"bundle {name} ({version}, {out.stat().st_size >> 20} MiB) made in {time.monotonic() - t0:.0f} s")
        return out

    def never_ready_root(self) -> Path:
        """The same root as an ext4 image plus a kiosk drop-in that exits 1 (bundle.sh takes ready images)."""
        ext4, dropin = self.work / "never-ready.ext4", self.work / "never-ready.conf"
        dropin.write_text(NEVER_READY, encoding="utf-8")
        script = (f'. "{HERE}/layout.sh"; size=$(root_size_mib "{self.rootfs}"); '
                  f'mke2fs -q -F -t ext4 -L PIETROOT -E lazy_itable_init=0,lazy_journal_init=0 -d "{self.rootfs}" '
                  f'"{ext4}" "${{size}}M"')
        subprocess.run(["nice", "-n", "15", "bash", "-c", script], check=True, timeout=1800)
        for request in ("mkdir /etc/systemd/system/pietura-kiosk.service.d",
                        f"write {dropin} /etc/systemd/system/pietura-kiosk.service.d/never-ready.conf"):
            subprocess.run(["debugfs", "-w", "-R", request, str(ext4)], check=True, capture_output=True, timeout=120)
        return ext4

    def make(self) -> None:
        """Both bundles, one after the other, in a thread while the first boot runs."""
        try:
            self.bundle(NEWER, f"{self.version}.1", self.rootfs)
            self.bundle(NEVER, f"{self.version}.2")
        except (subprocess.SubprocessError, OSError) as exc:
            self.say(f"bundle build failed: {exc}")

    def fill_stick(self, stick: Path, *names: str) -> None:
        """Put the named bundles onto the stick (waiting for their build). The stick is a fixed-size file
        QEMU has open read-only from power-on; the guest has it unmounted and drops its cached blocks
        before mounting it again (``blockdev --flushbufs``)."""
        end = time.monotonic() + 3600
        while not all((self.work / "bundles" / n).exists() for n in names):
            if time.monotonic() > end or not self.thread.is_alive():
                raise SystemExit(f"bundles {names} not built (see above)")
            time.sleep(10)
        folder = self.work / "stick"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        for n in names:
            os.link(self.work / "bundles" / n, folder / n)
        subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-L", "PIETSTICK", "-d", str(folder), str(stick)],
                       check=True, timeout=900)
