"""The service catalogue served at GET /v1/catalogue, with a content ETag.

Service definitions are data under ``services_dir`` (*.toml), validated and turned into the
catalogue document by :mod:`wire.services.definitions`, the same model the kiosk reads it with.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from wire.protocol import canonical_json
from wire.services.definitions import load_catalogue_document


def load_document(folder: Path) -> dict[str, Any]:
    """The catalogue document; no folder serves an empty catalogue. Raises ``DefinitionError``
    (``service_definitions_invalid``) with every problem when a definition is broken."""
    if not folder.is_dir():
        return {"services": []}
    return load_catalogue_document(folder)


class Catalogue:
    """Loaded once at start-up (restart or reload to publish new definitions)."""

    def __init__(self, document: dict[str, Any]):
        self.data = document
        self.body = canonical_json(self.data)
        self.etag = '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'

    @classmethod
    def from_folder(cls, folder: Path) -> Catalogue:
        return cls(load_document(folder))

    def version_of(self, service_id: str) -> str | None:
        for service in self.data.get("services", []):
            if service.get("id") == service_id:
                return str(service.get("version", ""))
        return None

    def matches(self, if_none_match: str | None) -> bool:
        if not if_none_match:
            return False
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return self.etag in tags or "*" in tags
