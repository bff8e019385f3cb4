"""How an answer is shown on review (and, for summary fields, on the receipt), in LV and EN."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from wire.services.model import Field, FieldType, LocalText

EMPTY = LocalText("—", "—")
YES = LocalText("Jā", "Yes")
NO = LocalText("Nē", "No")
CONFIRMED = LocalText("Apliecināts", "Confirmed")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


def _same(text: str) -> LocalText:
    return LocalText(text, text)


def display_value(field: Field, value: Any, raw: Any) -> LocalText:
    """``value`` is the canonical (validated) value; if None, the raw answer is shown as typed."""
    if value is None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return EMPTY
        if isinstance(raw, str):
            return _same(raw.strip())
        return EMPTY if field.type is not FieldType.YES_NO else _yes_no(raw)
    t = field.type
    if t is FieldType.CHOICE:
        return LocalText(field.choice_label(value, "lv"), field.choice_label(value, "en"))
    if t is FieldType.MULTI_CHOICE:
        return LocalText(", ".join(field.choice_label(v, "lv") for v in value),
                         ", ".join(field.choice_label(v, "en") for v in value))
    if t is FieldType.YES_NO:
        return _yes_no(value)
    if t is FieldType.CONSENT:
        return CONFIRMED
    if t is FieldType.DATE:
        d = dt.date.fromisoformat(value)
        return LocalText(f"{d.day:02d}.{d.month:02d}.{d.year}.", f"{d.day} {EN_MONTHS[d.month - 1]} {d.year}")
    if t is FieldType.NUMBER:
        text = str(value)
        lv, en = text.replace(".", ","), text
        if field.unit is not None:
            return LocalText(f"{lv} {field.unit.lv}", f"{en} {field.unit.en}")
        return LocalText(lv, en)
    if t is FieldType.ADDRESS and isinstance(value, Mapping):
        return _address(value)
    return _same(str(value))


def _yes_no(value: Any) -> LocalText:
    if value is True or value == "yes":
        return YES
    if value is False or value == "no":
        return NO
    return EMPTY


def _address(a: Mapping[str, str]) -> LocalText:
    """Latvian order: street and house, flat after a dash, town or parish, postcode."""
    street = a["street"] + (f" - {a['apartment']}" if a.get("apartment") else "")
    return _same(f"{street}, {a['city']}, {a['postcode']}")
