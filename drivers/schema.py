"""Typed settings from TOML tables: the one schema engine for every section of kiosk.toml.

A section is a frozen dataclass whose fields say what they hold (``setting(doc, …)``) and, where a
value has rules, how to check it. :func:`read_table` turns a TOML table into an instance
*tolerantly*: every problem is collected with its key path, a stable code and a message (with
"did you mean" for misspelt keys), and a bad value keeps its default — so a caller gets usable
settings and the whole list of problems in one pass. :func:`document_table` writes the same
schema out as commented TOML.

Why here and not in ``kiosk``: the printer driver's ``[printer]`` schema is read by it too, and
``drivers`` never imports ``kiosk``. Why not pydantic: see docs/configuration.md ("One schema engine").
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

UNKNOWN_KEY = "settings_unknown_key"
UNKNOWN_SECTION = "settings_unknown_section"
INVALID_VALUE = "settings_invalid_value"
NOT_A_TABLE = "settings_not_a_table"

Check = Callable[[Any], "str | None"]  # a value → None when fine, else what is wrong in plain words


@dataclass(frozen=True)
class Issue:
    """One problem of a settings file: ``path`` is the key path (``printer.serial.baudrate``)."""

    path: str
    code: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{where}{self.message} [{self.code}]"


class TableReader(typing.Protocol):
    """A section read by its own rules on top of the engine (the printer's presets)."""

    def __call__(self, data: Any, path: str, issues: list[Issue]) -> Any: ...


def setting(doc: str, *, default: Any = dataclasses.MISSING, default_factory: Any = dataclasses.MISSING,
            check: Check | None = None, hex_text: bool = False, reader: TableReader | None = None) -> Any:
    """A documented field. ``hex_text``: an int that may also be written as hex text ("04b8", "0x0e15")
    (USB ids as lsusb prints them); ``reader``: a nested table read by its own function."""
    meta = {"doc": doc, "check": check, "hex_text": hex_text, "reader": reader}
    if default_factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def one_of(*choices: Any) -> Check:
    words = [f"'{c}'" if isinstance(c, str) else str(c) for c in choices]
    text = ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0]

    def check(value: Any) -> str | None:
        return None if value in choices else f"must be {text}"
    return check


def in_range(low: float, high: float, unit: str = "") -> Check:
    def check(value: Any) -> str | None:
        return None if low <= value <= high else f"must be {low}..{high}{unit}"
    return check


def positive(value: float) -> str | None:
    return None if value > 0 else "must be positive (no waiting forever)"


def did_you_mean(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f" — did you mean '{close[0]}'?" if close else ""


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


@functools.cache
def _fields(cls: type) -> dict[str, dataclasses.Field[Any]]:
    return {f.name: f for f in dataclasses.fields(cls)}


def join_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def read_table(cls: type, data: Any, path: str, issues: list[Issue], base: Any = None) -> Any:
    """``cls`` from a TOML table, on top of ``base`` (default: ``cls()``); problems go to ``issues``."""
    base = cls() if base is None else base
    if not isinstance(data, Mapping):
        issues.append(Issue(path, NOT_A_TABLE, f"must be a table [{path}]"))
        return base
    fields, hints = _fields(cls), _hints(cls)
    changes: dict[str, Any] = {}
    for key, raw in data.items():
        key_path = join_path(path, key)
        spec = fields.get(key)
        if spec is None:
            code, what = (UNKNOWN_KEY, "unknown key") if path else (UNKNOWN_SECTION, "unknown section")
            issues.append(Issue(key_path, code, what + did_you_mean(str(key), list(fields))))
            continue
        reader = spec.metadata.get("reader")
        if reader is not None:
            changes[key] = reader(raw, key_path, issues)
            continue
        kind = hints[key]
        if dataclasses.is_dataclass(kind):
            changes[key] = read_table(typing.cast(type, kind), raw, key_path, issues, getattr(base, key))
            continue
        value, problem = coerce(raw, kind, hex_text=spec.metadata.get("hex_text", False))
        check = spec.metadata.get("check")
        if problem is None and check is not None:
            problem = check(value)
        if problem:
            issues.append(Issue(key_path, INVALID_VALUE, problem))
            continue
        changes[key] = value
    return dataclasses.replace(base, **changes)


def coerce(value: Any, kind: Any, *, hex_text: bool = False) -> tuple[Any, str | None]:
    """A TOML value as ``kind`` (bool, int, float, str, tuple[str, ...]), or why it cannot be one."""
    if kind is bool:
        return (value, None) if isinstance(value, bool) else (None, "must be true or false")
    if kind is int:
        if hex_text and isinstance(value, str):
            try:
                return int(value, 16), None
            except ValueError:
                return None, "must be a whole number or hex text like \"04b8\""
        ok = isinstance(value, int) and not isinstance(value, bool)
        return (value, None) if ok else (None, "must be a whole number")
    if kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return (float(value), None) if ok else (None, "must be a number")
    if kind is str:
        return (value, None) if isinstance(value, str) else (None, "must be text in quotes")
    if typing.get_origin(kind) is tuple:
        if isinstance(value, list) and all(isinstance(x, str) for x in value):
            return tuple(value), None
        return None, "must be a list of texts, e.g. [\"lv\", \"en\"]"
    raise TypeError(f"no TOML reading for {kind!r}")


def document_table(cls: type, path: str, defaults: Any = None) -> list[str]:
    """The table and its nested tables as commented TOML: every key, its default and its meaning."""
    defaults = cls() if defaults is None else defaults
    lines = [f"[{path}]"]
    nested: list[str] = []
    for name, spec in _fields(cls).items():
        kind, value = _hints(cls)[name], getattr(defaults, name)
        if dataclasses.is_dataclass(kind):
            nested += document_table(typing.cast(type, kind), join_path(path, name), value)
            continue
        if spec.metadata.get("hex_text"):
            value = f"{value:02x}"
        lines.append(f"# {spec.metadata.get('doc', '')}")
        lines.append(f"{name} = {toml_value(list(value) if isinstance(value, tuple) else value)}")
    return lines + [""] + nested


def documented_fields(cls: type) -> dict[str, str]:
    """Key → meaning, nested tables as dotted keys (for tests that every key is documented)."""
    out: dict[str, str] = {}
    for name, spec in _fields(cls).items():
        kind = _hints(cls)[name]
        if dataclasses.is_dataclass(kind):
            out.update({f"{name}.{k}": v for k, v in documented_fields(typing.cast(type, kind)).items()})
        else:
            out[name] = str(spec.metadata.get("doc", ""))
    return out


def toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return str(v)
