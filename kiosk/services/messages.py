"""Validation messages: a stable code plus the text in Latvian and English.

The texts are data here (not gettext) because the form engine is pure and returns both
languages at once; the UI shows the one in use and TTS reads it. Parameters such as ``{min}``
are filled in by :func:`message`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    code: str
    lv: str
    en: str

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.lv


TEMPLATES: dict[str, tuple[str, str]] = {
    "required": ("Atbildiet uz šo jautājumu.", "Answer this question."),
    "invalid_value": ("Šo vērtību nevar pieņemt.", "This value cannot be accepted."),
    "too_short": ("Par īsu: vajag vismaz {min} rakstz.", "Too short: at least {min} characters."),
    "too_long": ("Par garu: ne vairāk kā {max} rakstz.", "Too long: at most {max} characters."),
    "single_line": ("Rakstiet vienā rindā.", "Please write on one line."),
    "pattern": ("Nepareizs formāts.", "The format is not right."),
    "not_a_number": ("Ierakstiet skaitli.", "Please enter a number."),
    "not_integer": ("Ierakstiet veselu skaitli.", "Please enter a whole number."),
    "too_small": ("Skaitlim jābūt vismaz {min}.", "The number must be at least {min}."),
    "too_large": ("Skaitlim jābūt ne lielākam par {max}.", "The number must be at most {max}."),
    "invalid_date": (
        "Šāda datuma nav: pārbaudiet dienu un mēnesi.", "There is no such date: check the day and the month.",
    ),
    "date_day": ("Dienai jābūt skaitlim no 1 līdz 31.", "The day must be a number from 1 to 31."),
    "date_month": ("Mēnesim jābūt skaitlim no 1 līdz 12.", "The month must be a number from 1 to 12."),
    "date_year": ("Gadam jābūt četriem cipariem, piemēram, 2026.", "The year must have four digits, e.g. 2026."),
    "date_too_early": ("Datums nevar būt agrāks par {min}.", "The date cannot be before {min}."),
    "date_too_late": ("Datums nevar būt vēlāks par {max}.", "The date cannot be after {max}."),
    "invalid_choice": ("Izvēlieties vienu no piedāvātajām iespējām.", "Please pick one of the options."),
    "too_few_choices": ("Izvēlieties vismaz {min}.", "Please pick at least {min}."),
    "too_many_choices": ("Izvēlieties ne vairāk kā {max}.", "Please pick at most {max}."),
    "invalid_yes_no": ("Atbildiet “Jā” vai “Nē”.", "Please answer “Yes” or “No”."),
    "address_street": (
        "Ierakstiet ielu un mājas numuru vai mājas nosaukumu.",
        "Please enter the street and house number or the house name.",
    ),
    "address_city": (
        "Ierakstiet pilsētu vai pagastu un novadu.", "Please enter the town, or the parish and municipality.",
    ),
    "address_postcode": ("Pasta indekss ir formātā LV-1234.", "The postcode looks like LV-1234."),
    "invalid_phone": (
        "Ierakstiet tālruņa numuru, piemēram, 20000000 vai +371 20000000.",
        "Please enter a phone number, e.g. 20000000 or +371 20000000.",
    ),
    "invalid_email": (
        "Ierakstiet e-pasta adresi, piemēram, vards@example.lv.",
        "Please enter an e-mail address, e.g. name@example.lv.",
    ),
    "personal_code_shape": (
        "Personas kodam ir 11 cipari: 000000-00000.",
        "A personal code has 11 digits: 000000-00000.",
    ),
    "personal_code_date": (
        "Personas koda pirmie seši cipari neveido derīgu datumu.",
        "The first six digits of the personal code are not a valid date.",
    ),
    "personal_code_check_digit": (
        "Personas kodā ir kļūda (nesakrīt kontrolcipars). Pārbaudiet ciparus.",
        "The personal code has a mistake (the check digit does not match). Please check the digits.",
    ),
    "consent_required": (
        "Lai turpinātu, jums ir jāapliecina šis punkts.",
        "To continue, you need to confirm this.",
    ),
}


def message(code: str, **params: object) -> Message:
    lv, en = TEMPLATES[code]
    return Message(code=code, lv=lv.format(**params), en=en.format(**params))
