"""PC/SC return codes (pcsc-lite / WinSCard) mapped to classified errors, in one place."""

from __future__ import annotations

from drivers.smartcard import errors as e

SCARD_S_SUCCESS = 0
SCARD_E_CANCELLED = 0x80100002
SCARD_E_INVALID_HANDLE = 0x80100003
SCARD_E_UNKNOWN_READER = 0x80100009
SCARD_E_TIMEOUT = 0x8010000A
SCARD_E_SHARING_VIOLATION = 0x8010000B
SCARD_E_NO_SMARTCARD = 0x8010000C
SCARD_E_PROTO_MISMATCH = 0x8010000F
SCARD_E_NOT_TRANSACTED = 0x80100016
SCARD_E_READER_UNAVAILABLE = 0x80100017
SCARD_F_COMM_ERROR = 0x80100013
SCARD_E_NO_SERVICE = 0x8010001D
SCARD_E_SERVICE_STOPPED = 0x8010001E
SCARD_E_NO_READERS_AVAILABLE = 0x8010002E
SCARD_W_UNRESPONSIVE_CARD = 0x80100066
SCARD_W_UNPOWERED_CARD = 0x80100067
SCARD_W_RESET_CARD = 0x80100068
SCARD_W_REMOVED_CARD = 0x80100069

#: Codes that mean "pcscd is gone": the monitor re-establishes its context.
SERVICE_GONE = frozenset({SCARD_E_NO_SERVICE, SCARD_E_SERVICE_STOPPED, SCARD_F_COMM_ERROR,
                          SCARD_E_INVALID_HANDLE})

_MAP: dict[int, type[e.CardError]] = {
    SCARD_W_REMOVED_CARD: e.CardRemoved,
    SCARD_E_NO_SMARTCARD: e.NoCard,
    SCARD_W_RESET_CARD: e.CardResetByOther,
    SCARD_E_SHARING_VIOLATION: e.ReaderBusy,
    SCARD_E_NO_SERVICE: e.ReaderServiceUnavailable,
    SCARD_E_SERVICE_STOPPED: e.ReaderServiceUnavailable,
    SCARD_E_UNKNOWN_READER: e.ReaderNotFound,
    SCARD_E_READER_UNAVAILABLE: e.ReaderNotFound,
    SCARD_W_UNRESPONSIVE_CARD: e.CardMute,
    SCARD_W_UNPOWERED_CARD: e.CardMute,
    SCARD_E_PROTO_MISMATCH: e.CardMute,
    SCARD_E_TIMEOUT: e.CardTimeout,
    SCARD_E_NOT_TRANSACTED: e.CardCommunicationError,
    SCARD_F_COMM_ERROR: e.ReaderServiceUnavailable,  # pcsc-lite: the socket to pcscd broke
    SCARD_E_INVALID_HANDLE: e.CardCommunicationError,
}


def error_for(hresult: int, operation: str) -> e.CardError:
    """The classified error for a failed PC/SC call (the hex code goes to ``detail`` only)."""
    code = hresult & 0xFFFFFFFF
    cls = _MAP.get(code, e.CardCommunicationError)
    return cls(detail=f"{operation}: PC/SC 0x{code:08X}")
