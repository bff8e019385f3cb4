"""`kiosk-gateway audit verify` against someone who can write the database but holds neither the
audit key nor the heads store: edits, deletions, a forged append after the last signed head, a
removed tail, a missing heads store, a missing database. SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from gateway.audit_chain import AuditChainBroken
from gateway.db import Database
from gateway.service import build_gateway
from tests.integration.gateway.audit_helpers import (
    count_rows,
    drop_last_heads,
    forge_append,
    recompute_chain,
    run_verify,
)


@pytest.fixture
def audited(tmp_path, gateway_pki, gateway_db_url):
    from gateway.embedded import make_local_gateway

    local = make_local_gateway(tmp_path / "gw", [gateway_pki.pem], db_url=gateway_db_url)
    gateway = build_gateway(local.config)
    try:
        for number in range(5):
            gateway.audit.append("staff_login", device_id=local.device_id, actor_hash=f"{number:064x}",
                                 details={"session_ref": f"S{number}"})
    finally:
        gateway.close()
    return local


@pytest.fixture
def db(audited):
    database = Database(audited.config.db_url)
    try:
        yield database
    finally:
        database.close()


def test_intact_chain_verifies(audited, capsys):
    code, out = run_verify(audited, capsys)
    assert code == 0 and "audit chain OK (5 entries, 10 heads)" in out


def test_edit_is_detected_even_after_recomputing_the_chain(audited, db, capsys):
    with db.tx() as tx:
        tx.execute("UPDATE audit SET details = ? WHERE seq = 3", (json.dumps({"session_ref": "forged"}),))
    code, out = run_verify(audited, capsys)
    assert code == 2 and "seq 3: entry hash does not match" in out and "first bad seq: 3" in out
    recompute_chain(db)
    code, out = run_verify(audited, capsys)
    assert code == 2 and "seq 3: entry differs from the signed chain head" in out and "first bad seq: 3" in out


@pytest.mark.parametrize(("where", "first_bad"), [("seq = 5", 5), ("seq = 2", 2)])
def test_deleted_entry_is_detected(audited, db, capsys, where, first_bad):
    with db.tx() as tx:
        tx.execute(f"DELETE FROM audit WHERE {where}")
    recompute_chain(db)
    code, out = run_verify(audited, capsys)
    assert code == 2 and "missing" in out and f"first bad seq: {first_bad}" in out


def test_forged_head_line_is_detected(audited, capsys):
    heads = audited.config.audit_heads
    lines = heads.read_text().splitlines()
    head = json.loads(lines[-1])
    head["hash"] = "f" * 64
    heads.write_text("\n".join(lines[:-1] + [json.dumps(head)]) + "\n")
    code, out = run_verify(audited, capsys)
    assert code == 2 and "heads line 10: signature invalid" in out


def test_forged_append_after_the_last_head_fails_verify_and_is_never_signed(audited, db, capsys):
    forged = forge_append(db)
    assert forged == 6
    code, out = run_verify(audited, capsys)
    assert code == 2 and "seq 6: entry after the last signed head (seq 5)" in out and "first bad seq: 6" in out
    heads_before = audited.config.audit_heads.read_bytes()
    gateway = build_gateway(audited.config)
    try:
        with pytest.raises(AuditChainBroken) as info:
            gateway.audit.append("staff_login", device_id=audited.device_id, actor_hash="0" * 64)
    finally:
        gateway.close()
    assert info.value.first_bad_seq == 6
    assert audited.config.audit_heads.read_bytes() == heads_before  # nothing signed over the forged row
    assert count_rows(db) == 6
    code, out = run_verify(audited, capsys)
    assert code == 2 and "first bad seq: 6" in out


def test_missing_or_empty_heads_store_fails_unless_no_heads_is_asked(audited, db, capsys):
    heads = audited.config.audit_heads
    heads.write_bytes(b"")
    code, out = run_verify(audited, capsys)
    assert code == 2 and "missing or empty" in out and "first bad seq: 1" in out
    heads.unlink()
    code, out = run_verify(audited, capsys)
    assert code == 2 and "missing or empty" in out
    with db.tx() as tx:  # a chain rewritten inside the database is consistent by itself…
        tx.execute("UPDATE audit SET details = ? WHERE seq = 2", (json.dumps({"session_ref": "rewritten"}),))
    recompute_chain(db)
    code, out = run_verify(audited, capsys)
    assert code == 2 and "missing or empty" in out
    code, out = run_verify(audited, capsys, "--no-heads")  # …which is all --no-heads can say
    assert code == 0 and "heads store NOT checked" in out and "audit chain OK" in out


def test_removed_tail_is_detected(audited, db, capsys):
    with db.tx() as tx:
        tx.execute("DELETE FROM audit WHERE seq = 5")
    drop_last_heads(audited.config.audit_heads, 2)
    code, out = run_verify(audited, capsys)
    assert code == 2 and "counted 10 heads but holds 8" in out and "first bad seq: 5" in out


def test_removed_tail_with_its_count_file_is_detected(audited, db, capsys):
    with db.tx() as tx:
        tx.execute("DELETE FROM audit WHERE seq = 5")
    drop_last_heads(audited.config.audit_heads, 2)
    audited.config.audit_heads.with_name(audited.config.audit_heads.name + ".count").unlink()
    code, out = run_verify(audited, capsys)
    assert code == 2 and "count file is missing" in out and "first bad seq: 5" in out


def test_removed_last_row_only_is_detected(audited, db, capsys):
    with db.tx() as tx:
        tx.execute("DELETE FROM audit WHERE seq = 5")
    code, out = run_verify(audited, capsys)
    assert code == 2 and "seq 5: signed head refers to a missing entry" in out and "first bad seq: 5" in out


def test_removed_middle_head_is_detected(audited, capsys):
    heads = audited.config.audit_heads
    lines = heads.read_bytes().splitlines(keepends=True)
    heads.write_bytes(b"".join(lines[:4] + lines[5:]))  # the head of seq 3 (heads: A1 C1 A2 C2 A3 C3 …)
    code, out = run_verify(audited, capsys)
    assert code == 2 and "seq 3: heads store: head 5 is missing (next is n=6)" in out and "first bad seq: 3" in out


def test_verify_needs_only_the_audit_key(audited, capsys):
    keys = audited.config.audit_signing_key.parent
    (keys / "sealing.pem").unlink()
    (keys / "role.key").unlink()
    code, out = run_verify(audited, capsys)
    assert code == 0 and "audit chain OK" in out


def test_admin_command_over_a_forged_row_fails_clearly(audited, db, capsys):
    from gateway.cli import main

    forge_append(db)
    code = main(["admin", "enrol-token", "kiosk-9", "--config", str(audited.config_path)])
    out = capsys.readouterr()
    assert code == 2 and "audit chain broken at seq 6" in out.err and "audit verify" in out.err
