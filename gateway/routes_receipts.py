"""GET /v1/receipts/{reference}: what a receipt showed, for a staff reprint at a kiosk.

A citizen came back after the printer ran out of paper; the kiosk keeps no copy, so staff ask the
gateway. The answer carries only what a receipt may carry: reference, short code, service, time,
kind, the citizen's initials (from the sealed answers' or the sealed principal's name, opened here
and never stored) and, for a proxy submission, the authorisation number. A signed device request
with a staff or technician session of that device; every reprint is in the audit log.
"""

from __future__ import annotations

import binascii
import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Path

from gateway import proxy
from gateway.deps import FleetSession, GatewayDep
from gateway.errors import ApiError
from gateway.models import DEVICE_ERRORS, Envelope, StoredReceipt, error_responses
from gateway.service import Gateway
from gateway.store import SubmissionRow, from_ms
from wire.protocol import SealError, b64decode, format_time, unseal

log = logging.getLogger("gateway.receipts")
router = APIRouter(prefix="/v1", tags=["receipts"])
Reference = Annotated[str, Path(min_length=4, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]


def _initials(gateway: Gateway, row: SubmissionRow) -> str:
    """The citizen's initials as the receipt showed them; "" when the answers hold no name."""
    try:
        envelope = Envelope.model_validate_json(row.envelope)
        if envelope.proxy is not None:
            return proxy.open_principal(gateway, envelope.proxy).initials
        answers: Any = json.loads(unseal(gateway.keys.sealing, b64decode(envelope.sealed_answers)))
    except (ApiError, SealError, ValueError, binascii.Error, UnicodeError):
        return ""  # e.g. sealed to a key rotated away since: the copy prints without initials
    answered = answers.get("answers") if isinstance(answers, dict) else None
    if not isinstance(answered, dict):
        return ""
    names = [answered.get(k) for k in ("given_name", "surname")]
    return proxy.initials(" ".join(n for n in names if isinstance(n, str)))


@router.get("/receipts/{reference}", response_model=StoredReceipt,
            responses=error_responses(*DEVICE_ERRORS, 403, 404, 422))
def stored_receipt(reference: Reference, session: FleetSession, gateway: GatewayDep) -> StoredReceipt:
    """A stored submission's receipt content (device + staff or technician session)."""
    row = gateway.store.submission(reference.upper())
    if row is None:
        raise ApiError("submission_not_found", 404, "no submission with this reference")
    record = gateway.store.proxy_for(row.reference) if row.kind == "proxy" else None
    gateway.audit.append("receipt_reprinted", device_id=session.device_id, actor_hash=session.actor_hash,
                         details={"reference": row.reference, "session_ref": session.session_ref})
    log.info("receipt content sent ref=%s device=%s", row.reference, session.device_id)
    return StoredReceipt(reference=row.reference, short_code=row.short_code, service_id=row.service_id,
                         status=row.status, received_at=format_time(from_ms(row.received_at)), kind=row.kind,
                         citizen_initials=_initials(gateway, row),
                         authorisation_ref=record.authorisation_ref if record is not None else None)
