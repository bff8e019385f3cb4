"""A demo-configured kiosk (emulated card and printer, gateway on loopback) per test."""

from pathlib import Path

import pytest

from kiosk import bootstrap
from kiosk.settings import load_settings

CONFIG = Path(__file__).resolve().parents[2] / "config" / "demo.toml"


@pytest.fixture
def kiosk(tmp_path):
    k = bootstrap.build(load_settings(CONFIG), workdir=tmp_path / "kiosk")
    k.start()
    yield k
    k.close()
