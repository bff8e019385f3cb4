"""Typed, immutable service definitions built from validated data files.

The data files (``config/services/*.toml``) are checked by :mod:`wire.services.schema` first;
the constructors here assume a valid dict and only convert it, so every problem is reported by
the schema with its file and key path rather than as a ``KeyError`` here.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class FieldType(enum.Enum):
    TEXT = "text"
    MULTILINE = "multiline"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    YES_NO = "yes_no"
    ADDRESS = "address"
    PHONE = "phone"
    EMAIL = "email"
    PERSONAL_CODE = "personal_code"
    CONSENT = "consent"


class IdentitySource(enum.Enum):
    """What the verified identity (the eID certificate, confirmed by the gateway) can fill in."""

    GIVEN_NAME = "given_name"
    SURNAME = "surname"
    PERSONAL_CODE = "personal_code"


class Privacy(enum.Enum):
    """Special categories: never on a receipt, never spoken without headphones."""

    HEALTH = "health"
    MONEY = "money"


@dataclass(frozen=True)
class LocalText:
    """One text in both kiosk languages; Latvian is the first language."""

    lv: str
    en: str

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.lv

    @classmethod
    def from_dict(cls, d: Mapping[str, str]) -> LocalText:
        return cls(lv=d["lv"], en=d["en"])


def _opt_text(d: Mapping[str, Any], key: str) -> LocalText | None:
    return LocalText.from_dict(d[key]) if key in d else None


@dataclass(frozen=True)
class Condition:
    """Show a step or field only when an earlier answer matches.

    Exactly one of ``equals`` (choice / yes_no value), ``one_of`` (choice values) or
    ``includes`` (a multi_choice value) is set.
    """

    field: str
    equals: str | bool | None = None
    one_of: tuple[str, ...] | None = None
    includes: str | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Condition:
        one_of = d.get("one_of")
        return cls(
            field=d["field"],
            equals=d.get("equals"),
            one_of=tuple(one_of) if one_of is not None else None,
            includes=d.get("includes"),
        )

    def holds(self, value: Any) -> bool:
        if value is None:
            return False
        if self.equals is not None:
            return bool(value == self.equals)
        if self.one_of is not None:
            return value in self.one_of
        if self.includes is not None:
            return isinstance(value, tuple | list) and self.includes in value
        return False


@dataclass(frozen=True)
class Choice:
    value: str
    label: LocalText

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Choice:
        return cls(value=d["value"], label=LocalText.from_dict(d["label"]))


@dataclass(frozen=True)
class Field:
    """One question. Limits that do not apply to the type stay ``None``."""

    id: str
    type: FieldType
    label: LocalText
    help: LocalText | None = None
    required: bool = True
    when: Condition | None = None
    prefill: IdentitySource | None = None
    locked: bool = False
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    pattern_hint: LocalText | None = None
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    unit: LocalText | None = None
    receipt_label: LocalText | None = None  # short label on the receipt (the label is the question)
    min_date: str | None = None
    max_date: str | None = None
    choices: tuple[Choice, ...] = ()
    min_choices: int | None = None
    max_choices: int | None = None
    privacy: Privacy | None = None
    # The definition's own words for a problem, by validation code ("required", "invalid_date", …):
    # "Select whose place of residence you are declaring" says more than "This field is required".
    errors: tuple[tuple[str, LocalText], ...] = ()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Field:
        ftype = FieldType(d["type"])
        return cls(
            id=d["id"],
            type=ftype,
            label=LocalText.from_dict(d["label"]),
            help=_opt_text(d, "help"),
            required=True if ftype is FieldType.CONSENT else bool(d.get("required", True)),
            when=Condition.from_dict(d["when"]) if "when" in d else None,
            prefill=IdentitySource(d["prefill"]) if "prefill" in d else None,
            locked=bool(d.get("locked", "prefill" in d)),
            min_length=d.get("min_length"),
            max_length=d.get("max_length"),
            pattern=d.get("pattern"),
            pattern_hint=_opt_text(d, "pattern_hint"),
            minimum=d.get("min"),
            maximum=d.get("max"),
            integer=bool(d.get("integer", False)),
            unit=_opt_text(d, "unit"),
            receipt_label=_opt_text(d, "receipt_label"),
            min_date=d.get("min_date"),
            max_date=d.get("max_date"),
            choices=tuple(Choice.from_dict(c) for c in d.get("choices", ())),
            min_choices=d.get("min_choices"),
            max_choices=d.get("max_choices"),
            privacy=Privacy(d["privacy"]) if "privacy" in d else None,
            errors=tuple((code, LocalText.from_dict(text)) for code, text in d.get("errors", {}).items()),
        )

    def error_text(self, code: str) -> LocalText | None:
        """The definition's words for the problem ``code`` on this field, if it has its own."""
        for known, text in self.errors:
            if known == code:
                return text
        return None

    def choice_label(self, value: str, language: str) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label.get(language)
        return value


@dataclass(frozen=True)
class Step:
    id: str
    title: LocalText
    fields: tuple[Field, ...]
    help: LocalText | None = None
    when: Condition | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Step:
        return cls(
            id=d["id"],
            title=LocalText.from_dict(d["title"]),
            fields=tuple(Field.from_dict(f) for f in d["fields"]),
            help=_opt_text(d, "help"),
            when=Condition.from_dict(d["when"]) if "when" in d else None,
        )


@dataclass(frozen=True)
class LifeSituation:
    id: str
    title: LocalText
    description: LocalText
    order: int = 0

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> LifeSituation:
        return cls(
            id=d["id"],
            title=LocalText.from_dict(d["title"]),
            description=LocalText.from_dict(d["description"]),
            order=int(d.get("order", 0)),
        )


@dataclass(frozen=True)
class ServiceDefinition:
    """One e-service: what it is, who handles it, and its form (a model of the real one)."""

    id: str
    version: int
    institution: LocalText
    life_situations: tuple[str, ...]
    title: LocalText
    description: LocalText
    model_note: LocalText
    before_you_start: tuple[LocalText, ...]
    processing_time: LocalText
    official_url: str
    keywords_lv: tuple[str, ...]
    keywords_en: tuple[str, ...]
    steps: tuple[Step, ...]
    summary: tuple[str, ...]
    what_next: LocalText | None = None  # the confirmation page's "What happens next" (processing_time if absent)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ServiceDefinition:
        keywords = d.get("keywords", {})
        return cls(
            id=d["id"],
            version=int(d["version"]),
            institution=LocalText.from_dict(d["institution"]),
            life_situations=tuple(d["life_situations"]),
            title=LocalText.from_dict(d["title"]),
            description=LocalText.from_dict(d["description"]),
            model_note=LocalText.from_dict(d["model_note"]),
            before_you_start=tuple(LocalText.from_dict(t) for t in d.get("before_you_start", ())),
            processing_time=LocalText.from_dict(d["processing_time"]),
            official_url=d["official_url"],
            keywords_lv=tuple(keywords.get("lv", ())),
            keywords_en=tuple(keywords.get("en", ())),
            steps=tuple(Step.from_dict(s) for s in d["steps"]),
            summary=tuple(d.get("summary", ())),
            what_next=LocalText.from_dict(d["what_next"]) if "what_next" in d else None,
        )

    def fields(self) -> tuple[Field, ...]:
        return tuple(f for step in self.steps for f in step.fields)

    def field(self, field_id: str) -> Field:
        for f in self.fields():
            if f.id == field_id:
                return f
        raise KeyError(field_id)
