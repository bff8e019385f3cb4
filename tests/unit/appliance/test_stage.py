"""image_build/stage.py lays out the project's wheel: the image carries kiosk, drivers and wire, never the
gateway or the dev tools; dependency wheels are unpacked whole."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "image_build"))
stage = pytest.importorskip("stage")


def _wheel(path: Path, files: list[str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name in files:
            zf.writestr(name, f"# {name}\n")
    return path


def test_the_project_wheel_is_staged_without_gateway_and_devtools(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    _wheel(wheels / "pietura-0.1.0-py3-none-any.whl", [
        "kiosk/__init__.py", "kiosk/app.py", "drivers/__init__.py", "wire/__init__.py", "wire/protocol.py",
        "gateway/__init__.py", "gateway/embedded.py", "devtools/__init__.py", "devtools/tour.py",
        "pietura-0.1.0.dist-info/METADATA"])
    _wheel(wheels / "http_sf-1.5.0-py3-none-any.whl", ["http_sf/__init__.py", "http_sf-1.5.0.dist-info/METADATA"])
    staging = tmp_path / "staging"
    stage.stage(wheels, REPO, staging)
    site = staging / stage.SITE
    assert sorted(p.name for p in site.iterdir()) == [
        "drivers", "http_sf", "http_sf-1.5.0.dist-info", "kiosk", "pietura-0.1.0.dist-info", "wire"]
    assert (site / "wire/protocol.py").is_file() and (site / "kiosk/app.py").is_file()
    assert (staging / "usr/bin/kioskctl").read_text().count("from kiosk.provisioning.cli import main") == 1


def test_the_real_wheel_carries_every_package_the_image_stages(tmp_path: Path) -> None:
    """setup.py's package list and stage.py's shipped set agree: every shipped package is in the wheel."""
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                           "-w", str(tmp_path), str(REPO)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    (wheel,) = tmp_path.glob("pietura-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        tops = {name.split("/", 1)[0] for name in zf.namelist()}
    assert stage.SHIPPED_PACKAGES <= tops and {"gateway", "devtools"} <= tops
