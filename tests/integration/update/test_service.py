"""One update pass end to end on real parts: the gateway on loopback offers a bundle on the kiosk's channel
(signed poll), a loopback HTTP server serves it, RAUC checks it against the development keyring, then the
pass decides. `rauc install` and the reboot are the two steps replaced by recorders here: RAUC cannot write
a slot on a build host (no slots, no RAUC service); `make update-check` under QEMU is where they run."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from gateway.db import Database
from gateway.update_channels import BundleOffer, Channel, ChannelStore
from kiosk.update import engine
from kiosk.update.policy import Activity, QuietHour
from kiosk.update.service import UpdateService, session_running
from tests.fixtures.gateway import kiosk_client
from tests.integration.update.bundles import build_bundle, make_keys, make_rootfs

pytestmark = pytest.mark.skipif(shutil.which("rauc") is None, reason="needs rauc (make deps installs it)")


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def shelf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Bundles on a loopback static server: one signed with the kiosk's trusted key, one with another."""
    base = tmp_path_factory.mktemp("shelf")
    keys, other = make_keys(base / "keys", "Pietura test"), make_keys(base / "other", "Someone else")
    www = base / "www"
    www.mkdir()
    rootfs = make_rootfs(base / "rootfs", "build-9")
    for name, k in (("good", keys), ("foreign", other)):
        built = build_bundle(rootfs, k, www / f"{name}.raucb", version="2026.12.9")
        assert built.returncode == 0, built.stderr
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(www)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"ca": keys.ca, "www": www, "base_url": f"http://127.0.0.1:{server.server_address[1]}"}
    finally:
        server.shutdown()
        server.server_close()


def publish(local, shelf: dict, name: str) -> None:
    data = (shelf["www"] / f"{name}.raucb").read_bytes()
    db = Database(local.config.db_url)
    try:
        ChannelStore(db).publish(BundleOffer(Channel.STABLE, "pietura-rpi-arm64", "2026.12.9",
                                             f"{shelf['base_url']}/{name}.raucb", len(data),
                                             hashlib.sha256(data).hexdigest(), 1))
    finally:
        db.close()


def service(local, shelf: dict, state: Path, **kw) -> tuple[UpdateService, list]:
    calls: list = []
    svc = UpdateService(gateway=kiosk_client(local), state_dir=state, keyring=shelf["ca"],
                        compatible="pietura-rpi-arm64", running_version="2026.12.1", quiet=QuietHour(hour=3),
                        install=lambda path: (calls.append(("install", path.read_bytes()[:4])) or (True, "ok")),
                        reboot=lambda: calls.append(("reboot",)), **kw)
    return svc, calls


def test_pass_waits_for_the_citizen_then_installs_and_reboots_in_the_quiet_hour(local_gateway, shelf, tmp_path):
    publish(local_gateway, shelf, "good")
    busy = {"session": True}
    clock = {"now": dt.datetime(2026, 12, 6, 14, 0)}
    svc, calls = service(local_gateway, shelf, tmp_path,
                         activity=lambda: Activity(session_running=busy["session"]), clock=lambda: clock["now"])
    assert svc.run_once().code == "update_wait_session"
    assert calls == [] and (tmp_path / "update.raucb").exists()  # downloaded and checked, kept for later
    busy["session"] = False
    assert svc.run_once().code == "update_wait_quiet_hour"
    assert calls == [("install", b"hsqs")]  # the bundle starts with its squashfs payload
    assert engine.read_result(tmp_path).last_result == "update_installed"
    clock["now"] = dt.datetime(2026, 12, 7, 3, 20)
    busy["session"] = True
    assert svc.run_once().code == "update_wait_session"  # never reboot under a citizen
    busy["session"] = False
    assert svc.run_once().code == "update_reboot"
    assert calls[-1] == ("reboot",)


def test_pass_refuses_a_bundle_signed_by_another_key(local_gateway, shelf, tmp_path):
    publish(local_gateway, shelf, "foreign")
    svc, calls = service(local_gateway, shelf, tmp_path, activity=lambda: Activity(session_running=False))
    assert svc.run_once().code == "update_signature"
    assert calls == []
    assert not (tmp_path / "update.raucb").exists()
    assert engine.read_result(tmp_path).last_result == "update_signature"


def test_nothing_offered(local_gateway, shelf, tmp_path):
    svc, calls = service(local_gateway, shelf, tmp_path)
    assert svc.run_once().code == "update_current"


def test_session_state_file(tmp_path: Path) -> None:
    state = tmp_path / "session-state"
    assert session_running(state)  # unknown counts as running
    state.write_text("idle\n")
    assert not session_running(state)
    state.write_text("session\n")
    assert session_running(state)


def test_after_the_reboot_new_version_or_rollback(local_gateway, shelf, tmp_path):
    publish(local_gateway, shelf, "good")
    boot = {"id": "boot-1"}
    svc, calls = service(local_gateway, shelf, tmp_path, activity=lambda: Activity(session_running=False),
                         clock=lambda: dt.datetime(2026, 12, 7, 3, 10), boot_id=lambda: boot["id"])
    assert svc.run_once().code == "update_reboot"
    assert [c[0] for c in calls] == ["install", "reboot"]
    # the new slot never got READY: U-Boot's counter ran out and the old version boots again
    boot["id"] = "boot-2"
    rolled = svc.run_once()
    assert rolled.code == "update_rolled_back"
    assert engine.read_result(tmp_path).last_result == "update_rolled_back"
    assert [c[0] for c in calls] == ["install", "reboot"]  # the same version is not installed again
    # a kiosk that came up on the new version records it and is current
    state2 = tmp_path / "other"
    svc2, calls2 = service(local_gateway, shelf, state2, activity=lambda: Activity(session_running=False),
                           clock=lambda: dt.datetime(2026, 12, 7, 14, 0), boot_id=lambda: boot["id"])
    engine.write_result(state2, engine_status("2026.12.9", "boot-1"))
    svc2.running_version = "2026.12.9"
    assert svc2.run_once().code == "update_current"
    assert engine.read_result(state2).last_result == "update_running"
    assert calls2 == []


def engine_status(version: str, boot_id: str):
    from kiosk.update.policy import SlotStatus

    return SlotStatus("", version, engine.INSTALLED, "", boot_id)
