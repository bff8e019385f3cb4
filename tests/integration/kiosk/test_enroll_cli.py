"""kioskctl enroll against the reference gateway on loopback, token read from standard input."""

import json
import subprocess
import sys

from drivers.smartcard.emulator import make_pki
from gateway.embedded import make_local_gateway


def test_enroll_with_a_one_time_token(tmp_path):
    gw = make_local_gateway(tmp_path / "gw", [make_pki().intermediate_pem])
    url = gw.start()
    try:
        made = subprocess.run([sys.executable, "-m", "gateway.cli", "admin", "enrol-token", "branch-2",
                               "--config", str(gw.config_path)], capture_output=True, text=True, timeout=60)
        assert made.returncode == 0, made.stderr
        token = made.stdout.strip().split()[-1]
        key = tmp_path / "device-key.pem"
        cmd = [sys.executable, "-m", "kiosk.provisioning.cli", "enroll", "--gateway", url, "--key", str(key), "--json"]
        done = subprocess.run(cmd, input=token + "\n", capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        info = json.loads(done.stdout)
        assert info["device_id"] and key.exists() and (key.stat().st_mode & 0o077) == 0
        again = subprocess.run(cmd, input=token + "\n", capture_output=True, text=True, timeout=60)
        assert again.returncode == 1 and "enroll failed:" in again.stderr  # one-time: a second use is refused
        empty = subprocess.run(cmd, input="\n", capture_output=True, text=True, timeout=60)
        assert empty.returncode == 2
    finally:
        gw.stop()
