"""doctor's checks against fake /proc and /sys trees, the real printer driver + emulator, fake probes."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
from collections import namedtuple
from email.utils import formatdate
from pathlib import Path

import pytest

from kiosk.provisioning import checks, doctor
from kiosk.provisioning.checks import Host, Status

Usage = namedtuple("Usage", "total used free")
NOW = 1_790_000_000.0


def host(tmp_path: Path, config: dict | None = None) -> Host:
    for d in ("proc/bus/input", "sys/class/drm", "run", "state"):
        (tmp_path / d).mkdir(parents=True, exist_ok=True)
    (tmp_path / "proc/mounts").write_text("/dev/mmcblk0p2 / ext4 ro,noatime 0 0\nproc /proc proc rw 0 0\n")
    (tmp_path / "proc/bus/input/devices").write_text("")
    return Host.from_mapping(config or {}, config_path=tmp_path / "kiosk.toml", proc=tmp_path / "proc",
                sys=tmp_path / "sys", run=tmp_path / "run", state_dir=tmp_path / "state",
                clock=lambda: NOW, timeout=2.0)


def test_display_picks_connected_connector_and_single_touch(tmp_path: Path) -> None:
    h = host(tmp_path)
    for name, status in {"card0-Writeback-1": "connected", "card1-HDMI-A-1": "connected"}.items():
        (h.sys / "class/drm" / name).mkdir()
        (h.sys / "class/drm" / name / "status").write_text(status + "\n")
    (h.proc / "bus/input/devices").write_text(
        'I: Bus=0003\nN: Name="vc4-hdmi"\nB: EV=3\n\n'
        'I: Bus=0003\nN: Name="ILITEK Multi-Touch"\nB: EV=b\nB: ABS=260800000000003\n\n')
    display, touch = checks.check_display(h)
    assert display.status is Status.OK and display.detail == "connected: card1-HDMI-A-1"
    assert touch.status is Status.OK and touch.detail == "ILITEK Multi-Touch"


def test_no_display_and_no_touch_fail_with_hints(tmp_path: Path) -> None:
    display, touch = checks.check_display(host(tmp_path))
    assert display.status is Status.FAIL and "cable" in display.hint
    assert touch.status is Status.FAIL


def test_readonly_root_time_sync_and_free_space(tmp_path: Path) -> None:
    h = host(tmp_path)
    assert checks.check_readonly_root(h).status is Status.OK
    (h.proc / "mounts").write_text("/dev/root / ext4 rw,relatime 0 0\n")
    assert checks.check_readonly_root(h).status is Status.WARN
    assert checks.check_time_sync(h).status is Status.WARN
    (h.run / "systemd/timesync").mkdir(parents=True)
    (h.run / "systemd/timesync/synchronized").touch()
    assert checks.check_time_sync(h).status is Status.OK
    assert checks.check_free_space(h, lambda p: Usage(1000, 990, 10)).status is Status.FAIL
    assert checks.check_free_space(h, lambda p: Usage(1000, 950, 50)).status is Status.WARN
    assert checks.check_free_space(h, lambda p: Usage(1000, 500, 500)).status is Status.OK


def test_outbox_depth_from_the_real_outbox(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from kiosk.backend.client import SubmissionReceipt
    from kiosk.backend.envelope import EnvelopeHeader
    from kiosk.backend.outbox import Outbox
    h = host(tmp_path, {"storage": {"data_dir": str(tmp_path / "data")}})
    assert checks.check_outbox(h).detail.startswith("no outbox")
    (tmp_path / "data").mkdir()
    with Outbox(tmp_path / "data/outbox.sqlite", X25519PrivateKey.generate().public_key()) as outbox:
        header = EnvelopeHeader("svc", "1", dt.datetime(2026, 11, 26, tzinfo=dt.UTC), "s-1")
        for key in ("key-0001", "key-0002", "key-0003"):
            outbox.enqueue(key, header, b"{}")
        outbox.mark_delivered("key-0003", SubmissionReceipt("R-1", "ABC", "received", "https://gw/s"))
    result = checks.check_outbox(h)
    assert result.status is Status.WARN and result.detail.startswith("2 submission"), result


@pytest.mark.parametrize(("faults", "expected"), [((), Status.OK), (("paper_out",), Status.FAIL),
                                                  (("cover_open",), Status.FAIL)])
def test_printer_check_through_driver_and_emulator(tmp_path: Path, faults: tuple[str, ...],
                                                   expected: Status) -> None:
    h = host(tmp_path, {"printer": {"preset": "generic-80", "transport": "emulator",
                                    "emulator": {"faults": list(faults)}}})
    result = checks.check_printer(h)
    assert result.status is expected, result
    if faults:
        assert faults[0].split("_")[0] in result.detail or "cover" in result.detail


def test_printer_settings_problem_is_a_fail_line(tmp_path: Path) -> None:
    result = checks.check_printer(host(tmp_path, {"printer": {"preset": "no-such-printer"}}))
    assert result.status is Status.FAIL and "Fix [printer]" in result.hint


class FakeConnection:
    def __init__(self, atr: bytes | None):
        self.atr = atr

    def connect(self) -> None:
        if self.atr is None:
            raise RuntimeError("no card")

    def getATR(self) -> list[int]:
        return list(self.atr or b"")

    def disconnect(self) -> None:
        pass


class FakeReader:
    def __init__(self, name: str, atr: bytes | None):
        self.name, self.atr = name, atr

    def __str__(self) -> str:
        return self.name

    def createConnection(self) -> FakeConnection:
        return FakeConnection(self.atr)


def test_card_reader_lines(tmp_path: Path) -> None:
    h = host(tmp_path)
    lines = checks.check_card_reader(h, lambda: [FakeReader("ACS ACR39U 00 00", bytes.fromhex("3bdb9600"))])
    assert [c.status for c in lines] == [Status.OK] * 3
    assert lines[2].detail == "card present, ATR 3B DB 96 00"
    lines = checks.check_card_reader(h, lambda: [])
    assert lines[1].status is Status.FAIL
    lines = checks.check_card_reader(host(tmp_path, {"card_reader": {"reader": "Gemalto"}}),
                                     lambda: [FakeReader("ACS ACR39U", None)])
    assert lines[1].status is Status.WARN and lines[2].detail.startswith("no card")


def test_pcscd_down_is_a_fail_with_the_fix(tmp_path: Path) -> None:
    def boom() -> list:
        raise OSError("no pcscd")
    (line,) = checks.check_card_reader(host(tmp_path), boom)
    assert line.status is Status.FAIL and "pcscd.socket" in line.hint


class FakeResponse:
    def __init__(self, date: str | None, status: int = 200):
        self.status_code, self.headers = status, {"Date": date} if date else {}


def test_gateway_clock_skew_and_enrolment(tmp_path: Path) -> None:
    cfg = {"gateway": {"url": "https://gw.example.lv", "device_id": "dev-1",
                       "device_key_file": str(tmp_path / "key.pem")}}
    h = host(tmp_path, cfg)
    calls = []

    def get(url, timeout, verify):
        calls.append((url, verify))
        return FakeResponse(formatdate(NOW - 400, usegmt=True))
    gw, clock, enrol = checks.check_gateway(h, get)
    assert calls == [("https://gw.example.lv/v1/catalogue", True)]
    assert gw.status is Status.OK and clock.status is Status.FAIL and "+400 s" in clock.detail
    assert enrol.status is Status.FAIL and "missing" in enrol.detail
    (tmp_path / "key.pem").write_text("k")
    _, clock, enrol = checks.check_gateway(h, lambda *a, **k: FakeResponse(formatdate(NOW - 5, usegmt=True)))
    assert clock.status is Status.OK and enrol.status is Status.OK


def test_unreachable_gateway(tmp_path: Path) -> None:
    def get(*a, **k):
        raise ConnectionError("refused")
    (line,) = checks.check_gateway(host(tmp_path, {"gateway": {"url": "https://gw"}}), get)
    assert line.status is Status.FAIL and "network" in line.hint


def test_doctor_json_and_exit_code(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('[printer]\npreset = "generic-80"\ntransport = "emulator"\n')
    args = argparse.Namespace(config=cfg, state_dir=tmp_path, json=True, timeout=2.0, only=["printer"])
    out = io.StringIO()
    assert doctor.run(args, out) == 0
    data = json.loads(out.getvalue())
    assert data["ok"] is True and [c["name"] for c in data["checks"]] == ["printer"]
    args.only, args.json = ["printer", "gateway"], False
    out = io.StringIO()
    assert doctor.run(args, out) == 1  # no gateway URL: FAIL
    assert "FAIL  gateway" in out.getvalue() and "→ Set [gateway] url" in out.getvalue()


def test_a_crashing_probe_is_one_fail_line_not_a_crash(tmp_path: Path) -> None:
    h = host(tmp_path)
    (h.proc / "mounts").unlink()  # e.g. a chroot without /proc

    def no_readers() -> list:
        return []
    results = checks.run_all(h, list_readers=no_readers, get=lambda *a, **k: FakeResponse(None),
                             open_printer=lambda s: (_ for _ in ()).throw(OSError("gone")))
    root = [c for c in results if c.name == "root_fs"]
    assert len(root) == 1 and root[0].status is Status.FAIL and "crashed" in root[0].detail
    assert {"config", "pcscd", "printer", "display", "touch", "outbox"} <= {c.name for c in results}


def test_emulated_card_is_really_exercised(tmp_path: Path) -> None:
    h = host(tmp_path, {"card_reader": {"mode": "emulated", "emulated_variant": "lv-ec"}})
    (line,) = checks.check_card_reader(h)
    assert line.status is Status.WARN and "answers (ATR 3B" in line.detail and "SW 9000" in line.detail, line
    bad = host(tmp_path, {"card_reader": {"mode": "emulated", "emulated_variant": "xx"}})
    assert "card_reader.emulated_variant" in {i.path for i in bad.problems}
    bad.config_path.write_text('[card_reader]\nmode = "emulated"\nemulated_variant = "xx"\n')
    config = checks.check_config(bad)  # the bad value is the config line's FAIL; the card line uses the default
    assert config.status is Status.FAIL and "card_reader.emulated_variant" in config.detail
