"""CataloguePort: the gateway's catalogue, cached on disk with its ETag so it works offline."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from drivers.errors import PieturaError
from kiosk.flow import events as ev
from kiosk.logsetup import event as log_event
from kiosk.services.catalogue import Catalogue

log = logging.getLogger("kiosk.catalogue")


class CachedCatalogue:
    def __init__(self, client, cache_file: Path):
        self.client = client
        self.cache_file = Path(cache_file)

    def load(self) -> ev.CatalogueLoaded | None:
        cached = self._read_cache()
        etag = cached.get("etag") if cached else None
        try:
            response = self.client.catalogue(etag=etag)
        except PieturaError as exc:
            log_event(log, "catalogue_offline", code=exc.code, cached=cached is not None)
            return ev.CatalogueLoaded(Catalogue.from_json(cached["data"])) if cached else None
        if response.data is None and cached:  # 304: our copy is current
            return ev.CatalogueLoaded(Catalogue.from_json(cached["data"]))
        catalogue = Catalogue.from_json(response.data)  # validates before we cache it
        self._write_cache({"etag": response.etag, "data": response.data})
        log_event(log, "catalogue_loaded", count=len(catalogue.all()))
        return ev.CatalogueLoaded(catalogue)

    def _read_cache(self) -> dict | None:
        try:
            return json.loads(self.cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _write_cache(self, content: dict) -> None:
        tmp = self.cache_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.cache_file)
