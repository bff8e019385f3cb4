"""Appending to the audit chain: one chain from several instances, refusal to extend a chain that
does not end at the last signed head, withdrawn heads after a failed COMMIT or a crash, purges.
SQLite and PostgreSQL (real databases; the failing COMMIT comes from a trigger in the database)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from gateway.audit_chain import AuditChainBroken
from gateway.audit_heads import FileHeads, HeadKind
from gateway.db import Database
from gateway.embedded import make_local_gateway
from gateway.keys import load_keys
from gateway.service import build_gateway
from kiosk.backend.client import GatewayServerError
from tests.fixtures.gateway import kiosk_client
from tests.integration.gateway.audit_helpers import count_rows, forge_append, run_verify
from tests.integration.gateway.helpers import STAFF_CODE, login


def _local(tmp_path, gateway_pki, gateway_db_url):
    return make_local_gateway(tmp_path / "gw", [gateway_pki.pem], db_url=gateway_db_url)


def _append(local, count: int, clock=None) -> None:
    gateway = build_gateway(local.config, **({"clock": clock} if clock else {}))
    try:
        for number in range(count):
            gateway.audit.append("role_add", actor_hash=f"{number:064x}", details={"role": "staff"})
    finally:
        gateway.close()


def _fail_inserts(db: Database) -> None:
    """A database that refuses the next audit row: at INSERT on SQLite, at COMMIT on PostgreSQL."""
    with db.tx() as tx:
        if db.dialect == "sqlite":
            tx.execute("CREATE TRIGGER audit_fail BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'refused'); END")
        else:
            tx.execute("CREATE FUNCTION audit_fail() RETURNS trigger LANGUAGE plpgsql AS "
                       "$$ BEGIN RAISE EXCEPTION 'refused'; END $$")
            tx.execute("CREATE CONSTRAINT TRIGGER audit_fail AFTER INSERT ON audit DEFERRABLE INITIALLY DEFERRED "
                       "FOR EACH ROW EXECUTE FUNCTION audit_fail()")


def _allow_inserts(db: Database) -> None:
    with db.tx() as tx:
        tx.execute("DROP TRIGGER audit_fail" + ("" if db.dialect == "sqlite" else " ON audit"))


def test_two_instances_appending_at_once_make_one_chain(tmp_path, gateway_pki, gateway_db_url, capsys):
    local = _local(tmp_path, gateway_pki, gateway_db_url)
    instances = [build_gateway(local.config), build_gateway(local.config)]  # own connections each
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def work(gateway, worker: int) -> None:
        try:
            start.wait()
            for number in range(8):
                gateway.audit.append("receipt_reprinted", details={"worker": worker, "number": number})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(instances[i % 2], i)) for i in range(6)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        entries = instances[0].audit.entries(0, 1000)
    finally:
        for gateway in instances:
            gateway.close()
    assert errors == []
    assert [e.seq for e in entries] == list(range(1, 49))
    assert {(e.details["worker"], e.details["number"]) for e in entries} == {(w, n) for w in range(6) for n in range(8)}
    code, out = run_verify(local, capsys)
    assert code == 0 and "audit chain OK (48 entries, 96 heads)" in out


def test_staff_login_after_a_forged_row_answers_503_and_signs_nothing(local_gateway, gateway_pki, capsys):
    client = kiosk_client(local_gateway, retries=0)
    login(local_gateway, client, gateway_pki, code=STAFF_CODE)  # audited: seq 1
    db = Database(local_gateway.config.db_url)
    try:
        assert forge_append(db) == 2
        heads_before = local_gateway.config.audit_heads.read_bytes()
        with pytest.raises(GatewayServerError) as info:
            login(local_gateway, client, gateway_pki, code=STAFF_CODE)
        assert "storage_unavailable" in info.value.detail
        assert local_gateway.config.audit_heads.read_bytes() == heads_before
        assert count_rows(db) == 2
    finally:
        db.close()
    code, out = run_verify(local_gateway, capsys)
    assert code == 2 and "first bad seq: 2" in out


def test_a_failed_commit_withdraws_its_head_and_the_chain_stays_intact(tmp_path, gateway_pki, gateway_db_url,
                                                                       capsys):
    local = _local(tmp_path, gateway_pki, gateway_db_url)
    _append(local, 2)
    db = Database(local.config.db_url)
    try:
        _fail_inserts(db)
        gateway = build_gateway(local.config)
        try:
            with pytest.raises(Exception, match="refused|Integrity|Raise"):
                gateway.audit.append("role_add", details={"role": "staff"})
            _allow_inserts(db)
            entry = gateway.audit.append("role_add", details={"role": "technician"})
        finally:
            gateway.close()
        assert entry.seq == 3 and count_rows(db) == 3
    finally:
        db.close()
    heads = FileHeads(local.config.audit_heads).snapshot(None)
    assert [(h.n, h.kind, h.seq) for h in heads.heads[4:]] == [
        (5, HeadKind.APPEND, 3), (6, HeadKind.VOID, 3), (7, HeadKind.APPEND, 3), (8, HeadKind.COMMITTED, 3)]
    code, out = run_verify(local, capsys)
    assert code == 0 and "audit chain OK (3 entries, 8 heads)" in out


def test_an_append_lost_in_a_crash_is_withdrawn_and_noted(tmp_path, gateway_pki, gateway_db_url, capsys):
    """A crash between writing the head and COMMIT leaves a head with no row and no confirmation:
    verify notes it (the append is lost, not an entry deleted), the next append withdraws it as
    uncommitted and reuses its sequence number, and the chain verifies."""
    local = _local(tmp_path, gateway_pki, gateway_db_url)
    _append(local, 3)
    key = load_keys(local.config).audit
    FileHeads(local.config.audit_heads).append(key, HeadKind.APPEND, 4, "a" * 64, 0)  # what the crash left
    code, out = run_verify(local, capsys)
    assert code == 0 and "note: seq 4: its append never committed" in out
    _append(local, 1)
    code, out = run_verify(local, capsys)
    assert code == 0 and "note: seq 4: an append was lost in a crash" in out and "(4 entries, 10 heads)" in out


def test_a_deleted_newest_entry_stays_visible_after_the_next_append(tmp_path, gateway_pki, gateway_db_url, capsys):
    """The newest entry (its COMMIT confirmed) deleted: the next append withdraws its head as missing
    and goes on (audited actions keep working), and verify keeps naming the sequence number."""
    local = _local(tmp_path, gateway_pki, gateway_db_url)
    _append(local, 4)
    db = Database(local.config.db_url)
    try:
        with db.tx() as tx:
            tx.execute("DELETE FROM audit WHERE seq = 4")
    finally:
        db.close()
    _append(local, 1)
    code, out = run_verify(local, capsys)
    assert code == 2 and "seq 4: a signed entry went missing after its COMMIT was confirmed" in out
    assert "first bad seq: 4" in out


def test_retention_purge_keeps_the_chain_verifiable(tmp_path, gateway_pki, gateway_db_url, capsys):
    local = _local(tmp_path, gateway_pki, gateway_db_url)
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=800)
    _append(local, 3, clock=lambda: long_ago)
    _append(local, 2)
    gateway = build_gateway(local.config)
    try:
        removed = gateway.audit.purge_before(dt.datetime.now(dt.UTC) - dt.timedelta(days=400))
        remaining = gateway.audit.entries()
    finally:
        gateway.close()
    assert removed == 3 and [e.seq for e in remaining] == [4, 5]
    code, out = run_verify(local, capsys)
    assert code == 0, out
    from gateway.cli import main

    assert main(["admin", "purge", "--config", str(local.config_path)]) == 0
    code, out = run_verify(local, capsys)
    assert code == 0 and "audit chain OK (3 entries" in out


def test_everything_purged_then_appended_verifies(tmp_path, gateway_pki, gateway_db_url, capsys):
    local = _local(tmp_path, gateway_pki, gateway_db_url)
    _append(local, 2, clock=lambda: dt.datetime.now(dt.UTC) - dt.timedelta(days=800))
    gateway = build_gateway(local.config)
    try:
        assert gateway.audit.purge_before(dt.datetime.now(dt.UTC)) == 2
        assert gateway.audit.append("retention_purge", details={"audit": 2}).seq == 3
    finally:
        gateway.close()
    code, out = run_verify(local, capsys)
    assert code == 0 and "audit chain OK (1 entries" in out


def test_purge_refuses_to_sign_over_a_forged_row(tmp_path, gateway_pki, gateway_db_url, capsys):
    local = _local(tmp_path, gateway_pki, gateway_db_url)
    _append(local, 3, clock=lambda: dt.datetime.now(dt.UTC) - dt.timedelta(days=800))
    db = Database(local.config.db_url)
    try:
        forge_append(db)  # dated like the old rows: a purge would sweep it under a signed head
        gateway = build_gateway(local.config)
        try:
            with pytest.raises(AuditChainBroken):
                gateway.audit.purge_before(dt.datetime.now(dt.UTC))
        finally:
            gateway.close()
        assert count_rows(db) == 4
    finally:
        db.close()
    assert not any(h.kind is HeadKind.PURGE for h in FileHeads(local.config.audit_heads).snapshot(None).heads)


def test_a_heads_file_from_before_numbering_is_read_and_continued(tmp_path, gateway_pki, gateway_db_url, capsys):
    import base64
    import json

    from wire.protocol import canonical_json

    local = _local(tmp_path, gateway_pki, gateway_db_url)
    _append(local, 3)
    key = load_keys(local.config).audit
    heads = local.config.audit_heads
    lines = []
    for head in FileHeads(heads).snapshot(None).heads[::2]:  # the appends, in the earlier format (no confirmations)
        body = {"seq": head.seq, "hash": head.hash, "at": head.at, "purged": False}
        body["sig"] = base64.b64encode(key.sign(canonical_json(body))).decode("ascii")
        lines.append(json.dumps(body, sort_keys=True) + "\n")
    heads.write_text("".join(lines))
    heads.with_name(heads.name + ".count").unlink()
    code, out = run_verify(local, capsys)
    assert code == 0 and "audit chain OK (3 entries, 3 heads)" in out
    _append(local, 1)
    assert [(h.n, h.kind) for h in FileHeads(heads).snapshot(None).heads[3:]] == [
        (4, HeadKind.APPEND), (5, HeadKind.COMMITTED)]
    code, out = run_verify(local, capsys)
    assert code == 0 and "audit chain OK (4 entries, 5 heads)" in out


APPENDER = """
import sys
from gateway.config import load_config
from gateway.service import build_gateway
gateway = build_gateway(load_config(sys.argv[1]))
for number in range(10):
    gateway.audit.append("receipt_reprinted", details={"process": sys.argv[2], "number": number})
