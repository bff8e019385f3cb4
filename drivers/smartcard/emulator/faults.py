"""Named faults an emulated card can be told to show (cf. OctoPrint's virtual printer triggers)."""

from __future__ import annotations

from dataclasses import dataclass


class CardPulled(Exception):
    """Raised by :meth:`EmulatedCard.process` when the card leaves the reader mid-command.

    The command has been processed (a PIN try may be counted) but the answer is lost.
    """


class CardMuted(Exception):
    """The card gives no answer (and no ATR)."""


class CardAnswerLate(Exception):
    """Raised by :meth:`EmulatedCard.process`: the command was carried out (a PIN try counted, a
    PIN changed) and ``answer`` arrives ``seconds`` late; the transport decides what the host sees."""

    def __init__(self, answer: bytes, seconds: float) -> None:
        super().__init__(f"answer {seconds:.1f} s late")
        self.answer = answer
        self.seconds = seconds


HOSTILE = ("cert-size", "cdf-path")
#: What a faulty signing applet does with PSO:COMPUTE DIGITAL SIGNATURE: ``"error"`` answers 6F00 (no
#: precise diagnosis; the PIN2 verification is used up, as on a real QSCD), ``"wrong"`` returns a
#: well-formed signature made with another key (the host must notice it does not verify).
SIGN_FAULTS = ("error", "wrong")


@dataclass(frozen=True)
class CardFaults:
    """``pull_after=N``: the N-th APDU is processed, then the card is gone before it answers.
    ``mute``: no ATR. ``delay``: seconds per APDU. ``t0``: answers data with 61xx (and 6Cxx on a
    wrong Le). ``corrupt_at=N``: the N-th answer has a damaged byte. ``late_ins=INS``: the first
    command with that instruction byte is carried out, then its answer comes ``late_s`` seconds late —
    past the host's timeout, a transport error although the card did the work (e.g. 0x24, a PIN change).
    ``sw_ins=INS, sw=SW``: every command with that instruction byte is carried out, then answered with
    the status word ``sw`` alone (e.g. VERIFY answered 6C01, a T=0 "wrong Le" the host must not obey
    by sending the PIN again). ``hostile``: the card's data is hostile — ``"cert-size"``: the auth
    certificate's FCP claims 0x9000 bytes (past READ BINARY's 0x7FFF offsets); ``"cdf-path"``: the
    CDF points to the certificate by a 300-byte path. ``pin2_tries=N``: the card starts with N PIN2 tries
    left (0: PIN2 blocked). ``sign``: the signing applet fails, one of :data:`SIGN_FAULTS`."""

    pull_after: int | None = None
    mute: bool = False
    delay: float = 0.0
    t0: bool = False
    corrupt_at: int | None = None
    late_ins: int | None = None
    late_s: float = 3.0
    sw_ins: int | None = None
    sw: int = 0x6C01
    hostile: str | None = None
    pin2_tries: int | None = None
    sign: str | None = None

    @classmethod
    def parse(cls, spec: str) -> CardFaults:
        """``"pull-after=5,slow=0.2,t0,corrupt=3,mute,late=24:3,sw=20:6C01,pin2-tries=1,sign=error"`` →
        CardFaults (for the command line); ``pin2-blocked`` is ``pin2-tries=0``."""
        values: dict[str, object] = {}
        for item in filter(None, (part.strip() for part in spec.split(","))):
            name, _, arg = item.partition("=")
            if name == "pull-after":
                values["pull_after"] = int(arg)
            elif name == "mute":
                values["mute"] = True
            elif name == "slow":
                values["delay"] = float(arg or "0.5")
            elif name == "t0":
                values["t0"] = True
            elif name == "corrupt":
                values["corrupt_at"] = int(arg)
            elif name == "late":
                ins, _, seconds = arg.partition(":")
                values["late_ins"] = int(ins, 16)
                if seconds:
                    values["late_s"] = float(seconds)
            elif name == "sw":
                ins, _, word = arg.partition(":")
                values["sw_ins"] = int(ins, 16)
                if word:
                    values["sw"] = int(word, 16)
            elif name == "hostile" and arg in HOSTILE:
                values["hostile"] = arg
            elif name == "pin2-tries" and arg.isdigit() and int(arg) <= 3:
                values["pin2_tries"] = int(arg)
            elif name == "pin2-blocked":
                values["pin2_tries"] = 0
            elif name == "sign" and arg in SIGN_FAULTS:
                values["sign"] = arg
            else:
                raise ValueError(f"unknown fault {name!r} "
                                 "(pull-after=N, mute, slow=S, t0, corrupt=N, late=INS[:S], sw=INS[:SW], "
                                 "hostile=cert-size|cdf-path, pin2-tries=N, pin2-blocked, sign=error|wrong)")
        return cls(**values)  # type: ignore[arg-type]


NO_FAULTS = CardFaults()
