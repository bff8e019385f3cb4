"""Shared emulator PKIs: generating RSA keys per test would dominate the runtime."""

from __future__ import annotations

import pytest

from drivers.smartcard.emulator import VARIANTS, CardPki, make_pki


@pytest.fixture(scope="session")
def pkis() -> dict[str, CardPki]:
    return {variant: make_pki(variant=variant) for variant in VARIANTS}
