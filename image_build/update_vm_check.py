"""The Linux half of ``make update-check``: the full image under ``qemu-system-aarch64`` (TCG) through Debian's
``u-boot-qemu`` and the image's own ``boot.scr``, updated with real RAUC bundles (on demand, slow, not CI).

Steps (each needs the one before; the first failure ends the run):

1. first boot of a copy of ``out/image/pietura-full.img`` provisioned with an enrolment token for a real
   gateway on the host (``vm_gateway.py``: PostgreSQL and the gateway over TLS, reached at 10.0.2.2 through
   QEMU's user-mode network): U-Boot picks slot A, first boot enrols the kiosk, the kiosk reports READY,
   ``pietura-update-good.service`` marks A good (RAUC resets ``BOOT_A_LEFT``); the outbox service runs
   without restarts; after a heartbeat the gateway's fleet data and page show slot A; a citizen's exFAT
   stick is plugged in and pulled out while the kiosk runs (``vm_stick.py``: udev, ``pietura-stick@``,
   exfat-fuse, the kiosk's adapter in its unit's namespace writing an ``.edoc``; ``--only-stick`` stops here);
2. ``kioskctl update install`` of a bundle of a newer version (``bundle.sh`` with a bumped ``--version``)
   from a second disk (the technician's stick) → RAUC switches ``BOOT_ORDER`` to B; reboot → slot B boots,
   READY, marked good, RAUC reports B booted with the new version; the fleet page shows slot B running it;
3. power loss mid-install: ``rauc install`` into A, QEMU killed while RAUC writes A → slot B boots again,
   READY, marked good, A not bootable;
4. a bundle whose kiosk never reaches READY (the same root with a drop-in whose ``ExecStart`` exits 1) →
   installed into A, reboot: A boots three times, the kiosk unit fails until systemd's
   ``StartLimitAction=reboot`` reboots, the boot counter runs out and slot B boots again, READY, good;
   ``kioskctl update status``, the heartbeat and, after it is sent, the gateway's fleet data and the fleet
   page say ``update_rolled_back`` (slot B, the never-READY version).

The guest is driven over its serial console (``vm_console.py``): ``pietura-bootargs.env`` on the FAT
partition (the file first boot writes and ``boot.scr`` appends to the kernel command line) gets
``systemd.debug_shell=ttyAMA0`` (a root shell on the serial console), the systemd status lines and the
journal on the console. After first boot rewrote that file with the identity, step 1 appends the same
arguments again in the guest. Everything else is the image as built: U-Boot environment, RAUC, units.

    sudo python3 image_build/update_vm_check.py --keys out/devkeys [--image …] [--rootfs …] [--work DIR]

Needs qemu-system-arm, u-boot-qemu, rauc, squashfs-tools, mtools, e2fsprogs, openssl, exfatprogs, exfat-fuse (PostgreSQL 15 if
installed, else the gateway uses SQLite) and a full build
(``make image UPDATE_KEYRING=out/devkeys/ca.pem``; its root tree ``out/image/work-full/rootfs``).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from vm_bundles import NEVER, NEWER, Bundles  # noqa: E402
from vm_console import UBOOT, Vm, VmTimeout  # noqa: E402
from vm_gateway import VmGateway  # noqa: E402
from vm_stick import TOOLS as STICK_TOOLS  # noqa: E402
from vm_stick import ExfatStick  # noqa: E402

from kiosk.provisioning.imagefile import read_mbr  # noqa: E402

BASE_TOML = """[site]
library_name = "VM"
address = "-"
[card_reader]
mode = "emulated"
emulated_variant = "lv-ec"
[printer]
preset = "generic-80"
transport = "emulator"
[gateway]
mode = "remote"
"""
KIOSK_ID = "vm-01"
HOST = "pietura-vm-01"
# the shell alone reads the serial console; device timeouts for TCG: with the host's cores shared, udev
# started 330 s into a boot and the data partition's 90 s device timeout had run out (emergency mode)
VM_ARGS = ("systemd.show_status=1 systemd.journald.forward_to_console=1 systemd.debug_shell=ttyAMA0 "
           "systemd.mask=serial-getty@ttyAMA0.service systemd.default_device_timeout_sec=1200")
BOOT_TIMEOUT_S = 1200.0  # power-on to the slot marked good; about 3 min on 2 loaded cores under TCG
INSTALL_TIMEOUT_S = 2700.0
TOOLS = ("qemu-system-aarch64", "rauc", "mksquashfs", "mcopy", "mke2fs", "debugfs")
READY = r"Started pietura-kiosk\.service"
GOOD = r"(Finished|Failed to start|Dependency failed for) pietura-update-good\.service"
CONFIG = "--config /var/lib/pietura/kiosk.toml"
STICK_BYTES = 6 << 30
STICK = "/dev/disk/by-id/virtio-PIETSTICK"
MOUNT_STICK = (f"mkdir -p /run/stick; mountpoint -q /run/stick || (blockdev --flushbufs {STICK} && "
               f"mount -o ro {STICK} /run/stick)")


class Check:
    def __init__(self, work: Path, image: Path, rootfs: Path, packages: Path, keys: Path,
                 only_stick: bool = False):
        self.work, self.image, self.rootfs, self.packages, self.keys = work, image, rootfs, packages, keys
        self.only_stick = only_stick
        self.disk, self.stick, self.log = work / "disk.img", work / "stick.img", work / "console.log"
        self.failures: list[str] = []
        self.gateway = VmGateway(work)
        self.started = time.monotonic()
        stamp = work / "version"  # the bundles' base version, kept with the bundles a later run reuses
        if stamp.exists() and image.exists() and stamp.stat().st_mtime < image.stat().st_mtime:  # newer image
            shutil.rmtree(work / "bundles", ignore_errors=True)
            stamp.unlink()
        if not stamp.exists():
            stamp.write_text(time.strftime("%Y.%m.%d.%H%M", time.gmtime()), encoding="ascii")
        self.version = stamp.read_text(encoding="ascii").strip()
        self.bundles = Bundles(work, rootfs, packages, keys, self.version, self.say)

    def say(self, text: str) -> None:
        print(f"[{time.monotonic() - self.started:6.0f}s] {text}", flush=True)

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        print(f"{'OK  ' if ok else 'FAIL'}  {name}{': ' + detail if detail else ''}", flush=True)
        if not ok:
            self.failures.append(name)
        return ok

    # --- on the host ---------------------------------------------------------------------------------------
    def prepare(self) -> None:
        self.bundles.start()
        with open(self.stick, "wb") as fh:  # the stick's size is fixed at power-on; its file system comes later
            fh.truncate(STICK_BYTES)
        subprocess.run(["cp", "--sparse=always", str(self.image), str(self.disk)], check=True, timeout=600)
        base = self.work / "base.toml"
        base.write_text(BASE_TOML, encoding="utf-8")
        self.gateway.start()
        self.say(f"gateway on the host: {self.gateway.url} (TLS, {self.gateway.db_kind}), fleet page token set")
        token = self.gateway.enrolment_token(KIOSK_ID)  # kiosk-gateway admin enrol-token, as a technician
        proc = subprocess.run([sys.executable, "-m", "kiosk.provisioning.cli", "provision", "--image", str(self.disk),
                               "--from", str(base), "--kiosk-id", KIOSK_ID, "--gateway-url", self.gateway.url,
                               "--gateway-ca", str(self.gateway.ca), "--enrolment-token", token],
                              cwd=REPO, capture_output=True, text=True, timeout=300)
        if not self.check("card provisioned (kioskctl provision --image)", proc.returncode == 0,
                          (proc.stdout + proc.stderr).strip()[-300:]):
            raise SystemExit(1)
        args = self.work / "pietura-bootargs.env"
        args.write_text(f"pietura_args={VM_ARGS}\n", encoding="ascii")
        fat = f"{self.disk}@@{read_mbr(self.disk)[0].start}"
        subprocess.run(["mcopy", "-o", "-i", fat, str(args), "::pietura-bootargs.env"], check=True, timeout=60,
                       env={"MTOOLS_SKIP_CHECK": "1", "PATH": "/usr/bin:/bin"})

    # --- in the guest ---------------------------------------------------------------------------------------
    def boot(self, vm: Vm, slot: str, since: int, ready: bool = True) -> int:
        """Wait for U-Boot to pick ``slot``, then (``ready``) for READY and the mark-good unit; the console
        position after it."""
        picked = vm.expect(rf"pietura: slot {slot}, (\d) tries left", BOOT_TIMEOUT_S, since)
        t0 = vm.elapsed()
        if not ready:
            return since + picked.end()
        at = since + picked.end()
        vm.expect(READY, BOOT_TIMEOUT_S, at)
        t_ready = vm.elapsed()
        good = vm.expect(GOOD, 600, at)
        self.check(f"slot {slot} booted, READY and marked good", good.group(1) == "Finished",
                   f"U-Boot picked it at {t0:.0f} s, READY at {t_ready:.0f} s, {good.group(0)} at {vm.elapsed():.0f} s")
        time.sleep(5)  # let the debug shell settle behind the boot messages
        return vm.mark()

    def rauc(self, vm: Vm) -> dict:
        rc, out = vm.sh("printf '@@J%s@@\\n' \"$(rauc status --detailed --output-format=json 2>/dev/null)\"")
        found = re.search(r"@@J(\{.*\})@@", out)
        try:
            return json.loads(found.group(1)) if found else {}
        except ValueError:
            return {}

    def env(self, vm: Vm) -> dict[str, str]:
        rc, out = vm.sh("printf '@@E%s@@\\n' \"$(fw_printenv BOOT_ORDER BOOT_A_LEFT BOOT_B_LEFT | tr '\\n' ';')\"")
        found = re.search(r"@@E([^%@]*=[^@]*)@@", out)  # not the echoed printf format
        pairs = [kv.split("=", 1) for kv in (found.group(1) if found else "").split(";") if "=" in kv]
        return {k: v for k, v in pairs}

    @staticmethod
    def slots(status: dict) -> dict[str, dict]:
        """bootname → {state, boot_status, version} from ``rauc status --detailed --output-format=json``."""
        found: dict[str, dict] = {}
        for entry in status.get("slots", []):
            for slot in entry.values():
                bundle = (slot.get("slot_status") or {}).get("bundle") or {}
                found[slot.get("bootname", "?")] = {"state": slot.get("state"), "boot_status": slot.get("boot_status"),
                                                    "version": bundle.get("version", "")}
        return found

    def report(self, vm: Vm, label: str) -> tuple[dict, dict]:
        status, env = self.rauc(vm), self.env(vm)
        self.say(f"{label}: rauc booted={status.get('booted')} slots={self.slots(status)} env={env}")
        return status, env

    def rolled_back_shown(self, vm: Vm) -> None:
        """What the technician's status and the heartbeat (the fleet page's source) say after the rollback."""
        rc, out = vm.sh(f"printf '@@S%s@@\\n' \"$(kioskctl update status --json {CONFIG})\"")
        found = re.search(r"@@S(\{.*\})@@", out)
        status = json.loads(found.group(1)) if found else {}
        self.say(f"kioskctl update status: {status or out.strip()[-300:]}")
        self.check("kioskctl update status: slot B, the never-READY version rolled back",
                   status.get("slot") == "B" and status.get("last_result") == "update_rolled_back"
                   and status.get("last_version") == f"{self.version}.2", str(status))
        rc, out = vm.sh(f"kioskctl heartbeat --print {CONFIG} | tr -d '\\n' | sed 's/^/@@H/; s/$/@@/'")
        found = re.search(r"@@H(\{.*\})@@", out)
        beat = json.loads(found.group(1)) if found else {}
        fields = {k: v for k, v in beat.items() if k.startswith("update.")}
        self.say(f"kioskctl heartbeat --print: {fields or out.strip()[-300:]}")
        self.check("the heartbeat reports the rollback (update.result, update.slot)",
                   fields.get("update.result") == "update_rolled_back" and fields.get("update.slot") == "B",
                   str(fields))

    def fleet_shows(self, vm: Vm, label: str, slot: str, result: str, version: str, words: str) -> None:
        """The system heartbeat (the unit its timer starts) sent now; then the gateway's fleet data for the
        kiosk and its card on the fleet page must show ``slot`` and the last update ``result``."""
        rc, out = vm.sh("systemctl start pietura-heartbeat.service", 300)
        kiosk = self.gateway.kiosk(KIOSK_ID)
        seen = (kiosk.slot, kiosk.update_result, kiosk.update_version) if kiosk else None
        card = self.gateway.card(KIOSK_ID)
        self.say(f"fleet page, {label}: {card[:300]}")
        self.check(f"{label}: the gateway's fleet data says slot {slot}, {result or 'no update yet'}",
                   rc == 0 and seen == (slot, result, version), f"heartbeat exit {rc}, fleet {seen}")
        self.check(f"{label}: the fleet page's card says so", f"slot {slot}" in card and words in card, card[-200:])

    def install(self, vm: Vm, bundle: str) -> tuple[int, str]:
        vm.sh(f"systemctl stop pietura-kiosk.service; {MOUNT_STICK}")
        t0 = vm.elapsed()
        rc, out = vm.sh(f"kioskctl update install {CONFIG} /run/stick/{bundle}", INSTALL_TIMEOUT_S)
        self.say(f"kioskctl update install {bundle}: exit {rc} after {vm.elapsed() - t0:.0f} s: "
                 + " ".join(out.split())[-200:])
        return rc, out

    def run(self) -> int:
        try:
            return self.steps()
        finally:
            self.gateway.stop()

    def steps(self) -> int:
        self.prepare()
        self.say("power on (1): a fresh card")
        vm = Vm(self.disk, self.log, self.stick, network=True)
        try:
            at = self.boot(vm, "A", 0)
            applied = re.search(r"firstboot: (applied[^\n]*)", vm.text())
            self.check("first boot applied kiosk.toml and enrolled at the gateway", applied is not None
                       and HOST in applied.group(1) and "enrolment: enrolled as" in applied.group(1)
                       and self.gateway.kiosk(KIOSK_ID) is not None, applied.group(1)[:160] if applied else "")
            rc, out = vm.sh("systemctl show -p ActiveState -p NRestarts -p StatusText pietura-outbox.service "
                            "| tr '\\n' ' '")
            self.check("the outbox service runs (enrolled), never restarted", "ActiveState=active" in out
                       and "NRestarts=0" in out, " ".join(out.split())[-160:])
            self.fleet_shows(vm, "first boot", "A", "", "", "slot A")
            status, env = self.report(vm, "first boot")
            self.check("first boot: RAUC sees slot A booted and good, BOOT_A_LEFT back to 3",
                       status.get("booted") == "A" and env.get("BOOT_A_LEFT") == "3", str(env))
            rc, out = vm.sh(f"grep -q systemd.machine_id= /boot/firmware/pietura-bootargs.env && "
                            f"sed -i 's/$/ {VM_ARGS}/' /boot/firmware/pietura-bootargs.env && "
                            "cat /boot/firmware/pietura-bootargs.env")
            self.check("first boot wrote the identity into pietura-bootargs.env (VM arguments appended)", rc == 0,
                       " ".join(out.split())[:200])
            ExfatStick(self.work, self.check, self.say).run(vm)
            if self.only_stick:
                return self.verdict()

            self.bundles.fill_stick(self.stick, NEWER)
            rc, _ = self.install(vm, NEWER)
            status, env = self.report(vm, "after installing the newer bundle")
            self.check("newer bundle installed into B: BOOT_ORDER starts with B, 3 tries",
                       rc == 0 and env.get("BOOT_ORDER", "").startswith("B") and env.get("BOOT_B_LEFT") == "3")
            at = vm.mark()
            vm.send("systemctl reboot")
            at = self.boot(vm, "B", at)
            status, env = self.report(vm, "after the reboot")
            slots = self.slots(status)
            self.check("slot B runs the newer version, good; B's tries back to 3",
                       status.get("booted") == "B" and slots.get("B", {}).get("version") == f"{self.version}.1"
                       and slots.get("B", {}).get("boot_status") == "good" and env.get("BOOT_B_LEFT") == "3")
            self.fleet_shows(vm, "newer bundle marked good", "B", "update_running", f"{self.version}.1",
                             f"running {self.version}.1")
            rc, out = vm.sh("echo \"host=$(hostname) id=$(cat /etc/machine-id) journal=$(ls /var/log/journal | "
                            "tr '\\n' ,)\"")
            found = re.search(r"host=(\S*) id=([0-9a-f]*) journal=(\S*)", out)
            self.check("the second boot has the host name first boot recorded and one journal folder on /data",
                       found is not None and found.group(1) == HOST and found.group(3) == found.group(2) + ",",
                       found.group(0) if found else out.strip()[-200:])

            vm.sh(f"systemctl stop pietura-kiosk.service; {MOUNT_STICK}")
            at = vm.mark()
            vm.send(f"rauc install /run/stick/{NEWER} &")
            try:
                copying = vm.expect(r"\d+% Copying image to rootfs\.0", 1200, at)
                self.say(f"RAUC: {copying.group(0)}")
            except VmTimeout as exc:
                self.check("RAUC reports writing slot A", False, str(exc))
            time.sleep(20)
            _, env = self.report(vm, "RAUC writing slot A")
            self.check("while RAUC writes A, A is not bootable", env.get("BOOT_A_LEFT") == "0"
                       or "A" not in env.get("BOOT_ORDER", "A").split(), str(env))
            self.say("power cut (QEMU killed) while RAUC writes slot A")
            vm.kill()
            vm = Vm(self.disk, self.log, self.stick, network=True)
            self.say("power on (2)")
            at = self.boot(vm, "B", 0)
            status, env = self.report(vm, "after the power loss")
            self.check("after the power loss the old slot B runs", status.get("booted") == "B")

            self.bundles.fill_stick(self.stick, NEWER, NEVER)  # the guest has not mounted the stick since the power loss
            rc, _ = self.install(vm, NEVER)
            self.check("never-READY bundle installed into A", rc == 0)
            at = vm.mark()
            vm.send("systemctl reboot")
            for left in (2, 1, 0):
                start = self.boot(vm, "A", at, ready=False)
                tries = re.findall(r"pietura: slot A, (\d) tries left", vm.text(at))
                nxt = vm.expect(r"pietura: slot [AB], \d tries left", BOOT_TIMEOUT_S, start)
                between = vm.text(start)[: nxt.start()]
                self.check(f"slot A try ({left} left): the kiosk never READY, systemd reboots",
                           tries[:1] == [str(left)] and re.search(READY, between) is None
                           and "pietura-kiosk.service: Start request repeated too quickly" in between,
                           f"next boot at {vm.elapsed():.0f} s")
                at = start + nxt.start()
            at = self.boot(vm, "B", at)
            status, env = self.report(vm, "after the rollback")
            self.check("boot counter ran out: the old slot B runs again", status.get("booted") == "B")
            self.rolled_back_shown(vm)
            self.fleet_shows(vm, "after the rollback", "B", "update_rolled_back", f"{self.version}.2",
                             f"{self.version}.2 did not come up, rolled back to the previous slot")
        except VmTimeout as exc:
            self.check("console", False, str(exc))
        finally:
            vm.kill()
        return self.verdict()

    def verdict(self) -> int:
        self.say(f"console log: {self.log}")
        print("update check (Linux) passed" if not self.failures else
              "update check (Linux) FAILED: " + "; ".join(self.failures))
        return 1 if self.failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--image", type=Path, default=REPO / "out/image/pietura-full.img")
    parser.add_argument("--rootfs", type=Path, default=REPO / "out/image/work-full/rootfs")
    parser.add_argument("--packages", type=Path, default=REPO / "out/image/pietura-full.manifest.txt")
    parser.add_argument("--keys", type=Path, default=REPO / "out/devkeys",
                        help="devkey.sh's folder: the image's UPDATE_KEYRING must be its ca.pem")
    parser.add_argument("--work", type=Path, help="work folder (kept; bundles already in WORK/stick are reused)")
    parser.add_argument("--only-stick", action="store_true",
                        help="first boot and the exFAT stick only (step 1), without the updates")
    args = parser.parse_args()
    missing = [t for t in TOOLS + STICK_TOOLS if shutil.which(t) is None] + ([] if UBOOT.is_file() else [str(UBOOT)])
    missing += [str(p) for p in (args.image, args.rootfs, args.packages, args.keys / "ca.pem") if not p.exists()]
    keyring = args.rootfs / "etc/rauc/keyring.pem"
    if not missing and keyring.read_bytes() != (args.keys / "ca.pem").read_bytes():
        missing.append(f"an image built with UPDATE_KEYRING={args.keys / 'ca.pem'} (its {keyring} differs)")
    if missing:
        print("update_vm_check needs: " + ", ".join(missing), file=sys.stderr)
        return 2
    work = args.work or Path(tempfile.mkdtemp(prefix="pietura-update-vm-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"work folder: {work}", flush=True)
    return Check(work, args.image, args.rootfs, args.packages, args.keys, args.only_stick).run()


if __name__ == "__main__":
    sys.exit(main())
