"""Which package may import which: the contracts in ``.importlinter``, no module import cycles, and the
shipped kiosk loading neither the gateway nor the dev tools when it talks to a remote gateway."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import grimp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from importlinter.cli import lint_imports

from wire.device_key import DeviceKey

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("kiosk", "drivers", "gateway", "wire", "devtools")


def test_the_import_contracts_hold(monkeypatch, capsys) -> None:
    monkeypatch.chdir(REPO)
    code = lint_imports(config_filename=str(REPO / ".importlinter"), no_cache=True, no_logo=True)
    out = capsys.readouterr().out
    assert code == 0, out
    kept = re.search(r"Contracts: (\d+) kept, 0 broken\.", out)
    assert kept is not None and int(kept.group(1)) >= 7, out  # every contract in .importlinter was checked


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), over every import in each file."""
    modules = sorted(m for m in graph.modules if m.split(".")[0] in PACKAGES)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph.find_modules_directly_imported_by(module)):
            if target.split(".")[0] not in PACKAGES or _is_parent(target, module):
                continue
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in modules:
        if module not in index:
            visit(module)
    return found


def _is_parent(package: str, module: str) -> bool:
    """``from pkg import sub`` also names ``pkg``; a package's own ``__init__`` is not a cycle partner."""
    return module.startswith(package + ".")


def test_no_module_import_cycles() -> None:
    graph = grimp.build_graph(*PACKAGES, include_external_packages=False)
    assert _cycles(graph) == []


def test_the_cycle_finder_sees_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for module in ("kiosk", "kiosk.a", "kiosk.b", "kiosk.c"):
        graph.add_module(module)
    graph.add_import(importer="kiosk.a", imported="kiosk.b")
    graph.add_import(importer="kiosk.b", imported="kiosk.a")
    graph.add_import(importer="kiosk.c", imported="kiosk.a")
    assert _cycles(graph) == [["kiosk.a", "kiosk.b"]]


REMOTE_KIOSK = textwrap.dedent("""
    import sys

    from kiosk import bootstrap
    from kiosk.settings import load_settings

    kiosk = bootstrap.build(load_settings(sys.argv[1]))
    kiosk.close()
    loaded = sorted({name.split(".")[0] for name in sys.modules} & {"gateway", "devtools"})
    print("loaded:", ",".join(loaded) or "-")
""")


def test_a_remote_kiosk_loads_neither_gateway_nor_devtools(tmp_path: Path) -> None:
    DeviceKey.generate().save(tmp_path / "device.pem")
    (tmp_path / "sealing.pem").write_bytes(X25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    config = tmp_path / "kiosk.toml"
    config.write_text("\n".join([
        "[site]", 'kiosk_id = "import-rules"',
        "[card_reader]", 'mode = "emulated"',
        "[printer]", 'preset = "generic-80"', 'transport = "emulator"',
        "[gateway]", 'mode = "remote"', 'url = "https://127.0.0.1:9"', 'origin = "https://kiosk.example.lv"',
        'device_id = "K1"', f'device_key_file = "{tmp_path}/device.pem"',
        f'sealing_key_file = "{tmp_path}/sealing.pem"',
        "[storage]", f'data_dir = "{tmp_path}/data"', ""]), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", REMOTE_KIOSK, str(config)], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip().splitlines()[-1] == "loaded: -"
