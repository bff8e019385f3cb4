"""ESC/POS emulator: byte-level interpreter, PNG/text rendering, emulated printer with faults,
TCP 9100 and pseudo-terminal servers."""

from drivers.printer.emulator.interpreter import EscposInterpreter, TruncatedCommand
from drivers.printer.emulator.printer import EmulatedJob, EmulatedPrinter, InProcessTransport

__all__ = ["EmulatedJob", "EmulatedPrinter", "EscposInterpreter", "InProcessTransport", "TruncatedCommand"]
