"""The kiosk's own Ed25519 key and RFC 9421 signing of every gateway request.

The key is made at provisioning (kiosk/provisioning/enroll.py), kept 0600 on the device,
and identifies the kiosk to the gateway. Signatures cover ``@method``, ``@path``,
``@query`` and ``content-digest`` with a fresh ``created`` and ``nonce`` (see wire.protocol).
It lives in ``wire`` because both sides make such keys: the kiosk at enrolment, the embedded
gateway (gateway/embedded.py) for the device it enrols.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from requests_http_signature import HTTPSignatureAuth, algorithms

from drivers.errors import Action, PieturaError
from wire.protocol import SIGNATURE_TAG, SIGNED_COMPONENTS


class DeviceKeyError(PieturaError):
    code = "device_key_missing"
    action = Action.CALL_STAFF


@dataclasses.dataclass(frozen=True)
class DeviceKey:
    private_key: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> DeviceKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def load(cls, path: Path | str) -> DeviceKey:
        try:
            key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
        except (OSError, ValueError) as exc:
            raise DeviceKeyError(detail=f"{path}: {type(exc).__name__}") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise DeviceKeyError("device_key_invalid", f"{path}: not an Ed25519 key")
        return cls(key)

    def private_pem(self) -> bytes:
        return self.private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption())

    def public_pem(self) -> str:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")

    def save(self, path: Path | str) -> None:
        """Write the private key 0600 (refuses to overwrite an existing key)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(self.private_pem())

    def auth(self, device_id: str) -> requests.auth.AuthBase:
        """A requests auth hook that signs each request (fresh created + nonce per send)."""
        return HTTPSignatureAuth(signature_algorithm=algorithms.ED25519, key=self.private_key,  # type: ignore[arg-type]
                                 key_id=device_id,
                                 covered_component_ids=SIGNED_COMPONENTS, tag=SIGNATURE_TAG, use_nonce=True,
                                 label="pietura")
