"""Classified smart-card errors: one class per thing the kiosk can react to differently.

Every class has a stable ``code`` (mapped to translated text by the UI) and an ``action``.
``detail`` is for logs and never holds a PIN, a name, a personal code or certificate bytes.
"""

from __future__ import annotations

from drivers.errors import Action, PieturaError


class CardError(PieturaError):
    """Base of every smart-card failure; also used for unexpected status words."""

    code = "card_error"
    action = Action.CALL_STAFF


class CardRemoved(CardError):
    code = "card_removed"
    action = Action.ASK_USER


class NoCard(CardError):
    code = "no_card"
    action = Action.ASK_USER


class CardMute(CardError):
    """Card present but gives no ATR or no answer: usually inserted upside down."""

    code = "card_mute"
    action = Action.ASK_USER


class UnknownCard(CardError):
    code = "unknown_card"
    action = Action.ASK_USER


class SeveralCards(CardError):
    """Two or more supported eID cards are in the readers at once: the kiosk reads one at a time."""

    code = "several_cards"
    action = Action.ASK_USER


class CardNotSupported(CardError):
    """Recognised but refused (e.g. first-generation Latvian eID, contactless interface)."""

    code = "card_not_supported"
    action = Action.ASK_USER


class WrongPin(CardError):
    """The card rejected the PIN; ``tries_left`` > 0 (0 is reported as :class:`PinBlocked`)."""

    code = "wrong_pin"
    action = Action.ASK_USER

    def __init__(self, tries_left: int, which: str = "pin1", detail: str = ""):
        super().__init__(detail=detail or f"{which}, {tries_left} tries left")
        self.tries_left = tries_left
        self.which = which

    @property
    def last_try(self) -> bool:
        """True when the next wrong entry blocks the PIN (the UI must warn)."""
        return self.tries_left == 1


#: The code of a blocked PIN other than PIN1 (PIN1's is ``pin_blocked``): the citizen's way out differs.
BLOCKED_CODES = {"puk": "puk_blocked", "pin2": "pin2_blocked"}


class PinBlocked(CardError):
    """A blocked PIN: ``pin_blocked`` (PIN1), ``pin2_blocked`` (PIN2) or ``puk_blocked`` (the PUK)."""

    code = "pin_blocked"
    action = Action.CALL_STAFF

    def __init__(self, which: str = "pin1", detail: str = ""):
        super().__init__(BLOCKED_CODES.get(which), detail or f"{which} blocked")
        self.which = which


class InvalidPinFormat(CardError):
    """PIN not 1..12 ASCII digits, or a length the card refused (67 00 / 6A 80 on VERIFY)."""

    code = "invalid_pin_format"
    action = Action.ASK_USER


class SecurityStatusNotSatisfied(CardError):
    code = "security_status_not_satisfied"
    action = Action.RETRY


class CardFileNotFound(CardError):
    code = "card_file_not_found"
    action = Action.CALL_STAFF


class CardDataInvalid(CardError):
    """A file or response from the card does not parse (bad TLV, placeholder certificate …)."""

    code = "card_data_invalid"
    action = Action.CALL_STAFF


class SignatureInvalid(CardError):
    """The card returned a signature that does not verify against its own certificate."""

    code = "card_signature_invalid"
    action = Action.CALL_STAFF


class CardStatusError(CardError):
    """A status word the driver has no specific meaning for."""

    code = "card_status_error"
    action = Action.CALL_STAFF

    def __init__(self, sw: int, operation: str = ""):
        super().__init__(detail=f"{operation} SW={sw:04X}")
        self.sw = sw


class CardTimeout(CardError):
    code = "card_timeout"
    action = Action.RETRY


class CardCommunicationError(CardError):
    code = "card_communication_error"
    action = Action.RETRY


class CardResetByOther(CardError):
    """Another PC/SC client reset the card: DF and PIN state are lost, start again."""

    code = "card_reset"
    action = Action.RETRY


class ReaderBusy(CardError):
    code = "reader_busy"
    action = Action.RETRY


class ReaderNotFound(CardError):
    code = "reader_not_found"
    action = Action.CALL_STAFF


class ReaderServiceUnavailable(CardError):
    """pcscd is not running or died mid-operation; it is restarted by systemd and the monitor
    reconnects by itself, so the person only waits (not "take the card out")."""

    code = "reader_service_unavailable"
    action = Action.RETRY


class InvalidDigest(CardError):
    """Programming error: digest length does not match the card's algorithm."""

    code = "invalid_digest"
    action = Action.FATAL


#: Every error the smart-card driver raises; each code is documented in docs/smartcard.md and has
#: Latvian and English words in the kiosk's texts (a test walks them).
ALL_ERRORS: tuple[type[CardError], ...] = (
    CardError, CardRemoved, NoCard, CardMute, UnknownCard, SeveralCards, CardNotSupported, WrongPin, PinBlocked,
    InvalidPinFormat, SecurityStatusNotSatisfied, CardFileNotFound, CardDataInvalid, SignatureInvalid,
    CardStatusError, CardTimeout, CardCommunicationError, CardResetByOther, ReaderBusy, ReaderNotFound,
    ReaderServiceUnavailable, InvalidDigest,
)
