"""The verifier against real eParaksts / DigiDoc files, with the verdicts their README states."""

from __future__ import annotations

from datetime import UTC, datetime

from cryptography import x509

from tests.unit.edoc.samples import SAMPLES, sample
from wire.edoc import ContainerProblem, SignatureProblem, Trust, Verdict
from wire.edoc.verify import verify_container


def test_latvian_eparaksts_ec_signature_is_valid_lt() -> None:
    report = verify_container(sample("SampleFile.edoc"))
    assert report.verdict is Verdict.VALID
    assert report.files == ("Sample File.docx", "Sample File.pdf")
    (sig,) = report.signatures
    assert sig.name == "META-INF/edoc-signatures-S1.xml"
    assert sig.verdict is Verdict.VALID and sig.level == "LT" and sig.problems == ()
    assert sig.timestamp_time == datetime(2025, 3, 19, 16, 59, 29, tzinfo=UTC)
    assert sig.signer and sig.signer.endswith("JĒKABSONS")
    assert set(sig.files) == {"Sample File.docx", "Sample File.pdf"}
    assert sig.trust is Trust.NOT_CHECKED


def test_swedbank_eseal_with_archive_stamp_is_valid_lta() -> None:
    report = verify_container(sample("terms_of_Account_Agreement_28062025_ENG.asice"))
    assert report.verdict is Verdict.VALID
    (sig,) = report.signatures
    assert sig.level == "LTA"


def test_ocsp_produced_before_the_time_stamp_is_invalid() -> None:
    report = verify_container(sample("terms_of_use_of_private_credit_cards_25052018_RUS.edoc"))
    assert report.verdict is Verdict.INVALID
    (sig,) = report.signatures
    assert sig.problems == (SignatureProblem.OCSP_BEFORE_TIMESTAMP,)


def test_two_demo_signatures_are_valid_lt_without_anchors() -> None:
    report = verify_container(sample("test-environment-sig-sample.edoc"))
    assert report.verdict is Verdict.VALID
    assert [s.level for s in report.signatures] == ["LT", "LT"]
    assert all(s.timestamp_time is not None for s in report.signatures)


def test_demo_signatures_do_not_chain_to_the_real_root() -> None:
    root = x509.load_pem_x509_certificate((SAMPLES / "eparaksts-root-ca-from-sample.pem").read_bytes())
    report = verify_container(sample("test-environment-sig-sample.edoc"), anchors=[root])
    assert report.verdict is Verdict.INDETERMINATE
    assert all(s.trust is Trust.UNTRUSTED for s in report.signatures)
    assert all(s.problems == (SignatureProblem.UNTRUSTED_CHAIN,) for s in report.signatures)


def test_real_root_anchor_trusts_the_2018_eseal_chain() -> None:
    root = x509.load_pem_x509_certificate((SAMPLES / "eparaksts-root-ca-from-sample.pem").read_bytes())
    report = verify_container(sample("terms_of_use_of_private_credit_cards_25052018_RUS.edoc"), anchors=[root])
    assert report.signatures[0].trust is Trust.TRUSTED


def test_estonian_test_person_with_negative_modulus_is_valid_lt() -> None:
    report = verify_container(sample("tsl.asice"))
    assert report.verdict is Verdict.VALID
    assert report.signatures[0].level == "LT"


def test_time_mark_without_time_stamp_is_indeterminate() -> None:
    report = verify_container(sample("test.asice"))
    assert report.verdict is Verdict.INDETERMINATE
    (sig,) = report.signatures
    assert sig.level == "B"
    assert SignatureProblem.NO_TIMESTAMP in sig.problems
    assert not any(p.fatal for p in sig.problems)


def test_key_substitution_forgery_is_invalid() -> None:
    report = verify_container(sample("forged_lt.asice"))
    assert report.verdict is Verdict.INVALID
    (sig,) = report.signatures
    assert sig.verdict is Verdict.INVALID
    assert sig.problems[0] in (SignatureProblem.SIGNATURE_VALUE, SignatureProblem.SIGNING_CERT_MISMATCH)


def test_relative_path_trick_is_refused() -> None:
    report = verify_container(sample("asice-relative.asice"))
    assert report.verdict is Verdict.INVALID
    assert report.problems == (ContainerProblem.BAD_NAME,)
    assert report.signatures == ()
