"""Demo card holders and PINs for the emulator (invented people, valid-looking codes)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CardHolder:
    """The person an emulated card is issued to."""

    given_name: str
    surname: str
    personal_code: str
    country: str = "LV"

    def __repr__(self) -> str:  # keep demo data out of logs by habit, like real data
        return f"CardHolder(country={self.country!r})"


#: Citizen on the demo card: old-format code (birth date 15.03.1985) with a correct check digit.
DEMO_CITIZEN = CardHolder("JĀNIS", "BĒRZIŅŠ", "150385-12346")
#: Library staff member ("digital agent") on a second demo card.
DEMO_STAFF = CardHolder("ILZE", "OZOLA", "070482-11230")
#: Holder of the Estonian (ee-2018) variant.
DEMO_CITIZEN_EE = CardHolder("MARI-LIIS", "MÄNNIK", "47101010033", country="EE")

DEMO_PIN1 = "1234"
DEMO_PIN2 = "12345"
DEMO_PUK = "12345678"
