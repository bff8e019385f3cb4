"""Pietura reference e-service gateway (see docs/gateway.md).

config (TOML + CLI overrides) → service.build_gateway (keys, db, store, validator, audit, adapter)
→ app.create_app (routes_auth, routes_submissions, routes_devices, status_page) → server / cli.
The protocol it shares with the kiosk is the top-level package ``wire``; ``embedded`` composes a
local gateway for the demo, emulated kiosks, tests and bench; ``testpki`` is for tests and bench.
The kiosk imports only ``gateway.embedded``, and only when ``gateway.mode = "embedded"``.
"""
