"""ZIP checks on crafted containers: each refusal has its own stable problem code."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.edoc.samples import sample
from wire.edoc import ContainerProblem, Verdict
from wire.edoc.container import MIMETYPE, ContainerError, Limits, read_container, safe_name
from wire.edoc.verify import verify_container

MANIFEST = (b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            b'<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.etsi.asic-e+zip"/>'
            b'<manifest:file-entry manifest:full-path="a.txt" manifest:media-type="text/plain"/>'
            b'</manifest:manifest>')


def build(entries: list[tuple[str, bytes, int]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content, compression in entries:
            info = zipfile.ZipInfo(name)
            info.compress_type = compression
            archive.writestr(info, content)
    return out.getvalue()


S, D = zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED
GOOD = [("mimetype", MIMETYPE, S), ("META-INF/manifest.xml", MANIFEST, D), ("a.txt", b"hello", D)]


def problem(data: bytes, limits: Limits | None = None) -> ContainerProblem:
    with pytest.raises(ContainerError) as caught:
        read_container(data, limits or Limits())
    return caught.value.problem


def test_a_well_formed_unsigned_container_reads_but_is_invalid() -> None:
    container = read_container(build(GOOD))
    assert container.data_files == {"a.txt": b"hello"}
    assert container.manifest == {"a.txt": "text/plain"}
    report = verify_container(build(GOOD))
    assert report.verdict is Verdict.INVALID
    assert report.problems == (ContainerProblem.NO_SIGNATURES,)


def test_mimetype_must_be_first_stored_and_exact() -> None:
    assert problem(build(GOOD[1:] + GOOD[:1])) is ContainerProblem.MIMETYPE_NOT_FIRST
    assert problem(build([("mimetype", MIMETYPE, D)] + GOOD[1:])) is ContainerProblem.MIMETYPE_COMPRESSED
    assert problem(build([("mimetype", b"application/zip", S)] + GOOD[1:])) is ContainerProblem.MIMETYPE_WRONG


def test_traversal_absolute_and_backslash_names_are_refused() -> None:
    for name in ("../evil.txt", "/etc/passwd", "a/../../b", "dir\\x.txt", "./a.txt", "C:x", "a//b"):
        assert problem(build(GOOD + [(name, b"x", S)])) is ContainerProblem.BAD_NAME, name


def test_duplicate_names_are_refused() -> None:
    with pytest.warns(UserWarning):  # zipfile itself warns on writing a duplicate
        data = build(GOOD + [("a.txt", b"other", S)])
    assert problem(data) is ContainerProblem.DUPLICATE_NAME


def test_a_compression_bomb_is_stopped_while_reading() -> None:
    bomb = GOOD + [("big.bin", b"\0" * (4 << 20), D)]
    assert problem(bomb and build(bomb)) is ContainerProblem.TOO_BIG
    assert problem(build(GOOD), Limits(max_entry_bytes=3)) is ContainerProblem.TOO_BIG
    assert problem(build(GOOD), Limits(max_entries=2)) is ContainerProblem.TOO_BIG


def test_manifest_must_list_exactly_the_data_files() -> None:
    assert problem(build(GOOD + [("b.txt", b"x", S)])) is ContainerProblem.MANIFEST_MISMATCH
    assert problem(build([GOOD[0], GOOD[2]])) is ContainerProblem.MANIFEST_MISSING
    assert problem(build([GOOD[0], GOOD[1]])) is ContainerProblem.NO_DATA_FILES


def test_manifest_with_a_dtd_is_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]>' + MANIFEST.split(b"?>", 1)[1]
    assert problem(build([GOOD[0], ("META-INF/manifest.xml", bomb, D), GOOD[2]])) is ContainerProblem.MANIFEST_MISMATCH


def test_not_a_zip() -> None:
    assert verify_container(b"PK\x03\x04garbage").problems == (ContainerProblem.NOT_A_ZIP,)
    assert verify_container(b"").problems == (ContainerProblem.NOT_A_ZIP,)


def test_safe_name_accepts_ordinary_names() -> None:
    assert safe_name("Sample File.pdf") and safe_name("META-INF/manifest.xml") and safe_name("līgums.docx")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_never_crash_and_are_never_valid(data: bytes) -> None:
    assert verify_container(data).verdict is Verdict.INVALID


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_real_container_is_never_valid(data: st.DataObject) -> None:
    original = sample("SampleFile.edoc")
    position = data.draw(st.integers(0, len(original) - 1))
    flip = data.draw(st.integers(1, 255))
    mutated = original[:position] + bytes([original[position] ^ flip]) + original[position + 1:]
    report = verify_container(mutated)
    # A flipped byte is either caught (CRC, ZIP structure, digest, signature) or lies in bytes no check
    # covers (ZIP metadata such as timestamps, comments); it never makes a different file VALID.
    if report.verdict is Verdict.VALID:
        assert report.files == ("Sample File.docx", "Sample File.pdf")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.text(min_size=1, max_size=20), st.binary(max_size=64)), max_size=6,
                unique_by=lambda entry: entry[0]))
def test_random_entries_after_a_good_mimetype_never_crash(entries: list[tuple[str, bytes]]) -> None:
    report = verify_container(build([GOOD[0]] + [(n, b, D) for n, b in entries]))
    assert report.verdict is Verdict.INVALID
