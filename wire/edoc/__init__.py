"""The .edoc / .asice container (ASiC-E, ETSI EN 319 162-1) with XAdES signatures (EN 319 132-1).

Pure code, no network: the kiosk's verifier and the gateway's signing service both use it.
``verify_container`` judges a container's bytes; see ``docs/signing.md``."""

from wire.edoc.model import (
    ContainerProblem,
    ContainerReport,
    SignatureProblem,
    SignatureReport,
    SigningCode,
    Trust,
    Verdict,
)
from wire.edoc.verify import verify_container

__all__ = [
    "ContainerProblem",
    "ContainerReport",
    "SignatureProblem",
    "SignatureReport",
    "SigningCode",
    "Trust",
    "Verdict",
    "verify_container",
]
