"""The signing service with the in-process emulated card and the embedded gateway (real HTTP on
loopback, test TSA/OCSP): the kiosk refuses a prepared document that does not name exactly the
chosen files' digests before the card is asked; PIN2 is zeroed on every path; the short
fingerprint and the signer come from the data."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from pathlib import Path

import pytest

from drivers.smartcard.emulator import EmulatedCard, make_pki
from kiosk.backend.client import PreparedSignature
from kiosk.provisioning.test_sign import SigningRig
from kiosk.signing.documents import Document, fingerprint, media_type, signable
from kiosk.signing.existing import ExistingContainer, open_existing
from kiosk.signing.service import Signed, SigningService, SignRefused, check_prepared
from wire.edoc.build import signed_info_c14n

DOCS = [Document("a.pdf", b"%PDF a"), Document("b.txt", b"b")]


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory):
    pki = make_pki(variant="lv-ec")
    with SigningRig(tmp_path_factory.mktemp("rig"), pki=pki, card=EmulatedCard("lv-ec", pki=pki)) as running:
        yield running


class Tampering:
    """A gateway that changes what it prepared (another file's digest, or a digest of its own)."""

    def __init__(self, real, how: str) -> None:
        self.real, self.how = real, how

    def sign_prepare(self, token, certificate, files, signature_id="S1") -> PreparedSignature:
        if self.how == "file":
            files = [(files[0][0], files[0][1], hashlib.sha256(b"something else").digest()), *files[1:]]
        if self.how == "id":  # the Id of a signature already in the container: S1 instead of S2
            signature_id = "S1"
        prepared = self.real.sign_prepare(token, certificate, files, signature_id)
        if self.how == "digest":
            prepared = dataclasses.replace(prepared, digest=hashlib.sha256(b"a digest of its own").digest())
        if self.how == "dropped":
            prepared = self.real.sign_prepare(token, certificate, files[:1])
        return prepared

    def sign_finalise(self, *args):
        raise AssertionError("finalise must not be reached")


@pytest.mark.parametrize("how", ["file", "digest", "dropped"])
def test_a_prepared_document_other_than_the_chosen_files_is_never_signed(rig: SigningRig, how: str) -> None:
    assert rig.card is not None and rig.session is not None and rig.client is not None
    before = rig.card.signatures
    pin2 = bytearray(b"12345")
    service = SigningService(rig.session, Tampering(rig.client, how))
    assert service.sign(rig.token, DOCS, pin2) == SignRefused("sign_prepared_mismatch")
    assert rig.card.signatures == before and pin2 == bytearray(5)


def test_check_prepared_accepts_the_real_thing(rig: SigningRig) -> None:
    assert rig.session is not None and rig.client is not None
    prepared = rig.client.sign_prepare(rig.token, rig.session.signing_certificate(),
                                       [(d.name, d.media_type, d.sha256) for d in DOCS])
    assert check_prepared(prepared, DOCS)
    assert hashlib.sha256(signed_info_c14n(prepared.document)).digest() == prepared.digest
    assert not check_prepared(prepared, DOCS[:1])
    assert not check_prepared(dataclasses.replace(prepared, document=b"<not xml"), DOCS)


def test_no_files_or_two_of_one_name_are_refused_and_pin2_is_zeroed(rig: SigningRig) -> None:
    for documents in ([], [DOCS[0], DOCS[0]]):
        pin2 = bytearray(b"12345")
        assert rig.service.sign(rig.token, documents, pin2) == SignRefused("sign_no_files")
        assert pin2 == bytearray(5)


def test_signer_and_a_signed_container(rig: SigningRig) -> None:
    assert rig.service.signer() == "JĀNIS BĒRZIŅŠ"
    signed = rig.sign(DOCS)
    assert signed.files == ("a.pdf", "b.txt")
    assert signed.container_sha256 == hashlib.sha256(signed.container).hexdigest()


def test_fingerprint_media_types_and_what_is_offered() -> None:
    digest = bytes.fromhex("3f2a9c01deadbeef") + bytes(24)
    assert fingerprint(digest) == "3F2A 9C01 DEAD BEEF"
    assert Document("x.PDF", b"").media_type == media_type("y.pdf") == "application/pdf"
    assert media_type("x.exe") == "application/octet-stream"
    assert signable("Līgums.docx") and not signable("run.exe") and not signable("a.edoc")
    assert base64.b64encode(DOCS[0].sha256).decode() == base64.b64encode(hashlib.sha256(b"%PDF a").digest()).decode()


def test_the_session_drops_nothing_on_a_missing_card(tmp_path: Path) -> None:
    from drivers.smartcard.emulator import EmulatedReaders
    from kiosk.adapters.card import CardSession

    service = SigningService(CardSession(EmulatedReaders()), Tampering(None, "file"))
    pin2 = bytearray(b"12345")
    assert service.sign("token", DOCS, pin2) == SignRefused("card_removed")
    assert pin2 == bytearray(5)


def test_a_prepared_signature_whose_id_clashes_with_an_existing_one_is_never_signed(rig: SigningRig) -> None:
    assert rig.card is not None and rig.session is not None and rig.client is not None
    first = rig.sign(DOCS, pin2="12345")
    assert isinstance(first, Signed), first
    existing = open_existing(first.container)
    assert isinstance(existing, ExistingContainer) and existing.signature_id == "S2"
    before, pin2 = rig.card.signatures, bytearray(b"12345")
    service = SigningService(rig.session, Tampering(rig.client, "id"))
    assert service.sign(rig.token, [], pin2, existing) == SignRefused("sign_prepared_mismatch")
    assert rig.card.signatures == before and pin2 == bytearray(5)
    second = SigningService(rig.session, rig.client).sign(rig.token, [], bytearray(b"12345"), existing)
    assert isinstance(second, Signed) and second.signatures == 2 and second.files == ("a.pdf", "b.txt")
