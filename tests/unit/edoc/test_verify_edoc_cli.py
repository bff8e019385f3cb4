"""``kioskctl verify-edoc``: exit 0 only for a valid container, words in both languages, no personal code."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kiosk import edoc_words
from kiosk.i18n import Translator
from kiosk.provisioning.cli import main
from tests.unit.edoc.samples import SAMPLES, sample
from wire.edoc import ContainerProblem, SignatureProblem, SigningCode, Verdict


@pytest.mark.parametrize(("name", "code"), [
    ("SampleFile.edoc", 0),
    ("test-environment-sig-sample.edoc", 0),
    ("forged_lt.asice", 1),
    ("asice-relative.asice", 1),
    ("terms_of_use_of_private_credit_cards_25052018_RUS.edoc", 1),
    ("test.asice", 3),
])
def test_exit_code_follows_the_verdict(name: str, code: int, capsys: pytest.CaptureFixture[str]) -> None:
    sample(name)
    assert main(["verify-edoc", str(SAMPLES / name), "--lang", "en"]) == code
    out = capsys.readouterr().out
    assert out.splitlines()[0] in {*edoc_words.CONTAINER_VERDICT_WORDS.values()}


def test_untrusted_chain_is_not_exit_zero(capsys: pytest.CaptureFixture[str]) -> None:
    sample("test-environment-sig-sample.edoc")
    code = main(["verify-edoc", str(SAMPLES / "test-environment-sig-sample.edoc"),
                 "--trust", str(SAMPLES / "eparaksts-root-ca-from-sample.pem"), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 3 and report["verdict"] == "INDETERMINATE"
    assert {s["trust"] for s in report["signatures"]} == {"UNTRUSTED"}


def test_json_and_text_never_print_the_personal_code(capsys: pytest.CaptureFixture[str]) -> None:
    sample("SampleFile.edoc")
    main(["verify-edoc", str(SAMPLES / "SampleFile.edoc"), "--json"])
    main(["verify-edoc", str(SAMPLES / "SampleFile.edoc")])
    out = capsys.readouterr().out
    assert "PNOLV" not in out and "220981" not in out
    assert "2025. gada 19. marts" in out  # the time-stamp time, in Riga time and Latvian


def test_missing_file_is_exit_4(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify-edoc", str(tmp_path / "none.edoc")]) == 4


def test_the_installed_command_runs(tmp_path) -> None:
    sample("SampleFile.edoc")
    done = subprocess.run([sys.executable, "-m", "kiosk.provisioning.cli", "verify-edoc",
                           str(SAMPLES / "SampleFile.edoc"), "--lang", "en"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("The document is signed")


@pytest.mark.parametrize("language", ["lv", "en"])
def test_every_code_and_verdict_has_words(language: str) -> None:
    t = Translator(language)
    words = [*edoc_words.VERDICT_WORDS.values(), *edoc_words.CONTAINER_VERDICT_WORDS.values(),
             *edoc_words.CONTAINER_WORDS.values(), *edoc_words.SIGNATURE_WORDS.values(),
             *edoc_words.SIGNING_WORDS.values()]
    assert set(edoc_words.CONTAINER_WORDS) == set(ContainerProblem)
    assert set(edoc_words.SIGNATURE_WORDS) == set(SignatureProblem)
    assert set(edoc_words.VERDICT_WORDS) == set(Verdict)
    assert set(edoc_words.SIGNING_WORDS) == set(SigningCode)
    for message in words:
        assert t.has(message), message
        if language == "lv":
            assert t.gettext(message) != message
