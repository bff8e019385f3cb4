"""Views of signing a document and checking an e-signature (kiosk/flow/signing.py).

The PIN2 pad is the PIN pad with its own title, prompt ("PIN2 — paraksta PIN, 5–12 cipari"), tone
and counter, so it can never be taken for PIN1's. File lists are choice buttons (one page part
each, nothing scrolls); the check result says each signature's verdict in plain words, who signed
and when (the time-stamp), and lists the files without opening them.
"""

from __future__ import annotations

from kiosk.edoc_words import (
    CONTAINER_VERDICT_WORDS,
    CONTAINER_WORDS,
    KIOSK_SIGNING_WORDS,
    LABEL_SIGNATURE,
    SIGNATURE_WORDS,
    SIGNING_WORDS,
    VERDICT_WORDS,
)
from kiosk.flow import events as ev
from kiosk.flow import signing_events as sev
from kiosk.flow.signing import can_start
from kiosk.flow.signing_state import Preview, SignBusy, SignFlow, SignMode
from kiosk.flow.state import State
from kiosk.i18n import N_, Translator
from kiosk.runtime.speech import join_utterances
from kiosk.ui.pin_view import TONE_PIN2, cancel_button, pad_buttons, pin_of, puk_tries_lines, tries_line
from kiosk.ui.texts import PROBLEMS, busy_time
from kiosk.ui.viewmodel import BULLET, DETAIL, Button, PinKind, View
from wire.edoc import ContainerProblem, SignatureProblem, Verdict

SIGN_TITLE = N_("Sign a document")
CHECK_TITLE = N_("Check an e-signature")
PIN2_BANNER = N_("PIN2 — the signing PIN")
PIN2_LAST_TRY = N_("Careful: this is your last try. One more wrong PIN2 blocks it.")
FULL_TRIES = 3  # the Latvian eID's PIN retry counters start at three
BUSY_WORDS = {
    SignBusy.STICK: (N_("Looking at the USB stick…"), N_("Please do not pull the USB stick out."), 5),
    SignBusy.READING: (N_("Reading the files…"), N_("Please do not pull the USB stick out."), 5),
    SignBusy.SIGNING: (N_("Signing…"), N_("Please do not take the card or the USB stick out."), 15),
    SignBusy.CHECKING: (N_("Checking the signatures…"), N_("Please do not pull the USB stick out."), 10),
}
_BY_CODE: dict[str, str] = {
    **KIOSK_SIGNING_WORDS,
    **{code.value: words for code, words in SIGNING_WORDS.items()},
    **{problem.value: words for problem, words in CONTAINER_WORDS.items()},
}


def catalogue_entries(state: State, tr: Translator) -> tuple[Button, ...]:
    """The two kiosk services on the catalogue's first page (citizens signed in online only)."""
    if not can_start(state) or state.situation_id or state.search_text:
        return ()
    _ = tr.gettext
    return (Button("svc-sign-document", _(SIGN_TITLE), sev.StartSigning(SignMode.SIGN), kind="choice",
                   detail=_("With your eID card and PIN2, on a USB stick")),
            Button("svc-check-signature", _(CHECK_TITLE), sev.StartSigning(SignMode.CHECK), kind="choice",
                   detail=_("An .edoc file on a USB stick")))


def problem_line(code: str | None, tr: Translator) -> str:
    if not code:
        return ""
    if code in _BY_CODE:
        return tr.gettext(_BY_CODE[code])
    if code in PROBLEMS:
        title, action = PROBLEMS[code]
        return f"{tr.gettext(title)}. {tr.gettext(action)}"
    return tr.gettext(N_("Something went wrong. Nothing was signed or saved; please try again or ask staff."))


def _title(flow: SignFlow | None) -> str:
    return CHECK_TITLE if flow is not None and flow.mode == SignMode.CHECK else SIGN_TITLE


def _size(tr: Translator, size: int) -> str:
    if size < 1024:
        return tr.ngettext("%(n)d byte", "%(n)d bytes", size) % {"n": size}
    if size < 1024 * 1024:
        return f"{tr.number(round(size / 1024))} KB"  # unit symbols are the same in every language
    return f"{tr.number(round(size / (1024 * 1024), 1))} MB"


