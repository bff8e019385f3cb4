"""A demo-configured kiosk (emulated card and printer, gateway on loopback) per test, and a private
temporary folder (``private_tmp``) so a privacy scan can read everything the kiosk wrote there."""

import tempfile
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


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder
