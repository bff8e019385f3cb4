"""The emulated USB stick of a demo or test kiosk: a FAT image in a file, made with mkfs.vfat and
filled with mtools (the same user-space reader the kiosk uses on a real stick). Sample documents to
sign and one damaged container to check; nothing personal."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from kiosk.signing.sample_pdf import one_page_pdf

SAMPLES: dict[str, bytes] = {
    "/Iesniegums.txt": "Iesniegums bibliotēkai: lūdzu pagarināt grāmatu lasīšanas termiņu.\n".encode(),
    "/Līgums par telpu nomu.pdf": one_page_pdf("Ligums par telpu nomu", (
        "Puses: biblioteka un nomnieks", "Telpa: lasitava, 2. stavs", "Termins: 12 menesi", "Maksa: 0 EUR")),
    "/Dokumenti/Pielikums.txt": "Pielikums: telpu plāns.\n".encode(),
    "/Bojāts paraksts.edoc": b"PK\x03\x04 this is not a complete container",
}


def make_demo_stick(path: Path, files: dict[str, bytes] | None = None, size_kib: int = 8192) -> Path | None:
    """A FAT image at ``path`` holding ``files`` (default: :data:`SAMPLES`); None without dosfstools/mtools."""
    if shutil.which("mkfs.vfat") is None or shutil.which("mcopy") is None:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    env = {**os.environ, "MTOOLS_SKIP_CHECK": "1", "LC_ALL": "C.UTF-8", "MTOOLSRC": "/dev/null"}
    subprocess.run(["mkfs.vfat", "-C", "-n", "PIETURA", str(path), str(size_kib)], check=True, capture_output=True,
                   timeout=30)
    for name, content in (files if files is not None else SAMPLES).items():
        folder = os.path.dirname(name)
        if folder not in ("", "/"):
            subprocess.run(["mmd", "-D", "s", "-i", str(path), f"::{folder}"], env=env, capture_output=True,
                           timeout=30, check=False)
        subprocess.run(["mcopy", "-i", str(path), "-", f"::{name}"], input=content, env=env, check=True,
                       capture_output=True, timeout=30)
    return path
