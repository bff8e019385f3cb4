"""The site's trust anchors ([signing] trust_anchors) reach the check: with the eParaksts root in the
PEM file the 2018 e-seal's chain is checked (only its OCSP-before-time-stamp problem remains), and the
DEMO test-card file is not trusted; without the file the result says the chain was not checked."""

from __future__ import annotations

import logging
from pathlib import Path

from kiosk.adapters.signing import SigningDesk
from kiosk.flow import signing_events as sev
from kiosk.flow.signing_state import SignMode
from kiosk.settings import parse_settings
from kiosk.signing.trust import load_anchors
from tests.integration.signing.test_usbstick import make_stick
from tests.unit.edoc.samples import SAMPLES, sample

ESEAL = "terms_of_use_of_private_credit_cards_25052018_RUS.edoc"
DEMO = "test-environment-sig-sample.edoc"


def checked(image: Path, anchors: list, name: str) -> sev.ContainerChecked:
    desk = SigningDesk(card=None, gateway=None, candidates=lambda: [image], anchors=anchors)  # type: ignore[arg-type]
    listed = desk.list_stick(SignMode.CHECK)
    assert isinstance(listed, sev.StickListed)
    result = desk.check(next(f.path for f in listed.files if f.name == name))
    assert isinstance(result, sev.ContainerChecked)
    return result


def test_the_configured_root_is_what_signatures_are_checked_against(tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.INFO)
    settings, issues = parse_settings({"signing": {"trust_anchors": str(SAMPLES / "eparaksts-root-ca-from-sample.pem")}})
    assert not [i for i in issues if i.path.startswith("signing")]
    anchors = load_anchors(settings.signing.trust_anchors)
    assert len(anchors) == 1
    image = make_stick(tmp_path / "stick.img", {f"/{ESEAL}": sample(ESEAL), f"/{DEMO}": sample(DEMO)}, size_kib=8192)
    eseal = checked(image, anchors, ESEAL).check
    assert [s.problems for s in eseal.signatures] == [("sig_ocsp_before_timestamp",)]
    demo = checked(image, anchors, DEMO).check
    assert demo.verdict == "INDETERMINATE" and all("sig_untrusted_chain" in s.problems for s in demo.signatures)
    assert checked(image, load_anchors(""), DEMO).check.verdict == "VALID"  # integrity only


def test_an_unreadable_anchor_file_is_logged_and_gives_none(tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.INFO)
    (tmp_path / "bad.pem").write_text("not a certificate")
    assert load_anchors(tmp_path / "missing.pem") == [] and load_anchors(tmp_path / "bad.pem") == []
    assert caplog.text.count("signing_anchors_unreadable") == 2
