"""The first-boot report as a screen (pure view model): what provisioning did, in plain words, with a QR code.

Shown once on the app's first start after ``kioskctl firstboot`` (:mod:`kiosk.provisioning.report`), above
whatever the flow shows; "Continue" (or a timeout, or a card) goes on to the kiosk. Problems come as stable
codes from the report and are worded here in Latvian and English; the key path is shown as it is, because
it is what the technician edits.
"""

from __future__ import annotations

from typing import Any

from kiosk.flow import events as ev
from kiosk.i18n import N_, Translator
from kiosk.provisioning.report import qr_text, verdict
from kiosk.runtime.speech import join_utterances
from kiosk.ui.texts import LANGUAGE_NAMES
from kiosk.ui.viewmodel import BULLET, Button, DismissReport, View

SCREEN = "provisioning_report"

TITLES = {
    "ok": N_("Kiosk set up"),
    "problems": N_("Kiosk set up, with problems"),
    "failed": N_("Setup failed: the settings were not accepted"),
}
ISSUES = {
    "settings_unknown_key": N_("kiosk.toml has a setting this kiosk does not know (a typing mistake?): %(path)s"),
    "settings_unknown_section": N_("kiosk.toml has a section this kiosk does not know: [%(path)s]"),
    "settings_invalid_value": N_("A value in kiosk.toml is not allowed: %(path)s"),
    "settings_not_a_table": N_("In kiosk.toml, %(path)s must be a section in [brackets]"),
    "settings_gateway_url": N_("The gateway address (%(path)s) must start with https://"),
    "settings_gateway_origin": N_("The gateway origin (%(path)s) must be https://host, without a slash at the end"),
    "settings_syntax": N_("kiosk.toml is not written correctly: check the quotes, brackets and = signs"),
    "settings_encoding": N_("kiosk.toml must be saved as UTF-8 text"),
    "settings_smart_quotes": N_("kiosk.toml has typographic quotes (“ ”): use plain \" quotes"),
    "settings_unreadable": N_("kiosk.toml could not be read from the memory card"),
    "not_provisioned": N_("This memory card has not been set up: run kioskctl provision on it first"),
    "gateway_unreachable": N_("The gateway could not be reached: check the network cable or Wi-Fi and the "
                              "gateway address; the kiosk tries again each time it is switched on"),
    "gateway_tls_failed": N_("The gateway's certificate was not accepted: check the gateway CA file and the clock"),
    "enrolment_token_invalid": N_("The one-time enrolment token is wrong, used or expired: ask for a new one"),
}
OTHER_ISSUE = N_("Problem %(code)s (%(path)s): see kioskctl status")


def issue_text(issue: dict[str, Any], tr: Translator) -> str:
    code, path = str(issue.get("code", "")), str(issue.get("path", "")) or "kiosk.toml"
    return tr.gettext(ISSUES.get(code, OTHER_ISSUE)) % {"code": code, "path": path}


def _facts(report: dict[str, Any], tr: Translator) -> list[str]:
    _ = tr.gettext
    lines = []
    if report.get("kiosk_id"):
        lines.append(_("Kiosk: %(id)s") % {"id": report["kiosk_id"]})
    if report.get("site"):
        lines.append(_("Site: %(site)s") % {"site": report["site"]})
    if report.get("hostname"):
        lines.append(_("Network name: %(host)s") % {"host": report["hostname"]})
    if report.get("gateway"):
        reach = report.get("gateway_reachable")
        state = "" if reach is None else _("answers") if reach else _("does not answer")
        lines.append((_("Gateway: %(url)s, %(state)s") if state else _("Gateway: %(url)s"))
                     % {"url": report["gateway"], "state": state})
    status = report.get("enrolment_status")
    if status == "enrolled":
        device = str(report.get("enrolment", "")).removeprefix("enrolled as ")
        lines.append(_("Registered with the gateway as %(device)s.") % {"device": device})
    elif status == "already_enrolled":
        lines.append(_("Already registered with the gateway."))
    elif status == "pending":
        lines.append(_("Not registered with the gateway yet."))
    return lines


def report_view(report: dict[str, Any], tr: Translator) -> View:
    _ = tr.gettext
    kind = verdict(report)
    title = _(TITLES[kind])
    lines = [] if kind == "failed" else _facts(report, tr)
    problems = [issue_text(i, tr) for i in report.get("issues") or []]
    if problems:
        lines.append(_("What to fix:"))
        lines += [BULLET + p for p in problems]
    lines.append(_("Scan the QR code with your phone to keep this report."))
    other = "en" if tr.language == "lv" else "lv"
    toolbar = (Button(f"lang-{other}", tr.gettext(LANGUAGE_NAMES[other]), ev.ChooseLanguage(other)),)
    actions = (Button("btn-continue", _("Continue"), DismissReport(), kind="primary"),)
    return View(SCREEN, tr.language, title, tuple(lines), actions=actions, toolbar=toolbar, qr=qr_text(report),
                tone={"ok": "success", "problems": "warning", "failed": "error"}[kind],
                speech=join_utterances([title, *lines]))
