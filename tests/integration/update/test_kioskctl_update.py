"""`kioskctl update` with real RAUC bundles: check reports the code and words, install refuses a foreign or
cut bundle and a running kiosk before RAUC is asked to write anything, status shows the last result."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from kiosk.provisioning import cli
from kiosk.provisioning import update as update_cmd
from tests.integration.update.bundles import build_bundle, make_keys, make_rootfs

pytestmark = pytest.mark.skipif(shutil.which("rauc") is None, reason="needs rauc (make deps installs it)")


@pytest.fixture(scope="module")
def stick(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A 'USB stick' folder with a good bundle and one signed by someone else."""
    base = tmp_path_factory.mktemp("stick")
    keys = make_keys(base / "keys", "Pietura test")
    other = make_keys(base / "other", "Someone else")
    rootfs = make_rootfs(base / "rootfs", "build-3")
    for name, k in (("good", keys), ("foreign", other)):
        built = build_bundle(rootfs, k, base / f"{name}.raucb", version="2026.12.3")
        assert built.returncode == 0, built.stderr
    return {"base": base, "ca": keys.ca, "good": base / "good.raucb", "foreign": base / "foreign.raucb"}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, str]]:
    code = cli.main(["update", *argv, "--json"])
    return code, json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_check_good_bundle(stick, capsys) -> None:
    code, out = run(capsys, "check", str(stick["good"]), "--keyring", str(stick["ca"]), "--payload")
    assert code == 0
    assert out["code"] == "update_ok"
    assert out["version"] == "2026.12.3"
    assert out["lv"] and out["en"]


def test_check_foreign_bundle(stick, capsys) -> None:
    code, out = run(capsys, "check", str(stick["foreign"]), "--keyring", str(stick["ca"]))
    assert code == 1
    assert out["code"] == "update_signature"


def test_check_other_board(stick, capsys) -> None:
    code, out = run(capsys, "check", str(stick["good"]), "--keyring", str(stick["ca"]),
                    "--compatible", "pietura-other-board")
    assert (code, out["code"]) == (1, "update_compatible")


def test_install_refuses_a_cut_bundle_and_records_it(stick, capsys, tmp_path: Path) -> None:
    cut = tmp_path / "cut.raucb"
    cut.write_bytes(stick["good"].read_bytes()[:5000])
    state = tmp_path / "state"
    code, out = run(capsys, "install", str(cut), "--keyring", str(stick["ca"]), "--state-dir", str(state),
                    "--config", str(tmp_path / "none.toml"))
    assert (code, out["code"]) == (1, "update_corrupt")
    code, status = run(capsys, "status", "--state-dir", str(state))
    assert code == 0
    assert status["last_result"] == "update_corrupt"


def test_install_refuses_while_the_kiosk_runs(stick, capsys, tmp_path: Path) -> None:
    parser = cli.build_parser()
    args = parser.parse_args(["update", "install", str(stick["good"]), "--keyring", str(stick["ca"]),
                              "--state-dir", str(tmp_path), "--config", str(tmp_path / "none.toml"), "--json"])
    code = update_cmd.run_install(args, states=lambda units: dict.fromkeys(units, "active"))
    assert code == 1
    assert json.loads(capsys.readouterr().out)["code"] == "update_wait_session"


def test_activity_reads_the_real_outbox(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from kiosk.backend.client import SubmissionReceipt
    from kiosk.backend.envelope import EnvelopeHeader
    from kiosk.backend.outbox import Outbox

    data = tmp_path / "data"
    data.mkdir()
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[storage]\ndata_dir = "{data}"\n', encoding="utf-8")
    with Outbox(data / "outbox.sqlite", X25519PrivateKey.generate().public_key()) as outbox:
        header = EnvelopeHeader("svc", "1", dt.datetime(2026, 11, 26, tzinfo=dt.UTC), "s-1")
        for key in ("key-0001", "key-0002", "key-0003"):
            outbox.enqueue(key, header, b"{}")
        outbox.mark_delivered("key-0003", SubmissionReceipt("R-1", "ABC", "received", "https://gw/s"))
    got = update_cmd.activity(config, tmp_path, lambda units: dict.fromkeys(units, "inactive"))
    assert (got.session_running, got.outbox_pending, got.outbox_durable) == (False, 2, True)


def test_the_update_service_reads_the_kiosk_apps_session_state(tmp_path: Path) -> None:
    from kiosk.provisioning.checks import Host
    from kiosk.runtime.session_state import Presence, SessionStateFile

    word = tmp_path / "run" / "session-state"
    word.parent.mkdir()
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[storage]\ndata_dir = "{tmp_path}"\n[update]\nsession_state = "{word}"\n', encoding="utf-8")
    host = Host.from_file(config, state_dir=tmp_path)
    assert update_cmd.service_activity(host).session_running  # nothing written yet: counts as a session
    SessionStateFile(word).update(Presence.IDLE)
    assert update_cmd.service_activity(host) == update_cmd.Activity(False, 0, True)
    SessionStateFile(word).update(Presence.SESSION)
    assert update_cmd.service_activity(host).session_running
    config.write_text(f'[storage]\ndata_dir = "{tmp_path}"\n[update]\nsession_state = ""\n', encoding="utf-8")
    assert update_cmd.service_activity(Host.from_file(config, state_dir=tmp_path)).session_running


def _enrolled_config(local, tmp_path: Path) -> Path:
    from kiosk.provisioning.provision import dump_toml

    key = tmp_path / "device-key.pem"
    local.device_key.save(key)
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(dump_toml({"gateway": {"mode": "remote", "url": local.base_url, "device_id": local.device_id,
                                          "device_key_file": str(key)},
                              "site": {"library_name": "Cēsu bibliotēka"},
                              "storage": {"data_dir": str(tmp_path)}}))
    return cfg


def test_check_without_a_file_asks_the_gateway_and_run_does_one_pass(local_gateway, capsys, tmp_path) -> None:
    from gateway.cli import main as gateway_cli

    cfg = _enrolled_config(local_gateway, tmp_path)
    code, offer = run(capsys, "check", "--config", str(cfg), "--state-dir", str(tmp_path))
    assert code == 0 and offer == {"channel": "stable", "bundle": None, "update": False}
    assert cli.main(["update", "run", "--config", str(cfg), "--state-dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == "update: update_current"
    gw = ["--config", str(local_gateway.config_path)]
    assert gateway_cli(["admin", "assign-channel", "site", "Cēsu bibliotēka", "pilot", *gw]) == 0
    assert gateway_cli(["admin", "publish-bundle", "pilot", "--version", "2026.12.9", "--url", "https://u.example/b",
                        "--size", "10", "--sha256", "cd" * 32, *gw]) == 0
    capsys.readouterr()
    code, offer = run(capsys, "check", "--config", str(cfg), "--state-dir", str(tmp_path))
    assert offer["channel"] == "pilot" and offer["update"] is True and offer["bundle"]["version"] == "2026.12.9"
