"""Pietura reference e-service gateway (see docs/gateway.md).

config (TOML + CLI overrides) → service.build_gateway (keys, db, store, validator, audit, adapter)
→ app.create_app (routes_auth, routes_submissions, routes_devices, status_page) → server / cli.
wire is the only module the kiosk imports; testing and testpki are for tests, the demo and bench.
"""
