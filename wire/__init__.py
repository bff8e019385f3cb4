"""What the kiosk and the gateway share: the protocol between them, and nothing else.

- ``wire.protocol``: canonical JSON, header names, sealing of answers, the submission envelope,
  time format, offline attestations and pending references.
- ``wire.device_key``: the kiosk's Ed25519 device key and the RFC 9421 signature parameters of its requests.
- ``wire.services``: the service-definition model, its schema and the catalogue document
  (``GET /v1/catalogue``) built from ``config/services/``.

Both ``kiosk`` and ``gateway`` import this package; it imports neither (``.importlinter``).
"""
