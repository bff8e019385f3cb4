"""Gateway configuration: one TOML file plus command-line overrides.

Relative paths in the file are resolved against the file's folder. Every problem is
collected and reported at once (``ConfigError.problems``) with its key path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from drivers.errors import Action, PieturaError
from gateway.calls.settings import CallSettings, parse_call_settings

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVICES_DIR = REPO_ROOT / "config" / "services"
# Estonian Mobile-ID policies: Web eID validators reject them for ID-card login by default.
DEFAULT_DISALLOWED_POLICIES = (
    "1.3.6.1.4.1.10015.1.3",
    "1.3.6.1.4.1.10015.1.3.1",
    "1.3.6.1.4.1.10015.1.3.2",
    "1.3.6.1.4.1.10015.1.3.3",
)


class ConfigError(PieturaError):
    code = "gateway_config_invalid"
    action = Action.FATAL

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__(detail="; ".join(self.problems))


@dataclasses.dataclass(frozen=True)
class OcspSettings:
    enabled: bool = False
    url: str = ""  # designated responder; empty = take it from the certificate's AIA
    timeout_seconds: float = 5.0
    use_nonce: bool = True
    responder_certs: tuple[Path, ...] = ()  # designated responder certificates (optional)


@dataclasses.dataclass(frozen=True)
class SigningSettings:
    """The .edoc signing service (docs/signing.md): off unless the TSA's URL is set."""

    tsa_url: str = ""  # RFC 3161 time-stamping authority
    ocsp_url: str = ""  # OCSP responder for the signing certificates; "": the one each certificate's AIA names
    timeout_seconds: float = 10.0

    @property
    def enabled(self) -> bool:
        return bool(self.tsa_url)


@dataclasses.dataclass(frozen=True)
class Limits:
    body_max_bytes: int = 256 * 1024
    token_max_bytes: int = 16 * 1024
    rate_per_device: float = 20.0  # requests per second, sustained
    rate_burst: int = 200
    public_rate_per_client: float = 1.0  # public lookups per second and client address, sustained
    public_burst: int = 30


@dataclasses.dataclass(frozen=True)
class GatewayConfig:
    """Everything the gateway needs; build with :func:`load_config` or directly in tests."""

    origin: str
    trust_ca: tuple[Path, ...]
    db_url: str
    audit_signing_key: Path
    sealing_private_key: Path
    role_key: Path
    audit_heads: Path
    listen: str = "127.0.0.1:8443"
    services_dir: Path = DEFAULT_SERVICES_DIR
    staff: frozenset[str] = frozenset()  # keyed hashes (hex) of personal codes
    technician: frozenset[str] = frozenset()
    ocsp: OcspSettings = OcspSettings()
    signing: SigningSettings = SigningSettings()
    limits: Limits = Limits()
    session_seconds: int = 15 * 60
    nonce_seconds: int = 5 * 60
    offline_window_hours: float = 24.0  # offline sign-ins are accepted this long after the kiosk time
    register_after_seconds: float = 0.0  # reference adapter: received → registered delay
    submission_retention_days: int = 90
    audit_retention_days: int = 365
    disallowed_policies: tuple[str, ...] = DEFAULT_DISALLOWED_POLICIES
    tls_cert: Path | None = None
    tls_key: Path | None = None
    public_base_url: str = ""  # for status links on receipts; defaults to the origin
    fleet_page_token_sha256: str = ""  # SHA-256 (hex) of the fleet page's access token; empty = no page
    fleet_stale_minutes: int = 15  # a kiosk report older than this is shown as stale, its values unused
    calls: CallSettings = CallSettings()  # [calls]: video consultations (gateway/calls/settings.py)

    @property
    def listen_host_port(self) -> tuple[str, int]:
        return parse_listen(self.listen)

    @property
    def offline_window(self) -> dt.timedelta:
        return dt.timedelta(hours=self.offline_window_hours)

    def status_base_url(self) -> str:
        return (self.public_base_url or self.origin).rstrip("/")


