"""Proxy submissions (e-asistents) at the gateway: checks, the accountability record, the audit entry.

A proxy envelope comes from a staff session (checked with the session, ``role_required``). Here:
the authorisation's scope must be the submitted service (``proxy_scope_mismatch``), its date must not
be after the envelope's creation nor more than a year before (``proxy_authorisation_invalid``), the
sealed principal must open with the gateway's key and hold a name and an 11-digit personal code
(``proxy_principal_invalid``), and a personal code in the answers must be the principal's
(``proxy_principal_mismatch``). The record and the audit entry name the citizen only by the keyed
hash the gateway uses for every personal code; name and code stay sealed in the stored envelope.
"""

from __future__ import annotations

import binascii
import dataclasses
import datetime as dt
import json
import re
import unicodedata
from typing import Any

from gateway.errors import ApiError
from gateway.keys import normalise_personal_code
from gateway.models import Proxy
from gateway.store import ProxyRow, SessionRow, StagedAudit, SubmissionRow
from wire.protocol import SealError, b64decode, unseal

MAX_AGE = dt.timedelta(days=366)  # the kiosk asks for an authorisation of the last year
DATE_SKEW = dt.timedelta(days=1)  # kiosk dates are local (Riga), envelope times UTC


@dataclasses.dataclass(frozen=True)
class Principal:
    given_name: str
    surname: str
    personal_code: str

    def __repr__(self) -> str:
        return "Principal(<redacted>)"

    @property
    def initials(self) -> str:
        return initials(f"{self.given_name} {self.surname}")


def initials(full_name: str) -> str:
    """``"ANNA LIEPA"`` → ``"A. L."``; the receipts' rule (kiosk.receipts.privacy.initials)."""
    parts = []
    for word in unicodedata.normalize("NFC", full_name).split():
        letters = [p.strip(".")[0].upper() + "." for p in word.split("-") if p.strip(".")[:1].isalpha()]
        if letters:
            parts.append("-".join(letters))
    return " ".join(parts)


def open_principal(gateway: Any, proxy: Proxy) -> Principal:
    try:
        data = json.loads(unseal(gateway.keys.sealing, b64decode(proxy.sealed_principal)))
    except (SealError, ValueError, binascii.Error, UnicodeError):
        raise ApiError("proxy_principal_invalid", 422, "the sealed principal does not open") from None
    fields = [data.get(k) if isinstance(data, dict) else None for k in ("given_name", "surname", "personal_code")]
    if not all(isinstance(v, str) and v.strip() for v in fields):
        raise ApiError("proxy_principal_invalid", 422, "the principal needs a name and a personal code")
    code = normalise_personal_code(fields[2])
    if not re.fullmatch(r"\d{11}", code):
        raise ApiError("proxy_principal_invalid", 422, "the principal's personal code is not 11 digits")
    return Principal(fields[0].strip(), fields[1].strip(), code)


def check(gateway: Any, proxy: Proxy, service_id: str, created: dt.datetime, answers: Any) -> Principal:
    """Every proxy rule that does not need the database; returns the opened principal."""
    if proxy.scope != service_id:
        raise ApiError("proxy_scope_mismatch", 403, "the authorisation does not cover this service")
    try:
        authorised_on = dt.date.fromisoformat(proxy.authorised_on)
    except ValueError:
        raise ApiError("proxy_authorisation_invalid", 422, "authorised_on is not a date") from None
    made = created.astimezone(dt.UTC).date()
    if authorised_on > made + DATE_SKEW:
        raise ApiError("proxy_authorisation_invalid", 422, "the authorisation is dated after the submission")
    if authorised_on < made - MAX_AGE:
        raise ApiError("proxy_authorisation_invalid", 422, "the authorisation is more than a year old")
    principal = open_principal(gateway, proxy)
    answered = answers.get("answers") if isinstance(answers, dict) else None
    code = answered.get("personal_code") if isinstance(answered, dict) else None
    if isinstance(code, str) and normalise_personal_code(code) != principal.personal_code:
        raise ApiError("proxy_principal_mismatch", 422, "the answers name another person than the principal")
    return principal


def staff_part(gateway: Any, row: SubmissionRow, proxy: Proxy, principal: Principal,
               staff: SessionRow) -> tuple[ProxyRow, StagedAudit]:
    """The accountability record and its audit entry (keyed hashes and references only), both
    stored in the submission's own transaction."""
    principal_hash = gateway.keys.role_hash(principal.personal_code)
    record = ProxyRow(
        reference=row.reference, staff_session_ref=staff.session_ref, staff_actor_hash=staff.actor_hash,
        authorisation_ref=proxy.authorisation_ref, authorised_on=proxy.authorised_on, scope=proxy.scope,
        principal_hash=principal_hash, created_at=row.created_at)
    entry = StagedAudit("submission_proxy", row.device_id, staff.actor_hash,
                        {"reference": row.reference, "service_id": row.service_id,
                         "staff_session_ref": staff.session_ref, "authorisation_ref": proxy.authorisation_ref,
                         "authorised_on": proxy.authorised_on, "scope": proxy.scope,
                         "principal_hash": principal_hash})
    return record, entry
