"""libdigidocpp (the DigiDoc engine, via pydigidoc) as the independent judge of Pietura's containers
and of the real samples.

No trust list is configured yet (a signed test TSL for the test PKI is still to be made), so
libdigidocpp cannot establish trust for any signature here: every judgement carries its trust
messages (issuer not found, TSA/OCSP responder not verifiable). What these tests check is
everything else it reports: the profile (BES/time-stamp = LT) and the absence of any integrity,
format or key-usage message — and that a tampered container does get one."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import platform
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from gateway.signing import testocsp, testtsa
from gateway.signing.testcerts import make_sign_cert
from gateway.testpki import make_ca, new_key
from tests.unit.edoc.lt import FILES, data_files, raw_sign
from tests.unit.edoc.samples import SAMPLES, sample
from wire.edoc.build import (
    SIGNATURE_FILE,
    prepare,
    signature_value_c14n,
    with_signature_value,
    with_timestamp,
    with_validation_data,
    write_container,
)

pytest.importorskip("pydigidoc", reason="pydigidoc (libdigidocpp) has wheels for x86_64 Linux only; "
                    f"this machine is {platform.machine()}")

pytestmark = pytest.mark.signcheck

JUDGE = Path(__file__).with_name("digidoc_judge.py")
# What libdigidocpp says when it has no trust anchor for the signer, the TSA and the OCSP responder.
TRUST_ONLY = {
    "Signature validation",
    "Unable to verify signing certificate",
    "unable to get local issuer certificate",
    "Certificate status: unknown",
    "error:17800064:time stamp routines::certificate verify error",
    "Failed to verify OCSP Responder certificate",
    "error:13800065:OCSP routines::certificate verify error",
}


def judge(tmp_path: Path, containers: dict[str, bytes]) -> dict[str, list[dict[str, object]]]:
    paths = []
    for name, data in containers.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(str(path))
    done = subprocess.run([sys.executable, str(JUDGE), *paths], capture_output=True, text=True, timeout=120,
                          env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    return {Path(p).name: v for p, v in json.loads(done.stdout.splitlines()[-1]).items()}


def lt_container(files: list[tuple[str, str, bytes]] = FILES) -> bytes:
    ca = make_ca()
    key = new_key("p384")
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    cert = make_sign_cert(ca, key)
    tsa, responder = testtsa.make_tsa(ca), testocsp.make_responder(ca)
    prepared = prepare(data_files(), cert, dt.datetime.now(dt.UTC))
    document = with_signature_value(prepared.document, raw_sign(key, prepared.signed_info_c14n, prepared.hash_name))
    document = with_timestamp(document, testtsa.issue_token(
        tsa, hashlib.sha256(signature_value_c14n(document)).digest()))
    document = with_validation_data(document, [cert, ca.cert], [testocsp.answer(responder, cert)])
    return write_container(files, {SIGNATURE_FILE: document})


def test_pietura_container_is_lt_with_only_trust_messages(tmp_path: Path) -> None:
    (result,) = judge(tmp_path, {"ours.edoc": lt_container()})["ours.edoc"]
    assert result["profile"] == "BES/time-stamp"  # DigiDoc's name for XAdES LT
    assert set(result["messages"]) <= TRUST_ONLY, result["messages"]


def test_a_tampered_pietura_container_fails_integrity(tmp_path: Path) -> None:
    data = lt_container()
    archive = zipfile.ZipFile(io.BytesIO(data))
    signature = archive.read(SIGNATURE_FILE)
    changed = [(n, m, c.replace(b"hello", b"HELLO")) for n, m, c in FILES]
    (result,) = judge(tmp_path, {"bad.edoc": write_container(changed, {SIGNATURE_FILE: signature})})["bad.edoc"]
    assert "Failed to validate Reference 'a%20b.txt'" in result["messages"]


@pytest.mark.parametrize(("name", "profile"), [
    ("SampleFile.edoc", "BES/time-stamp"),
    ("tsl.asice", "BES/time-stamp"),
    ("terms_of_Account_Agreement_28062025_ENG.asice", "BES/time-stamp-archive"),
    ("test.asice", "EPES/time-mark"),
])
def test_real_samples_have_the_profiles_their_readme_states(tmp_path: Path, name: str, profile: str) -> None:
    data = sample(name)
    results = judge(tmp_path, {name: data})[name]
    assert [r["profile"] for r in results] == [profile]
    if profile.startswith("BES/time-stamp"):
        assert set(results[0]["messages"]) <= TRUST_ONLY, results[0]["messages"]
    assert (SAMPLES / name).is_file()
