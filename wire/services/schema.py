"""The schema of a service definition, as code: every problem is reported with its key path.

Kept in code rather than JSON Schema so that cross-references (a condition pointing at an earlier
field, a summary naming a receipt-safe field, a prefill on a type that can hold it) are checked in
the same pass, and so that no extra dependency is needed. ``docs/services.md`` documents the keys.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

from wire.services.model import FieldType, IdentitySource, Privacy

SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
RELATIVE_DATE = re.compile(r"^today(?:[+-]\d{1,4}[dmy])?$")
# The state portal, or an institution's own page on a state domain (*.gov.lv, e.g. vid.gov.lv).
OFFICIAL_URL = re.compile(r"^https://(?:(?:www\.|mana\.)?latvija\.lv|(?:[a-z0-9-]+\.)*gov\.lv)/\S+$")

TOP_KEYS = {
    "id": True, "version": True, "institution": True, "life_situations": True, "title": True,
    "description": True, "model_note": True, "processing_time": True, "official_url": True,
    "steps": True, "before_you_start": False, "keywords": False, "summary": False, "what_next": False,
}
STEP_KEYS = {"id": True, "title": True, "fields": True, "help": False, "when": False}
# receipt_label: the short label a summary field is printed with on the receipt (the label is the question)
# errors: the field's own message per validation code, e.g. errors = { required = { lv = "…", en = "…" } }
COMMON_FIELD_KEYS = {"id", "type", "label", "receipt_label", "help", "required", "when", "privacy", "prefill",
                     "locked", "errors"}
# The validation codes a definition may word for itself (kiosk/services/messages.py has the defaults).
ERROR_CODES = {
    "required", "invalid_value", "too_short", "too_long", "single_line", "pattern", "not_a_number",
    "not_integer", "too_small", "too_large", "invalid_date", "date_day", "date_month", "date_year",
    "date_too_early", "date_too_late", "invalid_choice", "too_few_choices", "too_many_choices",
    "invalid_yes_no", "address_street", "address_city", "address_postcode", "invalid_phone",
    "invalid_email", "personal_code_shape", "personal_code_date", "personal_code_check_digit",
    "consent_required",
}
TYPE_KEYS: dict[FieldType, set[str]] = {
    FieldType.TEXT: {"min_length", "max_length", "pattern", "pattern_hint"},
    FieldType.MULTILINE: {"min_length", "max_length"},
    FieldType.NUMBER: {"min", "max", "integer", "unit"},
    FieldType.DATE: {"min_date", "max_date"},
    FieldType.CHOICE: {"choices"},
    FieldType.MULTI_CHOICE: {"choices", "min_choices", "max_choices"},
    FieldType.YES_NO: set(),
    FieldType.ADDRESS: set(),
    FieldType.PHONE: set(),
    FieldType.EMAIL: set(),
    FieldType.PERSONAL_CODE: set(),
    FieldType.CONSENT: set(),
}
PREFILL_TYPES = {
    IdentitySource.GIVEN_NAME: FieldType.TEXT,
    IdentitySource.SURNAME: FieldType.TEXT,
    IdentitySource.PERSONAL_CODE: FieldType.PERSONAL_CODE,
}
# Types whose answers are personal enough never to be printed (privacy rule P1/P2).
NOT_ON_RECEIPT = {
    FieldType.PERSONAL_CODE, FieldType.ADDRESS, FieldType.PHONE, FieldType.EMAIL,
    FieldType.MULTILINE, FieldType.CONSENT,
}


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.items.append(f"{path}: {message}" if path else message)


def _keys(d: Mapping[str, Any], allowed: dict[str, bool] | set[str], path: str, p: _Problems) -> None:
    required = {k for k, req in allowed.items() if req} if isinstance(allowed, dict) else set()
    for key in required - d.keys():
        p.add(_join(path, key), "missing")
    for key in d.keys() - set(allowed):
        near = difflib.get_close_matches(key, list(allowed), n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        p.add(_join(path, key), f"unknown key{hint}")


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _text(value: Any, path: str, p: _Problems) -> None:
    if not isinstance(value, Mapping):
        p.add(path, "must be a table {lv = \"…\", en = \"…\"}")
        return
    for lang in ("lv", "en"):
        if not isinstance(value.get(lang), str) or not value[lang].strip():
            p.add(_join(path, lang), "missing or empty")
    for extra in value.keys() - {"lv", "en"}:
        p.add(_join(path, extra), "unknown language (only lv and en)")


def _slug(value: Any, path: str, p: _Problems) -> bool:
    if not isinstance(value, str) or not SLUG.match(value):
        p.add(path, "must be lower-case letters, digits, '-' or '_'")
        return False
    return True


def _int(value: Any, path: str, p: _Problems, minimum: int = 0) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        p.add(path, f"must be an integer >= {minimum}")


def validate_service(d: Mapping[str, Any], situation_ids: set[str] | None = None) -> list[str]:
    """All problems in one service definition dict (empty list = valid)."""
    p = _Problems()
    if not isinstance(d, Mapping):
        return ["definition must be a table"]
    _keys(d, TOP_KEYS, "", p)
    if "id" in d:
        _slug(d["id"], "id", p)
    if "version" in d:
        _int(d["version"], "version", p, 1)
    for key in ("institution", "title", "description", "model_note", "processing_time", "what_next"):
        if key in d:
            _text(d[key], key, p)
    url = d.get("official_url")
    if url is not None and (not isinstance(url, str) or not OFFICIAL_URL.match(url)):
        p.add("official_url", "must be an https link to latvija.gov.lv, latvija.lv or a state *.gov.lv site")
    _situations(d.get("life_situations"), situation_ids, p)
    for i, item in enumerate(d.get("before_you_start", [])):
        _text(item, f"before_you_start[{i}]", p)
    _keywords(d.get("keywords"), p)
    fields = _steps(d.get("steps"), p)
    _summary(d.get("summary", []), fields, p)
    return p.items


def _situations(value: Any, known: set[str] | None, p: _Problems) -> None:
    if value is None:
        return
    if not isinstance(value, list) or not value:
        p.add("life_situations", "must be a non-empty list of life situation ids")
        return
    for i, sid in enumerate(value):
        if not isinstance(sid, str):
            p.add(f"life_situations[{i}]", "must be a string")
        elif known is not None and sid not in known:
            near = difflib.get_close_matches(sid, sorted(known), n=1)
            p.add(f"life_situations[{i}]", f"unknown life situation {sid!r}"
                  + (f" (did you mean {near[0]!r}?)" if near else ""))


def _keywords(value: Any, p: _Problems) -> None:
    if value is None:
        return
    if not isinstance(value, Mapping):
        p.add("keywords", "must be a table {lv = […], en = […]}")
        return
    _keys(value, {"lv": False, "en": False}, "keywords", p)
    for lang in ("lv", "en"):
        words = value.get(lang, [])
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            p.add(_join("keywords", lang), "must be a list of non-empty strings")


def _steps(value: Any, p: _Problems) -> dict[str, Mapping[str, Any]]:
    """Check steps and fields; return the fields seen, by id, in order."""
    seen_fields: dict[str, Mapping[str, Any]] = {}
    if value is None:
        return seen_fields
    if not isinstance(value, list) or not value:
        p.add("steps", "must be a non-empty list of steps")
        return seen_fields
    step_ids: set[str] = set()
    for i, step in enumerate(value):
        path = f"steps[{i}]"
        if not isinstance(step, Mapping):
            p.add(path, "must be a table")
            continue
        _keys(step, STEP_KEYS, path, p)
        if "id" in step and _slug(step["id"], _join(path, "id"), p):
            if step["id"] in step_ids:
                p.add(_join(path, "id"), f"duplicate step id {step['id']!r}")
            step_ids.add(step["id"])
        if "title" in step:
            _text(step["title"], _join(path, "title"), p)
        if "help" in step:
            _text(step["help"], _join(path, "help"), p)
        earlier = dict(seen_fields)
        if "when" in step:
            _condition(step["when"], earlier, _join(path, "when"), p)
        fields = step.get("fields")
        if not isinstance(fields, list) or not fields:
            if "fields" in step:
                p.add(_join(path, "fields"), "must be a non-empty list of fields")
            continue
        for j, field in enumerate(fields):
            _field(field, seen_fields, f"{path}.fields[{j}]", p)
    return seen_fields


def _field(f: Any, seen: dict[str, Mapping[str, Any]], path: str, p: _Problems) -> None:
    if not isinstance(f, Mapping):
        p.add(path, "must be a table")
        return
    try:
        ftype = FieldType(f.get("type"))
    except ValueError:
        names = ", ".join(t.value for t in FieldType)
        p.add(_join(path, "type"), f"must be one of: {names}")
        return
    allowed = {k: k in ("id", "type", "label") for k in COMMON_FIELD_KEYS | TYPE_KEYS[ftype]}
    _keys(f, allowed, path, p)
    fid = f.get("id")
    if fid is not None and _slug(fid, _join(path, "id"), p):
        if fid in seen:
            p.add(_join(path, "id"), f"duplicate field id {fid!r}")
    if "label" in f:
        _text(f["label"], _join(path, "label"), p)
    for key in ("help", "pattern_hint", "unit", "receipt_label"):
        if key in f:
            _text(f[key], _join(path, key), p)
    if "errors" in f:
        _errors(f["errors"], _join(path, "errors"), p)
    for key in ("required", "locked", "integer"):
        if key in f and not isinstance(f[key], bool):
            p.add(_join(path, key), "must be true or false")
    if ftype is FieldType.CONSENT and f.get("required") is False:
        p.add(_join(path, "required"), "consent is always required")
    if "when" in f:
        _condition(f["when"], seen, _join(path, "when"), p)
    if "privacy" in f and f["privacy"] not in {x.value for x in Privacy}:
        p.add(_join(path, "privacy"), "must be 'health' or 'money'")
    if "prefill" in f:
        try:
            src = IdentitySource(f["prefill"])
            if PREFILL_TYPES[src] is not ftype:
                p.add(_join(path, "prefill"), f"{src.value} cannot fill a {ftype.value} field")
        except ValueError:
            p.add(_join(path, "prefill"), "must be given_name, surname or personal_code")
    _type_limits(f, ftype, path, p)
    if isinstance(fid, str):
        seen[fid] = f


def _errors(value: Any, path: str, p: _Problems) -> None:
    if not isinstance(value, Mapping) or not value:
        p.add(path, "must be a table of validation codes")
        return
    for code, text in value.items():
        if code not in ERROR_CODES:
            p.add(_join(path, str(code)), f"unknown validation code (one of: {', '.join(sorted(ERROR_CODES))})")
        else:
            _text(text, _join(path, code), p)


def _type_limits(f: Mapping[str, Any], ftype: FieldType, path: str, p: _Problems) -> None:
    for key in ("min_length", "max_length", "min_choices", "max_choices"):
        if key in f:
            _int(f[key], _join(path, key), p, 0)
    for lo, hi in (("min_length", "max_length"), ("min", "max"), ("min_choices", "max_choices")):
        a, b = f.get(lo), f.get(hi)
        if isinstance(a, int | float) and isinstance(b, int | float) and a > b:
            p.add(_join(path, lo), f"greater than {hi}")
    for key in ("min", "max"):
        if key in f and (not isinstance(f[key], int | float) or isinstance(f[key], bool)):
            p.add(_join(path, key), "must be a number")
    if "pattern" in f:
        try:
            re.compile(f["pattern"])
        except (re.error, TypeError) as exc:
            p.add(_join(path, "pattern"), f"not a regular expression ({exc})")
    for key in ("min_date", "max_date"):
        if key in f and (not isinstance(f[key], str) or not RELATIVE_DATE.match(f[key])):
            p.add(_join(path, key), "must be 'today', 'today-18y', 'today-6m', 'today+90d' …")
    if ftype in (FieldType.CHOICE, FieldType.MULTI_CHOICE):
        choices = f.get("choices")
        if not isinstance(choices, list) or len(choices) < 2:
            p.add(_join(path, "choices"), "at least two choices needed")
            return
        values: set[str] = set()
        for k, c in enumerate(choices):
            cpath = f"{path}.choices[{k}]"
            if not isinstance(c, Mapping):
                p.add(cpath, "must be a table {value, label}")
                continue
            _keys(c, {"value": True, "label": True}, cpath, p)
            v = c.get("value")
            if isinstance(v, str) and _slug(v, _join(cpath, "value"), p):
                if v in values:
                    p.add(_join(cpath, "value"), f"duplicate choice {v!r}")
                values.add(v)
            if "label" in c:
                _text(c["label"], _join(cpath, "label"), p)


def _condition(c: Any, earlier: Mapping[str, Mapping[str, Any]], path: str, p: _Problems) -> None:
    if not isinstance(c, Mapping):
        p.add(path, "must be a table {field, equals | one_of | includes}")
        return
    _keys(c, {"field": True, "equals": False, "one_of": False, "includes": False}, path, p)
    tests = [k for k in ("equals", "one_of", "includes") if k in c]
    if len(tests) != 1:
        p.add(path, "needs exactly one of equals, one_of, includes")
        return
    field_id: Any = c.get("field")
    target = earlier.get(field_id)
    if target is None:
        p.add(_join(path, "field"), f"{c.get('field')!r} is not an earlier field")
        return
    ttype = target.get("type")
    values: set[Any] = {ch.get("value") for ch in target.get("choices", []) if isinstance(ch, Mapping)}
    test, arg = tests[0], c[tests[0]]
    if ttype == FieldType.YES_NO.value:
        if test != "equals" or not isinstance(arg, bool):
            p.add(_join(path, test), "a yes_no field is tested with equals = true|false")
    elif ttype == FieldType.CHOICE.value:
        wanted = [arg] if test == "equals" else arg if test == "one_of" else None
        if wanted is None or not isinstance(wanted, list) or not set(wanted) <= values:
            p.add(_join(path, test), f"must name choices of {c['field']!r} (equals or one_of)")
    elif ttype == FieldType.MULTI_CHOICE.value:
        if test != "includes" or arg not in values:
            p.add(_join(path, test), f"a multi_choice is tested with includes = one of {sorted(values)}")
    else:
        p.add(_join(path, "field"), "conditions may test choice, multi_choice or yes_no fields only")


def _summary(value: Any, fields: Mapping[str, Mapping[str, Any]], p: _Problems) -> None:
    if not isinstance(value, list):
        p.add("summary", "must be a list of field ids")
        return
    for i, fid in enumerate(value):
        f = fields.get(fid)
        if f is None:
            p.add(f"summary[{i}]", f"unknown field {fid!r}")
            continue
        if f.get("type") in {t.value for t in NOT_ON_RECEIPT} or "privacy" in f:
            p.add(f"summary[{i}]", f"{fid!r} is personal data and cannot be on a receipt")


def validate_situations(d: Any) -> list[str]:
    """Problems in the life-situations file ({situation = [{id, title, description, order}]})."""
    p = _Problems()
    if not isinstance(d, Mapping):
        return ["must be a table"]
    _keys(d, {"situation": True}, "", p)
    items = d.get("situation", [])
    if not isinstance(items, list) or not items:
        p.add("situation", "must be a non-empty list")
        return p.items
    ids: set[str] = set()
    for i, s in enumerate(items):
        path = f"situation[{i}]"
        if not isinstance(s, Mapping):
            p.add(path, "must be a table")
            continue
        _keys(s, {"id": True, "title": True, "description": True, "order": False}, path, p)
        if "id" in s and _slug(s["id"], _join(path, "id"), p):
            if s["id"] in ids:
                p.add(_join(path, "id"), f"duplicate {s['id']!r}")
            ids.add(s["id"])
        for key in ("title", "description"):
            if key in s:
                _text(s[key], _join(path, key), p)
        if "order" in s:
            _int(s["order"], _join(path, "order"), p)
    return p.items
