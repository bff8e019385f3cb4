"""The service catalogue served at GET /v1/catalogue, with a content ETag.

Service definitions are data under ``services_dir`` (*.toml). When
``kiosk.services.definitions.load_folder`` exists it validates them; otherwise the parsed
TOML files are served as they are.
"""

from __future__ import annotations

import hashlib
import importlib
import tomllib
from pathlib import Path
from typing import Any

from gateway.wire import canonical_json


def _load_raw(folder: Path) -> list[dict[str, Any]]:
    services = []
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text("utf-8"))
        data.setdefault("id", path.stem)
        services.append(data)
    return services


def load_document(folder: Path) -> dict[str, Any]:
    """The catalogue document: validated by kiosk.services.definitions when it is available."""
    if not folder.is_dir():
        return {"services": []}
    try:
        definitions = importlib.import_module("kiosk.services.definitions")
    except ImportError:
        return {"services": _load_raw(folder)}
    loader = getattr(definitions, "load_catalogue_document", None)
    if callable(loader):
        return dict(loader(folder))
    folder_loader = getattr(definitions, "load_folder", None)
    return {"services": list(folder_loader(folder)) if callable(folder_loader) else _load_raw(folder)}


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
