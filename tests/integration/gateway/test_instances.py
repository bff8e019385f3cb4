"""Several gateway instances on one PostgreSQL behind a real HAProxy, one of them killed mid-load.

Three ``kiosk-gateway serve`` processes share one configuration and database; HAProxy health-checks
``GET /ready``. Kiosks (enrolled devices with their own keys, signed requests, Idempotency-Keys)
log in with test cards and submit through the balancer while one instance is killed with SIGKILL
and started again. What must hold: every submission a kiosk was told about is stored once, under
the reference it was told; replayed card tokens and signed requests are refused whichever instance
they reach; the one audit chain verifies; a device's rate limit holds across instances.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from drivers.smartcard.cards import open_eid
from drivers.smartcard.emulator import DEMO_CITIZEN, EmulatedCard, EmulatedReaders
from drivers.smartcard.emulator.pki import CardPki, make_pki
from gateway.embedded import LocalGateway, make_local_gateway
from kiosk.auth.webeid import build_auth_token
from kiosk.backend.client import GatewayClient, GatewayRejected, SubmissionReceipt
from tests.fixtures.gateway_process import GatewayProcess, free_port
from tests.fixtures.haproxy import HAProxy, haproxy_available
from tests.integration.gateway.helpers import STAFF_CODE, envelope, login, new_key
from wire.device_key import DeviceKey

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

RATE_PER_DEVICE = 2.0  # requests/s sustained per kiosk
RATE_BURST = 40  # a load kiosk below stays under it; the rate test goes over it
KIOSKS = 6  # the first one is staffed: its submissions are assisted (audited)
BEFORE_RESTART = 20  # submissions per kiosk while one instance is killed
AFTER_RESTART = 8  # submissions per kiosk once it is back


@dataclasses.dataclass
class Cluster:
    local: LocalGateway  # configuration, keys and the database the instances share
    card_pki: CardPki  # the emulated eID card's CAs (trusted too)
    instances: list[GatewayProcess]
    balancer: HAProxy

    def kiosk(self, name: str) -> tuple[str, DeviceKey]:
        return self.local.enrol_device(name)

    def client(self, device: tuple[str, DeviceKey], base_url: str | None = None, **kwargs) -> GatewayClient:
        return GatewayClient(base_url or self.balancer.base_url, device_id=device[0], device_key=device[1],
                             **kwargs)


@pytest.fixture(scope="module")
def cluster(postgres_server, tmp_path_factory, gateway_pki) -> Iterator[Cluster]:
    if not haproxy_available():
        pytest.skip("HAProxy is not installed (apt install haproxy)")
    root = tmp_path_factory.mktemp("instances")
    card_pki = make_pki(variant="lv-ec")
    local = make_local_gateway(root / "gw", [gateway_pki.pem, card_pki.intermediate_pem],
                               db_url=postgres_server.create_database(),
                               staff_codes=[STAFF_CODE],
                               extra_config=f"[limits]\nrate_per_device = {RATE_PER_DEVICE}\n"
                                            f"rate_burst = {RATE_BURST}\n")
    instances = [GatewayProcess(local.config_path, free_port(), root / f"gw{n}.log") for n in (1, 2, 3)]
    balancer = HAProxy(root, free_port(), {f"gw{n}": inst.port for n, inst in enumerate(instances, 1)})
    try:
        for instance in instances:
            instance.start()
        balancer.start()
        yield Cluster(local, card_pki, instances, balancer)
    finally:
        balancer.stop()
        for instance in instances:
            instance.stop()


def _submit_many(cluster: Cluster, kiosks: list[dict], count: int, accepted: dict) -> None:
    """Each kiosk on its own thread submits ``count`` envelopes through the balancer."""
    lock = threading.Lock()

    def run(kiosk: dict) -> None:
        client = cluster.client(kiosk["device"], retries=6, backoff=0.2)
        for _ in range(count):
            key = new_key()
            body = envelope(cluster.local, kiosk["session_ref"], assisted=kiosk["assisted"])
            receipt = client.submit(key, body)
            with lock:
                accepted[(kiosk["device"][0], key)] = receipt

    with ThreadPoolExecutor(len(kiosks)) as pool:
        for future in [pool.submit(run, kiosk) for kiosk in kiosks]:
            future.result()


def test_instance_killed_mid_load_loses_and_duplicates_nothing(cluster, gateway_pki):
    kiosks = []
    for number in range(KIOSKS):
        device = cluster.kiosk(f"load-{number}")
        client = cluster.client(device)
        assisted = None
        if number == 0:
            staff = login(cluster.local, client, gateway_pki, code=STAFF_CODE)
            assisted = {"staff_session_ref": staff.session_ref}
        citizen = login(cluster.local, client, gateway_pki)
        kiosks.append({"device": device, "session_ref": citizen.session_ref, "assisted": assisted})

    accepted: dict[tuple[str, str], SubmissionReceipt] = {}
    victim = cluster.instances[1]
    # a submission the victim stored but whose answer never reached the kiosk: delivered again after the kill
    lost_key = new_key()
    lost_body = envelope(cluster.local, kiosks[1]["session_ref"])
    stored_by_victim = cluster.client(kiosks[1]["device"], victim.base_url).submit(lost_key, lost_body)
    with ThreadPoolExecutor(1) as runner:
        load = runner.submit(_submit_many, cluster, kiosks, BEFORE_RESTART, accepted)
        deadline = time.monotonic() + 30
        while len(accepted) < KIOSKS * BEFORE_RESTART // 3 and not load.done() and time.monotonic() < deadline:
            time.sleep(0.005)
        assert not load.done()
        victim.kill()  # mid-load: requests in flight on it are cut off
        load.result(120)  # every kiosk got a receipt for every submission (its client retries)
    assert len(accepted) == KIOSKS * BEFORE_RESTART
    cluster.balancer.wait_state("gw2", "DOWN")
    cut = cluster.balancer.counters("gw2")
    assert cut["wredis"] + cut["eresp"] > 0, cut  # load reached the dead instance and went elsewhere
    again = cluster.client(kiosks[1]["device"]).submit(lost_key, lost_body)
    assert again == stored_by_victim
    accepted[(kiosks[1]["device"][0], lost_key)] = again

    victim.start()
    cluster.balancer.wait_state("gw2", "UP")
    served_before = cluster.balancer.requests_served()["gw2"]
    _submit_many(cluster, kiosks, AFTER_RESTART, accepted)
    assert cluster.balancer.requests_served()["gw2"] > served_before  # back in rotation

    device_ids = [k["device"][0] for k in kiosks]
    rows = cluster.local.query("SELECT device_id, idempotency_key, reference FROM submissions WHERE device_id IN "
                               f"({', '.join('?' * len(device_ids))})", device_ids)
    assert len(accepted) == KIOSKS * (BEFORE_RESTART + AFTER_RESTART) + 1
    assert len(rows) == len(accepted)  # nothing lost, nothing twice
    assert {(r[0], r[1]): r[2] for r in rows} == {k: v.reference for k, v in accepted.items()}

    audit = cluster.local.query("SELECT action, details FROM audit ORDER BY seq")
    assert [a for a, _ in audit].count("staff_login") == 1
    staffed = {r.reference for (device_id, _), r in accepted.items() if device_id == device_ids[0]}
    audited = [json.loads(details)["reference"] for action, details in audit if action == "submission_assisted"]
    # each assisted submission audited exactly once: the entry is staged in the submission's own
    # transaction, so one whose instance died before appending it is completed by the resend or the restart
    assert sorted(audited) == sorted(staffed)
    assert cluster.local.query("SELECT COUNT(*) FROM audit_pending")[0][0] == 0
    verify = subprocess.run([sys.executable, "-m", "gateway.cli", "audit", "verify", "--config",
                             str(cluster.local.config_path)], capture_output=True, text=True, timeout=60)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_one_submission_sent_to_every_instance_at_once_is_stored_once(cluster, gateway_pki):
    device = cluster.kiosk("twins")
    session = login(cluster.local, cluster.client(device), gateway_pki)
    key, body = new_key(), envelope(cluster.local, session.session_ref)
    clients = [cluster.client(device, instance.base_url) for instance in cluster.instances for _ in range(4)]
    with ThreadPoolExecutor(len(clients)) as pool:
        receipts = list(pool.map(lambda c: c.submit(key, body), clients))
    assert len({r.reference for r in receipts}) == 1
    assert cluster.local.query("SELECT COUNT(*) FROM submissions WHERE device_id = ?", (device[0],)) == [(1,)]
    assert cluster.local.query("SELECT reference, outcome FROM local_references WHERE device_id = ?",
                               (device[0],)) == [(receipts[0].reference, "delivered")]


def test_replayed_card_token_is_refused_by_every_instance(cluster):
    """A token from the emulated eID card (PIN1, the card's own signature) signs in once, anywhere."""
    readers = EmulatedReaders()
    readers.insert(EmulatedCard("lv-ec", pki=cluster.card_pki))
    card = open_eid(readers.connect(readers.reader_name))
    device = cluster.kiosk("token-replay")
    client = cluster.client(device)
    nonce = client.challenge().nonce
    token = build_auth_token(card, bytearray(b"1234"), cluster.local.origin, nonce)
    assert client.authenticate(token, nonce=nonce).identity.personal_code == DEMO_CITIZEN.personal_code
    for instance in cluster.instances:
        with pytest.raises(GatewayRejected) as info:
            cluster.client(device, instance.base_url).authenticate(token, nonce=nonce)
        assert info.value.code == "nonce_reused", instance.base_url


def _signed_catalogue_request(device: tuple[str, DeviceKey]) -> dict[str, str]:
    """The headers of one signed ``GET /v1/catalogue`` (as someone on the wire would capture them)."""
    prepared = requests.Request("GET", "http://gateway/v1/catalogue", auth=device[1].auth(device[0])).prepare()
    return dict(prepared.headers)


def _replay(base_url: str, headers: dict[str, str]) -> requests.Response:
    return requests.get(base_url + "/v1/catalogue", headers=headers, timeout=10)


def test_signed_request_replay_is_refused_by_the_instance_that_saw_it(cluster):
    headers = _signed_catalogue_request(cluster.kiosk("replay-same"))
    first = cluster.instances[0]
    assert _replay(first.base_url, headers).status_code == 200
    again = _replay(first.base_url, headers)
    assert (again.status_code, again.json()["error"]) == (401, "signature_replayed")


def test_signed_request_replay_is_refused_by_every_other_instance(cluster):
    headers = _signed_catalogue_request(cluster.kiosk("replay-other"))
    first, *others = cluster.instances
    assert _replay(first.base_url, headers).status_code == 200
    for instance in others:
        answer = _replay(instance.base_url, headers)
        assert (answer.status_code, answer.json().get("error")) == (401, "signature_replayed"), instance.base_url
    first.stop()  # the instance that saw it, after a restart
    first.start()
    answer = _replay(first.base_url, headers)
    assert (answer.status_code, answer.json().get("error")) == (401, "signature_replayed")


def test_rate_limit_holds_across_instances(cluster):
    device = cluster.kiosk("rate")
    clients = [cluster.client(device, instance.base_url, retries=0) for instance in cluster.instances]
    allowed = refused = 0
    started = time.monotonic()
    for number in range(3 * RATE_BURST):
        try:
            clients[number % len(clients)].catalogue()
            allowed += 1
        except GatewayRejected as exc:
            assert exc.code == "rate_limited"
            refused += 1
    elapsed = time.monotonic() - started
    assert refused > 0
    assert allowed <= RATE_BURST + RATE_PER_DEVICE * elapsed + 1, (allowed, elapsed)


def test_readiness_is_in_the_api_document(cluster):
    """HAProxy's health check is a documented call: 200 {ready: true} through the balancer."""
    answer = requests.get(cluster.balancer.base_url + "/ready", timeout=5)
    assert (answer.status_code, answer.json()) == (200, {"ready": True})
    paths = requests.get(cluster.instances[0].base_url + "/openapi.json", timeout=5).json()["paths"]
    assert set(paths["/ready"]["get"]["responses"]) == {"200", "503"}



def test_readiness_follows_the_database(postgres_server, tmp_path, gateway_pki):
    """503 ``storage_unavailable`` while the instance's database is gone, so the balancer drops it."""
    import psycopg

    url = postgres_server.create_database()
    local = make_local_gateway(tmp_path / "gw", [gateway_pki.pem], db_url=url)
    with local:
        assert requests.get(local.base_url + "/ready", timeout=5).status_code == 200
        with psycopg.connect(postgres_server.url(), autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {url.split('?')[0].rsplit('/', 1)[-1]} WITH (FORCE)")
        answer = requests.get(local.base_url + "/ready", timeout=15)
        assert (answer.status_code, answer.json()["error"]) == (503, "storage_unavailable")


def test_ready_on_both_stores(local_gateway):  # the fixture runs it on SQLite and on PostgreSQL
    answer = requests.get(local_gateway.base_url + "/ready", timeout=5)
    assert (answer.status_code, answer.json()) == (200, {"ready": True})
