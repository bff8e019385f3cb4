"""What the screenshot tour shows: every shot's name and number, the shot that shows each screen, the
tour's parts, and the sample first-boot reports it renders (:mod:`devtools.tour` runs the script)."""

from __future__ import annotations

from kiosk.flow.state import Screen

# first-boot reports as kioskctl firstboot writes them (kiosk.provisioning.firstboot.Outcome)
SAMPLE_DEVICE = {"version": "1.0.0", "serial": "10000000a3c1e5f7", "mac_eth0": "dc:a6:32:01:02:03"}
SAMPLE_REPORT = {"ok": True, "applied": True, "kiosk_id": "valmiera-01", "site": "Valmieras bibliotēka",
                 "hostname": "pietura-valmiera-01", "gateway": "https://vartejs.example.lv",
                 "gateway_reachable": True, "enrolment": "enrolled as dev-7f3k2q", "enrolment_status": "enrolled",
                 "issues": [], "problems": [], "applied_at": 1_790_000_000.0, "device": SAMPLE_DEVICE}
SAMPLE_REFUSED = {"ok": False, "applied": False, "kiosk_id": "valmiera 01", "applied_at": 1_790_000_000.0,
                  "issues": [{"code": "settings_invalid_value", "path": "site.kiosk_id"},
                             {"code": "settings_unknown_key", "path": "printer.presett"},
                             {"code": "settings_gateway_url", "path": "gateway.url"}],
                  "problems": [], "device": SAMPLE_DEVICE}


# Every screenshot in tour order: a name always gets the same number, whichever parts run.
SHOTS = (
    "welcome", "reading-card", "pin", "authenticating", "catalogue", "catalogue-search-keyboard",
    "catalogue-search", "catalogue-situation", "service-intro", "form-error", "form-choice", "form-keyboard",
    "form-address", "form-date", "form-contact", "review", "submitting", "result", "help", "take-card", "goodbye",
    "card-problem", "pin-last-try", "pin-blocked", "idle-warning", "result-paper-out",
    "welcome-large-text", "welcome-high-contrast", "pin-high-contrast",
    "pin-change-current", "pin-change-repeat", "pin-change-mismatch", "changing-pin", "pin-changed",
    "pin-blocked-puk", "puk", "puk-last-try", "pin-unblocked", "puk-blocked", "pin-change-uncertain",
    "provisioning-report", "provisioning-report-failed",
    "staff-panel", "staff-panel-tasks", "proxy-authorisation-error", "proxy-authorisation", "proxy-scope",
    "proxy-identity-check", "proxy-form", "proxy-result", "staff-reprint-unknown", "out-of-order",
    "reader-missing", "form-date",
    "sign-busy", "sign-files", "sign-review", "sign-pin2", "sign-done", "check-result", "sign-review-edoc",
    "call-setup", "call-consent", "call-waiting", "call", "call-ended", "call-callback", "call-failed",
    "call-banner-shared", "call-banner-blank", "call-banner-stopped",
    "sign-review-pin2-blocked", "pin2-unblock-puk", "pin2-unblock-new", "pin2-unblocked",
)
# The shot that shows each screen (a test fails when a screen has none; ``Tour.shot`` checks the screen).
SCREEN_SHOTS: dict[Screen, str] = {
    Screen.WELCOME: "welcome", Screen.READING_CARD: "reading-card", Screen.CARD_PROBLEM: "card-problem",
    Screen.PIN: "pin", Screen.AUTHENTICATING: "authenticating", Screen.CATALOGUE: "catalogue",
    Screen.SERVICE_INTRO: "service-intro", Screen.FORM: "form-error", Screen.REVIEW: "review",
    Screen.SUBMITTING: "submitting", Screen.RESULT: "result",
    Screen.TAKE_CARD: "take-card", Screen.GOODBYE: "goodbye", Screen.OUT_OF_ORDER: "out-of-order",
    Screen.STAFF_PANEL: "staff-panel", Screen.PIN_CHANGE: "pin-change-current",
    Screen.CHANGING_PIN: "changing-pin", Screen.PIN_CHANGED: "pin-changed",
    Screen.PROXY_AUTHORISATION: "proxy-authorisation", Screen.STAFF_REPRINT: "staff-reprint-unknown",
    Screen.SIGN_BUSY: "sign-busy", Screen.SIGN_FILES: "sign-files", Screen.SIGN_REVIEW: "sign-review",
    Screen.SIGN_PIN2: "sign-pin2", Screen.SIGN_DONE: "sign-done", Screen.CHECK_RESULT: "check-result",
    Screen.CALL_SETUP: "call-setup", Screen.CALL_CONSENT: "call-consent", Screen.CALL_WAITING: "call-waiting",
    Screen.CALL: "call", Screen.CALL_ENDED: "call-ended", Screen.CALL_CALLBACK: "call-callback",
    Screen.CALL_FAILED: "call-failed",
}
SHOT_SCREEN = {name: screen for screen, name in SCREEN_SHOTS.items()}
PARTS = ("journey", "problems", "accessibility", "pin-change", "report", "staff", "signing", "calls")
