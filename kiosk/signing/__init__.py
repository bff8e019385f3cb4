"""Signing documents and checking .edoc containers at the kiosk (issue #15; docs/signing.md).

``documents`` holds what is signed (files chosen on the USB stick); ``service`` runs one signing
from files to a verified container with the card (PIN2) and the gateway (prepare/finalise)."""
