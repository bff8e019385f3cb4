"""Look for a person's data in logs and files: plain UTF-8, UTF-16, hex and base64.

Used after a whole journey: the kiosk side must have written nothing of the citizen anywhere
(the gateway's database is the system of record and is excluded by the caller; the outbox
passes because it is sealed).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from pathlib import Path


def encodings(secret: bytes | str) -> dict[str, bytes]:
    """Every form in which ``secret`` could leak; base64 in all three alignments."""
    raw = secret.encode("utf-8") if isinstance(secret, str) else secret
    forms = {"utf8": raw, "hex": raw.hex().encode(), "HEX": raw.hex().upper().encode()}
    if isinstance(secret, str):
        forms["utf16le"] = secret.encode("utf-16-le")
        forms["utf16be"] = secret.encode("utf-16-be")
    for shift in range(3):
        chunk = base64.b64encode(raw[shift:])
        usable = chunk[: (len(chunk) // 4 - 1) * 4]  # drop the tail that depends on what follows
        if len(usable) >= 8:
            forms[f"base64+{shift}"] = usable
            forms[f"base64url+{shift}"] = base64.urlsafe_b64encode(raw[shift:])[: len(usable)]
    return forms


def scan(blobs: Iterable[tuple[str, bytes]], secrets: dict[str, bytes | str]) -> list[str]:
    """``where: which secret as which encoding`` for every hit."""
    needles = {(name, form): value for name, secret in secrets.items() for form, value in encodings(secret).items()}
    hits = []
    for where, blob in blobs:
        for (name, form), needle in needles.items():
            if needle and needle in blob:
                hits.append(f"{where}: {name} as {form}")
    return hits


def files_under(root: Path, exclude: Iterable[Path] = ()) -> list[tuple[str, bytes]]:
    excluded = [p.resolve() for p in exclude]
    out = []
    for path in sorted(root.rglob("*")):
        resolved = path.resolve()
        if not path.is_file() or any(resolved == e or e in resolved.parents for e in excluded):
            continue
        out.append((str(path), path.read_bytes()))
    return out


def citizen_secrets(pin: str, certificate: bytes, street: str, city: str) -> dict[str, bytes | str]:
    """What must never be found after the demo citizen's journey (the emulator's demo card holder)."""
    from drivers.smartcard.emulator import DEMO_CITIZEN

    code = DEMO_CITIZEN.personal_code
    return {
        "given name": DEMO_CITIZEN.given_name, "surname": DEMO_CITIZEN.surname,
        "given name (title case)": DEMO_CITIZEN.given_name.title(),
        "surname (title case)": DEMO_CITIZEN.surname.title(),
        "personal code": code, "personal code digits": code.replace("-", ""), "PIN": pin,
        "certificate": certificate[40:200], "street": street, "street (folded)": "Lacplesa iela",
        "city+street": f"{street}, {city}",
    }


def staff_secrets() -> dict[str, bytes | str]:
    """The demo librarian: identified at the gateway only (keyed hash), never in the kiosk's log or files."""
    from drivers.smartcard.emulator import DEMO_STAFF

    code = DEMO_STAFF.personal_code
    return {"staff given name": DEMO_STAFF.given_name, "staff surname": DEMO_STAFF.surname,
            "staff surname (title case)": DEMO_STAFF.surname.title(),
            "staff personal code": code, "staff code digits": code.replace("-", "")}


def principal_secrets(given_name: str, surname: str, personal_code: str) -> dict[str, bytes | str]:
    """A citizen staff submit for (no card, typed in): sealed in the outbox, never in logs or files."""
    return {"principal given name": given_name, "principal surname": surname,
            "principal surname (upper)": surname.upper(), "principal personal code": personal_code,
            "principal code digits": personal_code.replace("-", "")}
