"""The e-asistents authorisation as a form for the pure form engine.

Before staff fill an e-service for a citizen they record who the citizen is and the written
authorisation the citizen signed: given name, surname, personal code (check digit for old codes,
structure for new ``3[2-9]…`` ones), the authorisation's number, date and scope (one service of the
catalogue), and that they checked the citizen's identity document. Every field is required; the
engine's validation messages (Latvian and English) explain what is wrong. Built from the catalogue
so the scope can only be a service this kiosk offers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from kiosk.backend.envelope import ProxyBlock
from wire.services.model import Choice, Field, FieldType, LocalText, ServiceDefinition, Step

FORM_ID = "proxy-authorisation"
# A written authorisation older than this is refused: a citizen signs it for the visit at hand.
OLDEST_AUTHORISATION = "today-1y"
NAME_PATTERN = r"[^\W\d_]+(?:[ '’-][^\W\d_]+)*"
# Letters, digits, space, dot, slash, hyphen; never something shaped like a personal code (receipts
# print the number, and a receipt refuses anything that looks like one).
AUTHORISATION_PATTERN = r"(?!.*\d{6}\s*-?\s*\d{5})[A-Za-z0-9][A-Za-z0-9 ./-]{1,39}"


def _t(lv: str, en: str) -> LocalText:
    return LocalText(lv, en)


NAME_HINT = _t("Tikai burti; vārdu daļas var atdalīt ar atstarpi, defisi vai apostrofu.",
               "Letters only; parts may be separated by a space, hyphen or apostrophe.")


def authorisation_form(catalogue: Any) -> ServiceDefinition:
    """The authorisation form; the scope's choices are the catalogue's services."""
    services = sorted(catalogue.all(), key=lambda d: d.title.lv)
    citizen = Step("citizen", _t("Iedzīvotājs, kura vārdā iesniedzat", "The citizen you submit for"), (
        Field("given_name", FieldType.TEXT, _t("Vārds", "Given name"), max_length=60, pattern=NAME_PATTERN,
              pattern_hint=NAME_HINT),
        Field("surname", FieldType.TEXT, _t("Uzvārds", "Surname"), max_length=60, pattern=NAME_PATTERN,
              pattern_hint=NAME_HINT),
        Field("personal_code", FieldType.PERSONAL_CODE, _t("Personas kods", "Personal code"),
              help=_t("11 cipari: 000000-00000.", "11 digits: 000000-00000.")),
    ), help=_t("Ierakstiet datus tieši tā, kā tie ir iedzīvotāja personu apliecinošajā dokumentā.",
               "Type the details exactly as they are on the citizen's identity document."))
    authorisation = Step("authorisation", _t("Rakstiskais pilnvarojums", "The written authorisation"), (
        Field("authorisation_number", FieldType.TEXT, _t("Pilnvarojuma numurs", "Authorisation number"),
              max_length=40, pattern=AUTHORISATION_PATTERN,
              pattern_hint=_t("2–40 zīmes: burti, cipari, atstarpe, punkts, slīpsvītra vai defise; "
                              "ne personas kods.",
                              "2–40 characters: letters, digits, space, dot, slash or hyphen; "
                              "not a personal code.")),
        Field("authorised_on", FieldType.DATE, _t("Pilnvarojuma datums", "Date of the authorisation"),
              help=_t("Ne nākotnē un ne senāk par vienu gadu.", "Not in the future and not more than a year ago."),
              min_date=OLDEST_AUTHORISATION, max_date="today"),
    ))
    scope = Step("scope", _t("Pakalpojums, kuram dots pilnvarojums", "The service the authorisation covers"), (
        Field("scope", FieldType.CHOICE, _t("Pakalpojums", "Service"),
              choices=tuple(Choice(d.id, d.title) for d in services)),
    ), help=_t("Izvēlieties tieši to pakalpojumu, kas ierakstīts pilnvarojumā.",
               "Choose exactly the service written in the authorisation."))
    check = Step("identity_check", _t("Personas pārbaude", "Identity check"), (
        Field("identity_checked", FieldType.CONSENT,
              _t("Es pārbaudīju iedzīvotāja personu apliecinošo dokumentu (pasi vai eID karti), un dati sakrīt.",
                 "I checked the citizen's identity document (passport or eID card) and the details match.")),
    ))
    return ServiceDefinition(
        id=FORM_ID, version=1, institution=_t("Bibliotēka", "Library"), life_situations=(),
        title=_t("Iesniegšana iedzīvotāja vārdā", "Submitting for a citizen"),
        description=_t("E-asistenta pilnvarojums", "e-asistents authorisation"), model_note=_t("", ""),
        before_you_start=(), processing_time=_t("", ""), official_url="", keywords_lv=(), keywords_en=(),
        steps=(citizen, authorisation, scope, check), summary=(),
    )


def authorisation_number(text: str) -> str:
    """One spelling per number: single spaces, capitals (``ea 17/2026`` → ``EA 17/2026``)."""
    return re.sub(r"\s+", " ", text).strip().upper()


def proxy_block(answers: Mapping[str, Any]) -> ProxyBlock:
    """The validated answers as the envelope's proxy block (names as typed, code normalised)."""
    return ProxyBlock(
        authorisation_ref=authorisation_number(str(answers["authorisation_number"])),
        authorised_on=dt.date.fromisoformat(str(answers["authorised_on"])).isoformat(),
        scope=str(answers["scope"]),
        given_name=" ".join(str(answers["given_name"]).split()),
        surname=" ".join(str(answers["surname"]).split()),
        personal_code=str(answers["personal_code"]),
    )
