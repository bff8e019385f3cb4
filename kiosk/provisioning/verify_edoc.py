"""``kioskctl verify-edoc FILE``: judge a .edoc/.asice/.bdoc with the kiosk's own verifier
(:mod:`wire.edoc`) and print the result in plain words. Exit 0 only for a VALID container;
1 INVALID, 3 INDETERMINATE, 4 the file cannot be read. The personal code in a signer's
certificate is never printed; the signer's name is (it is what the check is for)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cryptography import x509

from kiosk.edoc_words import (
    CONTAINER_VERDICT_WORDS,
    CONTAINER_WORDS,
    LABEL_FILES,
    LABEL_SIGNATURE,
    LABEL_SIGNER,
    LABEL_TIMESTAMP,
    SIGNATURE_WORDS,
    VERDICT_WORDS,
)
from kiosk.i18n import Translator
from wire.edoc import ContainerReport, Verdict
from wire.edoc.verify import verify_container

EXIT_CODES = {Verdict.VALID: 0, Verdict.INVALID: 1, Verdict.INDETERMINATE: 3}
EXIT_UNREADABLE = 4
MAX_FILE_BYTES = 128 * 1024 * 1024


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("verify-edoc", help="check a signed .edoc/.asice/.bdoc (exit 0 only if valid)")
    parser.add_argument("file", metavar="FILE", help="the container to check")
    parser.add_argument("--trust", metavar="CA.pem", action="append", default=[],
                        help="a trusted CA certificate (PEM; repeatable); without any, the signer's "
                             "chain is not checked and the result says so")
    parser.add_argument("--lang", choices=("lv", "en"), default="lv")
    parser.add_argument("--json", action="store_true", help="print the result as JSON (codes, not words)")
    parser.set_defaults(func=run)


def _anchors(paths: list[str]) -> list[x509.Certificate]:
    anchors: list[x509.Certificate] = []
    for path in paths:
        anchors.extend(x509.load_pem_x509_certificates(Path(path).read_bytes()))
    return anchors


def as_json(report: ContainerReport) -> dict[str, object]:
    """The report with stable codes (no personal code)."""
    return {
        "verdict": report.verdict.value,
        "files": list(report.files),
        "problems": [p.value for p in report.problems],
        "signatures": [{
            "name": s.name, "verdict": s.verdict.value, "signer": s.signer, "level": s.level,
            "timestamp_time": s.timestamp_time.isoformat() if s.timestamp_time else None,
            "files": list(s.files), "trust": s.trust.value, "problems": [p.code for p in s.problems],
        } for s in report.signatures],
    }


def render(report: ContainerReport, t: Translator) -> str:
    lines = [t.gettext(CONTAINER_VERDICT_WORDS[report.verdict])]
    lines += [f"  {t.gettext(CONTAINER_WORDS[p])} [{p.value}]" for p in report.problems]
    if report.files:
        lines.append(f"{t.gettext(LABEL_FILES)}: {', '.join(report.files)}")
    for number, sig in enumerate(report.signatures, 1):
        lines.append(f"{t.gettext(LABEL_SIGNATURE) % {'n': number}}: {t.gettext(VERDICT_WORDS[sig.verdict])} "
                     f"[{sig.verdict.value}, {sig.level}, {sig.trust.value}]")
        lines.append(f"  {t.gettext(LABEL_SIGNER)}: {sig.signer or '-'}")
        when = t.datetime(sig.timestamp_time) if sig.timestamp_time else "-"
        lines.append(f"  {t.gettext(LABEL_TIMESTAMP)}: {when}")
        lines.append(f"  {t.gettext(LABEL_FILES)}: {', '.join(sig.files) or '-'}")
        lines += [f"  {t.gettext(SIGNATURE_WORDS[p])} [{p.code}]" for p in sig.problems]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            print(f"{path}: larger than {MAX_FILE_BYTES} bytes [edoc_too_big]", file=sys.stderr)
            return EXIT_UNREADABLE
        data = path.read_bytes()
        anchors = _anchors(args.trust)
    except (OSError, ValueError) as exc:
        print(f"cannot read {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    report = verify_container(data, anchors=anchors)
    if args.json:
        print(json.dumps(as_json(report), ensure_ascii=False, indent=2))
    else:
        print(render(report, Translator(args.lang)))
    return EXIT_CODES[report.verdict]