def sign_files(state: State, tr: Translator, _digits: object) -> View:
    _ = tr.gettext
    flow = state.signing
    title = _(_title(flow))
    notice = problem_line(state.problem, tr)
    back = Button("btn-back", _("Back"), ev.Back())
    again = Button("btn-look-again", _("Look again"), sev.LookForStick())
    if flow is None or not flow.files:
        lines = (_("Put your USB stick into the USB port of the kiosk, then press “Look again”."),)
        if flow is not None and flow.files == () and not state.problem:
            lines = (_("There is no file here that can be used."), *lines)
        return View("sign_files", tr.language, title, lines, notice=notice, actions=(back, again),
                    tone="warning" if notice else "normal")
    checking = flow.mode == SignMode.CHECK
    choices = tuple(
        Button(f"file-{number}", f.name, sev.ChooseFile(f.path), kind="choice" if checking else "check",
               selected=f.path in flow.chosen,
               detail=_size(tr, f.size) + (f" · {tr.date(f.modified.date(), 'short')}" if f.modified else ""))
        for number, f in enumerate(flow.files, 1))
    if checking:
        prompt = _("Choose the signed file (.edoc, .asice, .bdoc) to check. It is not opened, only checked.")
        actions: tuple[Button, ...] = (back, again)
    else:
        prompt = _("Choose the file or files to sign. They will be signed together into one .edoc file.")
        if any(f.container for f in flow.files):
            prompt = f"{prompt} {_('Or choose one .edoc file to add your signature to it.')}"
        chosen = tr.ngettext("%(n)d file chosen", "%(n)d files chosen", len(flow.chosen)) % {"n": len(flow.chosen)}
        prompt = f"{prompt} {chosen}."
        actions = (back, again, Button("btn-next", _("Continue"), ev.Next(), kind="primary",
                                       enabled=bool(flow.chosen)))
    return View("sign_files", tr.language, title, (prompt,), notice=notice, choices=choices, actions=actions,
                tone="warning" if notice else "normal",
                speech=join_utterances([title, notice, prompt, *(c.text for c in choices)]))


def sign_review(state: State, tr: Translator, _digits: object) -> View:
    _ = tr.gettext
    flow = state.signing
    documents = flow.documents if flow is not None else ()
    lines: list[str] = []
    if flow is not None and flow.existing is not None:
        lines += _existing_lines(flow, tr)
    for doc in documents:
        when = f", {tr.date(doc.modified.date(), 'short')}" if doc.modified else ""  # none inside an .edoc
        lines.append(BULLET + f"{doc.name} — {_size(tr, doc.size)}{when}")
        lines.append(DETAIL + _("Fingerprint: %(fp)s") % {"fp": doc.fingerprint})
    if flow is not None and flow.signer:
        lines.append(_("Signer: %(name)s") % {"name": flow.signer.title()})
    if flow is not None and flow.existing is not None:
        lines.append(_("A copy with your signature added is saved beside the original, which stays as it is."))
    else:
        lines.append(_("The signed file is saved on the USB stick beside the original, which stays as it is."))
    notice = problem_line(state.problem, tr)
    if flow is not None and flow.pin2_tries_left == 0 and state.problem in PROBLEMS:
        # PIN2 blocked: the notice says so in a few words; what to do, and the PUK's tries, come first
        # as text that flows over pages (a whole sentence in the notice box leaves the title alone on
        # page 1 in large text)
        blocked, action = PROBLEMS[state.problem]
        notice, lines = _(blocked), [_(action), *puk_tries_lines(state, tr), *lines]
    actions = (Button("btn-back", _("Back"), ev.Back()), *_review_next(state, tr))
    image, image_text = _preview(flow, tr)
    return View("sign_review", tr.language, _("What will be signed"), tuple(lines), notice=notice, actions=actions,
                tone="error" if notice else "normal", image=image, image_text=image_text)


