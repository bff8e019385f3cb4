"""Fixed texts of the kiosk screens (English msgids, translated through ui.po).

Kept apart from the presenter so translators and the completeness test see them in one place.
Problem codes come from the flow, the card, the gateway and the printer; each maps to a title and
what the person can do about it.
"""

from __future__ import annotations

from kiosk.i18n import N_, Translator

TIPS = (
    N_("Safe PIN use: cover the keypad with your hand and never tell your PIN to anyone — not even library staff."),
    N_("Your e-address (e-adrese) on latvija.gov.lv is where institutions send you official letters."),
    N_("An e-signature made with your eID card has the same legal force as your handwritten signature."),
    N_("Fraud warning: banks and the police never ask for your PIN codes by phone, text message or e-mail."),
)

# problem code -> (title, what to do)
PROBLEMS: dict[str, tuple[str, str]] = {
    "card_upside_down": (
        N_("The card cannot be read"),
        N_("Take the card out, turn it over and insert it again with the chip first and facing up."),
    ),
    "card_mute": (
        N_("The card cannot be read"),
        N_("Take the card out, turn it over and insert it again with the chip first and facing up."),
    ),
    "unknown_card": (
        N_("This is not a Latvian eID card"),
        N_("Please take this card out and insert your Latvian identity card (eID)."),
    ),
    "no_certificate": (
        N_("This card has no certificates for signing in"),
        N_("The card's certificates may have expired or been revoked. Ask staff or the Office of Citizenship and Migration Affairs (PMLP)."),
    ),
    "card_expired": (
        N_("This card has expired"),
        N_("Please use a valid eID card. A new card is issued by the Office of Citizenship and Migration Affairs (PMLP)."),
    ),
    "certificate_revoked": (
        N_("This card has no certificates for signing in"),
        N_("The card's certificates may have expired or been revoked. Ask staff or the Office of Citizenship and Migration Affairs (PMLP)."),
    ),
    "pin_blocked": (
        N_("PIN1 is blocked"),
        N_("After three wrong tries PIN1 is blocked. You can unblock it here with the PUK code from the PIN envelope you received with your card, or ask staff for help."),
    ),
    "puk_blocked": (
        N_("PIN1 and the PUK code are blocked"),
        N_("PIN1 cannot be unblocked at this kiosk. Please contact the Office of Citizenship and Migration Affairs (PMLP), which issued your card."),
    ),
    "pin2_blocked": (
        N_("PIN2 is blocked"),
        N_("You can unblock it here with the PUK code from your PIN envelope, or ask staff for help."),
    ),
    "pin2_puk_blocked": (
        N_("PIN2 and the PUK code are blocked"),
        N_("Only the Office of Citizenship and Migration Affairs (PMLP), which issued your card, can help."),
    ),
    "pin2_unblock_uncertain": (
        N_("The card did not answer"),
        N_("The connection to the card broke, so it is not known whether the new PIN2 was saved."),
    ),
    "wrong_pin2": (
        N_("Wrong PIN2"),
        N_("PIN2 is the signing PIN, 5 to 12 digits, not PIN1. Please try again slowly."),
    ),
    "wrong_puk": (
        N_("Wrong PUK code"),
        N_("Check it in your PIN envelope and try again slowly."),
    ),
    "puk_too_short": (
        N_("The PUK code is too short"),
        N_("The PUK code has at least 8 digits."),
    ),
    "pin_too_long": (
        N_("Too many digits"),
        N_("A PIN1 or PUK code has at most 12 digits. Erase a digit if you mistyped."),
    ),
    "pin_mismatch": (
        N_("The new PIN1 codes do not match"),
        N_("Enter the new PIN1 again, then repeat it exactly."),
    ),
    "pin_format_refused": (
        N_("The card did not accept the code"),
        N_("Nothing was changed. Please start again: PIN1 has 4 to 12 digits, the PUK code 8 to 12."),
    ),
    "pin_change_uncertain": (
        N_("The card did not answer"),
        N_("The connection to the card broke, so it is not known whether the new PIN1 was saved."),
    ),
    "wrong_pin": (
        N_("Wrong PIN1"),
        N_("Please try again slowly."),
    ),
    "pin_too_short": (
        N_("PIN1 is too short"),
        N_("PIN1 has at least 4 digits."),
    ),
    "reader_missing": (
        N_("The card reader is not working"),
        N_("Please ask library staff for help."),
    ),
    "reader_busy": (
        N_("The card reader is busy"),
        N_("Please wait a moment and try again."),
    ),
    "card_removed": (
        N_("The card was taken out"),
        N_("Everything you entered has been erased."),
    ),
    # the rest of the card driver's codes (drivers.smartcard.errors.ALL_ERRORS; a test walks them)
    "card_error": (
        N_("The card reported an error"),
        N_("Please ask library staff for help."),
    ),
    "no_card": (
        N_("No card in the reader"),
        N_("Insert your eID card into the reader, chip first and facing up."),
    ),
    "several_cards": (
        N_("One card at a time, please"),
        N_("Several eID cards are in the readers. Take out all cards except the one you want to use."),
    ),
    "card_not_supported": (
        N_("This eID card cannot be used here"),
        N_("Please ask library staff for help."),
    ),
    "invalid_pin_format": (
        N_("The PIN must be 4 to 12 digits"),
        N_("Please enter it again."),
    ),
    "security_status_not_satisfied": (
        N_("The card refused the operation"),
        N_("Please try again."),
    ),
    "card_file_not_found": (
        N_("The card cannot be read"),
        N_("Please ask library staff for help."),
    ),
    "card_data_invalid": (
        N_("The card cannot be read"),
        N_("Please ask library staff for help."),
    ),
    "card_signature_invalid": (
        N_("The card could not sign"),
        N_("Please ask library staff for help."),
    ),
    "card_status_error": (
        N_("The card reported an error"),
        N_("Please ask library staff for help."),
    ),
    "card_timeout": (
        N_("The card did not answer in time"),
        N_("Please try again."),
    ),
    "card_communication_error": (
        N_("The card cannot be read"),
        N_("Take the card out and insert it again."),
    ),
    "card_reset": (
        N_("The card was reset"),
        N_("Please try again."),
    ),
    "reader_not_found": (
        N_("The card reader is not working"),
        N_("Please ask library staff for help."),
    ),
    "reader_service_unavailable": (
        N_("The card reader is restarting"),
        N_("Please wait a moment. The kiosk will be ready again by itself."),
    ),
    "invalid_digest": (
        N_("Something went wrong"),
        N_("Please ask library staff for help."),
    ),
    "gateway_unreachable": (
        N_("No connection to the e-service system"),
        N_("Please try again in a minute. If it keeps happening, ask staff."),
    ),
    "offline_auth_unavailable": (
        N_("No connection to the e-service system"),
        N_("Signing in without a connection is not possible: this kiosk's clock has not been checked with the e-service system since it was switched on. Please try again in a minute. If it keeps happening, ask staff."),
    ),
    "gateway_timeout": (
        N_("The e-service system did not answer in time"),
        N_("Please try again in a minute. If it keeps happening, ask staff."),
    ),
    "gateway_error": (
        N_("The e-service system reported an error"),
        N_("Please try again in a minute. If it keeps happening, ask staff."),
    ),
    "auth_rejected": (
        N_("Signing in was refused"),
        N_("The e-service system did not accept this card. Please ask staff for help."),
    ),
    "consent_required": (
        N_("Please confirm first"),
        N_("Tick the box to confirm that the information is correct."),
    ),
    "submit_rejected": (
        N_("The application was not accepted"),
        N_("Please check your answers or ask staff for help."),
    ),
    # proxy submissions (e-asistents): only staff see these
    "proxy_scope_mismatch": (
        N_("The authorisation does not cover this service"),
        N_("Check the service written in the authorisation. Finish and start again with the right one."),
    ),
    "proxy_authorisation_invalid": (
        N_("The authorisation's date is not accepted"),
        N_("An authorisation may not be dated in the future or more than a year ago."),
    ),
    "proxy_principal_invalid": (
        N_("The citizen's details were not accepted"),
        N_("Finish and enter the citizen's name and personal code again."),
    ),
    "proxy_principal_mismatch": (
        N_("The form names another person than the authorisation"),
        N_("Finish and start again: the form is filled for the citizen named in the authorisation."),
    ),
    "role_required": (
        N_("Your role does not allow this"),
        N_("Submitting for a citizen needs the staff role at the e-service system."),
    ),
    "paper_out": (
        N_("The printer is out of paper"),
        N_("Your application has been submitted. Please write down the reference number or ask staff to print the receipt."),
    ),
    "printer_offline": (
        N_("The printer is not working"),
        N_("Your application has been submitted. Please write down the reference number or ask staff to print the receipt."),
    ),
    "printer_error": (
        N_("The printer is not working"),
        N_("Your application has been submitted. Please write down the reference number or ask staff to print the receipt."),
    ),
    "cover_open": (
        N_("The printer cover is open"),
        N_("Your application has been submitted. Please write down the reference number or ask staff to print the receipt."),
    ),
    "printer_job_unconfirmed": (
        N_("The receipt may not have been printed completely"),
        N_("Your application has been submitted. Please write down the reference number or ask staff to print the receipt."),
    ),
    # the other printer codes (drivers.printer.errors): the printer is not working, for the citizen
    **{code: (N_("The printer is not working"),
              N_("Your application has been submitted. Please write down the reference number or ask staff to print the receipt."))
       for code in ("printer_status_unknown", "printer_timeout", "printer_disconnected", "printer_not_found",
                    "printer_busy", "printer_permission_denied", "printer_driver_missing",
                    "printer_config_invalid", "printer_encoding_failed")},
    "service_definitions_invalid": (
        N_("This kiosk is not working at the moment — a member of staff will help you"),
        N_("Please ask library staff for help."),
    ),
    "configuration_invalid": (
        N_("This kiosk is not working at the moment — a member of staff will help you"),
        N_("Please ask library staff for help."),
    ),
}
# Signed in while the gateway was unreachable (offline sign-in): what happens to the application.
OFFLINE_NOTICE = N_("There is no connection to the e-service system right now. You can still fill in an application: it will be saved on this kiosk and sent automatically as soon as the connection returns.")
OFFLINE_CONSENT = N_("Your application will be saved on this kiosk, sealed so that only the e-service system can read it, and sent automatically as soon as the connection returns.")

UNKNOWN_PROBLEM = (N_("Something went wrong"), N_("Please ask library staff for help."))

# Short help for each screen (the help button opens it).

LANGUAGE_NAMES = {"lv": N_("Latviešu"), "en": N_("English")}


def busy_time(tr: Translator, seconds: int) -> str:
    """How long a busy screen usually lasts, so a moving screen is never a silent wait."""
    return tr.ngettext("It usually takes up to %(n)d second.", "It usually takes up to %(n)d seconds.",
                       seconds) % {"n": seconds}


# Speech starts without sight: plugging in headphones (kiosk/runtime/headphones.py) or the speech key
# (accessibility.speech_key, the round key). The welcome screen says both, in large text.
HEADPHONES_HINT = N_("To hear the screen read aloud, plug in headphones or press the round key on the keypad.")
