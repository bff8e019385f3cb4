"""Outbox figures: enqueue rate (sealed, fsynced), clean delivery rate, and the full crash run.

    .venv/bin/python bench/outbox.py            # 1,000 submissions, gateway flapping, worker SIGKILLed
    .venv/bin/python bench/outbox.py --count 200 --skip-crash

Prints numbers; asserts nothing except exactly-once (a lost or duplicated submission is a bug,
not a slow figure). The CI-sized variant is tests/integration/outbox/test_crash.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from kiosk.backend.client import GatewayClient  # noqa: E402
from kiosk.backend.delivery import DeliveryWorker  # noqa: E402
from kiosk.backend.envelope import EnvelopeHeader  # noqa: E402
from kiosk.backend.outbox import Outbox  # noqa: E402
from tests.integration.outbox.crash import run_crash  # noqa: E402
from tests.integration.outbox.support import citizen_session, start_gateway  # noqa: E402


def clean_rates(workdir: Path, count: int) -> tuple[float, float]:
    local = start_gateway(workdir / "gateway")
    try:
        session_ref = citizen_session(local)
        outbox = Outbox(workdir / "clean.db", local.sealing_public_key)
        payload = b'{"answers":{"given_name":"J\xc4\x81nis"},"service":"lost-id-report"}'
        started = time.perf_counter()
        for _ in range(count):
            header = EnvelopeHeader("lost-id-report", "1", dt.datetime.now(dt.UTC), session_ref)
            outbox.enqueue(str(uuid.uuid4()), header, payload)
        enqueue_rate = count / (time.perf_counter() - started)
        client = GatewayClient(local.base_url, device_id=local.device_id, device_key=local.device_key, retries=0)
        worker = DeliveryWorker(outbox, client, lambda: dt.datetime.now(dt.UTC), random.Random(1), batch=count)
        started = time.perf_counter()
        while outbox.depth():
            worker.run_once(dt.datetime.now(dt.UTC))
        delivery_rate = count / (time.perf_counter() - started)
        outbox.close()
        return enqueue_rate, delivery_rate
    finally:
        local.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-crash", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        enqueue_rate, delivery_rate = clean_rates(Path(tmp), min(args.count, 300))
        print(f"outbox enqueue (seal + fsync)     {enqueue_rate:8.1f} /s")
        print(f"delivery, healthy gateway         {delivery_rate:8.1f} /s")
        if args.skip_crash:
            return 0
        crash_dir = Path(tmp) / "crash"
        crash_dir.mkdir()
        r = run_crash(crash_dir, args.count, seed=args.seed, drain_timeout_s=900)
        print(f"crash run: {r.enqueued} enqueued, {r.stored} stored at the gateway, {r.lost} lost, "
              f"{r.duplicates} duplicated, {r.mismatched_bytes} with different bytes, "
              f"{r.undelivered_in_outbox} still queued")
        print(f"crash run: worker SIGKILLed {r.kills} times; proxy faults {r.faults}")
        print(f"crash run: {r.seconds:.1f} s in all ({r.enqueued / r.seconds:.1f} submissions/s end to end)")
        ok = r.lost == 0 and r.duplicates == 0 and r.mismatched_bytes == 0 and r.undelivered_in_outbox == 0
        return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
