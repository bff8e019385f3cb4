"""The trust anchors the kiosk checks e-signatures against (``[signing] trust_anchors``): CA
certificates in one PEM file, chosen by the site (the eParaksts root and the roots of the other
countries whose signatures the library's visitors bring). Without them a check is on integrity only
and says the chain was not checked (``Trust.NOT_CHECKED``)."""

from __future__ import annotations

import logging
from pathlib import Path

from cryptography import x509

from kiosk.logsetup import event as log_event

log = logging.getLogger("kiosk.signing")


def load_anchors(path: str | Path) -> list[x509.Certificate]:
    """The certificates in ``path`` ("" : none). A file that cannot be read or holds no certificate
    is logged (``signing_anchors_unreadable``) and gives none: checks then say the chain was not checked."""
    if not str(path):
        return []
    try:
        anchors = x509.load_pem_x509_certificates(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        log_event(log, "signing_anchors_unreadable", logging.WARNING, code=type(exc).__name__)
        return []
    log_event(log, "signing_anchors_loaded", anchors=len(anchors))
    return anchors
