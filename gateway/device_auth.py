"""Device request signatures (RFC 9421, Ed25519) and per-device rate limits.

Signatures cover ``@method``, ``@path``, ``@query`` and the body's ``content-digest`` but not
``@authority``/``@scheme``, so they verify behind any TLS terminator or proxy. ``created``
must be recent and each signature ``nonce`` is accepted once (in-process replay cache).
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from cryptography.hazmat.primitives.serialization import load_pem_public_key
from http_message_signatures import HTTPMessageVerifier, HTTPSignatureKeyResolver, InvalidSignature
from http_message_signatures.algorithms import ED25519
from http_message_signatures.exceptions import HTTPMessageSignaturesException

from gateway.db import StorageUnavailable
from gateway.errors import ApiError
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


class ReplayCache:
    """Signature nonces seen in the last few minutes (per process)."""

    def __init__(self, ttl_seconds: float, monotonic: Callable[[], float] = time.monotonic):
        self.ttl = ttl_seconds
        self.monotonic = monotonic
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def first_use(self, key: str) -> bool:
        now = self.monotonic()
        with self._lock:
            if len(self._seen) > 100_000 or (self._seen and next(iter(self._seen.values())) < now - self.ttl):
                self._seen = {k: t for k, t in self._seen.items() if t >= now - self.ttl}
            if key in self._seen:
                return False
            self._seen[key] = now
            return True


class DeviceVerifier:
    def __init__(self, store: GatewayStore, replay: ReplayCache):
        self.store = store
        self.replay = replay

    def verify(self, method: str, raw_path: str, query: str, headers: Mapping[str, str] | Any,
               body: bytes) -> DeviceRow:
        """Return the signing device or raise ApiError (signature_missing/…_invalid, device_*)."""
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
        nonce = results[0].nonce
        if not nonce or not self.replay.first_use(f"{keys.device.device_id}:{nonce}"):
            raise ApiError("signature_replayed", 401, "signature nonce missing or already used")
        return keys.device


class RateLimiter:
    """Token bucket per device: ``rate`` requests/second sustained, ``burst`` at once."""

    def __init__(self, rate: float, burst: int, monotonic: Callable[[], float] = time.monotonic):
        self.rate = rate
        self.burst = max(1, burst)
        self.monotonic = monotonic
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, device_id: str) -> bool:
        if self.rate <= 0:
            return True
        now = self.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(device_id, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens < 1.0:
                self._buckets[device_id] = (tokens, now)
                return False
            self._buckets[device_id] = (tokens - 1.0, now)
            return True
