"""`kiosk-gateway audit verify` pointed at a database that is not there: a clear error and exit 3,
never a traceback and never a new database."""

from __future__ import annotations

import pytest

from gateway.embedded import make_local_gateway
from tests.integration.gateway.audit_helpers import run_verify


def test_missing_sqlite_file_is_reported_and_not_created(tmp_path, gateway_pki, capsys):
    local = make_local_gateway(tmp_path / "gw", [gateway_pki.pem])
    missing = tmp_path / "nowhere" / "gone.db"
    code, out = run_verify(local, capsys, "--db", f"sqlite:///{missing}")
    assert code == 3 and f"database not found: {missing}" in out and "Traceback" not in out
    assert not missing.exists() and not missing.parent.exists()


def test_sqlite_file_without_audit_table_is_reported(tmp_path, gateway_pki, capsys):
    local = make_local_gateway(tmp_path / "gw", [gateway_pki.pem])
    other = tmp_path / "other.db"
    import sqlite3

    sqlite3.connect(other).close()
    code, out = run_verify(local, capsys, "--db", f"sqlite:///{other}")
    assert code == 3 and "no audit table" in out


@pytest.mark.postgres
def test_missing_postgres_database_is_reported_and_not_created(tmp_path, gateway_pki, postgres_server, capsys):
    import psycopg

    local = make_local_gateway(tmp_path / "gw", [gateway_pki.pem], db_url=postgres_server.create_database())
    url = postgres_server.url("t_never_created")
    code, out = run_verify(local, capsys, "--db", url)
    assert code == 3 and "database unreachable" in out and "Traceback" not in out
    with psycopg.connect(postgres_server.url(), autocommit=True) as admin:
        assert admin.execute("SELECT 1 FROM pg_database WHERE datname = 't_never_created'").fetchone() is None


@pytest.mark.postgres
def test_postgres_database_without_audit_table_is_reported(tmp_path, gateway_pki, postgres_server, capsys):
    local = make_local_gateway(tmp_path / "gw", [gateway_pki.pem])
    code, out = run_verify(local, capsys, "--db", postgres_server.create_database())
    assert code == 3 and "no audit table" in out