gateway.close()
"""


def test_three_processes_appending_at_once_make_one_chain(tmp_path, gateway_pki, gateway_db_url, capsys):
    import subprocess
    import sys

    local = _local(tmp_path, gateway_pki, gateway_db_url)
    processes = [subprocess.Popen([sys.executable, "-c", APPENDER, str(local.config_path), str(number)])
                 for number in range(3)]
    assert [process.wait(timeout=120) for process in processes] == [0, 0, 0]
    db = Database(local.config.db_url)
    try:
        assert count_rows(db) == 30
    finally:
        db.close()
    code, out = run_verify(local, capsys)
    assert code == 0 and "audit chain OK (30 entries, 60 heads)" in out


def test_verify_while_instances_append_reports_no_false_alarm(tmp_path, gateway_pki, gateway_db_url, capsys):
    local = _local(tmp_path, gateway_pki, gateway_db_url)
    _append(local, 5)
    stop = threading.Event()
    errors: list[BaseException] = []

    def keep_appending() -> None:
        gateway = build_gateway(local.config)
        try:
            while not stop.wait(0.005):  # a busy fleet, not a tight loop (which starves SQLite's waiters)
                gateway.audit.append("receipt_reprinted", details={"live": True})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            gateway.close()

    writers = [threading.Thread(target=keep_appending) for _ in range(2)]
    for writer in writers:
        writer.start()
    try:
        results = [run_verify(local, capsys) for _ in range(8)]
    finally:
        stop.set()
        for writer in writers:
            writer.join(60)
    assert errors == []
    assert all(code == 0 for code, _ in results), [out for code, out in results if code]
    code, out = run_verify(local, capsys)
    assert code == 0, out


KEEP_APPENDING = """
import sys
from gateway.config import load_config
from gateway.service import build_gateway
gateway = build_gateway(load_config(sys.argv[1]))
print("ready", flush=True)
while True:
    gateway.audit.append("receipt_reprinted", details={"killed": True})
