"""The kiosk's gateway client: pooled requests, explicit timeouts, signed calls, classified errors.

Retries with backoff only for idempotent calls (GETs and submissions, which carry an
Idempotency-Key). ``authenticate`` is never retried: its nonce is burnt on first use, and
the caller decides whether to ask the card again (never re-send a PIN automatically).
Times in the gateway's answers (RFC 3339) are parsed here, once: callers get aware ``datetime``
values. Every answer from the gateway carries its HTTP ``Date``; with a ``clock_guard`` the client
compares it with the kiosk clock, which is what allows offline sign-in later in this boot.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import requests
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
from requests.adapters import HTTPAdapter

from drivers.errors import Action, PieturaError
from kiosk.receipts.model import ReceiptKind, StoredReceipt
from wire.device_key import DeviceKey
from wire.protocol import IDEMPOTENCY_KEY_HEADER, b64decode, b64encode, load_sealing_public_key, parse_time

# Rejections the person at the kiosk can act on; others need staff.
_ASK_USER = {"nonce_expired", "nonce_unknown", "nonce_reused", "signature_invalid", "cert_expired",
             "cert_not_yet_valid", "cert_revoked", "cert_untrusted", "session_expired", "rate_limited",
             "submission_not_found", "role_required"}
_RETRY = {"rate_limited", "ocsp_unavailable", "sign_tsa_unavailable", "sign_ocsp_unavailable"}


class GatewayUnreachable(PieturaError):
    code = "gateway_unreachable"
    action = Action.RETRY


class GatewayServerError(PieturaError):
    code = "gateway_server_error"
    action = Action.RETRY


class GatewayRejected(PieturaError):
    """The gateway refused the call; ``code`` is the gateway's own precise code."""

    action = Action.CALL_STAFF

    def __init__(self, code: str, detail: str = "", status: int = 400):
        action = Action.RETRY if code in _RETRY else Action.ASK_USER if code in _ASK_USER else Action.CALL_STAFF
        super().__init__(code, detail, action=action)
        self.status = status


@dataclasses.dataclass(frozen=True)
class Challenge:
    nonce: str
    expires_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class Identity:
    given_name: str
    surname: str
    personal_code: str

    def __repr__(self) -> str:  # keep personal data out of logs and tracebacks
        return "Identity(<redacted>)"


@dataclasses.dataclass(frozen=True)
class AuthSession:
    session_token: str = dataclasses.field(repr=False)
    expires_at: dt.datetime
    identity: Identity
    roles: frozenset[str]
    session_ref: str = ""  # public reference put into submission envelopes


@dataclasses.dataclass(frozen=True)
class CatalogueResponse:
    etag: str
    data: dict[str, Any] | None  # None when the gateway answered 304 Not Modified


@dataclasses.dataclass(frozen=True)
class SubmissionReceipt:
    reference: str
    short_code: str
    status: str
    status_url: str


@dataclasses.dataclass(frozen=True)
class PendingStatus:
    local_reference: str
    state: str  # "pending" | "delivered" | "rejected"
    reference: str | None
    status: str | None
    rejection: str | None


@dataclasses.dataclass(frozen=True)
class PreparedSignature:
    """The gateway's answer to /v1/sign/prepare: the signature document without its value, the
    digest the card signs (``hash_name`` of the canonical SignedInfo) and the session binding."""

    document: bytes
    digest: bytes
    hash_name: str
    binding: str


@dataclasses.dataclass(frozen=True)
class SubmissionStatus:
    reference: str
    service_id: str
    status: str
    received_at: dt.datetime
    status_at: dt.datetime


