"""`kiosk-gateway audit adopt`: after the heads store was restored from an older backup, appends refuse
until an operator adopts the unsigned entries; adoption needs an intact chain ending where the
operator says, and `audit verify` names the adopted entries ever after. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil

import pytest

from gateway.audit_chain import AuditChainBroken
from gateway.cli import main
from gateway.db import Database
from gateway.embedded import make_local_gateway
from gateway.service import build_gateway
from tests.integration.gateway.audit_helpers import run_verify


def _append(local, count: int) -> None:
    gateway = build_gateway(local.config)
    try:
        for number in range(count):
            gateway.audit.append("role_add", actor_hash=f"{number:064x}", details={"role": "staff"})
    finally:
        gateway.close()


@pytest.fixture
def restored(tmp_path, gateway_pki, gateway_db_url):
    """Entries 1–3 signed, the heads store backed up, entries 4–5 appended, the backup restored."""
    local = make_local_gateway(tmp_path / "gw", [gateway_pki.pem], db_url=gateway_db_url)
    _append(local, 3)
    heads = local.config.audit_heads
    backup = tmp_path / "backup"
    shutil.copytree(heads.parent, backup)
    _append(local, 2)
    shutil.rmtree(heads.parent)
    shutil.copytree(backup, heads.parent)
    return local


def test_adopting_after_a_restored_heads_store(restored, capsys):
    code, out = run_verify(restored, capsys)
    assert code == 2 and "first bad seq: 4" in out
    gateway = build_gateway(restored.config)
    try:
        with pytest.raises(AuditChainBroken):
            gateway.audit.append("role_add", details={"role": "staff"})
    finally:
        gateway.close()
    assert main(["audit", "adopt", "--through", "4", "--config", str(restored.config_path)]) == 2
    assert "the chain ends at seq 5, not 4" in capsys.readouterr().err
    assert main(["audit", "adopt", "--through", "5", "--config", str(restored.config_path)]) == 0
    assert "adopted 2 entries through seq 5" in capsys.readouterr().out
    _append(restored, 1)
    code, out = run_verify(restored, capsys)
    assert code == 0 and "note: entries after seq 3 through seq 5 were adopted by an operator" in out
    assert "audit chain OK (6 entries" in out


def test_adopt_refuses_a_chain_that_is_not_intact(restored, capsys):
    db = Database(restored.config.db_url)
    try:
        with db.tx() as tx:
            tx.execute("UPDATE audit SET details = ? WHERE seq = 4", (json.dumps({"role": "forged"}),))
    finally:
        db.close()
    assert main(["audit", "adopt", "--through", "5", "--config", str(restored.config_path)]) == 2
    assert "seq 4: the chain is not intact here" in capsys.readouterr().err
    code, out = run_verify(restored, capsys)
    assert code == 2 and "first bad seq: 4" in out


def test_adopt_with_nothing_to_adopt_or_no_database(tmp_path, gateway_pki, capsys):
    local = make_local_gateway(tmp_path / "gw", [gateway_pki.pem])
    _append(local, 2)
    assert main(["audit", "adopt", "--through", "2", "--config", str(local.config_path)]) == 2
    assert "nothing to adopt" in capsys.readouterr().err
    missing = tmp_path / "gone.db"
    assert main(["audit", "adopt", "--through", "2", "--config", str(local.config_path),
                 "--db", f"sqlite:///{missing}"]) == 3
    assert not missing.exists()
