"""One more signature on an .edoc from the stick, end to end through real pcscd + vpcd: the signing
desk lists the stick (a real FAT image read with mtools), checks the chosen .edoc with the kiosk's
verifier, the emulated card signs with PIN2, the embedded gateway adds the test TSA's time-stamp
and the OCSP answer, and ``<name> (2).edoc`` is written beside the original, which stays as it was.
A forged or unsafe container is refused before the card is asked."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from drivers.smartcard.emulator import EmulatedCard, make_pki
from drivers.smartcard.readers import PcscReaders
from kiosk.adapters import usbstick
from kiosk.adapters.signing import SigningDesk
from kiosk.flow import signing_events as sev
from kiosk.flow.signing_state import SignMode
from kiosk.provisioning.test_sign import SigningRig
from tests.integration.signing.test_usbstick import make_stick
from tests.unit.edoc.samples import sample
from wire.edoc import Trust, Verdict
from wire.edoc.verify import verify_container

pytestmark = pytest.mark.pcsc
PIN2 = "58213"


def entries(data: bytes) -> list[tuple[str, bytes]]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return [(i.filename, archive.read(i)) for i in archive.infolist()]


def read_back(image: Path, path: str) -> bytes:
    stick = usbstick.open_stick([image])
    return stick.read(next(f for f in stick.list_files() if f.path == path), max_bytes=10 << 20)


def desk_for(rig: SigningRig, image: Path) -> SigningDesk:
    assert rig.session is not None and rig.client is not None
    return SigningDesk(rig.session, rig.client, candidates=lambda: [image], anchors=[rig.pki.intermediate_cert])


def sign_path(desk: SigningDesk, token: str, name: str) -> sev.DocumentsSigned | sev.SigningFailed:
    listed = desk.list_stick(SignMode.SIGN)
    assert isinstance(listed, sev.StickListed)
    entry = next(f for f in listed.files if f.name == name)
    read = desk.read_documents((entry.path,))
    if isinstance(read, sev.SigningFailed):
        return read
    return desk.sign(token, bytearray(PIN2.encode()))


@pytest.fixture
def rig(tmp_path: Path, vpcd):
    pki = make_pki(variant="lv-ec")
    card = EmulatedCard("lv-ec", pki=pki, pin2=PIN2)
    vpcd(card)
    with SigningRig(tmp_path / "rig", pki=pki, readers=PcscReaders()) as rig:
        yield rig, card


def test_a_kiosk_edoc_gets_a_second_signature_beside_it(tmp_path: Path, rig) -> None:
    rig, card = rig
    image = make_stick(tmp_path / "stick.img", {"/Līgums.pdf": b"%PDF-1.4 the contract"})
    desk = desk_for(rig, image)
    first = sign_path(desk, rig.token, "Līgums.pdf")
    assert isinstance(first, sev.DocumentsSigned) and first.signed.written_name == "Līgums.edoc"
    listed = desk.list_stick(SignMode.SIGN)
    assert isinstance(listed, sev.StickListed)
    assert sorted((f.name, f.container) for f in listed.files) == [("Līgums.edoc", True), ("Līgums.pdf", False)]
    read = desk.read_documents((next(f.path for f in listed.files if f.container),))
    assert isinstance(read, sev.DocumentsRead), read
    assert [d.name for d in read.documents] == ["Līgums.pdf"]
    assert read.existing is not None and [s.verdict for s in read.existing] == ["VALID"]
    second = desk.sign(rig.token, bytearray(PIN2.encode()))
    assert isinstance(second, sev.DocumentsSigned), second
    assert (second.signed.written_name, second.signed.signatures) == ("Līgums (2).edoc", 2)
    assert card.signatures == 2
    original, extended = read_back(image, "/Līgums.edoc"), read_back(image, "/Līgums (2).edoc")
    assert entries(extended)[:-1] == entries(original)  # the first container's entries unchanged
    assert entries(extended)[-1][0] == "META-INF/edoc-signatures-S2.xml"
    report = verify_container(extended, anchors=[rig.pki.intermediate_cert])
    assert report.verdict is Verdict.VALID
    assert [(s.level, s.trust, s.files) for s in report.signatures] == [("LT", Trust.TRUSTED, ("Līgums.pdf",))] * 2


def test_a_real_eparaksts_file_gets_one_more_signature(tmp_path: Path, rig) -> None:
    rig, _ = rig
    image = make_stick(tmp_path / "stick.img", {"/SampleFile.edoc": sample("SampleFile.edoc")})
    desk = desk_for(rig, image)
    done = sign_path(desk, rig.token, "SampleFile.edoc")
    assert isinstance(done, sev.DocumentsSigned), done
    assert done.signed.written_name == "SampleFile (2).edoc"
    assert set(done.signed.files) == {"Sample File.docx", "Sample File.pdf"}
    extended = read_back(image, "/SampleFile (2).edoc")
    assert entries(extended)[:-1] == entries(sample("SampleFile.edoc"))
    report = verify_container(extended)  # without anchors: the eParaksts chain is not on this machine
    assert report.verdict is Verdict.VALID
    assert [s.name for s in report.signatures] == ["META-INF/edoc-signatures-S1.xml", "META-INF/edoc-signatures-S2.xml"]
    with_anchor = verify_container(extended, anchors=[rig.pki.intermediate_cert])
    assert [s.trust for s in with_anchor.signatures] == [Trust.UNTRUSTED, Trust.TRUSTED]


@pytest.mark.parametrize(("name", "code"), [("forged_lt.asice", "sign_container_invalid"),
                                            ("asice-relative.asice", "sign_container_unsafe")])
def test_a_forged_or_unsafe_container_is_refused_before_the_card(tmp_path: Path, rig, name: str, code: str) -> None:
    rig, card = rig
    image = make_stick(tmp_path / "stick.img", {f"/{name}": sample(name)})
    assert sign_path(desk_for(rig, image), rig.token, name) == sev.SigningFailed(code)
    assert card.signatures == 0
    assert sorted(f.name for f in usbstick.open_stick([image]).list_files()) == [name]  # nothing written
