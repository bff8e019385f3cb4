"""Lay out every file the image adds on top of Debian's packages, in a staging tree.

Why a script: wheels are unpacked (pure Python, no pip inside the image, no compiling under qemu),
console-script wrappers are written by hand, and units, rules and configuration land at their final
paths with fixed modes, so customize.sh only copies the tree in.
"""

from __future__ import annotations

import argparse
import shutil
import zipfile
from pathlib import Path

SITE = Path("usr/lib/python3/dist-packages")
# What the image carries of the project's own wheel: the kiosk, its drivers and the protocol it shares
# with the gateway. The wheel also holds gateway/ (the server) and devtools/ (demo, tour, UI driver)
# for checkouts; the image leaves them out.
PROJECT_WHEEL = "pietura-"
SHIPPED_PACKAGES = frozenset({"kiosk", "drivers", "wire"})
WRAPPERS = {"kiosk": "kiosk.app", "kioskctl": "kiosk.provisioning.cli"}
WRAPPER = "#!/usr/bin/python3\nimport sys\n\nfrom {module} import main\n\nsys.exit(main())\n"


def shipped(name: str) -> bool:
    """A file of the project's wheel the image carries: a shipped package or the wheel's metadata."""
    top = name.split("/", 1)[0]
    return top in SHIPPED_PACKAGES or top.endswith(".dist-info")


def unpack_wheel(wheel: Path, staging: Path) -> None:
    project = wheel.name.startswith(PROJECT_WHEEL)
    with zipfile.ZipFile(wheel) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            name = info.filename
            if project and not shipped(name):
                continue
            if ".data/" in name.split("/", 1)[0] + "/":
                _, kind, rest = name.split("/", 2)
                if kind not in ("purelib", "platlib"):
                    continue  # scripts/data: the wrappers below replace scripts
                name = rest
            target = staging / SITE / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zf.read(info))
            target.chmod(0o644)


def place(src: Path, dst: Path, mode: int = 0o644) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    dst.chmod(mode)


def stage(wheels: Path, repo: Path, staging: Path) -> None:
    for wheel in sorted(wheels.glob("*.whl")):
        unpack_wheel(wheel, staging)
    for name, module in WRAPPERS.items():
        path = staging / "usr/bin" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(WRAPPER.format(module=module))
        path.chmod(0o755)
    systemd = repo / "systemd"
    for unit in sorted([*systemd.glob("*.service"), *systemd.glob("*.timer")]):
        place(unit, staging / "usr/lib/systemd/system" / unit.name)
    for conf in sorted((systemd / "system.conf.d").glob("*.conf")):
        place(conf, staging / "etc/systemd/system.conf.d" / conf.name)
    for conf in sorted((systemd / "journald.conf.d").glob("*.conf")):
        place(conf, staging / "etc/systemd/journald.conf.d" / conf.name)
    for conf in sorted((systemd / "ssh.service.d").glob("*.conf")):
        place(conf, staging / "etc/systemd/system/ssh.service.d" / conf.name)
    place(systemd / "helpers/select-drm-card", staging / "usr/lib/pietura/select-drm-card", 0o755)
    place(systemd / "helpers/stick-mount", staging / "usr/lib/pietura/stick-mount", 0o755)
    for rule in sorted((repo / "config/udev").glob("*.rules")):
        place(rule, staging / "etc/udev/rules.d" / rule.name)
    for rule in sorted((repo / "config/polkit").glob("*.rules")):
        place(rule, staging / "etc/polkit-1/rules.d" / rule.name)
    overlay = repo / "image_build/overlay"
    for src in sorted(p for p in overlay.rglob("*") if p.is_file()):
        place(src, staging / src.relative_to(overlay))
    doc = repo / "docs/appliance.md"
    if doc.exists():
        place(doc, staging / "usr/share/doc/pietura/appliance.md")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--wheels", type=Path, required=True)
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--staging", type=Path, required=True)
    args = parser.parse_args()
    stage(args.wheels, args.repo, args.staging)


if __name__ == "__main__":
    main()
