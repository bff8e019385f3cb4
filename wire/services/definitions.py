"""Loading service definitions from ``config/services/``: one TOML file per service.

``life-situations.toml`` in the same folder defines the life situations once (LV/EN titles);
every other ``*.toml`` file is one service whose ``id`` equals the file name. All files are
validated and *all* problems are raised together in one :class:`DefinitionError`, each with the
file and key path, so a broken folder is fixed in one round.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from drivers.errors import Action, PieturaError
from wire.services.schema import validate_service, validate_situations

SITUATIONS_FILE = "life-situations.toml"
CATALOGUE_FORMAT = "pietura-catalogue:1"


class DefinitionError(PieturaError):
    """The service definitions are broken: the kiosk cannot offer services until they are fixed."""

    code = "service_definitions_invalid"
    action = Action.FATAL

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(detail="\n".join(self.problems))


def _read_toml(path: Path, problems: list[str]) -> dict[str, Any] | None:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        problems.append(f"{path.name}: cannot read ({exc})")
        return None


def load_life_situations(folder: str | Path) -> list[dict[str, Any]]:
    """The life situations, ordered, as plain dicts (validated)."""
    path = Path(folder) / SITUATIONS_FILE
    problems: list[str] = []
    data = _read_toml(path, problems)
    if data is not None:
        problems += [f"{path.name}: {msg}" for msg in validate_situations(data)]
    if problems:
        raise DefinitionError(problems)
    assert data is not None
    return sorted(data["situation"], key=lambda s: (s.get("order", 0), s["id"]))


def load_folder(folder: str | Path) -> list[dict[str, Any]]:
    """Every service definition in ``folder`` as a validated dict, sorted by id.

    Raises one :class:`DefinitionError` listing every problem in every file.
    """
    folder = Path(folder)
    problems: list[str] = []
    try:
        situation_ids: set[str] | None = {s["id"] for s in load_life_situations(folder)}
    except DefinitionError as exc:
        problems += exc.problems
        situation_ids = None
    services: list[dict[str, Any]] = []
    files = sorted(p for p in folder.glob("*.toml") if p.name != SITUATIONS_FILE)
    if not files:
        problems.append(f"{folder}: no service definitions (*.toml)")
    ids: dict[str, str] = {}
    for path in files:
        data = _read_toml(path, problems)
        if data is None:
            continue
        found = validate_service(data, situation_ids)
        problems += [f"{path.name}: {msg}" for msg in found]
        sid = data.get("id")
        if isinstance(sid, str) and sid != path.stem:
            problems.append(f"{path.name}: id: {sid!r} must match the file name {path.stem!r}")
        if isinstance(sid, str) and sid in ids:
            problems.append(f"{path.name}: id: {sid!r} already defined in {ids[sid]}")
        if isinstance(sid, str):
            ids[sid] = path.name
        if not found:
            services.append(data)
    if problems:
        raise DefinitionError(problems)
    return sorted(services, key=lambda d: d["id"])


def load_catalogue_document(folder: str | Path) -> dict[str, Any]:
    """What the gateway serves at ``GET /v1/catalogue``: life situations and services.

    ``kiosk.services.catalogue.Catalogue.from_json`` reads exactly this shape.
    """
    services = load_folder(folder)
    return {
        "format": CATALOGUE_FORMAT,
        "life_situations": load_life_situations(folder),
        "services": services,
    }

