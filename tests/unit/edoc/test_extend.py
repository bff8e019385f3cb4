"""One more signature on an existing container: the next Id and file name, the existing entries
kept byte-for-byte, and a two-signature container the verifier calls VALID (ours and real samples)."""

from __future__ import annotations

import io
import zipfile

import pytest

from gateway.testpki import TestCa, make_ca
from tests.unit.edoc.lt import FILES, lt_signature
from tests.unit.edoc.samples import sample
from wire.edoc import ContainerProblem, Trust, Verdict
from wire.edoc.build import (
    SIGNATURE_FILE,
    write_container,
)
from wire.edoc.container import ContainerError, read_container
from wire.edoc.extend import add_signature, next_signature, signature_ids
from wire.edoc.verify import verify_container


def entries(data: bytes) -> list[tuple[str, bytes, int]]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return [(i.filename, archive.read(i), i.compress_type) for i in archive.infolist()]


def extend(original: bytes, ca: TestCa, given: str = "ANNA") -> tuple[bytes, str, str]:
    container = read_container(original)
    signature_id, entry = next_signature(container)
    files = [(name, container.manifest[name], content) for name, content in container.data_files.items()]
    document, _ = lt_signature(ca, files, signature_id, given=given)
    return add_signature(original, entry, document), signature_id, entry


def test_a_second_signature_is_s2_and_keeps_the_first_byte_for_byte() -> None:
    ca = make_ca()
    first, _ = lt_signature(ca, FILES)
    original = write_container(FILES, {SIGNATURE_FILE: first})
    extended, signature_id, entry = extend(original, ca)
    assert (signature_id, entry) == ("S2", "META-INF/edoc-signatures-S2.xml")
    before, after = entries(original), entries(extended)
    assert after[:len(before)] == before  # every entry, its order, content and compression kept
    assert [name for name, _, _ in after[len(before):]] == [entry]
    report = verify_container(extended, anchors=[ca.cert])
    assert report.verdict is Verdict.VALID and not report.problems
    assert [(s.name, s.level, s.trust, s.verdict) for s in report.signatures] == [
        (SIGNATURE_FILE, "LT", Trust.TRUSTED, Verdict.VALID), (entry, "LT", Trust.TRUSTED, Verdict.VALID)]
    assert all(set(s.files) == {"līgums.pdf", "a b.txt"} for s in report.signatures)
    assert {s.signer for s in report.signatures} == {"JĀNIS BĒRZIŅŠ", "ANNA BĒRZIŅŠ"}
    third, signature_id, entry = extend(extended, ca, given="PĒTERIS")
    assert (signature_id, entry) == ("S3", "META-INF/edoc-signatures-S3.xml")
    assert verify_container(third, anchors=[ca.cert]).verdict is Verdict.VALID


def test_a_taken_file_name_or_id_is_skipped() -> None:
    ca = make_ca()
    odd, _ = lt_signature(ca, FILES, signature_id="S2")  # Id S2 in the file of S1
    container = read_container(write_container(FILES, {SIGNATURE_FILE: odd}))
    assert signature_ids(container) == {"S2"}
    assert next_signature(container) == ("S3", "META-INF/edoc-signatures-S3.xml")


def test_add_signature_refuses_a_taken_name_and_an_unsafe_container() -> None:
    ca = make_ca()
    first, _ = lt_signature(ca, FILES)
    original = write_container(FILES, {SIGNATURE_FILE: first})
    with pytest.raises(ValueError):
        add_signature(original, SIGNATURE_FILE.upper(), first)
    with pytest.raises(ContainerError) as refused:
        add_signature(sample("asice-relative.asice"), "META-INF/edoc-signatures-S1.xml", first)
    assert refused.value.problem is ContainerProblem.BAD_NAME


def test_a_real_eparaksts_file_gets_s2_and_both_signatures_verify() -> None:
    original = sample("SampleFile.edoc")
    extended, signature_id, entry = extend(original, make_ca())
    assert (signature_id, entry) == ("S2", "META-INF/edoc-signatures-S2.xml")
    before, after = entries(original), entries(extended)
    assert after[:len(before)] == before
    report = verify_container(extended)
    assert report.verdict is Verdict.VALID, report
    assert [(s.name, s.level) for s in report.signatures] == [("META-INF/edoc-signatures-S1.xml", "LT"), (entry, "LT")]
    assert set(report.signatures[1].files) == {"Sample File.docx", "Sample File.pdf"}


def test_a_container_of_other_names_gets_the_eparaksts_name() -> None:
    original = sample("test-environment-sig-sample.edoc")  # signatures001.xml and signatures2.xml, Ids id-…
    container = read_container(original)
    assert next_signature(container) == ("S1", "META-INF/edoc-signatures-S1.xml")
    extended, _, entry = extend(original, make_ca())
    report = verify_container(extended)
    assert report.verdict is Verdict.VALID and len(report.signatures) == 3
    assert entries(extended)[:5] == entries(original)
