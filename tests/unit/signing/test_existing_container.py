"""Checking an .edoc before one more signature is added: real samples and hand-made containers,
refused with a code (unsafe ZIP, an invalid signature) or opened with its files and next slot."""

from __future__ import annotations

import io
import logging
import zipfile

import pytest

from gateway.testpki import make_ca
from kiosk.signing.existing import (
    CONTAINER_INVALID,
    CONTAINER_TOO_MANY,
    CONTAINER_UNSAFE,
    ContainerRefused,
    ExistingContainer,
    open_existing,
)
from tests.unit.edoc.lt import lt_signature
from tests.unit.edoc.samples import sample
from wire.edoc import Verdict
from wire.edoc.build import write_container
from wire.edoc.container import MIMETYPE


def test_a_real_eparaksts_file_opens_with_its_files_and_s2() -> None:
    opened = open_existing(sample("SampleFile.edoc"))
    assert isinstance(opened, ExistingContainer)
    assert [(d.name, d.media_type) for d in opened.documents] == [
        ("Sample File.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("Sample File.pdf", "application/pdf")]
    assert (opened.signature_id, opened.entry_name) == ("S2", "META-INF/edoc-signatures-S2.xml")
    assert [s.verdict for s in opened.report.signatures] == [Verdict.VALID]


def test_an_unconfirmed_signature_does_not_stop_a_new_one() -> None:
    opened = open_existing(sample("test.asice"))  # time-mark, no time-stamp: INDETERMINATE
    assert isinstance(opened, ExistingContainer)
    assert [s.verdict for s in opened.report.signatures] == [Verdict.INDETERMINATE]
    assert opened.entry_name == "META-INF/edoc-signatures-S1.xml"  # its signature's Id is not S1


@pytest.mark.parametrize(("name", "code"), [("forged_lt.asice", CONTAINER_INVALID),
                                            ("asice-relative.asice", CONTAINER_UNSAFE)])
def test_real_bad_samples_are_refused(name: str, code: str, caplog) -> None:
    caplog.set_level(logging.INFO)
    assert open_existing(sample(name)) == ContainerRefused(code)
    assert name not in caplog.text


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in entries:
            archive.writestr(zipfile.ZipInfo(name), content)
    return out.getvalue()


def test_an_unsafe_zip_and_a_file_no_signature_covers_are_refused_an_unsigned_container_is_not() -> None:
    duplicate = _zip([("mimetype", MIMETYPE), ("META-INF/manifest.xml", b"<x/>"), ("a.txt", b"1"), ("a.txt", b"2")])
    assert open_existing(duplicate) == ContainerRefused(CONTAINER_UNSAFE)
    signature, _ = lt_signature(make_ca(), [("a.txt", "text/plain", b"a")])
    slipped_in = write_container([("a.txt", "text/plain", b"a"), ("b.txt", "text/plain", b"b")],
                                 {"META-INF/edoc-signatures-S1.xml": signature})
    assert open_existing(slipped_in) == ContainerRefused(CONTAINER_INVALID)
    opened = open_existing(write_container([("a.txt", "text/plain", b"a")], {}))  # its first signature may be added
    assert isinstance(opened, ExistingContainer) and opened.signature_id == "S1"


def test_more_files_than_one_signing_takes_is_refused() -> None:
    many = write_container([(f"{n}.txt", "text/plain", b"x") for n in range(21)], {})
    assert open_existing(many) == ContainerRefused(CONTAINER_TOO_MANY)