def _review_next(state: State, tr: Translator) -> tuple[Button, ...]:
    """Sign with PIN2; with PIN2 blocked, unblock it with the PUK first, while the PUK may work
    (with the PUK blocked too, only Back: the notice says PMLP can help)."""
    _ = tr.gettext
    flow, card = state.signing, state.card
    if flow is None or flow.pin2_tries_left != 0:
        return (Button("btn-next", _("Sign with PIN2"), ev.Next(), kind="primary", enabled=flow is not None),)
    if card is None or card.puk_tries_left == 0:
        return ()
    return (Button("btn-unblock", _("Unblock PIN2 with PUK"), ev.StartPukUnblock(), kind="primary"),)


def _preview(flow: SignFlow | None, tr: Translator) -> tuple[bytes, str]:
    """A PDF's first page and what it is; while it is made, or when it cannot be, a plain box's words."""
    if flow is None or flow.preview == Preview.NONE:
        return b"", ""
    _ = tr.gettext
    if flow.preview == Preview.READY and flow.preview_png:
        return flow.preview_png, _("Page 1 of %(name)s") % {"name": flow.preview_name}
    if flow.preview == Preview.PENDING:
        return b"", _("Preparing a picture of page 1…")
    return b"", _("No picture of this file can be shown. You can still sign it.")


def _existing_lines(flow: SignFlow, tr: Translator) -> list[str]:
    """Signing an .edoc: its name, who signed it already and how each signature stands."""
    _ = tr.gettext
    name = next((f.name for f in flow.files or () if f.path in flow.chosen), "")
    if not flow.existing:
        return [_("You sign %(name)s; nobody has signed it yet.") % {"name": name}]
    lines = [_("You add your signature to %(name)s.") % {"name": name}]
    for sig in flow.existing:
        when = tr.date(sig.timestamp_time.date(), "short") if sig.timestamp_time else _("no time-stamp")
        lines.append(_("Signed already by %(name)s (%(time)s): %(verdict)s") % {
            "name": (sig.signer or "-").title(), "time": when, "verdict": _(VERDICT_WORDS[Verdict(sig.verdict)])})
    return lines


def sign_pin2(state: State, tr: Translator, digits: tuple[str, ...] | None) -> View:
    _ = tr.gettext
    flow = state.signing
    tries = flow.pin2_tries_left if flow is not None else None
    # a full counter tells nothing: the pad's room goes to "not PIN1" (the card's count is read with the files)
    tries_text, last_try = tries_line(tr, tries if tries is not None and tries < FULL_TRIES else None, PIN2_LAST_TRY)
    cfg = state.config
    keys, actions = pad_buttons(state, tr, digits, cfg.pin2_min, cfg.pin2_max, cancel_button(tr))
    # the title says PIN2 first: the 7-inch panel shows the title and the dots before any other line
    title = _(PIN2_BANNER)
    prompt = _("5–12 digits — not PIN1. Then press OK to sign.")
    notice = problem_line(state.problem, tr)
    banner = _("Enter PIN2 to sign")
    lines = () if last_try and notice else (prompt,)
    pin = pin_of(state, tr, PinKind.PIN2, cfg.pin2_min, cfg.pin2_max, (tries_text, last_try), digits is not None)
    return View("sign_pin2", tr.language, title, lines, notice=notice, choices=keys, actions=actions, pin=pin,
                tone="error" if notice or last_try else TONE_PIN2,
                speech=join_utterances([title, notice, banner, prompt, tries_text]))


def sign_busy(state: State, tr: Translator, _digits: object) -> View:
    flow = state.signing
    title, line, seconds = BUSY_WORDS[flow.busy if flow is not None else SignBusy.STICK]
    return View("sign_busy", tr.language, tr.gettext(title), (tr.gettext(line), busy_time(tr, seconds)), tone="busy")


def _print_line(flow: SignFlow, tr: Translator) -> str:
    _ = tr.gettext
    return {"printing": _("Printing the receipt…"), "printed": _("The receipt is printed. Please take it."),
            "failed": _("The receipt could not be printed.")}.get(flow.print_status, "")


