"""Identity on a read-only root: host name from the kiosk id, a machine id kept on the data partition and
handed to PID 1 on the kernel command line; first boot applies it; doctor checks it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from kiosk.provisioning import firstboot, identity, report
from kiosk.provisioning.checks import Host, Status, check_identity

REPO = Path(__file__).resolve().parents[3]
HOSTNAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
RUNNING = "3d1219c7c4c5404aaa1f6d2a48adfda4"
CMDLINE = (REPO / "image_build/boot/cmdline.txt").read_text()
GOOD = """
[site]
library_name = "Cēsu bibliotēka"
address = "Raunas iela 1"
kiosk_id = "cesis-01"
[gateway]
mode = "remote"
url = "https://gw.example.lv/api"
origin = "https://gw.example.lv"
enrolment_token = "one-time-token-123"
"""


def test_hostname_from_kiosk_id() -> None:
    assert identity.hostname_for("valmiera-01") == "pietura-valmiera-01"
    assert identity.hostname_for("Valmiera-01") == "pietura-valmiera-01"
    assert identity.hostname_for("pietura-riga-3") == "pietura-riga-3"  # not pietura-pietura-…
    assert identity.hostname_for("cēsis 01!") == "pietura-c-sis-01"
    assert identity.hostname_for("---") == "pietura"
    assert len(identity.hostname_for("a" * 40)) == 48


@given(st.text(max_size=120))
def test_any_kiosk_id_gives_a_valid_hostname(kiosk_id: str) -> None:
    name = identity.hostname_for(kiosk_id)
    assert HOSTNAME.match(name) and name.startswith("pietura"), name


def test_machine_id_format() -> None:
    assert identity.valid_machine_id(RUNNING)
    for bad in ("", "uninitialized", "0" * 32, RUNNING.upper(), RUNNING[:-1], RUNNING + "0"):
        assert not identity.valid_machine_id(bad), bad


def test_first_boot_keeps_the_running_id_and_later_provisioning_keeps_the_record(tmp_path: Path) -> None:
    etc_id = tmp_path / "machine-id"
    etc_id.write_text(RUNNING + "\n")  # PID 1's transient id, bind-mounted over the image's empty file
    first = identity.establish(tmp_path / "state", "cesis-01", etc_id)
    assert first == identity.Identity(RUNNING, "pietura-cesis-01", "cesis-01")
    assert json.loads((tmp_path / "state/identity.json").read_text())["machine_id"] == RUNNING
    assert (tmp_path / "state/identity.json").stat().st_mode & 0o777 == 0o600
    etc_id.write_text("0123456789abcdef0123456789abcdef\n")  # whatever this boot runs with …
    again = identity.establish(tmp_path / "state", "cesis-02", etc_id)
    assert again.machine_id == RUNNING and again.hostname == "pietura-cesis-02"  # … the record wins


def test_no_usable_running_id_makes_a_new_random_one(tmp_path: Path) -> None:
    etc_id = tmp_path / "machine-id"
    etc_id.write_text("uninitialized\n")
    made = identity.establish(tmp_path / "a", "x-1", etc_id)
    other = identity.establish(tmp_path / "b", "x-1", None)
    assert identity.valid_machine_id(made.machine_id) and identity.valid_machine_id(other.machine_id)
    assert made.machine_id != other.machine_id  # unique per device
    (tmp_path / "c").mkdir()
    (tmp_path / "c/identity.json").write_text('{"machine_id": "not-hex", "hostname": "h"}')
    assert identity.establish(tmp_path / "c", "x-1", None, new_id=lambda: "f" * 32).machine_id == "f" * 32


def test_cmdline_gets_both_arguments_once_and_keeps_the_rest() -> None:
    ident = identity.Identity(RUNNING, "pietura-cesis-01", "cesis-01")
    line = identity.cmdline_with(CMDLINE, ident)
    assert line.endswith("\n") and line.count("\n") == 1
    assert line.split()[: len(CMDLINE.split())] == CMDLINE.split()
    assert identity.cmdline_identity(line) == {"machine_id": RUNNING, "hostname": "pietura-cesis-01"}
    renamed = identity.cmdline_with(line, identity.Identity(RUNNING, "pietura-cesis-02", "cesis-02"))
    assert renamed.count("systemd.hostname=") == 1 and "systemd.hostname=pietura-cesis-02" in renamed
    assert identity.cmdline_with(line, ident) == line


def test_the_image_carries_no_identity() -> None:
    assert identity.cmdline_identity(CMDLINE) == {}
    customize = (REPO / "image_build/customize.sh").read_text()
    assert ': > "$root/etc/machine-id"' in customize  # empty: not first-boot semantics on a read-only root


def layout(tmp_path: Path) -> tuple[Path, Path]:
    boot, data = tmp_path / "boot", tmp_path / "data"
    boot.mkdir()
    data.mkdir()
    (boot / "kiosk.toml").write_text(GOOD, encoding="utf-8")
    (boot / "cmdline.txt").write_text(CMDLINE)
    return boot, data


def test_firstboot_applies_the_identity_now_and_for_the_next_boots(tmp_path: Path) -> None:
    boot, data = layout(tmp_path)
    etc_id = tmp_path / "machine-id"
    etc_id.write_text(RUNNING + "\n")
    names: list[str] = []
    remounts: list[bool] = []

    def enrol(tree, token, data_dir):
        return {"device_id": "dev-7"}

    outcome = firstboot.apply(boot, data, nm_dir=data / "nm", enrol=enrol, facts=lambda: {"version": "t"},
                              remount_boot=lambda p, rw: remounts.append(rw), machine_id_file=etc_id,
                              set_hostname=lambda n: names.append(n) or True)
    assert outcome.ok and outcome.hostname == "pietura-cesis-01" and names == ["pietura-cesis-01"]
    assert remounts == [True, False]  # cmdline.txt was written inside the read-write window
    assert identity.cmdline_identity((boot / "cmdline.txt").read_text()) == {
        "machine_id": RUNNING, "hostname": "pietura-cesis-01"}
    assert identity.load(data) == identity.Identity(RUNNING, "pietura-cesis-01", "cesis-01")
    # U-Boot (the A/B image) does not read cmdline.txt: boot.scr imports the same two from this file
    assert (boot / identity.BOOTARGS_NAME).read_text() == (
        f"pietura_args=systemd.machine_id={RUNNING} systemd.hostname=pietura-cesis-01\n")
    assert not identity.write_bootargs(boot, identity.load(data))  # unchanged: not rewritten
    shown = (data / report.REPORT_NAME).read_text() + (boot / firstboot.APPLIED_NAME).read_text()
    assert RUNNING not in shown and "one-time-token" not in shown  # machine id is confidential (machine-id(5))
    assert not list(boot.glob("*.new"))


def test_a_refused_file_changes_no_identity(tmp_path: Path) -> None:
    boot, data = layout(tmp_path)
    (boot / "kiosk.toml").write_text(GOOD.replace('"cesis-01"', '"bad id!"'), encoding="utf-8")
    names: list[str] = []
    outcome = firstboot.apply(boot, data, enrol=lambda *a: {}, remount_boot=lambda p, rw: None,
                              facts=lambda: {}, set_hostname=names.append)
    assert not outcome.ok and not outcome.applied and not names
    assert (boot / "cmdline.txt").read_text() == CMDLINE and identity.load(data) is None


def doctor_host(tmp_path: Path, running_id: str, running_name: str) -> Host:
    (tmp_path / "etc").mkdir(exist_ok=True)
    (tmp_path / "etc/machine-id").write_text(running_id + "\n")
    (tmp_path / "proc/sys/kernel").mkdir(parents=True, exist_ok=True)
    (tmp_path / "proc/sys/kernel/hostname").write_text(running_name + "\n")
    return Host(proc=tmp_path / "proc", etc=tmp_path / "etc", state_dir=tmp_path / "state")


def test_doctor_identity_line(tmp_path: Path) -> None:
    host = doctor_host(tmp_path, RUNNING, "pietura")
    assert check_identity(host).status is Status.WARN  # nothing recorded yet
    identity.establish(host.state_dir, "cesis-01", host.etc / "machine-id")
    line = check_identity(host)
    assert line.status is Status.WARN and "pietura-cesis-01" in line.hint  # cmdline not applied yet (no reboot)
    host = doctor_host(tmp_path, RUNNING, "pietura-cesis-01")
    assert check_identity(host).status is Status.OK
    host = doctor_host(tmp_path, "0123456789abcdef0123456789abcdef", "pietura-cesis-01")
    assert check_identity(host).status is Status.WARN
