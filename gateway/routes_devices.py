"""Fleet and audit: enrolment, heartbeat, device list, audit log, sealing key."""

from __future__ import annotations

import logging
from typing import Annotated

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_pem_public_key
from fastapi import APIRouter, Query

from gateway.deps import DeviceDep, FleetSession, GatewayDep, StaffSession
from gateway.errors import ApiError
from gateway.models import (
    BODY_ERRORS,
    DEVICE_ERRORS,
    AuditEntryOut,
    AuditPage,
    DeviceList,
    DeviceOut,
    EnrolRequest,
    EnrolResponse,
    HealthReport,
    HeartbeatRequest,
    HeartbeatResponse,
    SealingKeyResponse,
    error_responses,
)
from wire.protocol import SIGNATURE_ALGORITHM_ID, format_time, sealing_key_id

log = logging.getLogger("gateway.devices")
router = APIRouter(prefix="/v1", tags=["devices"])


@router.post("/devices/enroll", response_model=EnrolResponse, status_code=201,
             responses=error_responses(*BODY_ERRORS, 401, 503))
def enroll(body: EnrolRequest, gateway: GatewayDep) -> EnrolResponse:
    """Spend a one-time enrolment token; the device registers its Ed25519 public key."""
    try:
        key = load_pem_public_key(body.public_key.encode("ascii"))
    except (ValueError, UnicodeError):
        raise ApiError("device_key_invalid", 422, "public_key is not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ApiError("device_key_invalid", 422, "device keys are Ed25519")
    pem = key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode("ascii")
    device = gateway.store.enrol_device(body.enrolment_token, pem, gateway.clock())
    gateway.audit.append("device_enrolled", device_id=device.device_id, details={"name": device.name})
    log.info("device enrolled device=%s", device.device_id)
    return EnrolResponse(device_id=device.device_id, signature_algorithm=SIGNATURE_ALGORITHM_ID,
                         sealing_public_key=gateway.keys.sealing_public_pem(), origin=gateway.config.origin)


@router.post("/devices/heartbeat", response_model=HeartbeatResponse,
             responses=error_responses(*BODY_ERRORS, *DEVICE_ERRORS))
def heartbeat(body: HeartbeatRequest, device: DeviceDep,
              gateway: GatewayDep) -> HeartbeatResponse:
    """Health of a kiosk: printer, reader, outbox depth, version (no personal data)."""
    now = gateway.clock()
    gateway.store.record_heartbeat(device.device_id, body.health, now, body.source)
    return HeartbeatResponse(received_at=format_time(now))


@router.get("/devices", response_model=DeviceList, responses=error_responses(*DEVICE_ERRORS, 403))
def devices(session: FleetSession,
            gateway: GatewayDep) -> DeviceList:
    """Fleet health for staff and technicians."""
    return DeviceList(devices=[DeviceOut(device_id=d.device_id, name=d.name, status=d.status,
                                         enrolled_at=d.enrolled_at, last_seen_at=d.last_seen_at, health=d.health,
                                         reports={src: HealthReport(received_at=at, health=h)
                                                  for src, (at, h) in d.reports.items()})
                               for d in gateway.store.list_devices()])


@router.get("/audit", response_model=AuditPage, responses=error_responses(*DEVICE_ERRORS, 403, 422))
def audit(session: StaffSession, gateway: GatewayDep, after: Annotated[int, Query(ge=0, le=2**62)] = 0,
          limit: Annotated[int, Query(ge=1, le=500)] = 100) -> AuditPage:
    """Hash-chained audit of staff and proxy actions (staff sessions only)."""
    return AuditPage(entries=[AuditEntryOut(**e.to_json()) for e in gateway.audit.entries(after, limit)])


@router.get("/sealing-key", response_model=SealingKeyResponse)
def sealing_key(gateway: GatewayDep) -> SealingKeyResponse:
    """The public key kiosks seal answers to (X25519; scheme in docs/gateway.md)."""
    return SealingKeyResponse(public_key=gateway.keys.sealing_public_pem(),
                              key_id=sealing_key_id(gateway.keys.sealing_public),
                              scheme="x25519-hkdf-sha256-aes256gcm")
