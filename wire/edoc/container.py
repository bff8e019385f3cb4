"""Reading an ASiC-E ZIP with every check a kiosk needs before touching its contents.

The container comes from a citizen's USB stick: nothing in it is trusted. Names are checked
for traversal and duplicates, sizes are capped while reading (the headers' sizes are not
believed), and ``mimetype`` must be the first entry, stored, with no extra field."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from lxml import etree

from wire.edoc.model import ContainerProblem

MIMETYPE = b"application/vnd.etsi.asic-e+zip"
MANIFEST_NAME = "META-INF/manifest.xml"
MANIFEST_NS = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
_SIGNATURE_NAME = re.compile(r"^META-INF/[^/]*signatures[^/]*\.xml$")


@dataclass(frozen=True)
class Limits:
    """Caps against bombs: a stick's .edoc is a few MB at most."""

    max_entries: int = 1000
    max_entry_bytes: int = 64 * 1024 * 1024
    max_total_bytes: int = 128 * 1024 * 1024
    max_ratio: int = 200  # uncompressed / compressed, for entries above 1 MiB


DEFAULT_LIMITS = Limits()


class ContainerError(Exception):
    """The container is refused as a whole; ``problem`` says why."""

    def __init__(self, problem: ContainerProblem, detail: str = "") -> None:
        super().__init__(f"{problem.value}: {detail}" if detail else problem.value)
        self.problem = problem


@dataclass(frozen=True)
class Container:
    """A checked container: data files and signature documents by their ZIP names."""

    data_files: dict[str, bytes]
    signatures: dict[str, bytes]
    manifest: dict[str, str]  # data file name -> media type


def safe_name(name: str) -> bool:
    """A ZIP entry name that cannot escape or alias: relative, no ``..``/``.``, no backslash."""
    if not name or name.startswith("/") or "\\" in name or "\x00" in name:
        return False
    if any(ord(ch) < 0x20 for ch in name):
        return False
    parts = name.rstrip("/").split("/")
    return all(part not in ("", ".", "..") for part in parts) and not re.match(r"^[A-Za-z]:", name)


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, budget: int) -> bytes:
    cap = min(limits.max_entry_bytes, budget)
    out = bytearray()
    with archive.open(info) as stream:
        while chunk := stream.read(65536):
            out += chunk
            if len(out) > cap:
                raise ContainerError(ContainerProblem.TOO_BIG, "entry over the size cap")
    if len(out) > (1 << 20) and len(out) > limits.max_ratio * max(info.compress_size, 1):
        raise ContainerError(ContainerProblem.TOO_BIG, "compression ratio")
    return bytes(out)


def read_container(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Container:
    """Open and check a container. Raises ``ContainerError`` with a stable problem code."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, RuntimeError) as exc:
        raise ContainerError(ContainerProblem.NOT_A_ZIP, type(exc).__name__) from None
    if len(infos) > limits.max_entries:
        raise ContainerError(ContainerProblem.TOO_BIG, "too many entries")
    if not infos or infos[0].filename != "mimetype":
        raise ContainerError(ContainerProblem.MIMETYPE_NOT_FIRST)
    first = infos[0]
    if first.compress_type != zipfile.ZIP_STORED or first.extra:
        raise ContainerError(ContainerProblem.MIMETYPE_COMPRESSED)
    seen: set[str] = set()
    for info in infos:
        if not safe_name(info.filename):
            raise ContainerError(ContainerProblem.BAD_NAME)
        if info.filename in seen:
            raise ContainerError(ContainerProblem.DUPLICATE_NAME)
        seen.add(info.filename)
        if info.flag_bits & 0x1:
            raise ContainerError(ContainerProblem.ENCRYPTED)
    budget = limits.max_total_bytes
    entries: dict[str, bytes] = {}
    try:
        for info in infos:
            if info.is_dir():
                continue
            content = _read_capped(archive, info, limits, budget)
            budget -= len(content)
            entries[info.filename] = content
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, ValueError, OSError,
            EOFError) as exc:
        raise ContainerError(ContainerProblem.NOT_A_ZIP, type(exc).__name__) from None
    if entries.pop("mimetype") != MIMETYPE:
        raise ContainerError(ContainerProblem.MIMETYPE_WRONG)
    if MANIFEST_NAME not in entries:
        raise ContainerError(ContainerProblem.MANIFEST_MISSING)
    manifest = parse_manifest(entries.pop(MANIFEST_NAME))
    signatures = {n: b for n, b in entries.items() if _SIGNATURE_NAME.match(n)}
    data_files = {n: b for n, b in entries.items() if not n.startswith("META-INF/")}
    if not data_files:
        raise ContainerError(ContainerProblem.NO_DATA_FILES)
    if set(manifest) != set(data_files):
        raise ContainerError(ContainerProblem.MANIFEST_MISMATCH)
    return Container(data_files=data_files, signatures=signatures, manifest=manifest)


def secure_parser() -> etree.XMLParser:
    """An lxml parser that loads no DTD, resolves no entity and reaches no network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_blank_text=False, dtd_validation=False)


def parse_manifest(content: bytes) -> dict[str, str]:
    """File entries of META-INF/manifest.xml (the root "/" entry excluded)."""
    try:
        root = etree.fromstring(content, secure_parser())
    except etree.XMLSyntaxError:
        raise ContainerError(ContainerProblem.MANIFEST_MISMATCH, "not XML") from None
    if root.getroottree().docinfo.internalDTD is not None or root.getroottree().docinfo.doctype:
        raise ContainerError(ContainerProblem.MANIFEST_MISMATCH, "DTD")
    files: dict[str, str] = {}
    for entry in root.iter(f"{{{MANIFEST_NS}}}file-entry"):
        path = entry.get(f"{{{MANIFEST_NS}}}full-path", "")
        if path == "/":
            continue
        if path in files:
            raise ContainerError(ContainerProblem.MANIFEST_MISMATCH, "duplicate entry")
        files[path] = entry.get(f"{{{MANIFEST_NS}}}media-type", "")
    return files
