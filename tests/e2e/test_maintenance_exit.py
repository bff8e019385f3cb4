"""Leave to maintenance: the real app, in its own process under Xvfb, exits with the code the systemd
unit lists in RestartPreventExitStatus= — only after a technician's card was verified by the gateway."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.app import MAINTENANCE_EXIT_CODE

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.display, pytest.mark.slow]


def test_a_technician_leaves_to_maintenance_with_the_maintenance_exit_code(display, tmp_path):
    env = {**os.environ, "KIVY_HOME": str(tmp_path / "kivy"), "TMPDIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "tests.e2e.maintenance_runner", str(tmp_path / "kiosk")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert proc.returncode == MAINTENANCE_EXIT_CODE, (proc.stdout + proc.stderr)[-3000:]
    assert "left_to_maintenance" in proc.stdout + proc.stderr
