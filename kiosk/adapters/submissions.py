"""SubmissionPort: outbox first, then one immediate delivery attempt.

The submission is sealed and on disk before anything is sent; if the gateway cannot be reached
the citizen still gets a pending local reference and the delivery worker keeps trying. The
idempotency key is derived from the gateway session (or an offline sign-in's nonce), the service
and the exact answers, so a second press of Submit (after a timeout, say) can never create a
second record. An offline sign-in's token and attestation are sealed together with the answers
(``offline_payload``) in an envelope that names no session; the gateway checks them on delivery.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import random
import threading
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from drivers.errors import PieturaError
from kiosk.backend.client import GatewayClient, GatewayRejected
from kiosk.backend.delivery import DeliveryWorker, RunResult, SubmitClient
from kiosk.backend.envelope import EnvelopeHeader
from kiosk.backend.offline_auth import (  # the gateway knows them too
    local_code,
    local_reference,
    offline_payload,
)
from kiosk.backend.outbox import Outbox
from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow.state import SubmissionView
from kiosk.logsetup import event as log_event

log = logging.getLogger("kiosk.submissions")
RETRY_AFTER = dt.timedelta(seconds=30)


def idempotency_key(effect: fx.SubmitForm) -> str:
    anchor = effect.session_ref if effect.offline is None else "offline:" + effect.offline.attestation["nonce"]
    digest = hashlib.sha256()
    parts = [anchor.encode(), effect.service_id.encode(), effect.payload]
    if effect.proxy is not None:  # one staff session may submit for several citizens
        parts.append(effect.proxy.authorisation_ref.encode())
    for part in parts:
        digest.update(len(part).to_bytes(4, "big") + part)
    return digest.hexdigest()[:32]


class SubmissionService:
    def __init__(self, outbox: Outbox, client: GatewayClient, status_base: str,
                 worker: _BackgroundDelivery,
                 now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)):
        self.outbox = outbox
        self.client = client
        self.status_base = status_base
        self.now = now
        self.worker = worker

    @classmethod
    def open(cls, workdir: Path, client: GatewayClient, sealing_key: X25519PublicKey | None,
             status_base: str) -> SubmissionService:
        outbox = Outbox(Path(workdir) / "outbox.sqlite", sealing_key)
        return cls(outbox, client, status_base, _BackgroundDelivery(outbox, client))

    def submit(self, effect: fx.SubmitForm) -> ev.SubmitAccepted | ev.SubmitFailed:
        key = idempotency_key(effect)
        now = self.now()
        answers = effect.payload
        session_ref: str | None = effect.session_ref
        if effect.offline is not None:  # signed in without the gateway: the proof travels sealed, no session
            answers = offline_payload(effect.offline.token, effect.offline.attestation, effect.payload)
            session_ref = None
        header = EnvelopeHeader(
            service_id=effect.service_id, service_version=effect.service_version, created_at=now,
            session_ref=session_ref,
            assisted_by=effect.assisted_by,  # guided by staff: the gateway records who helped
            proxy=effect.proxy,  # staff submit for a citizen under a written authorisation
        )
        try:
            item = self.outbox.enqueue(key, header, answers)
        except PieturaError as exc:
            log_event(log, "submit_not_queued", logging.ERROR, code=exc.code)
            return ev.SubmitFailed(exc.code)
        if item.reference:  # delivered before (a repeated press)
            return ev.SubmitAccepted(SubmissionView(item.reference, item.short_code or "", self.status_base, False))
        try:
            receipt = self.client.submit(key, item.envelope)
        except GatewayRejected as exc:
            self.outbox.mark_rejected(key, exc.code)
            log_event(log, "submit_rejected", logging.WARNING, code=exc.code, service_id=effect.service_id)
            return ev.SubmitFailed(exc.code)
        except PieturaError as exc:
            self.outbox.mark_failed(key, exc.code, now + RETRY_AFTER)
            log_event(log, "submit_queued", code=exc.code, service_id=effect.service_id)
            # the local code opens the delivered submission's status later (the reference alone does not)
            return ev.SubmitAccepted(SubmissionView(local_reference(key), local_code(key), self.status_base, True))
        self.outbox.mark_delivered(key, receipt, now)
        log_event(log, "submitted", service_id=effect.service_id)
        return ev.SubmitAccepted(SubmissionView(receipt.reference, receipt.short_code, self.status_base, False))

    def retry_now(self) -> str:
        """Staff's "retry deliveries now"; returns "done" or the first error code."""
        now = self.now()
        self.outbox.retry_now(now)
        result = self.worker.run_once(now)
        return "done" if not result.failed and not result.rejected else "delivery_incomplete"

    def close(self) -> None:
        self.outbox.close()


class _BackgroundDelivery:
    """Runs the delivery worker on a thread inside the app (``kiosk outbox run`` does the same alone)."""

    def __init__(self, outbox: Outbox, client: SubmitClient):
        self._stop = threading.Event()
        self._worker = DeliveryWorker(outbox, client, lambda: dt.datetime.now(dt.UTC), random.Random())
        self._thread = threading.Thread(target=self._worker.run_forever, args=(self._stop,), daemon=True,
                                        name="delivery")

    def run_once(self, now: dt.datetime) -> RunResult:
        return self._worker.run_once(now)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
