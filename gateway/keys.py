"""The gateway's own key material: audit signing key, sealing key, role-hash key.

Keys live in files named by the config (never in the database), written 0600.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from gateway.config import ConfigError, GatewayConfig


def _write_secret(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _pem(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def generate_keys(config: GatewayConfig) -> None:
    """Create any missing key file (used by `kiosk-gateway admin init-keys` and tests)."""
    if not config.audit_signing_key.exists():
        _write_secret(config.audit_signing_key, _pem(Ed25519PrivateKey.generate()))
    if not config.sealing_private_key.exists():
        _write_secret(config.sealing_private_key, _pem(X25519PrivateKey.generate()))
    if not config.role_key.exists():
        _write_secret(config.role_key, secrets.token_hex(32).encode("ascii") + b"\n")


def normalise_personal_code(code: str) -> str:
    """Digits only, so '321922-33032', '32192233032' and 'PNOLV-321922-33032' hash alike."""
    return re.sub(r"\D", "", code.split("-", 1)[1] if code.upper().startswith("PNO") else code)


@dataclasses.dataclass(frozen=True)
class GatewayKeys:
    audit: Ed25519PrivateKey
    sealing: X25519PrivateKey
    role_key: bytes

    @property
    def sealing_public(self) -> X25519PublicKey:
        return self.sealing.public_key()

    def sealing_public_pem(self) -> str:
        return self.sealing_public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")

    def role_hash(self, personal_code: str) -> str:
        """Keyed hash of a personal code: role lists never hold the code itself."""
        return hmac.new(self.role_key, normalise_personal_code(personal_code).encode("ascii"),
                        hashlib.sha256).hexdigest()


def load_keys(config: GatewayConfig) -> GatewayKeys:
    problems: list[str] = []
    loaded: dict[str, object] = {}
    for name, path, kind in (("audit", config.audit_signing_key, Ed25519PrivateKey),
                             ("sealing", config.sealing_private_key, X25519PrivateKey)):
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except (OSError, ValueError) as exc:
            problems.append(f"keys.{name}: {path}: {exc}")
            continue
        if not isinstance(key, kind):
            problems.append(f"keys.{name}: {path}: wrong key type")
        loaded[name] = key
    try:
        role_key = bytes.fromhex(config.role_key.read_text("ascii").strip())
        if len(role_key) < 16:
            problems.append("keys.role_key: at least 16 bytes (hex) needed")
    except (OSError, ValueError) as exc:
        problems.append(f"keys.role_key: {config.role_key}: {exc}")
        role_key = b""
    if problems:
        raise ConfigError(problems)
    return GatewayKeys(audit=loaded["audit"], sealing=loaded["sealing"], role_key=role_key)  # type: ignore[arg-type]


def load_audit_key(config: GatewayConfig) -> Ed25519PrivateKey:
    """The audit signing key alone (``audit verify`` needs nothing else)."""
    try:
        key = serialization.load_pem_private_key(config.audit_signing_key.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise ConfigError([f"keys.audit: {config.audit_signing_key}: {exc}"]) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError([f"keys.audit: {config.audit_signing_key}: wrong key type"])
    return key


def load_trust_anchors(paths: tuple[Path, ...]) -> list[x509.Certificate]:
    """Intermediate CA certificates (PEM, several per file allowed, or DER)."""
    anchors: list[x509.Certificate] = []
    problems: list[str] = []
    for path in paths:
        try:
            data = path.read_bytes()
            if b"-----BEGIN" in data:
                anchors.extend(x509.load_pem_x509_certificates(data))
            else:
                anchors.append(x509.load_der_x509_certificate(data))
        except (OSError, ValueError) as exc:
            problems.append(f"gateway.trust_ca: {path}: {exc}")
    if problems:
        raise ConfigError(problems)
    return anchors
