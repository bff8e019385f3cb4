"""Rejections the gateway answers with: a stable code, an HTTP status, a log-safe detail."""

from __future__ import annotations


class ApiError(Exception):
    """Raised inside request handling; rendered as ``{"error": code, "detail": ...}``.

    ``detail`` must never hold personal data: it goes to the log and to the client.
    """

    def __init__(self, code: str, status: int = 400, detail: str = ""):
        self.code = code
        self.status = status
        self.detail = detail
        self.headers: dict[str, str] = {}  # extra response headers (Retry-After)
        super().__init__(f"{code}: {detail}" if detail else code)


class RateLimited(ApiError):
    """429 ``rate_limited`` with ``Retry-After`` in whole seconds (a device's or a client's bucket is empty)."""

    def __init__(self, detail: str, retry_after_s: int):
        super().__init__("rate_limited", 429, detail)
        self.retry_after_s = retry_after_s
        self.headers["Retry-After"] = str(retry_after_s)


class TokenRejected(ApiError):
    """A Web eID authentication token failed one validation step."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code, 401, detail)


# Token validation codes, in the order of the validation steps (docs/gateway.md lists them).
TOKEN_CODES = (
    "token_malformed",  # not an object / a field missing, of the wrong type or shape (appVersion, 1.1 fields)
    "token_format_unsupported",  # format is not exactly web-eid:1.0 or web-eid:1.1
    "token_too_large",  # over 10000 characters (Web eID's limit)
    "nonce_unknown",
    "nonce_expired",
    "nonce_reused",
    "cert_malformed",  # base64 or DER does not decode
    "cert_key_usage_invalid",  # no digitalSignature
    "cert_eku_invalid",  # EKU present without clientAuth
    "cert_policy_disallowed",
    "cert_expired",
    "cert_not_yet_valid",
    "cert_subject_invalid",  # no name or serialNumber in the subject
    "cert_untrusted",  # no configured intermediate CA issued it (or that CA is not valid now)
    "cert_revoked",
    "cert_status_unknown",
    "ocsp_unavailable",
    "algorithm_unsupported",  # not in the allow-list
    "algorithm_mismatch",  # algorithm does not fit the certificate's key
    "signature_malformed",  # base64 or length wrong (EC: raw r‖s required)
    "signature_invalid",  # does not verify (also: wrong origin, wrong nonce)
)
