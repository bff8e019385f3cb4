"""Device request signatures (RFC 9421, Ed25519) and per-device rate limits.

Signatures cover ``@method``, ``@path``, ``@query`` and the body's ``content-digest`` but not
``@authority``/``@scheme``, so they verify behind any TLS terminator or proxy. ``created``
must be recent; each signature ``nonce`` is accepted once and the device's rate limit taken in
the shared database (:mod:`gateway.shared_state`), so every instance and every restart agrees.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.serialization import load_pem_public_key
from http_message_signatures import HTTPMessageVerifier, HTTPSignatureKeyResolver, InvalidSignature
from http_message_signatures.algorithms import ED25519
from http_message_signatures.exceptions import HTTPMessageSignaturesException

from gateway.db import StorageUnavailable
from gateway.errors import ApiError, RateLimited
from gateway.shared_state import Rate, SharedState, Verdict
from gateway.store import DeviceRow, GatewayStore
from wire.protocol import SIGNATURE_TAG, SIGNED_COMPONENTS

MAX_SIGNATURE_AGE = dt.timedelta(minutes=5)


class _Message:
    """The view http-message-signatures reads: method, absolute URL, header field lines."""

    def __init__(self, method: str, url: str, headers: Any):
        self.method = method
        self.url = url
        self.headers = headers


@functools.lru_cache(maxsize=4096)
def _public_key(pem: str) -> Any:
    """Parsed keys by PEM text; the device row (status!) is still read on every request."""
    return load_pem_public_key(pem.encode("ascii"))


class _DeviceKeys(HTTPSignatureKeyResolver):
    def __init__(self, store: GatewayStore):
        self.store = store
        self.device: DeviceRow | None = None
        self.problem: ApiError | StorageUnavailable | None = None

    def resolve_public_key(self, key_id: str):  # noqa: ANN201 - library interface
        try:
            device = self.store.device(key_id, with_reports=False)
        except StorageUnavailable as exc:  # the library would turn it into "invalid signature"
            self.problem = exc
            raise
        if device is None:
            self.problem = ApiError("device_unknown", 401, "no such device")
            return None
        if device.status != "active":
            self.problem = ApiError("device_revoked", 401, "device key revoked")
            return None
        self.device = device
        return _public_key(device.public_key)

    def resolve_private_key(self, key_id: str):  # noqa: ANN201
        raise NotImplementedError


class DeviceVerifier:
    def __init__(self, store: GatewayStore, shared: SharedState, rate: Rate):
        self.store = store
        self.shared = shared
        self.rate = rate

    def verify(self, method: str, raw_path: str, query: str, headers: Mapping[str, str] | Any,
               body: bytes) -> DeviceRow:
        """Return the signing device or raise ApiError (signature_missing/…_invalid, device_*,
        signature_replayed, rate_limited with Retry-After)."""
        if "signature" not in headers or "signature-input" not in headers:
            raise ApiError("signature_missing", 401, "request is not signed by a device key")
        url = "http://gateway" + raw_path + (f"?{query}" if query else "")
        keys = _DeviceKeys(self.store)
        verifier = HTTPMessageVerifier(signature_algorithm=ED25519, key_resolver=keys)
        try:
            results = verifier.verify(_Message(method, url, headers), max_age=MAX_SIGNATURE_AGE,
                                      expect_tag=SIGNATURE_TAG, require_components=SIGNED_COMPONENTS,
                                      body=body)
        except (InvalidSignature, HTTPMessageSignaturesException, ValueError, TypeError) as exc:
            if keys.problem is not None:
                raise keys.problem from None
            raise ApiError("signature_invalid_device", 401, type(exc).__name__) from None
        if keys.device is None or len(results) != 1:
            raise ApiError("signature_invalid_device", 401, "one device signature expected")
        admission = self.shared.admit_signed(keys.device.device_id, results[0].nonce or "", self.rate)
        if admission.verdict is Verdict.REPLAYED:
            raise ApiError("signature_replayed", 401, "signature nonce missing or already used")
        if admission.verdict is Verdict.RATE_LIMITED:
            raise RateLimited("too many requests from this device", admission.retry_after_s)
        return keys.device
