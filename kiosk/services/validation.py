"""Per-field checks: turn a raw answer into its canonical value, or say what is wrong.

``check`` never raises for any input: a value of the wrong type is reported as
``invalid_value``. Canonical values are JSON-ready (str, int, bool, list, dict).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from kiosk.services import personal_code
from kiosk.services.messages import Message, message
from wire.services.model import Field, FieldType

RELATIVE = re.compile(r"^today(?:([+-]\d{1,4})([dmy]))?$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$")
POSTCODE = re.compile(r"^(?:LV)?-?(\d{4})$", re.IGNORECASE)
ADDRESS_KEYS = ("street", "apartment", "city", "postcode")
# A date typed as three numbers (the date input's Diena, Mēnesis, Gads), before it is one date.
DATE_PARTS = ("day", "month", "year")

Result = tuple[Any, Message | None]


def resolve_date(spec: str, today: dt.date) -> dt.date:
    """``today``, ``today-18y``, ``today-6m``, ``today+90d`` relative to the form's ``today``."""
    m = RELATIVE.match(spec)
    if not m:
        raise ValueError(spec)
    if not m.group(1):
        return today
    amount = int(m.group(1))
    if m.group(2) == "d":
        return today + dt.timedelta(days=amount)
    months = amount * 12 if m.group(2) == "y" else amount
    index = today.year * 12 + today.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for day in (today.day, 30, 29, 28):  # clamp 31 March - 1 month to 28/29 February
        try:
            return dt.date(year, month, min(today.day, day))
        except ValueError:
            continue
    raise ValueError(spec)


def date_text(d: dt.date) -> str:
    return f"{d.day:02d}.{d.month:02d}.{d.year}"


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | frozenset):
        return len(value) == 0
    if isinstance(value, Mapping):
        return all(is_empty(v) for v in value.values())
    return False


def check(field: Field, raw: Any, today: dt.date) -> Result:
    """(canonical value, None) when acceptable; (None, Message) otherwise — in the definition's own
    words when the field has some for that problem (``errors = { required = {…} }``)."""
    value, problem = _check(field, raw, today)
    if problem is not None:
        own = field.error_text(problem.code)
        if own is not None:
            problem = Message(problem.code, own.lv, own.en)
    return value, problem


def _check(field: Field, raw: Any, today: dt.date) -> Result:
    if field.type is FieldType.CONSENT:
        return (True, None) if raw is True else (None, message("consent_required"))
    if is_empty(raw):
        return (None, message("required")) if field.required else (None, None)
    try:
        return _CHECKS[field.type](field, raw, today)
    except (TypeError, ValueError, AttributeError, InvalidOperation, OverflowError):
        return None, message("invalid_value")


def _text(field: Field, raw: Any, today: dt.date) -> Result:
    if not isinstance(raw, str):
        return None, message("invalid_value")
    value = raw.strip()
    if field.type is FieldType.TEXT and ("\n" in value or "\r" in value):
        return None, message("single_line")
    if field.min_length is not None and len(value) < field.min_length:
        return None, message("too_short", min=field.min_length)
    if field.max_length is not None and len(value) > field.max_length:
        return None, message("too_long", max=field.max_length)
    if field.pattern is not None and not re.fullmatch(field.pattern, value):
        hint = field.pattern_hint
        if hint is not None:
            return None, Message("pattern", hint.lv, hint.en)
        return None, message("pattern")
    return value, None


def _number(field: Field, raw: Any, today: dt.date) -> Result:
    if isinstance(raw, bool):
        return None, message("invalid_value")
    if isinstance(raw, int | float | Decimal):
        number = Decimal(str(raw))
    elif isinstance(raw, str):
        text = raw.replace("\u00a0", "").replace(" ", "").replace(",", ".")
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            return None, message("not_a_number")
        number = Decimal(text)
    else:
        return None, message("invalid_value")
    if not number.is_finite():
        return None, message("not_a_number")
    if field.integer and number != number.to_integral_value():
        return None, message("not_integer")
    if field.minimum is not None and number < Decimal(str(field.minimum)):
        return None, message("too_small", min=_plain(Decimal(str(field.minimum))))
    if field.maximum is not None and number > Decimal(str(field.maximum)):
        return None, message("too_large", max=_plain(Decimal(str(field.maximum))))
    if field.integer:
        return int(number), None
    return _plain(number), None


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text


def parse_date(raw: Any) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return None
    if isinstance(raw, dt.date):
        return raw
    if not isinstance(raw, str):
        return None
    text = raw.strip().rstrip(".")
    for pattern, order in ((r"(\d{4})-(\d{2})-(\d{2})", "ymd"), (r"(\d{1,2})\.(\d{1,2})\.(\d{4})", "dmy")):
        m = re.fullmatch(pattern, text)
        if m:
            a, b, c = (int(g) for g in m.groups())
            y, mo, d = (a, b, c) if order == "ymd" else (c, b, a)
            try:
                return dt.date(y, mo, d)
            except ValueError:
                return None
    return None