"""


def test_instances_killed_while_appending_leave_a_verifiable_chain(tmp_path, gateway_pki, gateway_db_url, capsys):
    """SIGKILL lands anywhere in an append (before or after the head, the COMMIT, the confirmation,
    the count): verify passes (with notes for lost appends) and the next append goes on."""
    import random
    import signal
    import subprocess
    import sys
    import time

    local = _local(tmp_path, gateway_pki, gateway_db_url)
    for _ in range(6):
        process = subprocess.Popen([sys.executable, "-c", KEEP_APPENDING, str(local.config_path)],
                                   stdout=subprocess.PIPE, text=True)
        assert process.stdout.readline().strip() == "ready"
        time.sleep(random.uniform(0.05, 0.3))
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        process.stdout.close()
        code, out = run_verify(local, capsys)
        assert code == 0, out
    _append(local, 1)
    code, out = run_verify(local, capsys)
    assert code == 0, out


def test_staff_logins_through_two_servers_make_one_chain(local_gateway, gateway_pki, capsys):
    """Two gateway servers on loopback over one database and one heads store, staff signing in on
    both at once: one chain, every entry signed, verify OK."""
    from gateway.server import start_in_thread
    from kiosk.backend.client import GatewayClient

    second = start_in_thread(local_gateway.config)
    errors: list[BaseException] = []
    try:
        clients = [kiosk_client(local_gateway, retries=0),
                   GatewayClient(second.base_url, device_id=local_gateway.device_id,
                                 device_key=local_gateway.device_key, retries=0)]

        def sign_in(client) -> None:
            try:
                for _ in range(4):
                    login(local_gateway, client, gateway_pki, code=STAFF_CODE)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=sign_in, args=(clients[i % 2],)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        second.stop()
    assert errors == []
    code, out = run_verify(local_gateway, capsys)
    assert code == 0 and "audit chain OK (16 entries, 32 heads)" in out
