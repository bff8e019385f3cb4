"""CardPort on drivers.smartcard: one card, one citizen at a time, whichever reader holds it.

Reader events become flow events. With several readers (or a dual-interface reader whose
contactless side sees a bank card) the session follows the one supported eID card wherever it is;
other cards are ignored while it is in, and two eID cards are told "one card at a time"
(``several_cards``). The connection, the card object and the certificate read at insertion are
kept only until ``end_session`` (which resets the card's PIN state); every failed read releases
the exclusive connection at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from drivers.errors import PieturaError
from drivers.smartcard import readers as rd
from drivers.smartcard.cards import open_eid
from drivers.smartcard.choice import choose_reader, is_supported_eid
from drivers.smartcard.errors import InvalidPinFormat, PinBlocked, ReaderBusy, SeveralCards, WrongPin
from drivers.smartcard.identity import parse_identity
from drivers.smartcard.pins import Pin, wipe
from kiosk.auth.webeid import build_auth_token
from kiosk.flow import events as ev
from kiosk.flow.state import PinChangeMode
from kiosk.logsetup import event as log_event

log = logging.getLogger("kiosk.card")

# A connection given up on mid-command (an answer that came too late) keeps the reader until the card
# finally answers; reading the card again in that moment waits this long before saying "busy".
BUSY_WAIT_S = 10.0


class CardSession:
    def __init__(self, readers: Any, *, preferred_reader: str = "", transmit_timeout: float = 5.0):
        self.readers = readers
        self.preferred = preferred_reader
        self.timeout = transmit_timeout
        self._post: Callable[[object], None] = lambda e: None
        self._lock = threading.RLock()  # guards the fields below
        self._apdu_lock = threading.Lock()  # one APDU exchange sequence at a time
        self._reader: str | None = None  # the reader whose card the session reads
        self._several = False  # two or more eID cards are in: the session says "one card at a time"
        self._cards_in: dict[str, bytes] = {}  # every wanted reader holding a card, in insertion order
        self._transport: Any = None
        self._card: Any = None
        self._certificate: bytes | None = None

    # --- reader events ----------------------------------------------------------------------

    def start(self, post: Callable[[object], None]) -> None:
        self._post = post
        self.readers.start(self._on_reader_event)

    def stop(self) -> None:
        self.readers.stop()
        self.end_session()

    def _wanted(self, reader: str) -> bool:
        return not self.preferred or self.preferred in reader

    def _on_reader_event(self, event: object) -> None:
        if isinstance(event, rd.ReadersChanged):
            wanted = [r for r in event.readers if self._wanted(r)]
            self._post(ev.ReaderAvailable() if wanted else ev.ReaderUnavailable("reader_missing"))
        elif isinstance(event, rd.CardInserted) and self._wanted(event.reader):
            with self._lock:
                self._cards_in[event.reader] = event.atr
                self._follow_cards()
        elif isinstance(event, rd.CardRemoved):
            with self._lock:
                if self._cards_in.pop(event.reader, None) is not None or event.reader == self._reader:
                    self._follow_cards()
        elif isinstance(event, rd.ServiceUnavailable):
            self._post(ev.ReaderUnavailable("reader_service_unavailable"))
        elif isinstance(event, rd.ServiceRestored):
            self._post(ev.ReaderAvailable())

    def _follow_cards(self) -> None:
        """Point the session at the card to read after a card came or went (called under the lock).

        An eID card already read keeps the session while it is in: a second card then waits.
        Otherwise the session moves to :func:`choose_reader`'s choice: the flow sees the old card
        removed and the new one inserted.
        """
        current = self._reader
        if (current is not None and self._card is not None and not self._several
                and is_supported_eid(self._cards_in.get(current))):
            return
        try:
            target, several = choose_reader(self._cards_in), False
        except SeveralCards:
            target, several = None, True
        if (target, several) == (current, self._several):
            return
        if current is not None or self._several:
            self._reader, self._several = None, False
            self._drop()
            log_event(log, "card_removed")
            self._post(ev.CardRemoved())
        self._reader, self._several = target, several
        if several:
            log_event(log, "several_cards")
            self._post(ev.CardInserted(b""))
        elif target is not None:
            log_event(log, "card_inserted")
            self._post(ev.CardInserted(self._cards_in[target]))

    # --- card work (runs on the runtime's card thread) ---------------------------------------

    def read_identity(self) -> ev.IdentityRead | ev.CardReadFailed:
        with self._lock:
            reader, several = self._reader, self._several
        if several:
            return ev.CardReadFailed(SeveralCards.code)
        if reader is None:
            return ev.CardReadFailed("card_removed")
        try:
            self._drop()
            with self._apdu_lock:
                transport = self._connect(reader)
                card = open_eid(transport, timeout=self.timeout)  # closes the transport if it fails
                try:
                    certificate = card.read_auth_certificate()
                    identity = parse_identity(certificate)
                    tries = card.pin_tries_left(Pin.PIN1)
                    puk_tries = card.pin_tries_left(Pin.PUK) if tries == 0 else None  # can it be unblocked here?
                except BaseException:
                    _close_quietly(card)  # an exclusive connection must never outlive a failed read
                    raise
        except PieturaError as exc:
            log_event(log, "card_read_failed", code=exc.code)
            return ev.CardReadFailed(exc.code)
        with self._lock:
            if self._reader != reader or self._several:  # the card went (or another came) meanwhile
                _close_quietly(card)
                return ev.CardReadFailed("card_removed")
            self._transport, self._card, self._certificate = transport, card, certificate
        log_event(log, "card_read", card_type=card.card_type, pin_tries_left=tries, puk_tries_left=puk_tries)
        return ev.IdentityRead(card.card_type, identity.given_name, tries, puk_tries)

    def _connect(self, reader: str) -> Any:
        deadline = time.monotonic() + BUSY_WAIT_S
        while True:
            try:
                return self.readers.connect(reader, self.timeout)
            except ReaderBusy:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.25)

    def sign_token(self, pin: bytearray, origin: str, nonce: str) -> dict:
        """A Web eID token for ``origin``/``nonce``; raises the driver's classified errors."""
        with self._lock:
            card, certificate = self._card, self._certificate
        if card is None:
            from drivers.smartcard.errors import CardRemoved

            raise CardRemoved(detail="no card session")
        with self._apdu_lock:
            return build_auth_token(card, pin, origin, nonce, certificate=certificate)

    def change_pin(self, mode: PinChangeMode, first: bytearray, new: bytearray) -> ev.PinChanged | ev.PinChangeFailed:
        """One CHANGE REFERENCE DATA ("change", ``first`` = current PIN1) or VERIFY PUK + RESET RETRY
        COUNTER ("unblock" of PIN1 or PIN2, ``first`` = PUK). Errors become codes; a transport error is
        reported as it is (the card may have done it) and nothing is sent again. The caller zeroes the PINs."""
        with self._lock:
            card = self._card
        if card is None:
            return ev.PinChangeFailed("card_removed")
        try:
            with self._apdu_lock:
                if mode == PinChangeMode.UNBLOCK_PIN2:
                    card.unblock_pin2(first, new)
                elif mode == PinChangeMode.UNBLOCK:
                    card.unblock_pin1(first, new)
                else:
                    card.change_pin1(first, new)
        except WrongPin as exc:
            code = "wrong_puk" if exc.which == "puk" else "wrong_pin"
            log_event(log, "pin_change_failed", mode=mode, code=code, tries_left=exc.tries_left)
            return ev.PinChangeFailed(code, exc.tries_left)
        except PinBlocked as exc:
            log_event(log, "pin_change_failed", mode=mode, code=exc.code)
            return ev.PinChangeFailed(exc.code, 0)
        except InvalidPinFormat as exc:
            log_event(log, "pin_change_failed", mode=mode, code=exc.code)
            return ev.PinChangeFailed("pin_format_refused")
        except PieturaError as exc:
            log_event(log, "pin_change_uncertain", logging.WARNING, mode=mode, code=exc.code)
            return ev.PinChangeFailed(exc.code)
        log_event(log, "pin_changed", mode=mode)
        try:
            with self._apdu_lock:  # selects the PIN's application: the card forgets the verified PUK too
                tries = card.pin_tries_left(Pin.PIN2 if mode.pin2 else Pin.PIN1)
        except PieturaError as exc:
            log_event(log, "pin_tries_unread", code=exc.code)
            tries = None
        return ev.PinChanged(tries)

    def pin2_tries(self) -> tuple[int | None, int | None]:
        """PIN2's tries left and, when PIN2 is blocked, the PUK's (no PIN is sent; None: not read).
        Read before PIN2 is asked for, so a blocked PIN2 is said with the way to unblock it."""
        with self._lock:
            card = self._card
        if card is None:
            return None, None
        try:
            with self._apdu_lock:
                pin2 = card.pin_tries_left(Pin.PIN2)
                return pin2, card.pin_tries_left(Pin.PUK) if pin2 == 0 else None
        except PieturaError as exc:
            log_event(log, "pin_tries_unread", code=exc.code)
            return None, None

    def signing_certificate(self) -> bytes:
        """DER of the card's qualified signing certificate (read once per card session): who signs,
        shown before PIN2 is asked for and sent to the gateway's prepare. Raises the driver's
        classified errors (``card_removed`` without a card session)."""
        with self._lock:
            card = self._card
        if card is None:
            from drivers.smartcard.errors import CardRemoved

            raise CardRemoved(detail="no card session")
        with self._apdu_lock:
            return bytes(card.read_sign_certificate())

    def sign(self, digest: bytes, pin2: bytearray) -> ev.DigestSigned | ev.SignFailed:
        """SELECT QSCD → MSE → VERIFY PIN2 → PSO:CDS on the card of this session (``EidCard.sign``,
        which zeroes ``pin2``); errors become codes: ``wrong_pin2`` with tries left, ``pin2_blocked``,
        ``pin_format_refused``; a transport error is reported as it is and nothing is sent again."""
        with self._lock:
            card = self._card
        try:
            if card is None:
                return ev.SignFailed("card_removed")
            with self._apdu_lock:
                signature, certificate = card.sign(digest, pin2)
        except WrongPin as exc:
            log_event(log, "sign_failed", code="wrong_pin2", tries_left=exc.tries_left)
            return ev.SignFailed("wrong_pin2", exc.tries_left)
        except PinBlocked as exc:
            log_event(log, "sign_failed", code=exc.code)
            return ev.SignFailed(exc.code, 0)
        except InvalidPinFormat as exc:
            log_event(log, "sign_failed", code=exc.code)
            return ev.SignFailed("pin_format_refused")
        except PieturaError as exc:
            log_event(log, "sign_failed", logging.WARNING, code=exc.code)
            return ev.SignFailed(exc.code)
        finally:
            wipe(pin2)
        log_event(log, "signed", card_type=card.card_type)
        return ev.DigestSigned(signature, certificate)

    def end_session(self) -> None:
        self._drop()

    def _drop(self) -> None:
        with self._lock:
            card, transport = self._card, self._transport
            self._card = self._transport = self._certificate = None
        target = card if card is not None else transport
        if target is not None:
            _close_quietly(target)


def _close_quietly(target: Any) -> None:
    """Close a card or transport with a reset; a pulled card cannot be reset (it loses its PIN
    state by losing power) and a dead pcscd has nothing left to release."""
    try:
        target.close(reset=True)
    except PieturaError:
        pass