class GatewayClient:
    def __init__(self, base_url: str, *, device_id: str, device_key: DeviceKey, ca_file: str | None = None,
                 connect_timeout: float = 3.05, read_timeout: float = 10, session: requests.Session | None = None,
                 retries: int = 3, backoff: float = 0.5, sleep: Callable[[float], None] = time.sleep,
                 clock_guard: Any = None,
                 wall_clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)):
        self.base_url = base_url.rstrip("/")
        self.device_id = device_id
        self.timeout = (connect_timeout, read_timeout)
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self.clock_guard = clock_guard  # kiosk.backend.offline_auth.ClockGuard, fed from each answer's Date
        self.wall_clock = wall_clock
        self._last_nonce: str | None = None
        self.http = session or requests.Session()
        self.http.mount("https://", HTTPAdapter(pool_connections=2, pool_maxsize=4, max_retries=0))
        self.http.mount("http://", HTTPAdapter(pool_connections=2, pool_maxsize=4, max_retries=0))
        # passed on every request: a session-level verify loses to REQUESTS_CA_BUNDLE in requests
        self.verify: str | bool = ca_file if ca_file else True
        self.http.auth = device_key.auth(device_id)

    def close(self) -> None:
        self.http.close()

    # -- transport --------------------------------------------------------------------------
    def _send(self, method: str, path: str, *, idempotent: bool, expect: tuple[int, ...] = (200,),
              read_timeout: float | None = None, **kwargs: Any) -> requests.Response:
        attempts = self.retries + 1 if idempotent else 1
        last: PieturaError | None = None
        for attempt in range(attempts):
            if attempt:
                self.sleep(self.backoff * (2 ** (attempt - 1)))
            try:
                timeout = self.timeout if read_timeout is None else (self.timeout[0], read_timeout)
                response = self.http.request(method, self.base_url + path, timeout=timeout,
                                             verify=self.verify, **kwargs)
            except requests.exceptions.SSLError as exc:
                raise GatewayUnreachable("gateway_tls_failed", type(exc).__name__,
                                         action=Action.CALL_STAFF) from exc
            except (requests.ConnectionError, requests.Timeout) as exc:
                last = GatewayUnreachable(detail=f"{method} {path}: {type(exc).__name__}")
                continue
            self._compare_clocks(response)
            if response.status_code in expect:
                return response
            if response.status_code >= 500 or response.status_code == 429:
                last = self._error(response)
                if response.status_code in (500, 502, 503, 504, 429):
                    continue
            raise self._error(response)
        assert last is not None
        raise last

    def _compare_clocks(self, response: requests.Response) -> None:
        """The gateway answered (not a 5xx from something in between): note its clock against ours."""
        if self.clock_guard is None or response.status_code >= 500:
            return
        try:
            gateway_time = email.utils.parsedate_to_datetime(response.headers.get("Date", ""))
        except (TypeError, ValueError, IndexError):
            return
        if gateway_time.tzinfo is not None:
            self.clock_guard.record(gateway_time, self.wall_clock())

    @staticmethod
    def _error(response: requests.Response) -> PieturaError:
        try:
            body = response.json()
            code, detail = str(body.get("error", "")), str(body.get("detail", ""))
        except (ValueError, AttributeError):
            code, detail = "", ""
        if response.status_code >= 500:
            return GatewayServerError(detail=f"HTTP {response.status_code} {code}".strip())
        return GatewayRejected(code or f"http_{response.status_code}", detail, response.status_code)

    # -- API --------------------------------------------------------------------------------
    def challenge(self) -> Challenge:
        body = self._send("POST", "/v1/auth/challenge", idempotent=False).json()
        self._last_nonce = body["nonce"]
        return Challenge(nonce=body["nonce"], expires_at=parse_time(body["expires_at"]))

    def authenticate(self, token: dict[str, Any], nonce: str | None = None) -> AuthSession:
        """Send a Web eID token for the nonce of the last :meth:`challenge` (or ``nonce``)."""
        nonce = nonce or self._last_nonce
        if nonce is None:
            raise GatewayRejected("nonce_unknown", "call challenge() first")
        self._last_nonce = None
        body = self._send("POST", "/v1/auth/token", idempotent=False, json={"nonce": nonce, "token": token}).json()
        ident = body["identity"]
        return AuthSession(session_token=body["session_token"], expires_at=parse_time(body["expires_at"]),
                           identity=Identity(ident["given_name"], ident["surname"], ident["personal_code"]),
                           roles=frozenset(body["roles"]), session_ref=body["session_ref"])

    def catalogue(self, etag: str | None = None) -> CatalogueResponse:
        headers = {"If-None-Match": etag} if etag else {}
        response = self._send("GET", "/v1/catalogue", idempotent=True, expect=(200, 304), headers=headers)
        if response.status_code == 304:
            return CatalogueResponse(etag=response.headers.get("ETag", etag or ""), data=None)
        return CatalogueResponse(etag=response.headers.get("ETag", ""), data=response.json())

    def submit(self, idempotency_key: str, envelope_bytes: bytes) -> SubmissionReceipt:
        """Deliver exactly these bytes; retries resend them under the same key (one record)."""
        response = self._send("POST", "/v1/submissions", idempotent=True, expect=(200, 201), data=envelope_bytes,
                              headers={IDEMPOTENCY_KEY_HEADER: idempotency_key, "Content-Type": "application/json"})
        body = response.json()
        return SubmissionReceipt(reference=body["reference"], short_code=body["short_code"], status=body["status"],
                                 status_url=body["status_url"])

    def submission_status(self, reference: str, short_code: str) -> SubmissionStatus:
        body = self._send("GET", f"/v1/submissions/{quote(reference, safe='')}", idempotent=True,
                          params={"code": short_code}).json()
        return SubmissionStatus(reference=body["reference"], service_id=body["service_id"], status=body["status"],
                                received_at=parse_time(body["received_at"]), status_at=parse_time(body["status_at"]))

    def pending_status(self, local_reference: str, code: str = "") -> PendingStatus:
        """What a pending receipt's local reference (P-XXXX-XXXX) leads to now; a delivered one's
        reference and status need the receipt's code (``wire.local_code``)."""
        body = self._send("GET", f"/v1/pending/{quote(local_reference, safe='')}",
                          idempotent=True, params={"code": code} if code else None).json()
        return PendingStatus(local_reference=body["local_reference"], state=body["state"],
                             reference=body.get("reference"), status=body.get("status"),
                             rejection=body.get("rejection"))

    def receipt(self, reference: str, session_token: str) -> StoredReceipt:
        """A stored receipt's content for a reprint (staff or technician session of this device)."""
        body = self._send("GET", f"/v1/receipts/{quote(reference, safe='')}", idempotent=True,
                          headers={"Authorization": f"Bearer {session_token}"}).json()
        return StoredReceipt(reference=body["reference"], short_code=body["short_code"],
                             service_id=body["service_id"], received_at=parse_time(body["received_at"]),
                             kind=ReceiptKind(body["kind"]),
                             citizen_initials=body.get("citizen_initials") or "",
                             authorisation_ref=body.get("authorisation_ref") or "")

    def heartbeat(self, health: dict[str, Any], source: str = "app") -> None:
        """``source``: "app" (the kiosk app) or "system" (kioskctl heartbeat); each replaces its own report."""
        self._send("POST", "/v1/devices/heartbeat", idempotent=True, json={"health": health, "source": source})

    def update_poll(self, compatible: str, version: str, site: str = "") -> dict[str, Any]:
        """The update bundle the gateway offers this kiosk: ``{"channel", "bundle": {version, url, size,
        sha256} | None, "update"}`` (docs/updates.md)."""
        return self._send("POST", "/v1/updates/poll", idempotent=True,
                          json={"compatible": compatible, "version": version, "site": site}).json()

    def sealing_public_key(self) -> X25519PublicKey:
        """The gateway's X25519 sealing key (pass to wire.protocol.seal)."""
        body = self._send("GET", "/v1/sealing-key", idempotent=True).json()
        return load_sealing_public_key(body["public_key"])

    def audit(self, session_token: str, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        """Audit entries (staff sessions only)."""
        return self._send("GET", "/v1/audit", idempotent=True, params={"after": after, "limit": limit},
                          headers={"Authorization": f"Bearer {session_token}"}).json()["entries"]

    def devices(self, session_token: str) -> list[dict[str, Any]]:
        """Fleet health (staff or technician sessions)."""
        return self._send("GET", "/v1/devices", idempotent=True,
                          headers={"Authorization": f"Bearer {session_token}"}).json()["devices"]

    # -- signing (docs/signing.md): one attempt each, never retried -------------------------------
    SIGN_READ_TIMEOUT = 45.0  # finalise waits for the gateway's TSA and OCSP calls

    def _sign_call(self, path: str, session_token: str, body: dict[str, Any]) -> dict[str, Any]:
        """One attempt; a 503 keeps the gateway's own code (``sign_tsa_unavailable``,
        ``sign_ocsp_unavailable``, ``signing_unavailable``) so the citizen is told which."""
        response = self._send("POST", path, idempotent=False, expect=(200, 503), read_timeout=self.SIGN_READ_TIMEOUT,
                              headers={"Authorization": f"Bearer {session_token}"}, json=body)
        if response.status_code == 503:
            try:
                code = str(response.json().get("error", ""))
            except (ValueError, AttributeError):
                code = ""
            if code.startswith("sign"):
                raise GatewayRejected(code, "", 503)
            raise self._error(response)
        result: dict[str, Any] = response.json()
        return result

    def sign_prepare(self, session_token: str, certificate: bytes,
                     files: list[tuple[str, str, bytes]], signature_id: str = "S1") -> PreparedSignature:
        """SignedInfo for ``files`` as (name, media type, SHA-256) and the card's signing certificate
        (DER), in the citizen's session. Only names and digests leave the kiosk. ``signature_id``:
        the new signature's Id (S2, S3 … when one is added to an existing container)."""
        body = self._sign_call("/v1/sign/prepare", session_token, {
            "certificate": b64encode(certificate), "signature_id": signature_id,
            "files": [{"name": name, "media_type": media, "sha256": b64encode(digest)} for name, media, digest in files]})
        return PreparedSignature(document=b64decode(body["document"]), digest=b64decode(body["digest"]),
                                 hash_name=str(body["hash"]), binding=str(body["binding"]))

    def sign_finalise(self, session_token: str, certificate: bytes, prepared: PreparedSignature,
                      signature: bytes) -> bytes:
        """The card's signature in; the signature document at level LT (time-stamp, OCSP) out."""
        body = self._sign_call("/v1/sign/finalise", session_token, {
            "certificate": b64encode(certificate), "document": b64encode(prepared.document),
            "binding": prepared.binding, "signature": b64encode(signature)})
        return b64decode(body["document"])