def sign_done(state: State, tr: Translator, _digits: object) -> View:
    _ = tr.gettext
    flow = state.signing
    signed = flow.signed if flow is not None else None
    if flow is None or signed is None:
        return View("sign_done", tr.language, _("Something went wrong"), (), tone="error")
    # the file name is a line, not the title: a long name is one unbreakable word at title size
    title = _("Signed and saved on the USB stick")
    lines = [_("Saved on the USB stick as: %(name)s") % {"name": signed.written_name},
             _("Signer: %(name)s") % {"name": signed.signer.title()}]
    if signed.timestamp_time is not None:
        lines.append(_("Signed at (time-stamp): %(time)s") % {"time": tr.datetime(signed.timestamp_time)})
    lines.append(_("Files: %(files)s") % {"files": ", ".join(signed.files)})
    lines.append(_print_line(flow, tr))
    actions = (Button("btn-back", _("Back"), ev.Back()),
               Button("btn-reprint", _("Print again"), sev.PrintSignReceipt(),
                      enabled=flow.print_status in ("printed", "failed")),
               Button("btn-next", _("Another file"), ev.Next(), kind="primary"))
    return View("sign_done", tr.language, title, tuple(x for x in lines if x), actions=actions, tone="success",
                notice=problem_line(state.problem, tr))


def check_result(state: State, tr: Translator, _digits: object) -> View:
    _ = tr.gettext
    flow = state.signing
    check = flow.check if flow is not None else None
    if flow is None or check is None:
        return View("check_result", tr.language, _("Something went wrong"), (), tone="error")
    verdict = Verdict(check.verdict)
    lines = [f"{check.name}: {_(CONTAINER_VERDICT_WORDS[verdict])}"]
    lines += [_(CONTAINER_WORDS[ContainerProblem(p)]) for p in check.problems]
    if check.files:
        lines.append(_("Files (not opened): %(files)s") % {"files": ", ".join(check.files)})
    for number, sig in enumerate(check.signatures, 1):
        lines.append(_(LABEL_SIGNATURE) % {"n": number} + ": " + _(VERDICT_WORDS[Verdict(sig.verdict)]))
        lines.append(DETAIL + _("Signer: %(name)s") % {"name": (sig.signer or "-").title()})
        when = tr.datetime(sig.timestamp_time) if sig.timestamp_time else _("no time-stamp")
        lines.append(DETAIL + _("Time-stamp: %(time)s") % {"time": when})
        lines += [DETAIL + _(SIGNATURE_WORDS[p]) for p in _signature_problems(sig.problems)]
    if flow.print_status:
        lines.append(_print_line(flow, tr))
    tone = {Verdict.VALID: "success", Verdict.INDETERMINATE: "warning", Verdict.INVALID: "error"}[verdict]
    actions = (Button("btn-back", _("Back"), ev.Back()),
               Button("btn-print", _("Print the result"), sev.PrintSignReceipt(),
                      enabled=flow.print_status != "printing"),
               Button("btn-next", _("Another file"), ev.Next(), kind="primary"))
    return View("check_result", tr.language, _("Signature check"), tuple(lines), actions=actions, tone=tone)


def _signature_problems(codes: tuple[str, ...]) -> list[SignatureProblem]:
    by_code = {p.code: p for p in SignatureProblem}
    seen: list[SignatureProblem] = []
    for code in codes:
        problem = by_code.get(code)
        if problem is not None and problem not in seen:
            seen.append(problem)
    return seen


HELP = {
    "sign_files": N_("Put your USB stick into the kiosk. Tap the files you want, then press Continue. Nothing on the stick is opened or changed; only a new signed file is added."),
    "sign_review": N_("Check the file names, sizes and the signer. The fingerprint lets you compare the file with what another computer shows. Then press “Sign with PIN2”."),
    "sign_pin2": N_("Enter PIN2, the signing PIN (5 to 12 digits) from your PIN envelope — not PIN1. Nobody can see the digits you type. Cancel goes back without signing."),
    "sign_busy": N_("Please wait. Do not take the card or the USB stick out."),
    "sign_done": N_("The signed file (.edoc) is saved on your USB stick beside the original. Take the receipt from the printer."),
    "check_result": N_("Each signature is shown as valid, not confirmed or not valid, with the signer and the time from the time-stamp. The files inside are listed but never opened."),
}
