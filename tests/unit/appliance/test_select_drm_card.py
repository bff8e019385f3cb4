"""The ExecStartPre helper picks the DRM card with a connected connector, skipping Writeback."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "systemd/helpers/select-drm-card"


def make_sysfs(root: Path, connectors: dict[str, str]) -> Path:
    for name, status in connectors.items():
        d = root / "class/drm" / name
        d.mkdir(parents=True)
        (d / "status").write_text(status + "\n")
    return root


def run(sysfs: Path, env_file: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PIETURA_SYSFS=str(sysfs), PIETURA_ENV_FILE=str(env_file), PIETURA_DRM_WAIT="0")
    return subprocess.run(["/bin/sh", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=30)


def test_picks_the_connected_card_not_the_first(tmp_path: Path) -> None:
    sysfs = make_sysfs(tmp_path / "sys", {"card0-Writeback-1": "connected", "card0-HDMI-A-1": "disconnected",
                                          "card1-HDMI-A-1": "disconnected", "card1-HDMI-A-2": "connected"})
    env_file = tmp_path / "env"
    assert run(sysfs, env_file).returncode == 0
    assert env_file.read_text().splitlines() == ["SDL_KMSDRM_DEVICE_INDEX=1", "PIETURA_DRM_CARD=card1"]


def test_without_a_panel_the_ui_still_starts(tmp_path: Path) -> None:
    sysfs = make_sysfs(tmp_path / "sys", {"card0-HDMI-A-1": "disconnected"})
    env_file = tmp_path / "env"
    proc = run(sysfs, env_file)
    assert proc.returncode == 0 and "no connected display" in proc.stderr
    assert env_file.read_text() == "PIETURA_DRM_CARD=none\n"
