"""What the health checks look at and what they return: the :class:`Host` (paths, kiosk.toml, clock) and one
:class:`Check` line per probe, shared by ``checks`` and the CLIs that format them."""

from __future__ import annotations

import concurrent.futures
import enum
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.settings import Issue, Settings, parse_settings, read_settings


class Status(enum.Enum):
    OK = "OK"
    WARN = "WARN"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    hint: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status.value, "detail": self.detail, "hint": self.hint}


@dataclass
class Host:
    """Where to look. Defaults are the device's real paths; tests point them at temporary trees.

    ``settings`` and ``problems`` are kiosk.toml as :func:`kiosk.settings.read_settings` reads it: typed
    values (defaults where a value is bad) and every problem, so each check goes on with what is usable.
    """

    settings: Settings = field(default_factory=Settings)
    problems: tuple[Issue, ...] = ()
    config_path: Path | None = None
    proc: Path = Path("/proc")
    sys: Path = Path("/sys")
    run: Path = Path("/run")
    etc: Path = Path("/etc")
    state_dir: Path = Path("/var/lib/pietura")
    clock: Callable[[], float] = time.time
    timeout: float = 5.0

    @classmethod
    def from_file(cls, path: Path, **where: Any) -> Host:
        """kiosk.toml at ``path`` (defaults when there is none: check_config says so)."""
        settings, problems = read_settings(path) if path.exists() else (Settings(), [])
        return cls(settings=settings, problems=tuple(problems), config_path=path, **where)

    @classmethod
    def from_mapping(cls, tree: Mapping[str, Any], **where: Any) -> Host:
        """A kiosk.toml tree not (yet) in a file: firstboot's before it is applied, tests."""
        settings, problems = parse_settings(tree)
        return cls(settings=settings, problems=tuple(problems), **where)


def with_timeout(fn: Callable[[], Any], timeout: float) -> Any:
    """Run a device/network probe with a hard deadline (pyscard and USB calls have none of their own)."""
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(fn).result(timeout=timeout)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
