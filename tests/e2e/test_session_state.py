"""The real composition root writes ``update.session_state`` as a citizen comes and goes (emulated card
in the in-process reader, reference gateway on loopback), and the update service reads that file to decide
whether it may install."""

from __future__ import annotations

import tomllib
from pathlib import Path

from kiosk import bootstrap
from kiosk.flow.state import Screen
from kiosk.settings import valid_settings
from kiosk.update.policy import Activity, InstallDecision, install_decision
from kiosk.update.service import session_running
from tests.e2e.journey import enter_pin, wait

CONFIG = Path(__file__).resolve().parents[2] / "config" / "demo.toml"


def decision(path: Path) -> InstallDecision:
    return install_decision(Activity(session_running=session_running(path)))


def test_session_state_follows_a_citizen(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    path = run / "session-state"
    data = tomllib.loads(CONFIG.read_text("utf-8"))
    data["update"] = {"session_state": str(path)}
    kiosk = bootstrap.build(valid_settings(data), workdir=tmp_path / "kiosk")
    kiosk.start()
    try:
        runtime = kiosk.runtime
        assert path.read_text() == "idle\n"  # written at start
        assert decision(path) is InstallDecision.INSTALL
        runtime.run_until(lambda s: s.catalogue is not None, 30)
        kiosk.emulation.insert()
        enter_pin(runtime)
        wait(runtime, Screen.CATALOGUE)
        assert path.read_text() == "session\n"
        assert decision(path) is InstallDecision.WAIT_SESSION
        kiosk.emulation.remove()
        assert runtime.run_until(lambda s: s.screen == Screen.WELCOME and not s.card_present, 30)
        assert path.read_text() == "idle\n"
        assert decision(path) is InstallDecision.INSTALL
    finally:
        kiosk.close()
    assert not path.exists()  # the kiosk stopped: unknown again, which counts as a session
    assert decision(path) is InstallDecision.WAIT_SESSION