def date_parts_problem(raw: Mapping[str, Any]) -> str | None:
    """Which part of a three-number date is wrong (``date_day``, ``date_month``, ``date_year``),
    ``invalid_date`` for a day the month does not have, or None when it is a real date."""
    if not set(raw) <= set(DATE_PARTS):
        return "invalid_value"
    parts = {k: str(raw.get(k) or "").strip() for k in DATE_PARTS}
    limits = {"day": (1, 31, 2), "month": (1, 12, 2), "year": (1900, 2199, 4)}
    for name in DATE_PARTS:
        low, high, digits = limits[name]
        text = parts[name]
        if not text.isdigit() or len(text) > digits or not low <= int(text) <= high:
            return f"date_{name}"
    try:
        dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        return "invalid_date"
    return None


def _date(field: Field, raw: Any, today: dt.date) -> Result:
    if isinstance(raw, Mapping):
        wrong = date_parts_problem(raw)
        if wrong is not None:
            return None, message(wrong)
        raw = dt.date(int(raw["year"]), int(raw["month"]), int(raw["day"]))
    value = parse_date(raw)
    if value is None:
        return None, message("invalid_date")
    if field.min_date is not None:
        low = resolve_date(field.min_date, today)
        if value < low:
            return None, message("date_too_early", min=date_text(low))
    if field.max_date is not None:
        high = resolve_date(field.max_date, today)
        if value > high:
            return None, message("date_too_late", max=date_text(high))
    return value.isoformat(), None


def _choice(field: Field, raw: Any, today: dt.date) -> Result:
    if not isinstance(raw, str) or raw not in {c.value for c in field.choices}:
        return None, message("invalid_choice")
    return raw, None


def _multi_choice(field: Field, raw: Any, today: dt.date) -> Result:
    if isinstance(raw, str) or not isinstance(raw, list | tuple | set | frozenset):
        return None, message("invalid_value")
    order = [c.value for c in field.choices]
    if not all(isinstance(v, str) and v in order for v in raw):
        return None, message("invalid_choice")
    picked = [v for v in order if v in set(raw)]
    if field.min_choices is not None and len(picked) < field.min_choices:
        return None, message("too_few_choices", min=field.min_choices)
    if field.max_choices is not None and len(picked) > field.max_choices:
        return None, message("too_many_choices", max=field.max_choices)
    return picked, None


def _yes_no(field: Field, raw: Any, today: dt.date) -> Result:
    if isinstance(raw, bool):
        return raw, None
    if raw in ("yes", "no"):
        return raw == "yes", None
    return None, message("invalid_yes_no")


def _address(field: Field, raw: Any, today: dt.date) -> Result:
    if not isinstance(raw, Mapping) or not set(raw) <= set(ADDRESS_KEYS):
        return None, message("invalid_value")
    parts = {k: raw.get(k) or "" for k in ADDRESS_KEYS}
    if not all(isinstance(v, str) for v in parts.values()):
        return None, message("invalid_value")
    parts = {k: " ".join(v.split()) for k, v in parts.items()}
    if len(parts["street"]) < 2 or len(parts["street"]) > 120:
        return None, message("address_street")
    if len(parts["city"]) < 2 or len(parts["city"]) > 120 or len(parts["apartment"]) > 20:
        return None, message("address_city")
    m = POSTCODE.fullmatch(parts["postcode"].replace(" ", ""))
    if not m:
        return None, message("address_postcode")
    parts["postcode"] = f"LV-{m.group(1)}"
    return parts, None


def _phone(field: Field, raw: Any, today: dt.date) -> Result:
    if not isinstance(raw, str):
        return None, message("invalid_value")
    text = re.sub(r"[\s\-()]", "", raw)
    if text.startswith("00"):
        text = "+" + text[2:]
    if re.fullmatch(r"[2689]\d{7}", text):
        return "+371" + text, None
    if text.startswith("+371"):
        ok = re.fullmatch(r"\+371[2689]\d{7}", text)
    else:
        ok = re.fullmatch(r"\+[1-9]\d{6,14}", text)
    return (text, None) if ok else (None, message("invalid_phone"))


def _email(field: Field, raw: Any, today: dt.date) -> Result:
    if not isinstance(raw, str):
        return None, message("invalid_value")
    text = raw.strip()
    if len(text) > 254 or not EMAIL.fullmatch(text):
        return None, message("invalid_email")
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}", None


def _personal_code(field: Field, raw: Any, today: dt.date) -> Result:
    if not isinstance(raw, str):
        return None, message("invalid_value")
    problem = personal_code.problem(raw)
    if problem is not None:
        return None, message(problem.value)
    return personal_code.normalise(raw), None


_CHECKS = {
    FieldType.TEXT: _text,
    FieldType.MULTILINE: _text,
    FieldType.NUMBER: _number,
    FieldType.DATE: _date,
    FieldType.CHOICE: _choice,
    FieldType.MULTI_CHOICE: _multi_choice,
    FieldType.YES_NO: _yes_no,
    FieldType.ADDRESS: _address,
    FieldType.PHONE: _phone,
    FieldType.EMAIL: _email,
    FieldType.PERSONAL_CODE: _personal_code,
}
