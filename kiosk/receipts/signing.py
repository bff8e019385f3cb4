"""The paper for signing and checking: what was signed (signer, time-stamp time, files, the
container's SHA-256), or a container's check result. Print documents (drivers.printer.document),
translated here; no personal code ever (the signer's name only, as on the screen)."""

from __future__ import annotations

import datetime as dt

from drivers.printer.document import Cut, Document, Feed, Rule, Text
from kiosk.edoc_words import CONTAINER_VERDICT_WORDS, CONTAINER_WORDS, VERDICT_WORDS
from kiosk.flow.signing_state import CheckView, SignedView
from kiosk.i18n import N_, Translator
from kiosk.receipts.privacy import check_no_personal_code
from wire.edoc import ContainerProblem, Verdict

SIGNED_TITLE = N_("Document signed")
CHECK_TITLE = N_("E-signature check")


def _head(title: str, site_name: str, now: dt.datetime, tr: Translator) -> list[Text | Rule | Feed | Cut]:
    return [Text(site_name, align="center"), Text(tr.gettext(title), bold=True, align="center"),
            Text(tr.datetime(now), align="center"), Rule()]


def signed_receipt(signed: SignedView, site_name: str, now: dt.datetime, tr: Translator) -> Document:
    _ = tr.gettext
    blocks = _head(SIGNED_TITLE, site_name, now, tr)
    blocks += [Text(_("Signer: %(name)s") % {"name": signed.signer}),
               Text(_("Signing time (time-stamp): %(time)s") % {
                   "time": tr.datetime(signed.timestamp_time) if signed.timestamp_time else "-"}),
               Text(_("Saved as: %(name)s") % {"name": signed.written_name}),
               Text(_("Signed files:"))]
    blocks += [Text(f"- {name}") for name in signed.files]
    if signed.signatures > 1:
        blocks.append(Text(_("Signatures in the file: %(n)d (this one added)") % {"n": signed.signatures}))
    blocks += [Text(_("Container SHA-256:")), *(Text(line) for line in hash_lines(signed.container_sha256)),
               Feed(1), Cut()]
    return _checked(tuple(blocks))


def check_receipt(check: CheckView, site_name: str, now: dt.datetime, tr: Translator) -> Document:
    _ = tr.gettext
    blocks = _head(CHECK_TITLE, site_name, now, tr)
    blocks += [Text(check.name, bold=True), Text(_(CONTAINER_VERDICT_WORDS[Verdict(check.verdict)]), bold=True)]
    blocks += [Text(_(CONTAINER_WORDS[ContainerProblem(p)])) for p in check.problems]
    if check.files:
        blocks.append(Text(_("Files: %(files)s") % {"files": ", ".join(check.files)}))
    for number, sig in enumerate(check.signatures, 1):
        blocks += [Rule(), Text(_("Signature %(n)s: %(verdict)s") % {
                       "n": number, "verdict": _(VERDICT_WORDS[Verdict(sig.verdict)])}),
                   Text(_("Signer: %(name)s") % {"name": sig.signer or "-"}),
                   Text(_("Time-stamp: %(time)s") % {
                       "time": tr.datetime(sig.timestamp_time) if sig.timestamp_time else "-"})]
    blocks += [Feed(1), Cut()]
    return _checked(tuple(blocks))


def hash_lines(hex_digest: str) -> tuple[str, str]:
    """A SHA-256 in two lines of eight groups of four, as the screen shows fingerprints ("28F4 286D …"):
    easier to compare, and never eleven digits in a row, which the personal-code rule would refuse (a
    plain hex digest holds such a run in about one receipt in twenty-five)."""
    groups = [hex_digest[i : i + 4].upper() for i in range(0, len(hex_digest), 4)]
    half = (len(groups) + 1) // 2
    return " ".join(groups[:half]), " ".join(groups[half:])


def _checked(document: Document) -> Document:
    """A file name could hold a personal code: refuse to print it rather than print it."""
    for block in document:
        if isinstance(block, Text):
            check_no_personal_code(block.text)
    return document
