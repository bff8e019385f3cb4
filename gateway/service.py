"""The gateway's composition root: config → keys, database, validator, audit, adapter.

Route modules receive one :class:`Gateway` (held on ``app.state.gateway``); nothing is
global, and the clock is injected so tests can move time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import logging
from collections.abc import Callable

from gateway.adapters import BackendAdapter, ReferenceAdapter
from gateway.audit import AuditLog
from gateway.catalogue import Catalogue
from gateway.config import GatewayConfig
from gateway.db import Database
from gateway.device_auth import DeviceVerifier
from gateway.keys import GatewayKeys, load_keys, load_trust_anchors
from gateway.ocsp import OcspChecker
from gateway.shared_state import Rate, SharedState
from gateway.signing.clients import HttpOcsp, HttpTimeStamper
from gateway.signing.service import SigningService
from gateway.store import GatewayStore
from gateway.webeid import AuthTokenValidator

log = logging.getLogger("gateway")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclasses.dataclass
class Gateway:
    config: GatewayConfig
    keys: GatewayKeys
    db: Database
    store: GatewayStore
    audit: AuditLog
    validator: AuthTokenValidator
    catalogue: Catalogue
    adapter: BackendAdapter
    devices: DeviceVerifier
    shared: SharedState  # signature nonces and rate limits, in the database all instances share
    public_rate: Rate  # per client address on the public lookups
    clock: Callable[[], dt.datetime]
    signing: SigningService | None = None  # None when [signing] is not configured

    def roles_for(self, personal_code: str) -> tuple[frozenset[str], str]:
        """Roles decided here from configured + administered keyed hashes; returns (roles, actor hash)."""
        actor = self.keys.role_hash(personal_code)
        roles = {"citizen"}
        if actor in self.config.staff:
            roles.add("staff")
        if actor in self.config.technician:
            roles.add("technician")
        roles |= self.store.roles_for(actor) & {"staff", "technician"}
        return frozenset(roles), actor

    def close(self) -> None:
        self.db.close()


def build_gateway(config: GatewayConfig, *, clock: Callable[[], dt.datetime] = utc_now,
                  adapter: BackendAdapter | None = None) -> Gateway:
    keys = load_keys(config)
    anchors = load_trust_anchors(config.trust_ca)
    db = Database(config.db_url)
    db.create_schema()
    store = GatewayStore(db)
    shared = SharedState(db)
    limits = config.limits
    revocation = OcspChecker(config.ocsp, anchors) if config.ocsp.enabled else None
    validator = AuthTokenValidator(origin=config.origin, trust_anchors=anchors,
                                   disallowed_policies=config.disallowed_policies, revocation=revocation)
    signing = None
    if config.signing.enabled:
        settings = config.signing
        signing = SigningService(
            issuers=anchors, time_stamper=HttpTimeStamper(settings.tsa_url, settings.timeout_seconds),
            status_source=HttpOcsp(settings.ocsp_url, settings.timeout_seconds), person_hash=keys.role_hash,
            binding_key=hmac.new(keys.role_key, b"pietura signing binding", hashlib.sha256).digest(), clock=clock)
    return Gateway(
        signing=signing,
        config=config, keys=keys, db=db, store=store,
        audit=AuditLog(db, keys.audit, config.audit_heads, clock),
        validator=validator,
        catalogue=Catalogue.from_folder(config.services_dir),
        adapter=adapter or ReferenceAdapter(config.register_after_seconds),
        devices=DeviceVerifier(store, shared, Rate(limits.rate_per_device, limits.rate_burst)),
        shared=shared,
        public_rate=Rate(limits.public_rate_per_client, limits.public_burst),
        clock=clock,
    )
