"""Shared state in the database (SQLite and PostgreSQL): signature nonces once, GCRA buckets.

The GCRA arithmetic is checked with a stepped clock; the same statement on the database's own
clock is what two gateway instances share (tests/integration/gateway/test_two_instances.py).
"""

from __future__ import annotations

import concurrent.futures

import pytest

from gateway.db import Database
from gateway.shared_state import NONCE_TTL_US, Rate, SharedState, Verdict


class Micros:
    def __init__(self) -> None:
        self.now = 1_800_000_000_000_000

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def db(gateway_db_url):
    database = Database(gateway_db_url)
    database.create_schema()
    yield database
    database.close()


def test_gcra_burst_then_rate_per_bucket(db):
    clock = Micros()
    state = SharedState(db, now_us=clock)
    rate = Rate(per_second=2.0, burst=3)
    assert [state.take("k1", rate).verdict for _ in range(4)] == [Verdict.ADMITTED] * 3 + [Verdict.RATE_LIMITED]
    refused = state.take("k1", rate)
    assert refused.verdict is Verdict.RATE_LIMITED and refused.retry_after_s == 1  # 0.5 s, rounded up
    assert state.take("k2", rate).verdict is Verdict.ADMITTED  # per bucket
    clock.now += 500_000  # one interval: one request back
    assert state.take("k1", rate).verdict is Verdict.ADMITTED
    assert state.take("k1", rate).verdict is Verdict.RATE_LIMITED
    clock.now += 10_000_000  # long idle: the full burst again, not more
    assert [state.take("k1", rate).verdict for _ in range(4)] == [Verdict.ADMITTED] * 3 + [Verdict.RATE_LIMITED]
    slow = Rate(per_second=0.01, burst=1)
    state.take("slow", slow)
    assert state.take("slow", slow).retry_after_s == 100
    assert all(state.take("off", Rate(0, 1)).verdict is Verdict.ADMITTED for _ in range(20))  # 0 = off


def test_gcra_on_the_database_clock_holds_under_concurrency(db, gateway_db_url):
    """Many threads, each with its own connection, on the real clock: exactly the burst gets through."""
    state = SharedState(db)
    rate = Rate(per_second=0.001, burst=5)
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        verdicts = list(pool.map(lambda _n: state.take("busy", rate).verdict, range(24)))
    assert verdicts.count(Verdict.ADMITTED) == 5
    other = SharedState(Database(gateway_db_url))  # another instance on the same database
    try:
        assert other.take("busy", rate).verdict is Verdict.RATE_LIMITED
    finally:
        other.db.close()


def test_signature_nonces_once_per_device_and_pruned_by_expiry(db):
    clock = Micros()
    state = SharedState(db, now_us=clock)
    rate = Rate(per_second=0, burst=1)
    assert state.admit_signed("K1", "n-1", rate).verdict is Verdict.ADMITTED
    assert state.admit_signed("K1", "n-1", rate).verdict is Verdict.REPLAYED
    assert state.admit_signed("K2", "n-1", rate).verdict is Verdict.ADMITTED  # another device's nonce space
    assert state.admit_signed("K1", "", rate).verdict is Verdict.REPLAYED  # a signature needs a nonce
    assert state.admit_signed("K1", "x" * 129, rate).verdict is Verdict.REPLAYED
    assert state.prune()["signature_nonces"] == 0  # not expired yet: a replay is still refused
    clock.now += NONCE_TTL_US + 1
    assert state.prune()["signature_nonces"] == 2
    with db.tx(write=False) as tx:
        assert tx.one("SELECT COUNT(*) FROM signature_nonces") == (0,)


def test_a_replayed_nonce_spends_no_rate(db):
    state = SharedState(db, now_us=Micros())
    rate = Rate(per_second=0.001, burst=2)
    assert state.admit_signed("K1", "a", rate).verdict is Verdict.ADMITTED
    assert all(state.admit_signed("K1", "a", rate).verdict is Verdict.REPLAYED for _ in range(5))
    assert state.admit_signed("K1", "b", rate).verdict is Verdict.ADMITTED
    assert state.admit_signed("K1", "c", rate).verdict is Verdict.RATE_LIMITED
