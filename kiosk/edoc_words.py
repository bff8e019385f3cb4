"""Plain words for the .edoc verifier's verdicts and problem codes (English msgids; Latvian in
``kiosk/locale/lv/LC_MESSAGES/edoc.po``). Shared by ``kioskctl verify-edoc`` and the citizen's
"Pārbaudīt e-parakstu" screens, so a code has one wording everywhere."""

from __future__ import annotations

from kiosk.i18n import N_
from wire.edoc import ContainerProblem, SignatureProblem, SigningCode, Verdict

VERDICT_WORDS: dict[Verdict, str] = {
    Verdict.VALID: N_("The signature is valid."),
    Verdict.INDETERMINATE: N_("The signature could not be confirmed."),
    Verdict.INVALID: N_("The signature is not valid."),
}

CONTAINER_VERDICT_WORDS: dict[Verdict, str] = {
    Verdict.VALID: N_("The document is signed: every signature is valid."),
    Verdict.INDETERMINATE: N_("The signatures could not all be confirmed."),
    Verdict.INVALID: N_("The document is not validly signed."),
}

CONTAINER_WORDS: dict[ContainerProblem, str] = {
    ContainerProblem.NOT_A_ZIP: N_("The file is not a signed document container (or it is damaged)."),
    ContainerProblem.MIMETYPE_NOT_FIRST: N_("The file is not a correctly made signed document container."),
    ContainerProblem.MIMETYPE_COMPRESSED: N_("The file is not a correctly made signed document container."),
    ContainerProblem.MIMETYPE_WRONG: N_("The file is not a correctly made signed document container."),
    ContainerProblem.BAD_NAME: N_("The container holds a file with a forbidden name; it was not checked further."),
    ContainerProblem.DUPLICATE_NAME: N_("The container holds two files with the same name; it was not checked further."),
    ContainerProblem.TOO_BIG: N_("The container is too large to check here."),
    ContainerProblem.ENCRYPTED: N_("The container is encrypted; it cannot be checked here."),
    ContainerProblem.MANIFEST_MISSING: N_("The container's list of files is missing."),
    ContainerProblem.MANIFEST_MISMATCH: N_("The container's list of files does not match its files."),
    ContainerProblem.NO_DATA_FILES: N_("The container holds no documents."),
    ContainerProblem.NO_SIGNATURES: N_("The container holds no signatures."),
    ContainerProblem.UNSIGNED_FILE: N_("A document in the container is not covered by a valid signature."),
}

SIGNATURE_WORDS: dict[SignatureProblem, str] = {
    SignatureProblem.XML_MALFORMED: N_("The signature is damaged."),
    SignatureProblem.XML_DTD: N_("The signature is damaged."),
    SignatureProblem.STRUCTURE: N_("The signature is damaged."),
    SignatureProblem.UNSUPPORTED_ALGORITHM: N_("The signature uses a method this kiosk cannot check."),
    SignatureProblem.REFERENCE_MISSING: N_("A signed document is missing from the container."),
    SignatureProblem.DIGEST_MISMATCH: N_("A document was changed after it was signed."),
    SignatureProblem.SIGNING_CERT_MISMATCH: N_("The signer's certificate does not match the signature."),
    SignatureProblem.SIGNATURE_VALUE: N_("The signature does not match the signer's certificate."),
    SignatureProblem.NO_TIMESTAMP: N_("The signature has no time-stamp."),
    SignatureProblem.TIMESTAMP_INVALID: N_("The signature's time-stamp is not valid."),
    SignatureProblem.NO_REVOCATION: N_("The signature has no certificate status confirmation."),
    SignatureProblem.OCSP_INVALID: N_("The certificate status confirmation is not valid."),
    SignatureProblem.OCSP_UNVERIFIED: N_("The certificate status confirmation could not be checked."),
    SignatureProblem.OCSP_BEFORE_TIMESTAMP: N_("The certificate status was confirmed before the time-stamp."),
    SignatureProblem.CERT_REVOKED: N_("The signer's certificate was revoked."),
    SignatureProblem.CERT_STATUS_UNKNOWN: N_("The signer's certificate status is unknown."),
    SignatureProblem.UNTRUSTED_CHAIN: N_("The signer's certificate is not from a trusted issuer."),
}

SIGNING_WORDS: dict[SigningCode, str] = {
    SigningCode.PERSON_MISMATCH: N_("The card in the reader is not the card you signed in with."),
    SigningCode.NOT_A_SIGNING_CERTIFICATE: N_("This card cannot make e-signatures."),
    SigningCode.ISSUER_UNKNOWN: N_("This card's signing certificate is not accepted here."),
    SigningCode.BINDING: N_("The document changed while signing. Nothing was signed; please start again."),
    SigningCode.BAD_SIGNATURE: N_("The card's signature could not be confirmed. Nothing was signed; please start again."),
    SigningCode.TSA_UNAVAILABLE: N_("The time-stamp service is not answering. Nothing was signed; please try again later."),
    SigningCode.OCSP_UNAVAILABLE: N_("The certificate check service is not answering. Nothing was signed; please try again later."),
    SigningCode.CERT_REVOKED: N_("Your signing certificate has been revoked. Nothing was signed."),
    SigningCode.CERT_STATUS_UNKNOWN: N_("Your signing certificate could not be confirmed as valid. Nothing was signed."),
}

# Words for the kiosk-side signing codes (USB stick, gateway availability); driver codes for PIN2
# (wrong_pin2, pin2_blocked) have theirs in kiosk/ui/texts.py.
KIOSK_SIGNING_WORDS: dict[str, str] = {
    "usb_not_found": N_("No USB stick was found. Put it into the kiosk's USB port and wait a moment."),
    "usb_unsupported_filesystem": N_("This USB stick's format cannot be read here (only FAT and exFAT sticks can). Please ask staff for help."),
    "usb_read_failed": N_("The USB stick could not be read. Was it pulled out? Put it in again and try once more."),
    "usb_file_too_large": N_("The file is too large to sign here (64 MB at most)."),
    "usb_write_failed": N_("The signed document could not be saved on the USB stick (was it pulled out, or is it full?). No unfinished file was left on it."),
    "signing_unavailable": N_("Signing is not available at this kiosk right now. Nothing was signed."),
    "pin2_too_short": N_("PIN2 has 5 to 12 digits. Please type all of them, then press OK."),
    "sign_no_files": N_("Choose at least one file to sign."),
    "sign_too_many_files": N_("At most 20 files can be signed together."),
    "sign_result_invalid": N_("The signed document did not pass the kiosk's check, so it was not saved. Please ask staff for help."),
    "sign_card_changed": N_("The card changed while signing. Nothing was signed; please start again."),
    "sign_session_missing": N_("Please sign in with your card (PIN1) before signing a document."),
    "sign_container_unsafe": N_("This .edoc file is damaged or not made correctly, so it was not opened. Nothing was signed."),
    "sign_container_invalid": N_("A signature in this .edoc file is not valid, so no signature can be added to it. Use “Check an e-signature” to see why."),
    "sign_container_too_many": N_("This .edoc file holds too many files or signatures to sign here (20 files at most)."),
}

# Labels of the result (screen and kioskctl).
LABEL_SIGNATURE = N_("Signature %(n)s")
LABEL_SIGNER = N_("Signer")
LABEL_TIMESTAMP = N_("Time-stamp time")
LABEL_FILES = N_("Files")
