"""hypothesis: parsers and the driver only ever raise classified errors, whatever the card says.

Example counts default to CI strength (≥10,000 for the parsers and card answers); set
PIETURA_FUZZ_EXAMPLES to change them.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.smartcard import pkcs15
from drivers.smartcard.apdu import Response
from drivers.smartcard.cards import ATR_EE_SEID, ATR_LV_SEID, open_eid, parse_tries_left
from drivers.smartcard.emulator import EmulatedCard
from drivers.smartcard.emulator.filesystem import build_files
from drivers.smartcard.errors import CardError
from drivers.smartcard.tlv import parse_all

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("PIETURA_FUZZ_EXAMPLES", "10000"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])


PARSERS = (pkcs15.fcp_file_size, pkcs15.od_entries, pkcs15.certificate_path, pkcs15.private_key,
           parse_tries_left, parse_all)


@FUZZ
@given(data=st.binary(max_size=300))
def test_parsers_raise_only_classified_errors(data):
    for parse in PARSERS:
        try:
            parse(data)
        except CardError:
            pass


def _real_files() -> list[bytes]:
    from drivers.smartcard.emulator import make_pki

    pki = make_pki(variant="lv-ec")
    return [content for content in build_files("lv-ec", pki).values() if 0 < len(content) < 400]


REAL = _real_files()


@FUZZ
@given(index=st.integers(0, len(REAL) - 1), flips=st.lists(st.tuples(st.integers(0, 399), st.integers(1, 255)),
                                                           min_size=1, max_size=4),
       cut=st.integers(0, 400))
def test_mutated_real_files_raise_only_classified_errors(index, flips, cut):
    data = bytearray(REAL[index])
    for pos, xor in flips:
        data[pos % len(data)] ^= xor
    data = bytes(data[: max(1, cut)])
    for parse in PARSERS:
        try:
            parse(data)
        except CardError:
            pass


class MutatingTransport:
    """A real emulated card whose answers are damaged according to a hypothesis plan."""

    def __init__(self, card: EmulatedCard, plan: dict[int, tuple[int, int, int]], atr: bytes) -> None:
        self.card = card
        self.plan = plan
        self.atr = atr
        self.count = 0

    def transmit(self, apdu: bytes, timeout: float = 5.0) -> Response:
        self.count += 1
        raw = bytearray(self.card.process(apdu))
        action = self.plan.get(self.count)
        if action is not None:
            kind, pos, value = action
            if kind == 0 and raw:
                raw[pos % len(raw)] ^= value or 1
            elif kind == 1:
                raw = raw[: pos % (len(raw) + 1)]
            elif kind == 2:
                raw[-2:] = bytes([value, pos & 0xFF])
        return Response.from_raw(bytes(raw))

    def close(self, reset: bool = True) -> None:
        self.card.power_off()


CARD_PKIS: dict[str, object] = {}


def _card(variant: str) -> EmulatedCard:
    from drivers.smartcard.emulator import make_pki

    if variant not in CARD_PKIS:
        CARD_PKIS[variant] = make_pki(variant=variant)
    return EmulatedCard(variant, pki=CARD_PKIS[variant])  # type: ignore[arg-type]


@FUZZ
@given(variant=st.sampled_from(["lv-ec", "ee-2018"]),
       plan=st.dictionaries(st.integers(1, 24), st.tuples(st.integers(0, 2), st.integers(0, 300), st.integers(0, 255)),
                            min_size=1, max_size=3),
       pin=st.sampled_from([b"1234", b"0000"]))
def test_damaged_card_answers_raise_only_classified_errors(variant, plan, pin):
    atr = ATR_EE_SEID if variant == "ee-2018" else ATR_LV_SEID
    transport = MutatingTransport(_card(variant), plan, atr)
    try:
        card = open_eid(transport)
        card.read_identity()
        card.pin_tries_left("pin1")
        digest = bytes(48) if card.auth_algorithm == "ES384" else bytes(32)
        card.authenticate(bytearray(pin), digest)
    except CardError:
        pass
