"""The audit chain: `kiosk-gateway audit verify` catches edits and deletions even when the
chain is recomputed inside the database, because the signed heads live outside it."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from gateway.audit import entry_hash
from gateway.cli import main
from gateway.db import Database
from gateway.service import build_gateway


@pytest.fixture
def audited(tmp_path, gateway_pki, gateway_db_url):
    from gateway.embedded import make_local_gateway

    local = make_local_gateway(tmp_path / "gw", [gateway_pki.pem], db_url=gateway_db_url)
    gateway = build_gateway(local.config)
    for number in range(5):
        gateway.audit.append("staff_login", device_id=local.device_id, actor_hash=f"{number:064x}",
                             details={"session_ref": f"S{number}"})
    gateway.close()
    return local


def _verify(local, capsys) -> tuple[int, str]:
    code = main(["audit", "verify", "--config", str(local.config_path)])
    return code, capsys.readouterr().out


def _recompute_chain(db: Database) -> None:
    """What an attacker with database access would do after editing a row."""
    with db.tx() as tx:
        rows = tx.execute("SELECT seq, at, action, device_id, actor_hash, details FROM audit ORDER BY seq")
        prev = "0" * 64
        for seq, at, action, device_id, actor_hash, details in rows:
            digest = entry_hash(prev, seq, at, action, device_id, actor_hash, json.loads(details))
            tx.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, seq))
            prev = digest


def test_intact_chain_verifies(audited, capsys):
    code, out = _verify(audited, capsys)
    assert code == 0 and "audit chain OK" in out


def test_edit_is_detected_even_after_recomputing_the_chain(audited, capsys):
    db = Database(audited.config.db_url)
    try:
        with db.tx() as tx:
            tx.execute("UPDATE audit SET details = ? WHERE seq = 3", (json.dumps({"session_ref": "forged"}),))
        code, out = _verify(audited, capsys)
        assert code == 2 and "seq 3: entry hash does not match" in out
        _recompute_chain(db)
        code, out = _verify(audited, capsys)
    finally:
        db.close()
    assert code == 2 and "seq 3: entry differs from the signed chain head" in out


@pytest.mark.parametrize("where", ["seq = 5", "seq = 2"])
def test_deleted_entry_is_detected(audited, capsys, where):
    db = Database(audited.config.db_url)
    try:
        with db.tx() as tx:
            tx.execute(f"DELETE FROM audit WHERE {where}")
        _recompute_chain(db)
    finally:
        db.close()
    code, out = _verify(audited, capsys)
    assert code == 2 and "missing" in out


def test_forged_head_line_is_detected(audited, capsys):
    heads = audited.config.audit_heads
    lines = heads.read_text().splitlines()
    head = json.loads(lines[-1])
    head["hash"] = "f" * 64
    heads.write_text("\n".join(lines[:-1] + [json.dumps(head)]) + "\n")
    code, out = _verify(audited, capsys)
    assert code == 2 and "signature invalid" in out


def test_retention_purge_keeps_the_chain_verifiable(audited, capsys):
    db = Database(audited.config.db_url)
    try:
        with db.tx() as tx:
            tx.execute("UPDATE audit SET at = 0 WHERE seq <= 3")
    finally:
        db.close()
    # the timestamps were edited, so re-sign via a fresh chain: start from purging the old rows
    gateway = build_gateway(audited.config)
    try:
        removed = gateway.audit.purge_before(dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
        remaining = gateway.audit.entries()
    finally:
        gateway.close()
    assert removed == 3 and [e.seq for e in remaining] == [4, 5]
    code, out = _verify(audited, capsys)
    assert code == 0, out
    assert main(["admin", "purge", "--config", str(audited.config_path)]) == 0
    code, out = _verify(audited, capsys)
    assert code == 0, out
