"""The deployment files in docs/deploy.md and systemd/gateway/ are valid for the tools that read them."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.fixtures.haproxy import HAPROXY, haproxy_available

REPO = Path(__file__).resolve().parents[3]
UNITS = sorted((REPO / "systemd" / "gateway").glob("*.service")) + sorted(
    (REPO / "systemd" / "gateway").glob("*.timer"))


def _self_signed_pem() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "gateway.example.lv")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


@pytest.mark.skipif(not haproxy_available(), reason="HAProxy is not installed (apt install haproxy)")
def test_haproxy_config_in_deploy_doc_is_valid(tmp_path):
    blocks = re.findall(r"```haproxy\n(.*?)```", (REPO / "docs" / "deploy.md").read_text(), re.S)
    assert len(blocks) == 1
    (tmp_path / "gateway.pem").write_bytes(_self_signed_pem())
    config = blocks[0].replace("/etc/haproxy/certs/gateway.pem", str(tmp_path / "gateway.pem")).replace(
        "/run/haproxy/admin.sock", str(tmp_path / "admin.sock"))
    assert "http-check send meth GET uri /ready" in config
    (tmp_path / "haproxy.cfg").write_text(config)
    check = subprocess.run([HAPROXY, "-c", "-f", str(tmp_path / "haproxy.cfg")], capture_output=True, text=True,
                           timeout=30)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_gateway_units_verify(tmp_path):
    assert {u.name for u in UNITS} == {"pietura-gateway@.service", "pietura-gateway-purge.service",
                                       "pietura-gateway-purge.timer"}
    (tmp_path / "etc/systemd/system").mkdir(parents=True)
    (tmp_path / "usr/lib/systemd").mkdir(parents=True)
    (tmp_path / "usr/lib/systemd/system").symlink_to("/usr/lib/systemd/system")
    executable = tmp_path / "opt/pietura-gateway/venv/bin/kiosk-gateway"
    executable.parent.mkdir(parents=True)
    executable.write_text("#!/bin/sh\n")
    executable.chmod(0o755)
    for unit in UNITS:
        shutil.copy2(unit, tmp_path / "etc/systemd/system" / unit.name)
    names = [str(tmp_path / "etc/systemd/system" / n) for n in
             ("pietura-gateway@8441.service", "pietura-gateway-purge.service", "pietura-gateway-purge.timer")]
    proc = subprocess.run(["systemd-analyze", "verify", "--man=no", f"--root={tmp_path}", *names],
                          capture_output=True, text=True, timeout=120)
    ours = [line for line in proc.stderr.splitlines()
            if re.search(r"pietura-gateway[@a-z0-9-]*\.(service|timer)", line) and "sysinit.target" not in line]
    assert not ours, proc.stderr
