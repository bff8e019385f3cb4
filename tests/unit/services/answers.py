"""Valid example answers for every field of every modelled service (used by tests and the bench)."""

from __future__ import annotations

from typing import Any

from wire.services.model import Field, FieldType

ADDRESS = {"street": "Brīvības iela 1", "apartment": "5", "city": "Rīga", "postcode": "LV-1010"}


def valid_answer(field: Field) -> Any:
    t = field.type
    if t is FieldType.CHOICE:
        return field.choices[0].value
    if t is FieldType.MULTI_CHOICE:
        return [field.choices[0].value]
    if t is FieldType.YES_NO:
        return False
    if t is FieldType.CONSENT:
        return True
    if t is FieldType.DATE:
        return field.max_date or field.min_date or "today"  # resolved by the caller
    if t is FieldType.NUMBER:
        return str(int(field.minimum or 0) + 1)
    if t is FieldType.ADDRESS:
        return dict(ADDRESS)
    if t is FieldType.PHONE:
        return "20000000"
    if t is FieldType.EMAIL:
        return "janis@example.lv"
    if t is FieldType.PERSONAL_CODE:
        return "32503511782"
    if field.pattern and field.pattern.startswith("LV"):
        return "LV80BANK0000435195001"
    if field.pattern:
        return "PA1234567"
    if t is FieldType.MULTILINE:
        return "Pazaudēju somu tramvajā.\nPaldies."
    return "Anna Ozoliņa"[: field.max_length or 100]
