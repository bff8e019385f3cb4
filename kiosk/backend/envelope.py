"""The submission envelope's readable header and proxy block, as types (no I/O, no crypto here).

The flow fills them in; the outbox seals the answers and a proxy block's citizen to the gateway's
key and stores the envelope bytes every delivery attempt sends (``kiosk.backend.outbox``:
``seal_envelope``, and ``open_envelope`` for the holder of the gateway's private key).
"""

from __future__ import annotations

import dataclasses
import datetime as dt


@dataclasses.dataclass(frozen=True)
class ProxyBlock:
    """The envelope's proxy block (e-asistents): the authorisation readable, the citizen sealed.

    The citizen's name and personal code travel sealed to the gateway's key (``sealed_principal``);
    only the authorisation number, its date and scope are readable metadata."""

    authorisation_ref: str
    authorised_on: str  # ISO date of the written authorisation
    scope: str  # the service the authorisation covers
    given_name: str
    surname: str
    personal_code: str

    def __repr__(self) -> str:
        return "ProxyBlock(<redacted>)"


@dataclasses.dataclass(frozen=True)
class EnvelopeHeader:
    """What the gateway may read of a submission: the service, when, and on whose authority."""

    service_id: str
    service_version: str
    created_at: dt.datetime  # aware; travels to the second
    session_ref: str | None  # the gateway session's public reference; None after an offline sign-in
    assisted_by: str = ""  # the guiding staff member's session reference, "" when nobody guided
    proxy: ProxyBlock | None = None  # staff submit for a citizen; session_ref is then the staff's
