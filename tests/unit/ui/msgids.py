"""Find every translatable string in kiosk/ui: literals passed to _(), N_(), .gettext() and .ngettext()."""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[3] / "kiosk" / "ui"


def extract(root: Path = UI) -> tuple[set[str], set[tuple[str, str]]]:
    singular: set[str] = set()
    plural: set[tuple[str, str]] = set()
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
            if name in ("_", "N_", "gettext") and args[0]:
                singular.add(args[0])
            elif name == "ngettext" and len(args) >= 2 and args[0] and args[1]:
                plural.add((args[0], args[1]))
    return singular, plural
