"""The .edoc / .asice container (ASiC-E, ETSI EN 319 162-1) with XAdES signatures (EN 319 132-1).

Pure code, no network: the kiosk's verifier and the gateway's signing service both use it.
``wire.edoc.verify.verify_container`` judges a container's bytes; see ``docs/signing.md``. The package
exports only the result types, so a screen that names a verdict does not load the XML and X.509 code
(lxml, asn1crypto, cryptography) at the kiosk's start."""

from wire.edoc.model import (
    ContainerProblem,
    ContainerReport,
    SignatureProblem,
    SignatureReport,
    SigningCode,
    Trust,
    Verdict,
)

__all__ = [
    "ContainerProblem",
    "ContainerReport",
    "SignatureProblem",
    "SignatureReport",
    "SigningCode",
    "Trust",
    "Verdict",
]
