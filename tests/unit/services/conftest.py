"""Shared fixtures: the real service definitions from config/services."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kiosk.services.catalogue import Catalogue
from wire.services.definitions import load_catalogue_document
from wire.services.model import ServiceDefinition

SERVICES_DIR = Path(__file__).resolve().parents[3] / "config" / "services"
TODAY = dt.date(2026, 11, 26)
IDENTITY = {"given_name": "Jānis", "surname": "Bērziņš", "personal_code": "210860-10528"}


@pytest.fixture(scope="session")
def document() -> dict:
    return load_catalogue_document(SERVICES_DIR)


@pytest.fixture(scope="session")
def catalogue(document) -> Catalogue:
    return Catalogue.from_json(document)


@pytest.fixture(scope="session")
def definitions(document) -> dict[str, ServiceDefinition]:
    return {d["id"]: ServiceDefinition.from_dict(d) for d in document["services"]}
