"""Storage failures become 503 storage_unavailable (clients retry) and PostgreSQL links heal."""

from __future__ import annotations

import pytest

from gateway.db import Database, StorageUnavailable
from gateway.embedded import make_local_gateway
from kiosk.backend.client import GatewayServerError
from tests.fixtures.gateway import kiosk_client


def test_unopenable_sqlite_is_storage_unavailable(tmp_path):
    (tmp_path / "dir.db").mkdir()
    db = Database(f"sqlite:///{tmp_path / 'dir.db'}")
    with pytest.raises(StorageUnavailable):
        with db.tx() as tx:
            tx.execute("SELECT 1")


@pytest.mark.postgres
def test_postgres_connections_heal_and_a_lost_database_is_503(tmp_path, gateway_pki, postgres_server):
    import psycopg

    url = postgres_server.create_database()
    dbname = url.split("@/", 1)[1].split("?")[0]
    with make_local_gateway(tmp_path / "gw", [gateway_pki.pem], db_url=url) as local:
        client = kiosk_client(local, retries=3, backoff=0.01)
        assert client.catalogue().data is not None
        assert client.challenge().nonce
        with psycopg.connect(postgres_server.url(), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (dbname,))
        for _ in range(3):  # every worker thread's link is dead; each heals on its next use
            assert client.catalogue().data is not None
        with psycopg.connect(postgres_server.url(), autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {dbname} WITH (FORCE)")
        with pytest.raises(GatewayServerError) as info:
            client.catalogue()
        assert "storage_unavailable" in info.value.detail