def parse_listen(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError(f"listen must be HOST:PORT, got {text!r}")
    return host.strip("[]") or "127.0.0.1", int(port)


def check_origin(origin: str) -> str | None:
    """Web eID origin: scheme://host[:port], nothing else. Returns a problem or None."""
    parts = urlsplit(origin)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "origin must be https://host[:port]"
    if parts.path or parts.query or parts.fragment or parts.username:
        return "origin must not have a path, query, fragment or user"
    return None


def _path(base: Path, value: Any) -> Path:
    path = Path(str(value))
    return path if path.is_absolute() else base / path


def normalise_db_url(url: str, base: Path) -> str:
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if path != ":memory:" and not Path(path).is_absolute():
            return "sqlite:///" + str(base / path)
    return url


def _fleet_token_hash(fleet: Mapping[str, Any], problems: list[str]) -> str:
    value = str(fleet.get("page_token_sha256", "")).strip().lower()
    if value and (len(value) != 64 or any(c not in "0123456789abcdef" for c in value)):
        problems.append("fleet.page_token_sha256: must be 64 hex digits ('kiosk-gateway admin fleet-token')")
        return ""
    return value


def load_config(path: Path | str, overrides: Mapping[str, Any] | None = None) -> GatewayConfig:
    """Read a TOML file, apply CLI overrides (listen, origin, trust_ca, db_url) and check it."""
    path = Path(path)
    problems: list[str] = []
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError([f"{path}: {exc}"]) from exc
    return config_from_mapping(raw, path.parent, overrides or {}, problems)


def config_from_mapping(raw: Mapping[str, Any], base: Path, overrides: Mapping[str, Any],
                        problems: list[str] | None = None) -> GatewayConfig:
    problems = [] if problems is None else problems
    gw = dict(raw.get("gateway", {}))
    keys = dict(raw.get("keys", {}))
    roles = dict(raw.get("roles", {}))
    ocsp_raw = dict(raw.get("ocsp", {}))
    limits_raw = dict(raw.get("limits", {}))
    retention = dict(raw.get("retention", {}))
    tls = dict(raw.get("tls", {}))
    fleet = dict(raw.get("fleet", {}))
    signing_raw = dict(raw.get("signing", {}))
    known = {"gateway", "keys", "roles", "ocsp", "limits", "retention", "tls", "fleet", "signing", "calls"}
    problems += [f"{k}: unknown section" for k in raw if k not in known]

    origin = str(overrides.get("origin") or gw.get("origin", ""))
    if (problem := check_origin(origin)) is not None:
        problems.append(f"gateway.origin: {problem}")
    trust = overrides.get("trust_ca") or gw.get("trust_ca", [])
    trust_ca = tuple(_path(base if not overrides.get("trust_ca") else Path.cwd(), p) for p in trust)
    if not trust_ca:
        problems.append("gateway.trust_ca: at least one CA certificate file is needed")
    problems += [f"gateway.trust_ca: {p} does not exist" for p in trust_ca if not p.exists()]
    listen = str(overrides.get("listen") or gw.get("listen", "127.0.0.1:8443"))
    try:
        parse_listen(listen)
    except ValueError as exc:
        problems.append(f"gateway.listen: {exc}")
    db_url = normalise_db_url(str(overrides.get("db_url") or gw.get("db", "sqlite:///gateway.db")), base)
    if not db_url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        problems.append("gateway.db: must be sqlite:///PATH or postgresql://…")
    for section, name in (("keys", "audit_signing_key"), ("keys", "sealing_private_key"), ("keys", "role_key")):
        if name not in keys:
            problems.append(f"{section}.{name}: missing")

    def number(section: dict[str, Any], name: str, default: float, where: str) -> float:
        value = section.get(name, default)
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            problems.append(f"{where}.{name}: must be a non-negative number")
            return default
        return value

    limits = Limits(
        body_max_bytes=int(number(limits_raw, "body_max_bytes", Limits.body_max_bytes, "limits")),
        token_max_bytes=int(number(limits_raw, "token_max_bytes", Limits.token_max_bytes, "limits")),
        rate_per_device=float(number(limits_raw, "rate_per_device", Limits.rate_per_device, "limits")),
        rate_burst=int(number(limits_raw, "rate_burst", Limits.rate_burst, "limits")),
        public_rate_per_client=float(number(limits_raw, "public_rate_per_client", Limits.public_rate_per_client,
                                            "limits")),
        public_burst=int(number(limits_raw, "public_burst", Limits.public_burst, "limits")),
    )
    ocsp = OcspSettings(
        enabled=bool(ocsp_raw.get("enabled", False)),
        url=str(ocsp_raw.get("url", "")),
        timeout_seconds=float(number(ocsp_raw, "timeout_seconds", 5.0, "ocsp")),
        use_nonce=bool(ocsp_raw.get("use_nonce", True)),
        responder_certs=tuple(_path(base, p) for p in ocsp_raw.get("responder_certs", [])),
    )
    signing = SigningSettings(tsa_url=str(signing_raw.get("tsa_url", "")),
                              ocsp_url=str(signing_raw.get("ocsp_url", "")),
                              timeout_seconds=float(number(signing_raw, "timeout_seconds", 10.0, "signing")))
    if signing.ocsp_url and not signing.tsa_url:
        problems.append("signing: ocsp_url without tsa_url (the time-stamping authority is needed to sign)")
    calls = parse_call_settings(dict(raw.get("calls", {})), base, problems)
    if problems:
        raise ConfigError(problems)
    return GatewayConfig(
        calls=calls,
        origin=origin,
        trust_ca=trust_ca,
        db_url=db_url,
        listen=listen,
        audit_signing_key=_path(base, keys["audit_signing_key"]),
        sealing_private_key=_path(base, keys["sealing_private_key"]),
        role_key=_path(base, keys["role_key"]),
        audit_heads=_path(base, keys.get("audit_heads", "audit-heads.jsonl")),
        services_dir=_path(base, gw["services_dir"]) if "services_dir" in gw else DEFAULT_SERVICES_DIR,
        staff=frozenset(str(h).lower() for h in roles.get("staff", [])),
        technician=frozenset(str(h).lower() for h in roles.get("technician", [])),
        ocsp=ocsp,
        signing=signing,
        limits=limits,
        session_seconds=int(number(gw, "session_seconds", 900, "gateway")),
        nonce_seconds=int(number(gw, "nonce_seconds", 300, "gateway")),
        offline_window_hours=float(number(gw, "offline_window_hours", 24.0, "gateway")),
        register_after_seconds=float(number(gw, "register_after_seconds", 0.0, "gateway")),
        submission_retention_days=int(number(retention, "submissions_days", 90, "retention")),
        audit_retention_days=int(number(retention, "audit_days", 365, "retention")),
        disallowed_policies=tuple(gw.get("disallowed_policies", DEFAULT_DISALLOWED_POLICIES)),
        tls_cert=_path(base, tls["cert"]) if "cert" in tls else None,
        tls_key=_path(base, tls["key"]) if "key" in tls else None,
        public_base_url=str(gw.get("public_base_url", "")),
        fleet_page_token_sha256=_fleet_token_hash(fleet, problems),
        fleet_stale_minutes=max(1, int(number(fleet, "stale_minutes", 15, "fleet"))),
    )
