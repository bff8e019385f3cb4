"""Adding one more signature to an existing container, keeping what is in it byte-for-byte.

A signature in an ASiC-E container covers the data files (each by its own ``ds:Reference``), not
the ZIP, the manifest or the other signature files, so a new signature is one more entry: the
existing entries (``mimetype``, the manifest, the data files, every signature file) are copied
unchanged, in their order, and the new signature document is appended.

Naming follows eParaksts, whose signature ``Id="S1"`` lives in ``META-INF/edoc-signatures-S1.xml``:
the new signature takes the first ``S<n>`` that no existing signature uses as its ``Id`` and whose
file name is free (libdigidocpp picks the first unused ``S<n>`` Id in the same way, and keeps the
names of the signature files it loaded; only its file names differ, ``signatures<n>.xml``)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from itertools import count

from lxml import etree

from wire.edoc.container import DEFAULT_LIMITS, Container, Limits, read_container, secure_parser
from wire.edoc.xmlsig import DS

MAX_SIGNATURES = 100  # a container with more signatures than this is not extended


def signature_file(signature_id: str) -> str:
    """``META-INF/edoc-signatures-<Id>.xml``: where eParaksts keeps a signature of this ``Id``."""
    return f"META-INF/edoc-signatures-{signature_id}.xml"


def signature_ids(container: Container) -> set[str]:
    """The ``Id`` of every ``ds:Signature`` in the container's signature files (unparsable ones add none)."""
    ids: set[str] = set()
    for document in container.signatures.values():
        try:
            root = etree.fromstring(document, secure_parser())
        except etree.XMLSyntaxError:
            continue
        ids.update(sig.get("Id", "") for sig in root.iter(f"{{{DS}}}Signature"))
    ids.discard("")
    return ids


def next_signature(container: Container) -> tuple[str, str]:
    """(signature Id, ZIP entry name) for one more signature: the first free ``S<n>``."""
    taken_ids = signature_ids(container)
    taken_names = {name.casefold() for name in (*container.signatures, *container.data_files)}
    for number in count(1):
        signature_id = f"S{number}"
        if signature_id not in taken_ids and signature_file(signature_id).casefold() not in taken_names:
            return signature_id, signature_file(signature_id)
    raise AssertionError("unreachable")  # pragma: no cover


def add_signature(original: bytes, entry_name: str, document: bytes, *, when: datetime | None = None,
                  limits: Limits = DEFAULT_LIMITS) -> bytes:
    """``original`` with ``document`` appended as ``entry_name``; every existing entry's bytes, name,
    order, compression and date kept. The original is checked (``read_container``) first, so a
    refused container raises ``ContainerError``; an entry name already present raises ``ValueError``."""
    checked = read_container(original, limits)
    if len(checked.signatures) >= MAX_SIGNATURES:
        raise ValueError("too many signatures")
    source = zipfile.ZipFile(io.BytesIO(original))
    if entry_name.casefold() in {info.filename.casefold() for info in source.infolist()}:
        raise ValueError("entry name taken")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            copy.compress_type = zipfile.ZIP_STORED if info.filename == "mimetype" else info.compress_type
            copy.external_attr = info.external_attr
            copy.extra = b""
            archive.writestr(copy, source.read(info))  # sizes already capped by read_container
        new = zipfile.ZipInfo(entry_name, date_time=(when or datetime.now(UTC)).timetuple()[:6])
        new.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(new, document)
    return out.getvalue()
