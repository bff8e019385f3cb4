"""POST /v1/sign/prepare and POST /v1/sign/finalise: .edoc signing in the signed-in citizen's session.

The kiosk sends the signing certificate and the files' names, media types and SHA-256 digests
(the files stay on the kiosk: the gateway needs only their digests to build SignedInfo, and never
holds a citizen's document); the gateway answers with the prepared signature document, the digest
the card signs and a binding to this session. After the card has signed, the kiosk sends the
signature back; the gateway adds the time-stamp and the OCSP answer and returns the signature
document at level LT, which the kiosk writes into the container with the files. Codes: SigningCode
(wire/edoc/model.py) and ``signing_unavailable`` when the gateway has no [signing] settings."""

from __future__ import annotations

import binascii
import logging
from typing import Annotated

from cryptography import x509
from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from gateway.deps import GatewayDep, require_role
from gateway.errors import ApiError
from gateway.models import BODY_ERRORS, DEVICE_ERRORS, error_responses
from gateway.service import Gateway
from gateway.signing.service import SigningRefused, SigningService
from gateway.store import SessionRow
from wire.edoc import SigningCode
from wire.edoc.build import DataFile
from wire.protocol import b64decode, b64encode

log = logging.getLogger("gateway.signing")
router = APIRouter(prefix="/v1/sign", tags=["signing"])
CitizenSession = Annotated[SessionRow, Depends(require_role("citizen"))]

_STATUS = {
    SigningCode.PERSON_MISMATCH: 403, SigningCode.CERT_REVOKED: 403, SigningCode.CERT_STATUS_UNKNOWN: 403,
    SigningCode.NOT_A_SIGNING_CERTIFICATE: 422, SigningCode.ISSUER_UNKNOWN: 422, SigningCode.BAD_SIGNATURE: 422,
    SigningCode.BINDING: 422, SigningCode.TSA_UNAVAILABLE: 503, SigningCode.OCSP_UNAVAILABLE: 503,
}
B64 = Field(min_length=4, max_length=200_000, pattern=r"^[A-Za-z0-9+/]+={0,2}$")


class FileDigest(BaseModel):
    name: str = Field(min_length=1, max_length=255)
    media_type: str = Field(min_length=1, max_length=255, pattern=r"^[\w.+-]+/[\w.+-]+$")
    sha256: str = Field(min_length=44, max_length=44, pattern=r"^[A-Za-z0-9+/]{43}=$")


class PrepareRequest(BaseModel):
    certificate: str = B64  # the card's signing certificate, DER, base64
    files: list[FileDigest] = Field(min_length=1, max_length=20)
    # the new signature's Id: S1 in a new container; S<n+1> when one more is added to an existing one
    signature_id: str = Field(default="S1", pattern=r"^S[1-9][0-9]{0,2}$")


class PrepareResponse(BaseModel):
    document: str  # the signature document without its value, base64
    digest: str  # what the card signs (PSO COMPUTE DIGITAL SIGNATURE), base64
    hash: str  # "sha256"
    binding: str  # ties the document to this session; sent back to /finalise


class FinaliseRequest(BaseModel):
    certificate: str = B64
    document: str = B64
    binding: str = Field(min_length=64, max_length=64, pattern=r"^[0-9a-f]{64}$")
    signature: str = B64  # the card's answer: raw r‖s (EC) or PKCS#1 v1.5 (RSA), base64


class FinaliseResponse(BaseModel):
    document: str  # META-INF/edoc-signatures-S<n>.xml at level LT, base64


def _service(gateway: Gateway) -> SigningService:
    if gateway.signing is None:
        raise ApiError("signing_unavailable", 503, "signing is not configured on this gateway")
    return gateway.signing


def _refused(refusal: SigningRefused, device_id: str) -> ApiError:
    log.info("signing refused code=%s device=%s", refusal.code.value, device_id)
    return ApiError(refusal.code.value, _STATUS[refusal.code])


def _certificate(text: str) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(b64decode(text))
    except (ValueError, binascii.Error):
        raise ApiError("request_invalid", 422, "certificate is not a DER certificate") from None


@router.post("/prepare", response_model=PrepareResponse,
             responses=error_responses(*BODY_ERRORS, *DEVICE_ERRORS, 403))
def prepare(body: PrepareRequest, session: CitizenSession, gateway: GatewayDep) -> PrepareResponse:
    """SignedInfo for these files and this certificate, which must be the signed-in person's."""
    service = _service(gateway)
    try:
        files = [DataFile(f.name, f.media_type, b64decode(f.sha256)) for f in body.files]
    except (ValueError, binascii.Error):
        raise ApiError("request_invalid", 422, "file name or digest not allowed") from None
    try:
        prepared = service.prepare(session_actor=session.actor_hash, session_ref=session.session_ref,
                                   certificate=_certificate(body.certificate), files=files,
                                   signature_id=body.signature_id)
    except SigningRefused as refusal:
        raise _refused(refusal, session.device_id) from None
    log.info("signing prepared device=%s files=%d", session.device_id, len(files))
    return PrepareResponse(document=b64encode(prepared.document), digest=b64encode(prepared.digest_to_sign),
                           hash=prepared.hash_name, binding=prepared.binding)


@router.post("/finalise", response_model=FinaliseResponse,
             responses=error_responses(*BODY_ERRORS, *DEVICE_ERRORS, 403))
def finalise(body: FinaliseRequest, session: CitizenSession, gateway: GatewayDep) -> FinaliseResponse:
    """The card's signature in, the LT signature document out (time-stamp and OCSP added)."""
    service = _service(gateway)
    try:
        document, signature = b64decode(body.document), b64decode(body.signature)
    except (ValueError, binascii.Error):
        raise ApiError("request_invalid", 422, "not base64") from None
    try:
        final = service.finalise(session_actor=session.actor_hash, session_ref=session.session_ref,
                                 certificate=_certificate(body.certificate), document=document,
                                 binding=body.binding, signature=signature)
    except SigningRefused as refusal:
        raise _refused(refusal, session.device_id) from None
    except ValueError:  # a document that does not parse could not have passed the binding; kept explicit
        raise ApiError(SigningCode.BINDING.value, 422) from None
    gateway.audit.append("document_signed", device_id=session.device_id, actor_hash=session.actor_hash,
                         details={"session_ref": session.session_ref})
    log.info("signing finalised device=%s", session.device_id)
    return FinaliseResponse(document=b64encode(final))
