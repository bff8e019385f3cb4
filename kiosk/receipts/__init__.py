"""Receipts as typed blocks + masking rules (no bytes here); ``to_document`` hands a print
document to drivers.printer."""

from kiosk.receipts.layout import to_document
from kiosk.receipts.model import (
    Copy,
    ProxyFacts,
    Receipt,
    ReceiptFacts,
    ReceiptKind,
    Site,
    StoredReceipt,
    build_receipt,
    status_link,
)
from kiosk.receipts.privacy import PersonalDataError, check_no_personal_code, initials, mask_personal_code

__all__ = ["Copy", "PersonalDataError", "ProxyFacts", "Receipt", "ReceiptFacts", "ReceiptKind", "Site",
           "StoredReceipt", "build_receipt",
           "check_no_personal_code", "initials", "mask_personal_code", "status_link", "to_document"]
