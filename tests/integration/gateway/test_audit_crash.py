"""A gateway process that dies between a submission's commit and its audit entry loses no entry.

Real ``kiosk-gateway serve`` processes on one database (SQLite file and PostgreSQL): one is started
with the crash point ``after_submission_commit`` (``PIETURA_GATEWAY_CRASH_AT``, off in production)
and ends at once after storing an assisted or proxy submission, before it answers. The entry was
staged with the submission in its transaction; the kiosk's resend to another instance, or the sweep
when an instance starts, moves it into the chain — once, even when instances complete it at the same
time — and ``audit verify`` passes.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading

import pytest

from gateway.cli import main
from gateway.embedded import make_local_gateway
from gateway.faults import CRASH_ENV, CrashPoint
from gateway.records import StagedAudit, SubmissionRow
from gateway.service import build_gateway
from gateway.store import ms
from kiosk.backend.client import GatewayClient, GatewayUnreachable
from tests.fixtures.gateway_process import GatewayProcess, free_port
from tests.integration.gateway.audit_helpers import run_verify
from tests.integration.gateway.helpers import STAFF_CODE, envelope, login, new_key, proxy_block

pytestmark = pytest.mark.slow

ANSWERS = {"purpose": "bank", "personal_code": "329876-54321"}


@pytest.fixture
def shared(tmp_path, gateway_pki, gateway_db_url):
    local = make_local_gateway(tmp_path / "gw", [gateway_pki.pem], db_url=gateway_db_url, staff_codes=[STAFF_CODE])
    survivor = GatewayProcess(local.config_path, free_port(), tmp_path / "survivor.log")
    doomed = GatewayProcess(local.config_path, free_port(), tmp_path / "doomed.log")
    survivor.start()
    try:
        yield local, survivor, doomed
    finally:
        doomed.stop()
        survivor.stop()


def _client(local, instance: GatewayProcess) -> GatewayClient:
    return GatewayClient(instance.base_url, device_id=local.device_id, device_key=local.device_key, retries=0)


def _start_to_crash(doomed: GatewayProcess, monkeypatch) -> None:
    with monkeypatch.context() as env:
        env.setenv(CRASH_ENV, CrashPoint.AFTER_SUBMISSION_COMMIT.value)
        doomed.start()


def _crash_on(local, doomed: GatewayProcess, key: str, body: bytes) -> str:
    """Submit to the doomed instance; it stores the submission and dies before answering."""
    with pytest.raises(GatewayUnreachable):
        _client(local, doomed).submit(key, body)
    assert doomed.proc is not None and doomed.proc.wait(10) == 70
    ((reference,),) = local.query("SELECT reference FROM submissions WHERE idempotency_key = ?", (key,))
    return reference


def _audited(local, action: str) -> list[str]:
    return [json.loads(details)["reference"]
            for (details,) in local.query("SELECT details FROM audit WHERE action = ? ORDER BY seq", (action,))]


def _verify(local) -> None:
    verify = subprocess.run([sys.executable, "-m", "gateway.cli", "audit", "verify", "--config",
                             str(local.config_path)], capture_output=True, text=True, timeout=60)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_assisted_entry_is_written_on_the_resend_after_a_crash(shared, gateway_pki, monkeypatch):
    local, survivor, doomed = shared
    client = _client(local, survivor)
    staff = login(local, client, gateway_pki, code=STAFF_CODE)
    citizen = login(local, client, gateway_pki)
    _start_to_crash(doomed, monkeypatch)
    key = new_key()
    body = envelope(local, citizen.session_ref, assisted={"staff_session_ref": staff.session_ref})
    reference = _crash_on(local, doomed, key, body)
    assert _audited(local, "submission_assisted") == []  # the process died before the chain
    assert local.query("SELECT action FROM audit_pending WHERE reference = ?", (reference,)) == \
        [("submission_assisted",)]

    receipt = client.submit(key, body)  # the kiosk's outbox sends again; another instance answers
    assert receipt.reference == reference
    assert _audited(local, "submission_assisted") == [reference]
    assert local.query("SELECT COUNT(*) FROM audit_pending")[0][0] == 0
    assert client.submit(key, body) == receipt  # once more: still one entry
    assert _audited(local, "submission_assisted") == [reference]
    _verify(local)


def test_proxy_entry_and_record_are_completed_by_the_sweep_at_start(shared, gateway_pki, monkeypatch):
    local, survivor, doomed = shared
    client = _client(local, survivor)
    staff = login(local, client, gateway_pki, code=STAFF_CODE)
    _start_to_crash(doomed, monkeypatch)
    key = new_key()
    body = envelope(local, staff.session_ref, answers=ANSWERS, proxy=proxy_block(local))
    reference = _crash_on(local, doomed, key, body)
    assert _audited(local, "submission_proxy") == []
    # the accountability record was stored in the submission's own transaction
    assert local.query("SELECT reference FROM proxy_submissions") == [(reference,)]

    doomed.start()  # without the crash point: its start sweeps what a dead instance staged
    assert _audited(local, "submission_proxy") == [reference]
    assert local.query("SELECT COUNT(*) FROM audit_pending")[0][0] == 0
    assert client.submit(key, body).reference == reference  # the resend finds nothing left to do
    assert _audited(local, "submission_proxy") == [reference]
    _verify(local)


def test_a_citizen_submission_stages_nothing(shared, gateway_pki):
    local, survivor, _ = shared
    client = _client(local, survivor)
    citizen = login(local, client, gateway_pki)
    client.submit(new_key(), envelope(local, citizen.session_ref))
    assert local.query("SELECT COUNT(*) FROM audit_pending")[0][0] == 0
    assert _audited(local, "submission_assisted") == []


def _stage(gateway, local, count: int) -> list[str]:
    """Submissions as a dead instance left them: committed, their audit entries staged."""
    now = ms(dt.datetime.now(dt.UTC))
    references = []
    for number in range(count):
        reference = f"PT-2026-STAGED{number:02d}"
        row = SubmissionRow(reference, "ABCDEF", local.device_id, new_key(), "0" * 64, "residence-certificate",
                            "1", "S1", now, now, "received", now, "assisted", b"{}")
        staged = [StagedAudit(action, local.device_id, None, {"reference": reference})
                  for action in ("offline_signin", "submission_assisted")]
        assert gateway.store.insert_submission(row, staged=staged)[1]
        references.append(reference)
    return references


def test_the_nightly_purge_completes_staged_entries(tmp_path, gateway_pki, gateway_db_url, capsys):
    local = make_local_gateway(tmp_path / "gw", [gateway_pki.pem], db_url=gateway_db_url)
    gateway = build_gateway(local.config)
    try:
        references = _stage(gateway, local, 2)
    finally:
        gateway.close()
    assert main(["admin", "purge", "--config", str(local.config_path)]) == 0
    assert "audit_staged=4" in capsys.readouterr().out
    assert sorted(_audited(local, "submission_assisted")) == references
    assert local.query("SELECT COUNT(*) FROM audit_pending")[0][0] == 0
    code, out = run_verify(local, capsys)
    assert code == 0, out


def test_instances_completing_the_same_staged_entries_at_once_write_each_once(tmp_path, gateway_pki,
                                                                             gateway_db_url, capsys):
    local = make_local_gateway(tmp_path / "gw", [gateway_pki.pem], db_url=gateway_db_url)
    instances = [build_gateway(local.config) for _ in range(3)]  # own connections each
    references = _stage(instances[0], local, 10)
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def work(gateway, sweep: bool) -> None:
        try:
            start.wait()
            if sweep:
                gateway.audit.complete_all_staged()
            else:
                for reference in references:
                    gateway.audit.complete_staged(reference)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(instances[n % 3], n % 2 == 0)) for n in range(6)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        for gateway in instances:
            gateway.close()
    assert errors == []
    assert sorted(_audited(local, "submission_assisted")) == references
    assert sorted(_audited(local, "offline_signin")) == references
    assert local.query("SELECT COUNT(*) FROM audit_pending")[0][0] == 0
    code, out = run_verify(local, capsys)
    assert code == 0 and "audit chain OK (20 entries" in out, out
