"""libdigidocpp (the DigiDoc engine, via pydigidoc) as the independent judge of Pietura's containers
and of the real samples.

libdigidocpp judges trust against a signed test trust list (``trust_list.py``: a list of lists
pointing at a Latvian list) made for each judgement from the test CAs that are to be trusted. A
container whose signer, TSA and OCSP responder are certified by a listed CA is fully valid (no
message at all: qualified signature, trusted time-stamp and OCSP answer); one by a CA not on the
list gets the trust messages (issuer not found, TSA/OCSP responder not verifiable) and nothing else.
The real samples' CAs are not on the test list, so for them only the trust messages are allowed."""

from __future__ import annotations

import datetime as dt
import io
import platform
import zipfile
from pathlib import Path

import pytest

from gateway.testpki import TestCa, make_ca
from tests.integration.signing.libdigidocpp import NOT_TRUSTED, TRUST_ONLY, judge
from tests.integration.signing.trust_list import make_trust_list
from tests.unit.edoc.lt import FILES, lt_signature, sign_cert
from tests.unit.edoc.samples import SAMPLES, sample
from wire.edoc.build import SIGNATURE_FILE, write_container

pytest.importorskip("pydigidoc", reason="pydigidoc (libdigidocpp) has wheels for x86_64 Linux only; "
                    f"this machine is {platform.machine()}")

pytestmark = pytest.mark.signcheck

def lt_container(ca: TestCa, files: list[tuple[str, str, bytes]] = FILES, *,
                 revoked_at: dt.datetime | None = None) -> bytes:
    document, _ = lt_signature(ca, files, cert_maker=sign_cert, revoked_at=revoked_at)
    return write_container(files, {SIGNATURE_FILE: document})


def test_pietura_container_is_fully_valid_when_its_ca_is_on_the_trust_list(tmp_path: Path) -> None:
    ca = make_ca()
    (result,) = judge(tmp_path, {"ours.edoc": lt_container(ca)}, [ca.cert])["ours.edoc"]
    assert result == {"profile": "BES/time-stamp", "messages": []}  # LT, qualified, trusted: VALID


def test_a_container_by_a_ca_not_on_the_trust_list_is_not_valid(tmp_path: Path) -> None:
    listed, other = make_ca(), make_ca("TEST LV eID ICA 2026 (not listed)")
    (result,) = judge(tmp_path, {"other.edoc": lt_container(other)}, [listed.cert])["other.edoc"]
    assert result["profile"] == "BES/time-stamp"
    assert NOT_TRUSTED in result["messages"], result["messages"]
    assert set(result["messages"]) <= TRUST_ONLY, result["messages"]


def test_a_trust_list_changed_after_signing_is_not_used(tmp_path: Path) -> None:
    """libdigidocpp checks the lists' signatures: a Latvian list with a byte changed (its CA listed
    all the same) is refused, so nothing is trusted."""
    ca = make_ca()
    listed = make_trust_list([ca.cert]).files["LV.xml"]
    changed = listed.replace(b"Pietura test LV operator", b"Pietura test LV 0perator")
    (result,) = judge(tmp_path, {"ours.edoc": lt_container(ca)}, [ca.cert],
                      trust_list_files={"LV.xml": changed})["ours.edoc"]
    assert NOT_TRUSTED in result["messages"], result["messages"]


def test_a_revoked_signer_is_not_valid_even_when_trusted(tmp_path: Path) -> None:
    ca = make_ca()
    data = lt_container(ca, revoked_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
    (result,) = judge(tmp_path, {"revoked.edoc": data}, [ca.cert])["revoked.edoc"]
    assert "Certificate status: revoked" in result["messages"], result["messages"]


def test_a_tampered_pietura_container_fails_integrity(tmp_path: Path) -> None:
    ca = make_ca()
    archive = zipfile.ZipFile(io.BytesIO(lt_container(ca)))
    signature = archive.read(SIGNATURE_FILE)
    changed = [(n, m, c.replace(b"hello", b"HELLO")) for n, m, c in FILES]
    (result,) = judge(tmp_path, {"bad.edoc": write_container(changed, {SIGNATURE_FILE: signature})},
                      [ca.cert])["bad.edoc"]
    assert "Failed to validate Reference 'a%20b.txt'" in result["messages"]


@pytest.mark.parametrize(("name", "profile"), [
    ("SampleFile.edoc", "BES/time-stamp"),
    ("tsl.asice", "BES/time-stamp"),
    ("terms_of_Account_Agreement_28062025_ENG.asice", "BES/time-stamp-archive"),
    ("test.asice", "EPES/time-mark"),
])
def test_real_samples_have_the_profiles_their_readme_states(tmp_path: Path, name: str, profile: str) -> None:
    data = sample(name)
    results = judge(tmp_path, {name: data}, [make_ca().cert])[name]
    assert [r["profile"] for r in results] == [profile]
    if profile.startswith("BES/time-stamp"):
        assert set(results[0]["messages"]) <= TRUST_ONLY, results[0]["messages"]
    assert (SAMPLES / name).is_file()
