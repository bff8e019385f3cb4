"""A kiosk whose parts cannot be set up (provisioned but not enrolled: no device key) starts into the
out-of-order screen with a code instead of exiting (systemd would reboot a crash-looping kiosk)."""

from __future__ import annotations

from pathlib import Path

from kiosk import app

NOT_ENROLLED = """
[site]
kiosk_id = "valmiera-01"
[card_reader]
mode = "emulated"
[printer]
preset = "generic-80"
transport = "emulator"
[gateway]
mode = "remote"
url = "https://gw.example.lv"
origin = "https://gw.example.lv"
enrolment_token = "one-time-token-123"
[storage]
data_dir = "{data}"
"""


def test_a_kiosk_that_cannot_be_built_shows_out_of_order(tmp_path: Path, monkeypatch) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(NOT_ENROLLED.format(data=tmp_path), encoding="utf-8")
    shown = []
    monkeypatch.setattr(app, "run_ui", lambda kiosk, notifier=None: shown.append(kiosk.runtime.state) or 0)
    assert app.main(["--config", str(config)]) == 0
    (state,) = shown
    assert state.screen.value == "out_of_order" and state.problem == "device_key_missing"  # the error's own code
