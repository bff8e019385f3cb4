"""Signing at the gateway: prepare SignedInfo for the card, then finalise the .edoc at level LT
with an RFC 3161 time-stamp and an OCSP answer (see docs/signing.md)."""
