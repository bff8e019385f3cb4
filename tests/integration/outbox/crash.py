"""The outbox crash harness, shared by the integration test and ``bench/outbox.py``.

Pushes ``count`` submissions into the outbox while a separate ``kiosk.backend.delivery`` process
delivers them through a flaky proxy (refusals, 500s before and after the gateway stored the
submission, stalls past the read timeout, resets) and is SIGKILLed at random moments and
restarted. At the end the proxy turns healthy, the worker drains the queue, and the gateway's
database is compared with what was enqueued.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from kiosk.backend.envelope import EnvelopeHeader
from kiosk.backend.outbox import ItemState, Outbox

from .support import FlakyProxy, citizen_session, start_gateway, stored_submissions

REPO = Path(__file__).resolve().parents[3]
SERVICES = ["residence-declaration", "residence-certificate", "e-address-activation", "parental-benefit",
            "old-age-pension", "unemployed-registration", "passport-appointment", "lost-id-report",
            "kindergarten-queue", "social-assistance", "eds-trusted-person", "municipal-application"]


@dataclasses.dataclass
class CrashReport:
    enqueued: int
    stored: int
    lost: int
    duplicates: int
    mismatched_bytes: int
    undelivered_in_outbox: int
    kills: int
    faults: dict[str, int]
    seconds: float


def _worker(db: Path, proxy_url: str, device_id: str, key_file: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "kiosk.backend.delivery", "run", "--db", str(db), "--gateway", proxy_url,
           "--device-id", device_id, "--device-key", str(key_file), "--read-timeout", "0.8",
           "--connect-timeout", "0.5", "--base-delay", "0.05", "--max-delay", "0.4", "--poll", "0.2"]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run_crash(workdir: Path, count: int, seed: int = 7, kill_range_s: tuple[float, float] = (0.8, 3.0),
              drain_timeout_s: float = 240.0) -> CrashReport:
    started = time.monotonic()
    rng = random.Random(seed)
    local = start_gateway(workdir / "gateway")
    proxy = FlakyProxy(local.base_url, seed=seed)
    proxy.mode = "random"
    key_file = workdir / "device.pem"
    local.device_key.save(key_file)
    session_ref = citizen_session(local)
    db = workdir / "outbox.db"
    outbox = Outbox(db, local.sealing_public_key)
    keys: list[str] = []
    done = threading.Event()

    def produce() -> None:
        for i in range(count):
            key = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            answers = f'{{"answers":{{"n":{i},"personal_code":"210860-10528"}},"service":"{SERVICES[i % 12]}"}}'
            header = EnvelopeHeader(SERVICES[i % len(SERVICES)], "1", dt.datetime.now(dt.UTC), session_ref)
            outbox.enqueue(key, header, answers.encode())
            keys.append(key)
            if i % 10 == 0:
                time.sleep(rng.uniform(0, 0.05))
        done.set()

    producer = threading.Thread(target=produce, name="producer")
    producer.start()
    kills = 0
    proc = _worker(db, proxy.url, local.device_id, key_file)
    try:
        while not done.is_set() or outbox.depth() > count // 10:
            time.sleep(rng.uniform(*kill_range_s))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
            proc = _worker(db, proxy.url, local.device_id, key_file)
        producer.join()
        proxy.mode = "ok"
        deadline = time.monotonic() + drain_timeout_s
        while outbox.depth() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        producer.join()
    stored = stored_submissions(local)
    by_key: dict[str, list[tuple[str, str, str]]] = {}
    for row in stored:
        by_key.setdefault(row[0], []).append(row)
    mismatched = 0
    undelivered = 0
    for key in keys:
        item = outbox.get(key)
        assert item is not None
        if item.state is not ItemState.DELIVERED:
            undelivered += 1
        rows = by_key.get(key, [])
        if rows and rows[0][1] != hashlib.sha256(item.envelope).hexdigest():
            mismatched += 1
        if rows and item.reference is not None and rows[0][2] != item.reference:
            mismatched += 1
    report = CrashReport(
        enqueued=len(keys), stored=len(stored), lost=sum(1 for k in keys if k not in by_key),
        duplicates=sum(len(v) - 1 for v in by_key.values()) + sum(1 for k in by_key if k not in set(keys)),
        mismatched_bytes=mismatched, undelivered_in_outbox=undelivered, kills=kills,
        faults=dict(proxy.counts), seconds=time.monotonic() - started)
    outbox.close()
    proxy.close()
    local.stop()
    return report
