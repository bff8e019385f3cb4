"""Speech output through espeak-ng, in the session's language (EN 301 549 5.1.3).

Why a port of its own: speech must be interruptible (a new utterance or ``stop()`` kills the running
one), repeatable (``repeat()`` says the last screen text again), must never say a PIN digit or a
personal code (``say_digit_entered`` is the only thing the PIN pad speaks, and ``speak`` drops
anything shaped like a personal code), and must reset the volume after each session.

``render_wav`` writes the same speech to a WAV file, so tests can check real audio, not a log line.
Processes are started with a timeout for rendering and killed on ``stop``; nothing here imports Kivy.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from drivers.errors import Action, PieturaError

VOICES = {"lv": "lv", "en": "en-gb"}
DEFAULT_RATE = 150  # words per minute; slower than espeak's 175 for first-time users
DEFAULT_AMPLITUDE = 100  # espeak-ng -a 0..200; 100 is its own default
MAX_AMPLITUDE = 180
RENDER_TIMEOUT_S = 20.0

# Personal codes (old: DDMMYY-NNNNN, new: 32xxxx-xxxxx) and any run of 4+ digits that could be one.
_PERSONAL_CODE = re.compile(r"\b\d{6}-?\d{5}\b")
DIGIT_ENTERED = {"lv": "Cipars ievadīts", "en": "Digit entered"}


class SpeechError(PieturaError):
    """espeak-ng missing or failing; the UI keeps working without speech."""

    action = Action.CALL_STAFF


def _speech_error(code: str, message: str) -> SpeechError:
    return SpeechError(code, message)


def scrub(text: str) -> str:
    """Remove anything shaped like a personal code before it reaches a speaker."""
    return _PERSONAL_CODE.sub("", text)


@dataclass
class SpeechSettings:
    rate: int = DEFAULT_RATE
    amplitude: int = DEFAULT_AMPLITUDE


class Speech:
    """espeak-ng speech: ``speak``/``stop``/``repeat``, plus WAV rendering for tests.

    ``popen`` is injectable so unit tests can see the command line without a sound card; the default
    plays through espeak-ng's own audio output.
    """

    def __init__(
        self,
        executable: str = "espeak-ng",
        settings: SpeechSettings | None = None,
        popen: Callable[..., subprocess.Popen[bytes]] = subprocess.Popen,
    ) -> None:
        self.executable = executable
        self.settings = settings or SpeechSettings()
        self._defaults = SpeechSettings(self.settings.rate, self.settings.amplitude)
        self._popen = popen
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self.last: tuple[str, str] | None = None

    # -- commands ---------------------------------------------------------------------------------
    def command(self, text: str, language: str, wav: Path | None = None) -> list[str]:
        voice = VOICES.get(language, language)
        cmd = [self.executable, "-v", voice, "-s", str(self.settings.rate), "-a", str(self.settings.amplitude)]
        if wav is not None:
            cmd += ["-w", str(wav)]
        return [*cmd, "--", scrub(text)]

    def available(self) -> bool:
        return shutil.which(self.executable) is not None

    # -- speaking ---------------------------------------------------------------------------------
    def speak(self, text: str, language: str) -> None:
        """Stop whatever is being said and say ``text`` (5.1.3.5: new speech stops the old)."""
        text = scrub(text).strip()
        self.stop()
        if not text:
            return
        self.last = (text, language)
        try:
            proc = self._popen(
                self.command(text, language), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            raise _speech_error("speech_unavailable", f"cannot start {self.executable}: {exc.strerror}") from None
        with self._lock:
            self._proc = proc

    def say_digit_entered(self, language: str) -> None:
        """The only feedback the PIN pad gives through the speaker; never the digit (5.1.3.8)."""
        saved = self.last
        self.speak(DIGIT_ENTERED.get(language, DIGIT_ENTERED["en"]), language)
        self.last = saved  # "repeat" still repeats the screen, not the beep-word

    def stop(self) -> None:
        with self._lock:
            proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=1.0)

    def repeat(self) -> None:
        if self.last is not None:
            self.speak(*self.last)

    def speaking(self) -> bool:
        with self._lock:
            return self._proc is not None and self._proc.poll() is None

    # -- volume -----------------------------------------------------------------------------------
    def louder(self, step: int = 20) -> None:
        self.settings.amplitude = min(MAX_AMPLITUDE, self.settings.amplitude + step)

    def reset(self) -> None:
        """Session end: silence, forget the last text, volume and rate back to defaults (5.1.3.13)."""
        self.stop()
        self.last = None
        self.settings.rate = self._defaults.rate
        self.settings.amplitude = self._defaults.amplitude

    # -- rendering (tests, previews) --------------------------------------------------------------
    def render_wav(self, text: str, language: str, path: Path) -> Path:
        """Write the speech for ``text`` to a WAV file, exactly as ``speak`` would say it."""
        path = Path(path)
        try:
            subprocess.run(
                self.command(text, language, wav=path), check=True, timeout=RENDER_TIMEOUT_S,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )
        except FileNotFoundError:
            raise _speech_error("speech_unavailable", f"{self.executable} not installed") from None
        except subprocess.TimeoutExpired:
            raise _speech_error("speech_timeout", "speech rendering timed out") from None
        except subprocess.CalledProcessError as exc:
            raise _speech_error("speech_failed", f"{self.executable} exited {exc.returncode}") from None
        return path


def join_utterances(parts: Sequence[str]) -> str:
    """One utterance from several screen texts, with sentence pauses between them."""
    cleaned = [p.strip().rstrip(".") for p in parts if p and p.strip()]
    return ". ".join(cleaned) + ("." if cleaned else "")
