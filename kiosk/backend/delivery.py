"""The delivery worker: sends due outbox items, backs off with jitter, never gives anything up.

Runs inside the app (a thread) and as its own process (``kiosk outbox run``), so deliveries
continue if the UI crashes. Both may run at once: the gateway's idempotency key makes a
double send harmless, and the outbox row is only marked after the gateway answered.
A SIGKILL at any point leaves the row pending; the next run re-sends the identical bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import random
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from drivers.errors import Action, PieturaError
from kiosk.backend.client import GatewayServerError, GatewayUnreachable, SubmissionReceipt
from kiosk.backend.outbox import Outbox

log = logging.getLogger("kiosk.delivery")


class SubmitClient(Protocol):
    def submit(self, idempotency_key: str, envelope_bytes: bytes) -> SubmissionReceipt: ...


def equal_jitter(attempts: int, rng: random.Random, base_delay_s: float, max_delay_s: float) -> dt.timedelta:
    """Delay after the ``attempts``-th failure (1 = first failure): d/2 + U(0, d/2), d = min(cap, base·2^(n-1))."""
    d = min(max_delay_s, base_delay_s * (2 ** max(0, min(attempts - 1, 30))))
    return dt.timedelta(seconds=d / 2 + rng.uniform(0, d / 2))


@dataclass
class RunResult:
    delivered: int = 0
    failed: int = 0
    rejected: int = 0


class DeliveryWorker:
    """Exponential backoff with "equal jitter": wait d/2 + U(0, d/2), d = min(cap, base·2^attempts)."""

    def __init__(self, outbox: Outbox, client: SubmitClient, clock: Callable[[], dt.datetime],
                 rng: random.Random, *, base_delay_s: float = 2.0, max_delay_s: float = 600.0,
                 batch: int = 50, poll_s: float = 5.0):
        self.outbox = outbox
        self.client = client
        self.clock = clock
        self.rng = rng
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        self.batch = batch
        self.poll_s = poll_s

    def backoff(self, attempts: int) -> dt.timedelta:
        """Delay after the ``attempts``-th failure (1 = first failure)."""
        return equal_jitter(attempts, self.rng, self.base_delay_s, self.max_delay_s)

    def run_once(self, now: dt.datetime) -> RunResult:
        """One pass over the due items; stops the pass early when the gateway is unreachable."""
        result = RunResult()
        for item in self.outbox.due(now, self.batch):
            try:
                receipt = self.client.submit(item.idempotency_key, item.envelope)
            except PieturaError as exc:
                if exc.action is Action.RETRY or isinstance(exc, GatewayUnreachable | GatewayServerError):
                    self.outbox.mark_failed(item.idempotency_key, exc.code,
                                            now + self.backoff(item.attempts + 1))
                    result.failed += 1
                    log.info("delivery_failed code=%s attempts=%d", exc.code, item.attempts + 1)
                    if isinstance(exc, GatewayUnreachable):
                        break  # the rest would fail the same way; their turn comes with backoff
                    continue
                self.outbox.mark_rejected(item.idempotency_key, exc.code)
                result.rejected += 1
                log.warning("delivery_rejected code=%s", exc.code)
                continue
            except Exception as exc:  # noqa: BLE001 - a bug must not stop deliveries for good
                self.outbox.mark_failed(item.idempotency_key, "delivery_unexpected_error",
                                        now + self.backoff(item.attempts + 1))
                result.failed += 1
                log.exception("delivery_unexpected_error type=%s", type(exc).__name__)
                continue
            self.outbox.mark_delivered(item.idempotency_key, receipt, self.clock())
            result.delivered += 1
        return result

    def run_forever(self, stop_event: threading.Event) -> None:
        """Deliver until ``stop_event`` is set; sleeps until the next item is due (at most ``poll_s``)."""
        while not stop_event.is_set():
            now = self.clock()
            try:
                self.run_once(now)
            except PieturaError as exc:  # the outbox itself failed (disk): report and keep trying
                log.error("outbox_error code=%s", exc.code)
            next_due = self.outbox.next_due()
            wait = self.poll_s
            if next_due is not None:
                wait = max(0.05, min(self.poll_s, (next_due - self.clock()).total_seconds()))
            stop_event.wait(wait)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kiosk outbox", description="deliver queued submissions")
    p.add_argument("command", choices=("run", "status"))
    p.add_argument("--db", required=True, help="outbox SQLite file")
    p.add_argument("--gateway", help="gateway base URL (run)")
    p.add_argument("--device-id", help="enrolled device id (run)")
    p.add_argument("--device-key", help="device private key PEM (run)")
    p.add_argument("--ca-file", default=None, help="CA bundle for the gateway's TLS certificate")
    p.add_argument("--once", action="store_true", help="one pass, then exit")
    p.add_argument("--connect-timeout", type=float, default=3.05, help="seconds")
    p.add_argument("--read-timeout", type=float, default=10.0, help="seconds")
    p.add_argument("--base-delay", type=float, default=2.0, help="first retry delay, seconds")
    p.add_argument("--max-delay", type=float, default=600.0, help="longest retry delay, seconds")
    p.add_argument("--poll", type=float, default=5.0, help="longest sleep between passes, seconds")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m kiosk.backend.delivery run|status``; ``kiosk outbox run|status`` calls it with the
    arguments it takes from kiosk.toml."""
    args = _parser().parse_args(argv)
    outbox = Outbox(args.db, sealing_public_key=None)  # delivering needs no key: envelopes are sealed
    now = dt.datetime.now(dt.UTC)
    if args.command == "status":
        s = outbox.status(now)
        print(f"pending {s['pending']}  rejected {s['rejected']}  delivered {s['delivered']}"
              f"  oldest {s['oldest_age_s'] if s['oldest_age_s'] is not None else '-'} s  errors {s['errors']}")
        return 0
    if not (args.gateway and args.device_id and args.device_key):
        print("run needs --gateway, --device-id and --device-key", file=sys.stderr)
        return 2
    from kiosk.backend.client import GatewayClient
    from wire.device_key import DeviceKey

    client = GatewayClient(args.gateway, device_id=args.device_id, device_key=DeviceKey.load(args.device_key),
                           ca_file=args.ca_file, retries=0, connect_timeout=args.connect_timeout,
                           read_timeout=args.read_timeout)
    worker = DeliveryWorker(outbox, client, lambda: dt.datetime.now(dt.UTC), random.Random(),
                            base_delay_s=args.base_delay, max_delay_s=args.max_delay, poll_s=args.poll)
    if args.once:
        r = worker.run_once(now)
        print(f"delivered {r.delivered}  failed {r.failed}  rejected {r.rejected}")
        return 0
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    worker.run_forever(stop)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
